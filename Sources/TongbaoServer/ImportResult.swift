import Foundation
import TongbaoCore
import TongbaoStore

/// What an import did (or, in a dry run, would do), as the upload preview shows it and the API returns it.
struct ImportResult: Codable, Sendable {
    struct Table: Codable, Sendable {
        var table: String
        var inserted: Int
        var updated: Int
        var unchanged: Int
    }
    struct Change: Codable, Sendable {
        var table: String
        var key: String
        var column: String
        var old: String?
        var new: String?
    }
    var dryRun: Bool
    var periods: [String]
    var tables: [Table]
    /// The first ``listed`` audited changes; `truncated` when there are more.
    var changes: [Change]
    var truncated: Bool
    var warnings: [IssueView]
    var version: Int?
    static let listed = 1000

    /// What `account` is shown: an admin every warning; anyone else only those of their own unit (the district's
    /// missing units and totals are not theirs to see).
    init(_ r: ImportReport, dryRun: Bool, version: Int? = nil, for account: Account) {
        self.dryRun = dryRun
        periods = r.periods.map(\.description)
        tables = r.writes.map {
            Table(table: $0.table, inserted: $0.inserted, updated: $0.updated, unchanged: $0.unchanged)
        }
        let all = r.writes.flatMap(\.changes)
        truncated = all.count > Self.listed
        changes = all.prefix(Self.listed).map {
            Change(table: $0.table, key: $0.key, column: $0.column, old: $0.old, new: $0.new)
        }
        // With the notices about case records' own rows, which any importer sees (its own cases only).
        let notices = r.notes.filter { $0.code == .keptReceivedDay }
        warnings = (notices + Self.visible(r.warnings, to: account, units: r.units)).map(IssueView.init)
        self.version = version
    }

    /// Warnings name a unit by its name (as the bulletin does), an account by its code; `units` is the directory.
    static func visible(_ warnings: [Issue], to account: Account, units: [OrgUnit]) -> [Issue] {
        guard account.role != .admin else { return warnings }
        guard let code = account.unit else { return [] }
        let own = units.first { $0.code == code }.map { [code, $0.name] } ?? [code]
        return warnings.filter { $0.code == .checksNotRun || ($0.unit.map(own.contains) ?? false) }
    }
}
