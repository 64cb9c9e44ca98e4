import Foundation
import TongbaoCore

/// A stored cell: an integer or a text, nil for "not reported"; bytes only for ingested case partitions.
public enum Cell: Sendable, Equatable {
    case int(Int?)
    case text(String?)
    case bytes(Data?)

    /// The canonical text compared for the audit log.
    public var text: String? {
        switch self {
        case .int(let v): return v.map(String.init)
        case .text(let v): return v
        case .bytes(let v): return v.map { "\($0.count) bytes" }
        }
    }

    var bind: any Encodable & Sendable {
        switch self {
        case .int(let v): return v
        case .text(let v): return v
        case .bytes(let v): return v
        }
    }
}

/// One row of a domain table as columns: key columns (besides `district`) and value columns.
public struct StoredRow: Sendable {
    public var table: String
    public var key: [(String, Cell)]
    public var values: [(String, Cell)]
    /// Value columns the input did not have: a stored row keeps its values there (a new row has none).
    public var absent: Set<String> = []

    public init(table: String, key: [(String, Cell)], values: [(String, Cell)], absent: Set<String> = []) {
        self.table = table
        self.key = key
        self.values = values
        self.absent = absent
    }

    /// The key as one text (`2021-07 C01`), as the audit log names rows.
    public var keyText: String { key.map { $0.1.text ?? "" }.joined(separator: " ") }
}

/// The columns of each domain table, for reading rows back generically.
struct TableSpec: Sendable {
    var name: String
    var key: [String]
    /// Value columns and whether each is an integer.
    var values: [(String, Bool)]
    /// A column restricting rows to periods, nil where the table is not by period.
    var periodColumn: String?

    static let all: [String: TableSpec] = [
        "units": .init(
            name: "units", key: ["code"],
            values: [
                ("name", false), ("tier", false), ("window", false), ("groups", false), ("aliases", false),
                ("ranked", true), ("sort_order", true),
            ], periodColumn: nil),
        "cases": .init(
            name: "cases", key: ["period", "unit"],
            values: [
                ("recv_immediate", true), ("recv_promised", true), ("done_immediate", true),
                ("done_promised", true), ("ytd_recv", true), ("ytd_done", true), ("proxy", true),
            ], periodColumn: "period"),
        "case_records": .init(
            name: "case_records", key: ["case_id"],
            values: [
                ("unit", false), ("item", false), ("category", false), ("kind", false), ("received_at", false),
                ("completed_at", false), ("promised_days", true), ("due_date", false), ("rating", false),
                ("scope", false), ("channel", false),
            ], periodColumn: nil),
        "tongban": .init(
            name: "tongban", key: ["period", "unit", "scope"], values: [("count", true), ("ytd", true)],
            periodColumn: "period"),
        "ancillary": .init(
            name: "ancillary", key: ["period", "service"], values: [("count", true), ("ytd", true)],
            periodColumn: "period"),
        "rubric": .init(
            name: "rubric", key: ["code"],
            values: [("section", false), ("name", false), ("max", false), ("sort_order", true)],
            periodColumn: nil),
        "evaluation": .init(
            name: "evaluation", key: ["period", "unit", "criterion"], values: [("score", false)], periodColumn: "period"
        ),
        "events": .init(name: "events", key: ["date", "text"], values: [], periodColumn: nil),
        "figures": .init(
            name: "figures", key: ["period", "key"], values: [("value", false), ("note", false)], periodColumn: "period"
        ),
        "meta": .init(
            name: "meta", key: ["period"],
            values: [
                ("title", false), ("issue", true), ("issuer", false), ("date", false), ("lead", false),
                ("excellent", true),
            ], periodColumn: "period"),
    ]
}

extension DataPackage {
    /// The package as stored rows, table by table in write order, converted a slice at a time.
    var storedTables: [StoredTable] {
        func t(_ s: String?) -> Cell { .text(s) }
        func i(_ v: Int?) -> Cell { .int(v) }
        func d(_ v: Decimal?) -> Cell { .text(v.map(Numbers.decimal)) }
        return [
            StoredTable("units", units, absent: absent[.units] ?? [:]) { u in
                StoredRow(
                    table: "units", key: [("code", t(u.code))],
                    values: [
                        ("name", t(u.name)), ("tier", t(u.tier.rawValue)), ("window", t(u.window)),
                        ("groups", t(u.groups.isEmpty ? nil : u.groups.joined(separator: ";"))),
                        ("aliases", t(u.aliases.isEmpty ? nil : u.aliases.joined(separator: ";"))),
                        ("ranked", i(u.ranked ? 1 : 0)), ("sort_order", i(u.order)),
                    ])
            },
            StoredTable("rubric", rubric, absent: absent[.rubric] ?? [:]) { c in
                StoredRow(
                    table: "rubric", key: [("code", t(c.code))],
                    values: [
                        ("section", t(c.section)), ("name", t(c.name)), ("max", d(c.max)),
                        ("sort_order", i(c.order)),
                    ])
            },
            StoredTable("meta", meta, absent: absent[.meta] ?? [:]) { m in
                StoredRow(
                    table: "meta", key: [("period", t(m.period.description))],
                    values: [
                        ("title", t(m.title)), ("issue", i(m.issue)), ("issuer", t(m.issuer)),
                        ("date", t(m.date?.description)), ("lead", t(m.lead)), ("excellent", i(m.excellent)),
                    ])
            },
            StoredTable("cases", cases, absent: absent[.cases] ?? [:]) { c in
                StoredRow(
                    table: "cases", key: [("period", t(c.period.description)), ("unit", t(c.unit))],
                    values: [
                        ("recv_immediate", i(c.recvImmediate)), ("recv_promised", i(c.recvPromised)),
                        ("done_immediate", i(c.doneImmediate)), ("done_promised", i(c.donePromised)),
                        ("ytd_recv", i(c.ytdRecv)), ("ytd_done", i(c.ytdDone)), ("proxy", i(c.proxy)),
                    ])
            },
            StoredTable("tongban", tongban, absent: absent[.tongban] ?? [:]) { r in
                StoredRow(
                    table: "tongban",
                    key: [("period", t(r.period.description)), ("unit", t(r.unit)), ("scope", t(r.scope))],
                    values: [("count", i(r.count)), ("ytd", i(r.ytd))])
            },
            StoredTable("ancillary", ancillary, absent: absent[.ancillary] ?? [:]) { r in
                StoredRow(
                    table: "ancillary", key: [("period", t(r.period.description)), ("service", t(r.service))],
                    values: [("count", i(r.count)), ("ytd", i(r.ytd))])
            },
            StoredTable("evaluation", evaluation, absent: absent[.evaluation] ?? [:]) { s in
                StoredRow(
                    table: "evaluation",
                    key: [("period", t(s.period.description)), ("unit", t(s.unit)), ("criterion", t(s.criterion))],
                    values: [("score", d(s.score))])
            },
            StoredTable("events", events) { e in
                StoredRow(table: "events", key: [("date", t(e.date.description)), ("text", t(e.text))], values: [])
            },
            StoredTable("figures", figures, absent: absent[.figures] ?? [:]) { f in
                StoredRow(
                    table: "figures", key: [("period", t(f.period.description)), ("key", t(f.key.description))],
                    values: [("value", d(f.value)), ("note", t(f.note))])
            },
        ]
    }
}

/// One table of a package, turned into stored rows a slice at a time so that a large table is not held twice.
struct StoredTable {
    var name: String
    var count: Int
    var rows: (Range<Int>) -> [StoredRow]

    /// `absent`: the package's absent columns of this table by row key, named as the package names them
    /// (`order` is stored as `sort_order`).
    init<T>(
        _ name: String, _ items: [T], absent: [String: Set<String>] = [:], _ transform: @escaping (T) -> StoredRow
    ) {
        self.name = name
        self.count = items.count
        self.rows = { range in
            items[range].map { item in
                var row = transform(item)
                if !absent.isEmpty, let missing = absent[row.keyText] {
                    row.absent = Set(missing.map { $0 == "order" ? "sort_order" : $0 })
                }
                return row
            }
        }
    }
}
