import Crypto
import Foundation
import SQLKit
import TongbaoCore

/// The tables of a district as plain columns, for moving a district from one store to another (SQLite to
/// PostgreSQL) and checking that nothing was lost.
struct CopySpec: Sendable {
    var table: String
    /// Columns and whether each is an integer.
    var columns: [(String, Bool)]
    /// How rows belong to the district: its `district` column, or (API tokens) the account's district.
    var byUser = false
    /// A unique column to page through a large table by; nil reads the table in one go.
    var pageKey: String?
    /// Binary columns (ingested case partitions).
    var bytes: Set<String> = []

    static var all: [CopySpec] {
        let domain = TableSpec.all.values.sorted { $0.name < $1.name }.map { spec in
            CopySpec(
                table: spec.name,
                columns: [("district", false)] + spec.key.map { ($0, false) } + spec.values + [("seq", true)],
                pageKey: spec.name == "case_records" ? "case_id" : nil)
        }
        let text = { (names: [String]) in names.map { ($0, false) } }
        return [CopySpec(table: "districts", columns: text(["code", "name", "city"]))] + domain + [
            CopySpec(
                table: "unit_versions",
                columns: text(["district", "code", "from_period", "name", "tier", "window", "groups", "aliases"])
                    + [("ranked", true), ("sort_order", true), ("seq", true)]),
            CopySpec(
                table: "audit",
                columns: text([
                    "district", "at", "actor", "source", "table_name", "row_key", "column_name", "old_value",
                    "new_value",
                ]) + [("seq", true)]),
            CopySpec(
                table: "users",
                columns: text(["name", "district", "role", "unit", "password_hash", "created_at"]) + [
                    ("disabled", true)
                ]),
            CopySpec(
                table: "api_tokens", columns: text(["token_hash", "user_name", "created_at", "expires_at"]),
                byUser: true),
            CopySpec(
                table: "publications",
                columns: text(["district", "period"]) + [("issue", true)]
                    + text([
                        "state", "published_at", "published_by", "reopened_at", "reopened_by", "reason", "markdown",
                        "html",
                        "json",
                    ]) + [("docx", false), ("xlsx", false)], bytes: ["docx", "xlsx"]),
            CopySpec(
                table: "case_partitions",
                columns: text(["district"]) + [("part", true), ("cases", true), ("data", false)],
                pageKey: "part", bytes: ["data"]),
            CopySpec(
                table: "case_index", columns: text(["district"]) + [("slot", true), ("data", false)],
                pageKey: "slot", bytes: ["data"]),
            CopySpec(
                table: "case_totals",
                columns: text(["district", "period", "unit"]) + CaseTotals.Figures.columns.map { ($0.column, true) }),
            CopySpec(
                table: "calendar_days", columns: text(["district", "day"]) + [("working", true), ("note", false)]),
            CopySpec(
                table: "case_followups", columns: text(["district", "case_id", "state", "note", "set_by", "set_at"])),
            CopySpec(table: "district_settings", columns: text(["district", "key", "value"])),
            CopySpec(
                table: "case_days", columns: text(["district", "period", "unit"]) + [("days", true), ("cases", true)]),
            CopySpec(
                table: "case_scopes", columns: text(["district", "period", "unit", "scope"]) + [("cases", true)]),
            CopySpec(
                table: "report_versions",
                columns: text(["district", "period", "unit"]) + [("version", true)] + text(["saved_by", "saved_at"])),
        ]
    }

    var filterColumn: String { table == "districts" ? "code" : "district" }
}

/// What moving one district copied, table by table.
public struct DistrictCopy: Sendable, Equatable {
    public var table: String
    public var rows: Int
    /// An order-independent digest of every row (the sum of 64-bit row hashes), equal on both sides when the
    /// rows are.
    public var digest: UInt64
}

extension SQLStore {
    /// Reads one page of a table's rows of `district`, in the order of its page key (all rows when the table is
    /// not paged).
    func copyRows(_ spec: CopySpec, district: String, after: Cell?, limit: Int) async throws -> [[Cell]] {
        try await serialized {
            var select = db.select().columns(spec.columns.map { SQLColumn($0.0, table: "t") })
                .from(SQLAlias(SQLIdentifier(spec.table), as: SQLIdentifier("t")))
            if spec.byUser {
                select = select.join(
                    SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), method: SQLJoinMethod.inner,
                    on: SQLColumn("name", table: "u"), .equal, SQLColumn("user_name", table: "t")
                ).where(SQLColumn("district", table: "u"), .equal, SQLBind(district))
            } else {
                select = select.where(SQLColumn(spec.filterColumn, table: "t"), .equal, SQLBind(district))
            }
            if let key = spec.pageKey {
                if let after { select = select.where(SQLColumn(key, table: "t"), .greaterThan, SQLBind(after.bind)) }
                select = select.orderBy(SQLColumn(key, table: "t")).limit(limit)
            }
            return try await select.all().map { row in
                try spec.columns.map { name, isInt in
                    if spec.bytes.contains(name) { return Cell.bytes(try row.decode(column: name, as: Data?.self)) }
                    return isInt
                        ? Cell.int(try row.decode(column: name, as: Int?.self))
                        : Cell.text(try row.decode(column: name, as: String?.self))
                }
            }
        }
    }

    /// Inserts copied rows as they are.
    func insertCopied(_ rows: [[Cell]], spec: CopySpec) async throws {
        for chunk in rows.chunked(Self.batchSize) {
            var insert = db.insert(into: spec.table).columns(spec.columns.map(\.0))
            for row in chunk { insert = insert.values(row.map(\.bind)) }
            try await insert.run()
        }
    }

    /// Every row of the district in `spec`'s table, a page at a time.
    func eachCopyPage(_ spec: CopySpec, district: String, _ body: ([[Cell]]) async throws -> Void) async throws {
        // A page of case partitions can be megabytes a row.
        let limit = spec.bytes.isEmpty ? 5000 : 16
        var after: Cell?
        while true {
            let page = try await copyRows(spec, district: district, after: after, limit: limit)
            if !page.isEmpty { try await body(page) }
            guard let key = spec.pageKey, page.count == limit,
                let index = spec.columns.firstIndex(where: { $0.0 == key }), let last = page.last?[index]
            else { return }
            after = last
        }
    }

    /// Row count and digest of every table of the district.
    public func copyDigest(district: String) async throws -> [DistrictCopy] {
        var out: [DistrictCopy] = []
        for spec in CopySpec.all {
            var result = DistrictCopy(table: spec.table, rows: 0, digest: 0)
            try await eachCopyPage(spec, district: district) { page in
                result.rows += page.count
                for row in page { result.digest &+= Self.rowHash(row) }
            }
            out.append(result)
        }
        return out
    }

    static func rowHash(_ row: [Cell]) -> UInt64 {
        var hasher = SHA256()
        for cell in row {
            switch cell {
            case .int(let v): hasher.update(data: Data("i\(v.map(String.init) ?? "∅")\u{1}".utf8))
            case .text(let v): hasher.update(data: Data("t\(v ?? "∅")\u{1}".utf8))
            case .bytes(let v):
                hasher.update(data: Data("b\(v?.count ?? -1)\u{1}".utf8))
                if let v { hasher.update(data: v) }
            }
        }
        return hasher.finalize().withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }
}

/// Moves a district's whole history (figures, case records, audit log, accounts, publications) from one store to
/// another in one transaction on the target, then checks it: every table's row count and digest, and every
/// month's bulletin, must be equal on both sides.
public struct DistrictMover: Sendable {
    public let source: SQLStore
    public let target: SQLStore

    public init(from source: SQLStore, to target: SQLStore) {
        self.source = source
        self.target = target
    }

    public enum Failure: Error, LocalizedError, Equatable {
        case unknownDistrict(String)
        case targetNotEmpty(String, table: String)
        case mismatch(String, table: String)
        case bulletinDiffers(String, period: String)

        public var errorDescription: String? {
            switch self {
            case .unknownDistrict(let d): return "源数据库中没有区县“\(d)”"
            case .targetNotEmpty(let d, let t): return "目标数据库已有区县“\(d)”的数据（表 \(t)），未迁移任何数据"
            case .mismatch(let d, let t): return "区县“\(d)”的表 \(t) 迁移后与源数据不一致"
            case .bulletinDiffers(let d, let p): return "区县“\(d)” \(p) 的通报迁移后与源数据不一致"
            }
        }
    }

    /// Copies `district`, then verifies it; returns what was copied.
    public func move(district: String, progress: (@Sendable (String) -> Void)? = nil) async throws -> [DistrictCopy] {
        guard try await source.district(district) != nil else { throw Failure.unknownDistrict(district) }
        for spec in CopySpec.all {
            if !(try await target.copyRows(spec, district: district, after: nil, limit: 1).isEmpty) {
                throw Failure.targetNotEmpty(district, table: spec.table)
            }
        }
        try await target.transaction {
            for spec in CopySpec.all {
                var copied = 0
                try await source.eachCopyPage(spec, district: district) { page in
                    try await target.insertCopied(page, spec: spec)
                    copied += page.count
                    progress?("\(district) \(spec.table)：\(copied) 行")
                }
            }
        }
        let (a, b) = (try await source.copyDigest(district: district), try await target.copyDigest(district: district))
        for (x, y) in zip(a, b) where x != y { throw Failure.mismatch(district, table: x.table) }
        for period in try await source.periods(district: district) {
            progress?("\(district) 核对 \(period) 通报")
            let left = try await Self.bulletinJSON(source, district, period)
            let right = try await Self.bulletinJSON(target, district, period)
            if left != right { throw Failure.bulletinDiffers(district, period: period.description) }
        }
        return a
    }

    /// Every figure of a month's bulletin, as canonical JSON.
    static func bulletinJSON(_ store: SQLStore, _ district: String, _ period: Period) async throws -> Data {
        let b = BulletinBuilder(data: try await store.load(district: district, period: period), period: period).build()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(b)
    }
}

extension SQLStore {
    /// Every month the district has anything for, in order.
    public func periods(district: String) async throws -> [Period] {
        try await reading {
            let rows = try await db.raw(
                """
                SELECT DISTINCT p FROM (
                    SELECT period AS p FROM cases WHERE district = \(bind: district)
                    UNION SELECT period AS p FROM tongban WHERE district = \(bind: district)
                    UNION SELECT period AS p FROM ancillary WHERE district = \(bind: district)
                    UNION SELECT period AS p FROM evaluation WHERE district = \(bind: district)
                    UNION SELECT period AS p FROM figures WHERE district = \(bind: district)
                    UNION SELECT period AS p FROM meta WHERE district = \(bind: district)
                    UNION SELECT substr(date, 1, 7) AS p FROM events WHERE district = \(bind: district)
                    UNION SELECT substr(received_at, 1, 7) AS p FROM case_records WHERE district = \(bind: district)
                    UNION SELECT substr(completed_at, 1, 7) AS p FROM case_records
                        WHERE district = \(bind: district) AND completed_at IS NOT NULL
                ) AS months
                """
            ).all()
            return try rows.compactMap { Period(parsing: try $0.decode(column: "p", as: String.self)) }.sorted()
        }
    }
}
