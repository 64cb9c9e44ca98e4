import Foundation
import SQLKit
import TongbaoCore

/// One audited change of a stored value.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var at: String
    public var actor: String
    public var source: String
    public var table: String
    public var key: String
    public var column: String
    public var old: String?
    public var new: String?
}

extension SQLStore {
    /// The audit log of a district, oldest first, optionally for one table.
    public func auditEntries(district: String, table: String? = nil) async throws -> [AuditEntry] {
        try await reading {
            let query =
                table.map {
                    db.raw(
                        "SELECT * FROM audit WHERE district = \(bind: district) AND table_name = \(bind: $0) ORDER BY at, seq"
                    )
                } ?? db.raw("SELECT * FROM audit WHERE district = \(bind: district) ORDER BY at, seq")
            return try await query.all().map(Self.auditEntry)
        }
    }

    static func auditEntry(_ r: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            at: try r.decode(column: "at", as: String.self), actor: try r.decode(column: "actor", as: String.self),
            source: try r.decode(column: "source", as: String.self),
            table: try r.decode(column: "table_name", as: String.self),
            key: try r.decode(column: "row_key", as: String.self),
            column: try r.decode(column: "column_name", as: String.self),
            old: try r.decode(column: "old_value", as: String?.self),
            new: try r.decode(column: "new_value", as: String?.self))
    }

    /// The newest `limit` entries of a district's log that match, and how many match in all. Filters left empty
    /// match everything; else a word of the row's key is the unit (given by its code, name or alias), a word is the
    /// month or starts with it and "-" (a day of it), and the actor is the actor. A log of millions is read `limit`
    /// rows at a time, never whole.
    public func recentAudit(district: String, unit: String, period: String, actor: String, limit: Int)
        async throws -> (entries: [AuditEntry], total: Int)
    {
        // Keys hold units by code: a name or an alias is looked up (the page, the API and the command alike).
        let unit = unit.isEmpty ? unit : UnitDirectory(try await units(district: district)).resolve(unit) ?? unit
        // Words are found by position, not LIKE: PostgreSQL's LIKE and SQLite's differ on case, and a `%` or `_`
        // typed into the filter is no pattern.
        let find = backend == .postgres ? "strpos" : "instr"
        var filter: [SQLQueryString] = ["district = \(bind: district)"]
        if !actor.isEmpty { filter.append("actor = \(bind: actor)") }
        if !unit.isEmpty { filter.append("\(unsafeRaw: find)(' ' || row_key || ' ', \(bind: " \(unit) ")) > 0") }
        if !period.isEmpty {
            filter.append(
                """
                (\(unsafeRaw: find)(' ' || row_key || ' ', \(bind: " \(period) ")) > 0
                OR \(unsafeRaw: find)(' ' || row_key, \(bind: " \(period)-")) > 0)
                """)
        }
        let clause = filter.joined(separator: " AND ")
        return try await reading {
            let total =
                try await db.raw("SELECT COUNT(*) AS n FROM audit WHERE \(clause)").first()?.decode(
                    column: "n", as: Int.self) ?? 0
            let rows = try await db.raw(
                "SELECT * FROM audit WHERE \(clause) ORDER BY at DESC, seq DESC LIMIT \(bind: max(0, limit))"
            ).all()
            return (try rows.map(Self.auditEntry), total)
        }
    }

    /// Row counts of every table: equal fingerprints before and after a refused import show nothing was saved.
    public func fingerprint() async throws -> String {
        try await serialized {
            var parts: [String] = []
            for table in (["districts", "audit"] + TableSpec.all.keys).sorted() {
                let n =
                    try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(
                        column: "n", as: Int.self)
                    ?? 0
                parts.append("\(table)=\(n)")
            }
            return parts.joined(separator: " ")
        }
    }
}

extension SQLStore {
    /// SQLite's own consistency check: `ok` for a sound file (PostgreSQL checks itself: always `ok`).
    public func integrityCheck() async throws -> String {
        if backend == .postgres { return "ok" }
        return try await serialized {
            try await db.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self) ?? ""
        }
    }
}
