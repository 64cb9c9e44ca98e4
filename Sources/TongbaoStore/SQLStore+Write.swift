import Foundation
import SQLKit
import TongbaoCore

/// Who changes figures, and through what, for the audit log.
public struct Change: Sendable {
    public var actor: String
    public var source: String
    public var at: Date
    public init(actor: String, source: String, at: Date = Date()) {
        self.actor = actor
        self.source = source
        self.at = at
    }
}

/// What a write did to one table.
public struct TableWrite: Sendable, Equatable {
    public var table: String
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    /// The audited changes (old → new per value), the first ``listedChanges`` of them, for a preview.
    public var changes: [AuditEntry] = []
    public static let listedChanges = 5000

    /// Adds the counts of another write of the same table.
    mutating func add(_ other: TableWrite) {
        inserted += other.inserted
        updated += other.updated
        unchanged += other.unchanged
        changes += other.changes.prefix(max(0, Self.listedChanges - changes.count))
    }
}

extension SQLStore {
    static let batchSize = 2000

    /// Writes rows of one table (insert, or replace by key), auditing every changed or new value.
    /// Case records are audited when they change, not when first inserted (a platform export is large).
    public func write(
        _ rows: [StoredRow], table: String, district: String, change: Change, mayReplace: Bool = true
    ) async throws -> TableWrite {
        try await serialized {
            var result = TableWrite(table: table)
            guard !rows.isEmpty, let spec = TableSpec.all[table] else { return result }
            let existing = mayReplace ? try await existingRows(spec, district: district, rows: rows) : [:]
            var seq: Int? = nil  // read at the first new row: a save that only changes rows needs none
            var toWrite: [(StoredRow, Int?)] = []
            var audit: [[any Encodable & Sendable]] = []
            let at = Self.timestamp(change.at)
            func log(_ key: String, _ column: String, _ old: String?, _ new: String?) {
                audit.append([district, at, change.actor, change.source, table, key, column, old, new, audit.count])
                if result.changes.count < TableWrite.listedChanges {
                    result.changes.append(
                        AuditEntry(
                            at: at, actor: change.actor, source: change.source, table: table, key: key, column: column,
                            old: old, new: new))
                }
            }
            for var row in rows {
                let key = row.keyText
                if let old = existing[key] {
                    // A column the input did not have keeps its stored value.
                    if !row.absent.isEmpty {
                        row.values = row.values.map { column, cell in
                            guard row.absent.contains(column) else { return (column, cell) }
                            return (column, Self.cell(old[column] ?? nil, like: cell))
                        }
                    }
                    let diffs = row.values.filter { old[$0.0] != $0.1.text }
                    if diffs.isEmpty {
                        result.unchanged += 1
                        continue
                    }
                    result.updated += 1
                    for (col, cell) in diffs { log(key, col, old[col] ?? nil, cell.text) }
                    toWrite.append((row, nil))
                } else {
                    result.inserted += 1
                    if table != "case_records" {
                        if row.values.isEmpty { log(key, "*", nil, key) }
                        for (col, cell) in row.values where cell.text != nil { log(key, col, nil, cell.text) }
                    }
                    if seq == nil { seq = try await nextSeq(table, district: district) }
                    let next = seq!
                    toWrite.append((row, next))
                    seq = next + 1
                }
            }
            try await upsert(toWrite, spec: spec, district: district)
            if table == "rubric" && !toWrite.isEmpty { try await bumpDirectoryStamp(district: district) }
            let auditColumns = [
                "district", "at", "actor", "source", "table_name", "row_key", "column_name", "old_value",
                "new_value", "seq",
            ]
            for chunk in audit.chunked(Self.batchSize) {
                var insert = db.insert(into: "audit").columns(auditColumns)
                for values in chunk { insert = insert.values(values) }
                try await insert.run()
            }
            return result
        }
    }

    /// A stored text back as a cell of the kind of `like`.
    static func cell(_ text: String?, like: Cell) -> Cell {
        switch like {
        case .int: return .int(text.flatMap { Int($0) })
        case .text: return .text(text)
        case .bytes: return like
        }
    }

    func upsert(_ rows: [(StoredRow, Int?)], spec: TableSpec, district: String) async throws {
        guard let first = rows.first?.0 else { return }
        let keyColumns = ["district"] + first.key.map(\.0)
        let valueColumns = first.values.map(\.0)
        for chunk in rows.chunked(Self.batchSize) {
            var insert = db.insert(into: spec.name).columns(keyColumns + valueColumns + ["seq"])
            for (row, seq) in chunk {
                let binds: [any Encodable & Sendable] = [district] + row.key.map(\.1.bind) + row.values.map(\.1.bind)
                insert = insert.values(binds + [seq ?? 0])
            }
            if valueColumns.isEmpty {
                insert = insert.ignoringConflicts(with: keyColumns)
            } else {
                insert = insert.onConflict(with: keyColumns) { update in
                    valueColumns.reduce(update) { $0.set(excludedValueOf: $1) }
                }
            }
            try await insert.run()
        }
    }

    public func hasRows(_ table: String, district: String) async throws -> Bool {
        try await reading {
            try await db.raw("SELECT 1 AS x FROM \(ident: table) WHERE district = \(bind: district) LIMIT 1").first()
                != nil
        }
    }

    /// The next row number of the district's rows of `table`: rows are read back in this order within a district
    /// (no order holds across districts, so districts write side by side).
    func nextSeq(_ table: String, district: String) async throws -> Int {
        let row = try await db.raw(
            "SELECT COALESCE(MAX(seq), 0) AS m FROM \(ident: table) WHERE district = \(bind: district)"
        ).first()
        return (try row?.decode(column: "m", as: Int.self) ?? 0) + 1
    }

    /// Stored rows with the same keys as `rows`, by key text, as column → canonical text.
    func existingRows(_ spec: TableSpec, district: String, rows: [StoredRow]) async throws -> [String: [String:
        String?]]
    {
        var out: [String: [String: String?]] = [:]
        let columns = spec.key + spec.values.map(\.0)
        func collect(_ fetched: [any SQLRow]) throws {
            for r in fetched {
                var cells: [String: String?] = [:]
                var keyParts: [String] = []
                for k in spec.key { keyParts.append(try r.decode(column: k, as: String.self)) }
                for (c, isInt) in spec.values {
                    cells[c] =
                        isInt
                        ? try r.decode(column: c, as: Int?.self).map(String.init)
                        : try r.decode(column: c, as: String?.self)
                }
                out[keyParts.joined(separator: " ")] = cells
            }
        }
        let select = SQLRaw(columns.map { "\"\($0)\"" }.joined(separator: ", "))
        if let periodColumn = spec.periodColumn {
            let periods = Array(Set(rows.compactMap { row in row.key.first { $0.0 == periodColumn }?.1.text }))
            for chunk in periods.chunked(Self.batchSize) {
                try collect(
                    try await db.raw(
                        "SELECT \(select) FROM \(ident: spec.name) WHERE district = \(bind: district) AND \(ident: periodColumn) IN (\(binds: chunk.map { $0 as any Encodable & Sendable }))"
                    ).all())
            }
        } else if spec.name == "case_records" {
            let ids = rows.map(\.keyText)
            for chunk in ids.chunked(Self.batchSize) {
                try collect(
                    try await db.raw(
                        "SELECT \(select) FROM case_records WHERE district = \(bind: district) AND case_id IN (\(binds: chunk.map { $0 as any Encodable & Sendable }))"
                    ).all())
            }
        } else {
            try collect(
                try await db.raw("SELECT \(select) FROM \(ident: spec.name) WHERE district = \(bind: district)").all())
        }
        return out
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
