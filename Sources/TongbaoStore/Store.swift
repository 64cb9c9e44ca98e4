import Foundation
import TongbaoCore

/// Where Tongbao keeps a district's figures: one small protocol per concern, joined as ``Store``. ``SQLStore``
/// (SQLite, the embedded default, and PostgreSQL for cities and provinces) implements them all, and one contract
/// test suite runs against both databases.
///
/// Every row belongs to a district (tenant). Writes go through ``FigureStore/write(_:table:district:change:mayReplace:)``
/// inside ``FigureStore/transaction(district:commit:_:)``, so an import is all-or-nothing and every changed value
/// reaches the audit log.
public typealias Store = DistrictStore & TemplateStore & DirectoryStore & FigureStore & AccountStore
    & PublicationStore & CaseStore

/// Districts (tenants), the cities that read them, and their settings (`SQLStore.swift`, `SQLStore+Cases.swift`).
public protocol DistrictStore: Sendable {
    /// The district, created with `name` when absent; a non-empty `name` renames it.
    @discardableResult
    func ensureDistrict(_ code: String, name: String?) async throws -> District
    func district(_ code: String) async throws -> District?
    /// Every district (tenant) in the store.
    func districts() async throws -> [District]
    /// The districts a city account reads.
    func districts(ofCity city: String) async throws -> [District]
    func city(of district: String) async throws -> String?
    func setting(district: String, _ key: SQLStore.SettingKey) async throws -> String?
    func setSetting(district: String, _ key: SQLStore.SettingKey, _ value: String?, change: Change) async throws
    /// Migrations not run yet (a health check: the database answers and its schema is current when empty).
    func pendingMigrations() async throws -> [String]
}

/// Bulletin templates and each district's choice (`SQLStore+Templates.swift`).
public protocol TemplateStore: Sendable {
    func templateChoice(district: String) async throws -> TemplateChoice
    func templates(owner: String) async throws -> [StoredTemplate]
    func templateVersions(owner: String, name: String) async throws -> [StoredTemplate]
    func template(owner: String, name: String, version: Int?) async throws -> StoredTemplate?
    func saveTemplate(owner: String, name: String, body: String, change: Change) async throws -> (
        version: Int, saved: Bool
    )
}

/// The unit directory with its history, and the scoring rubric (`SQLStore+Units.swift`, `SQLStore+Read.swift`,
/// `SQLStore+Directory.swift`).
public protocol DirectoryStore: Sendable {
    /// The district's directory, rubric and calendar, held until any of them changes; nil for an unknown district.
    func directory(district: String) async throws -> DirectoryState?
    func units(district: String) async throws -> [OrgUnit]
    /// The directory as it was in `period` (each unit's version in force then).
    func units(district: String, asOf period: Period) async throws -> [OrgUnit]
    /// Writes changes to units effective from a month, keeping their history (``SQLStore/writeUnits``).
    func writeUnits(
        _ units: [OrgUnit], absent: [String: Set<String>], from: [String: Period], defaultFrom: Period?,
        frozen: [Period], district: String, change: Change
    ) async throws -> TableWrite
    func rubric(district: String) async throws -> [Criterion]
}

/// The monthly figures: reading a month's window, writing rows with their audit, and the transactions around
/// them (`SQLStore+Read.swift`, `SQLStore+Write.swift`, `SQLStore+Records.swift`, `SQLStore+Audit.swift`).
public protocol FigureStore: Sendable {
    /// Everything a bulletin of `period` reads (``DistrictData/window(for:)``), case records aggregated.
    func load(district: String, period: Period) async throws -> DistrictData
    /// ``load(district:period:)`` of one unit's own rows only (its checks read nothing else), or all with nil.
    func load(district: String, period: Period, unit: String?) async throws -> DistrictData
    /// Runs `body` in one transaction: committed when it returns (rolled back when `commit` is false), rolled back
    /// when it throws.
    func transaction<T>(commit: Bool, _ body: () async throws -> T) async throws -> T
    func transaction<T>(district: String?, commit: Bool, _ body: () async throws -> T) async throws -> T
    /// Runs `body` with the store to itself (no other task's statements in between); reentrant.
    func serialized<T>(_ body: () async throws -> T) async throws -> T
    /// Inserts rows of one table, or replaces them by key, auditing every new or changed value. With
    /// `mayReplace` false the caller knows no row with these keys is stored, and nothing is looked up.
    func write(_ rows: [StoredRow], table: String, district: String, change: Change, mayReplace: Bool) async throws
        -> TableWrite
    /// One unit-month's reported rows (cases.csv and 通办), without the district's window.
    func reportRows(district: String, unit: String, period: Period) async throws -> (CaseRow?, [TongbanRow])
    /// The latest month with data, nil for none.
    func latestPeriod(district: String) async throws -> Period?
    /// Whether the district has any row in the table.
    func hasRows(_ table: String, district: String) async throws -> Bool
    /// Those of `keys` that have case records (received or completed in the month).
    func unitMonthsWithRecords(district: String, _ keys: Set<UnitMonth>) async throws -> Set<UnitMonth>
    /// Those of `keys` that have a monthly row (cases.csv).
    func unitMonthsWithCases(district: String, _ keys: Set<UnitMonth>) async throws -> Set<UnitMonth>
    func tongbanScopes(district: String) async throws -> Set<String>
    /// The 通办 scopes of the rows in `period`'s window (``DistrictData/window(for:)``), in the order they were
    /// first stored: the rows of a unit's report form.
    func tongbanScopes(district: String, period: Period) async throws -> [String]
    /// The audit log of a district, oldest first, optionally of one table.
    func auditEntries(district: String, table: String?) async throws -> [AuditEntry]
    func recentAudit(district: String, unit: String, period: String, actor: String, limit: Int)
        async throws -> (entries: [AuditEntry], total: Int)
}

/// Accounts, sessions and API tokens: hashes only (`SQLStore+Accounts.swift`).
public protocol AccountStore: Sendable {
    func addUser(_ account: Account, passwordHash: String, at: Date, change: Change?) async throws
    func account(_ name: String) async throws -> (Account, passwordHash: String)?
    func accountExists(_ name: String) async throws -> Bool
    func setPassword(_ name: String, passwordHash: String, change: Change?) async throws
    func users(district: String) async throws -> [Account]
    func createSession(tokenHash: String, user: String, csrf: String, created: Date, expires: Date) async throws
    func session(tokenHash: String, now: Date, idle: TimeInterval) async throws -> (Account, csrf: String)?
    func deleteSession(tokenHash: String) async throws
    func addToken(tokenHash: String, user: String, at: Date, expires: Date, change: Change?) async throws
    func account(tokenHash: String, now: Date) async throws -> Account?
    func tokens(user: String) async throws -> [APIToken]
    func revokeToken(user: String, id: String, change: Change?) async throws -> Bool
    func deleteUser(_ name: String, change: Change?) async throws
    func setDisabled(_ name: String, _ disabled: Bool, change: Change?) async throws
}

/// Publication of a month, the unit-months' report versions, and work events (`SQLStore+Publication.swift`).
public protocol PublicationStore: Sendable {
    func publication(district: String, period: Period) async throws -> Publication?
    func publications(district: String) async throws -> [Publication]
    func publishedDocument(district: String, period: Period, format: String) async throws -> String?
    func publishedFile(district: String, period: Period, format: String) async throws -> Data?
    func publish(district: String, period: Period, issue: Int, documents: PublishedCopy, note: String?, change: Change)
        async throws
    func reopen(district: String, period: Period, reason: String, change: Change) async throws
    /// Those of `periods` that are published and frozen: nothing writes to them.
    func frozenPeriods(district: String, _ periods: Set<Period>) async throws -> Set<Period>
    func reportVersion(district: String, period: Period, unit: String) async throws -> ReportVersion
    /// A unit-month as a form or the API shows it for editing, nil when the directory has no such unit.
    func editableReport(district: String, unit: String, period: Period) async throws -> EditableReport?
    @discardableResult
    func advanceReportVersion(district: String, period: Period, unit: String, change: Change) async throws -> Int
    @discardableResult
    func deleteEvent(district: String, _ event: Event, change: Change) async throws -> Bool
}

/// Ingested case records, their follow-up and the working calendar their deadlines count in
/// (`SQLStore+Cases.swift`).
public protocol CaseStore: Sendable {
    func casePartitionDays(district: String, in days: ClosedRange<Int>?) async throws -> [Int]
    func casePartition(district: String, day: Int) async throws -> [CaseState]
    func followUps(district: String) async throws -> [String: FollowUp]
    func setFollowUp(district: String, caseID: String, state: FollowUp.State, note: String, change: Change) async throws
    /// The shipped holidays with the district's own days (deadlines count its working days).
    func workCalendar(district: String) async throws -> WorkCalendar
    func calendarDays(district: String) async throws -> [WorkCalendar.Entry]
    func saveCalendarDays(_ entries: [WorkCalendar.Entry], district: String, change: Change) async throws -> Int
    func recomputeCaseTotals(district: String, calendar: WorkCalendar, change: Change) async throws -> [Period]
}

extension SQLStore: DistrictStore, TemplateStore, DirectoryStore, FigureStore, AccountStore, PublicationStore,
    CaseStore
{}

/// Account changes without anyone to name in the audit log: set-up and tests. The product's every path names
/// who made the change.
extension AccountStore {
    public func addUser(_ account: Account, passwordHash: String, at: Date) async throws {
        try await addUser(account, passwordHash: passwordHash, at: at, change: nil)
    }
    public func setPassword(_ name: String, passwordHash: String) async throws {
        try await setPassword(name, passwordHash: passwordHash, change: nil)
    }
    public func addToken(tokenHash: String, user: String, at: Date, expires: Date) async throws {
        try await addToken(tokenHash: tokenHash, user: user, at: at, expires: expires, change: nil)
    }
    public func setDisabled(_ name: String, _ disabled: Bool) async throws {
        try await setDisabled(name, disabled, change: nil)
    }
}

/// A unit-month's report as shown for editing: its version, read before its rows. A save committed in between
/// shows as newer rows under the older version, so a save based on them conflicts instead of overwriting it; the
/// other order could pair older rows with the newer version and lose that save.
public struct EditableReport: Sendable {
    public var version: ReportVersion
    /// Nil when the unit has no cases.csv row that month.
    public var cases: CaseRow?
    public var tongban: [TongbanRow]
}
