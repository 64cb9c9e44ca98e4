import Foundation
import TongbaoCore

/// Where Tongbao keeps a district's figures. ``SQLStore`` (SQLite, the embedded default) implements it; a
/// PostgreSQL backend for cities and provinces implements the same protocol, and one contract test suite runs
/// against both.
///
/// Every row belongs to a district (tenant). Writes go through ``write(_:table:district:change:)`` inside
/// ``transaction(commit:_:)``, so an import is all-or-nothing and every changed value reaches the audit log.
public protocol Store: Sendable {
    /// The district, created with `name` when absent; a non-empty `name` renames it.
    @discardableResult
    func ensureDistrict(_ code: String, name: String?) async throws -> District
    func district(_ code: String) async throws -> District?
    func units(district: String) async throws -> [OrgUnit]
    func rubric(district: String) async throws -> [Criterion]
    /// Everything a bulletin of `period` reads (``DistrictData/window(for:)``), case records aggregated.
    func load(district: String, period: Period) async throws -> DistrictData
    /// Runs `body` in one transaction: committed when it returns (rolled back when `commit` is false), rolled back
    /// when it throws.
    func transaction<T>(commit: Bool, _ body: () async throws -> T) async throws -> T
    /// Inserts rows of one table, or replaces them by key, auditing every new or changed value. With
    /// `mayReplace` false the caller knows no row with these keys is stored, and nothing is looked up.
    func write(_ rows: [StoredRow], table: String, district: String, change: Change, mayReplace: Bool) async throws
        -> TableWrite
    /// Whether the district has any row in the table.
    func hasRows(_ table: String, district: String) async throws -> Bool
    /// Those of `keys` that have case records (received or completed in the month).
    func unitMonthsWithRecords(district: String, _ keys: Set<UnitMonth>) async throws -> Set<UnitMonth>
    /// Those of `keys` that have a monthly row (cases.csv).
    func unitMonthsWithCases(district: String, _ keys: Set<UnitMonth>) async throws -> Set<UnitMonth>
    /// The audit log of a district, oldest first, optionally of one table.
    func auditEntries(district: String, table: String?) async throws -> [AuditEntry]
}

extension SQLStore: Store {}
