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
        warnings = Self.visible(r.warnings, to: account).map(IssueView.init)
        self.version = version
    }

    static func visible(_ warnings: [Issue], to account: Account) -> [Issue] {
        account.role == .admin ? warnings : warnings.filter { $0.unit != nil && $0.unit == account.unit }
    }
}
