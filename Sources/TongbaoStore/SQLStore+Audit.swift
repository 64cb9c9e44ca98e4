import Foundation
import SQLKit

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
            let rows = try await query.all()
            return try rows.map { r in
                AuditEntry(
                    at: try r.decode(column: "at", as: String.self),
                    actor: try r.decode(column: "actor", as: String.self),
                    source: try r.decode(column: "source", as: String.self),
                    table: try r.decode(column: "table_name", as: String.self),
                    key: try r.decode(column: "row_key", as: String.self),
                    column: try r.decode(column: "column_name", as: String.self),
                    old: try r.decode(column: "old_value", as: String?.self),
                    new: try r.decode(column: "new_value", as: String?.self))
            }
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
