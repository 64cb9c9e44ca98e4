import Foundation
import SQLKit
import TongbaoCore

/// Ingested case records: day partitions and the monthly totals derived from them.
extension Int {
    func floorDivided(by d: Int) -> Int { self >= 0 ? self / d : -((-self + d - 1) / d) }
}

extension CaseTotals.Figures {
    /// The figures' columns in `case_totals`, in the table's order: read, written, copied and audited from this
    /// one list (the schema, which migrations grow, is the only other place that names them).
    /// (Key paths are immutable; the standard library does not mark them `Sendable`.)
    nonisolated(unsafe) static let columns: [(column: String, figure: WritableKeyPath<Self, Int>)] = [
        ("recv_immediate", \.recvImmediate), ("recv_promised", \.recvPromised), ("done_immediate", \.doneImmediate),
        ("done_promised", \.donePromised), ("approval", \.approval), ("service", \.service), ("on_time", \.onTime),
        ("rated", \.rated), ("satisfied", \.satisfied), ("days_total", \.daysTotal), ("rejected", \.rejected),
        ("returned", \.returned), ("early", \.early), ("unfavourable", \.unfavourable), ("online", \.online),
        ("work_days_total", \.workDaysTotal),
    ]
}

extension SQLStore {
    /// The cases received on `day` (a day number), every bucket; empty when none were ingested.
    public func casePartition(district: String, day: Int) async throws -> [CaseState] {
        var out: [CaseState] = []
        let rows = try await db.raw(
            """
            SELECT data FROM case_partitions WHERE district = \(bind: district)
            AND part >= \(bind: day * CasePartition.buckets) AND part < \(bind: (day + 1) * CasePartition.buckets) ORDER BY part
            """
        ).all()
        for row in rows {
            do { out += try CasePartition.decode([UInt8](try row.decode(column: "data", as: Data.self))) } catch {
                throw StoreError.corruptRow(table: "case_partitions", key: "\(district) \(day)")
            }
        }
        return out
    }

    /// The stored partitions of one day, by bucket: one statement for the day's buckets.
    public func casePartitions(district: String, day: Int) async throws -> [Int: [UInt8]] {
        let b = CasePartition.buckets
        var out: [Int: [UInt8]] = [:]
        for r in try await db.raw(
            """
            SELECT part, data FROM case_partitions WHERE district = \(bind: district)
            AND part >= \(bind: day * b) AND part < \(bind: (day + 1) * b)
            """
        ).all() {
            out[try r.decode(column: "part", as: Int.self) - day * b] = [UInt8](
                try r.decode(column: "data", as: Data.self))
        }
        return out
    }

    /// Writes (inserts or replaces) partitions of one day in one statement.
    public func writeCasePartitions(district: String, day: Int, _ parts: [(bucket: Int, count: Int, bytes: [UInt8])])
        async throws
    {
        guard !parts.isEmpty else { return }
        let rows = parts.map { p -> SQLQueryString in
            "(\(bind: district), \(bind: day * CasePartition.buckets + p.bucket), \(bind: p.count), \(bind: Data(p.bytes)))"
        }
        try await db.raw(
            """
            INSERT INTO case_partitions (district, part, cases, data) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (district, part) DO UPDATE SET cases = excluded.cases, data = excluded.data
            """
        ).run()
    }

    /// Days holding cases, within `days` when given.
    public func casePartitionDays(district: String, in days: ClosedRange<Int>? = nil) async throws -> [Int] {
        let b = CasePartition.buckets
        let lo = (days?.lowerBound ?? -1_000_000) * b
        let hi = ((days?.upperBound ?? 1_000_000) + 1) * b
        let parts = try await db.raw(
            """
            SELECT part FROM case_partitions WHERE district = \(bind: district) AND part >= \(bind: lo)
            AND part < \(bind: hi) ORDER BY part
            """
        ).all().map { try $0.decode(column: "part", as: Int.self) }
        var days: [Int] = []
        for p in parts where days.last != p.floorDivided(by: b) { days.append(p.floorDivided(by: b)) }
        return days
    }

    /// The stored totals of the months in `periods` (all of them when nil), of one unit only with `unit`.
    public func caseTotals(district: String, periods: Set<Period>? = nil, unit only: String? = nil) async throws
        -> CaseTotals
    {
        func within(_ p: String) -> Bool { periods.map { ps in Period(parsing: p).map(ps.contains) ?? false } ?? true }
        let ofUnit = Self.ofUnit(only)
        var totals = CaseTotals()
        for r in try await db.raw("SELECT * FROM case_totals WHERE district = \(bind: district) AND \(ofUnit)").all() {
            let p = try r.decode(column: "period", as: String.self)
            guard within(p), let period = Period(parsing: p) else { continue }
            var f = CaseTotals.Figures()
            for (column, figure) in CaseTotals.Figures.columns {
                f[keyPath: figure] = try r.decode(column: column, as: Int.self)
            }
            totals.figures[.init(period: period, unit: try r.decode(column: "unit", as: String.self))] = f
        }
        for r in try await db.raw("SELECT * FROM case_days WHERE district = \(bind: district) AND \(ofUnit)").all() {
            let p = try r.decode(column: "period", as: String.self)
            guard within(p), let period = Period(parsing: p) else { continue }
            let key = CaseTotals.Key(period: period, unit: try r.decode(column: "unit", as: String.self))
            totals.days[key, default: [:]][try r.decode(column: "days", as: Int.self)] = try r.decode(
                column: "cases", as: Int.self)
        }
        for r in try await db.raw("SELECT * FROM case_scopes WHERE district = \(bind: district) AND \(ofUnit)").all() {
            let p = try r.decode(column: "period", as: String.self)
            guard within(p), let period = Period(parsing: p) else { continue }
            let key = CaseTotals.Key(period: period, unit: try r.decode(column: "unit", as: String.self))
            totals.scopes[key, default: [:]][try r.decode(column: "scope", as: String.self)] = try r.decode(
                column: "cases", as: Int.self)
        }
        return totals
    }

    /// Replaces the stored totals of every (period, unit) in `totals` by its figures.
    public func replaceCaseTotals(district: String, _ totals: CaseTotals) async throws {
        let keys = Set(totals.figures.keys).union(totals.days.keys).union(totals.scopes.keys).sorted()
        // A year of a district is some 600 unit-months with 6,000 day counts: a few statements, not one a row.
        for start in stride(from: 0, to: keys.count, by: 300) {
            let pairs = keys[start..<min(start + 300, keys.count)].map { k -> SQLQueryString in
                "(\(bind: k.period.description), \(bind: k.unit))"
            }
            for table in ["case_totals", "case_days", "case_scopes"] {
                try await db.raw(
                    """
                    DELETE FROM \(ident: table) WHERE district = \(bind: district)
                    AND (period, unit) IN (VALUES \(pairs.joined(separator: ", ")))
                    """
                ).run()
            }
        }
        var figures: [[any Encodable & Sendable]] = []
        var days: [[any Encodable & Sendable]] = []
        var scopes: [[any Encodable & Sendable]] = []
        for k in keys {
            let (p, u) = (k.period.description, k.unit)
            if let f = totals.figures[k], !f.isZero {
                figures.append([district, p, u] + CaseTotals.Figures.columns.map { f[keyPath: $0.figure] })
            }
            for (d, n) in (totals.days[k] ?? [:]).sorted(by: { $0.key < $1.key }) where n != 0 {
                days.append([district, p, u, d, n])
            }
            for (scope, n) in (totals.scopes[k] ?? [:]).sorted(by: { $0.key < $1.key }) where n != 0 {
                scopes.append([district, p, u, scope, n])
            }
        }
        try await insertMany(
            "case_totals", ["district", "period", "unit"] + CaseTotals.Figures.columns.map(\.column), figures)
        try await insertMany("case_days", ["district", "period", "unit", "days", "cases"], days)
        try await insertMany("case_scopes", ["district", "period", "unit", "scope", "cases"], scopes)
    }

    /// Inserts `rows` (values in the order of `columns`) a few hundred at a time: one statement each, within
    /// SQLite's 32,766 values a statement.
    func insertMany(_ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws {
        let chunk = max(1, min(500, 30_000 / max(1, columns.count)))
        for start in stride(from: 0, to: rows.count, by: chunk) {
            var insert = db.insert(into: table).columns(columns)
            for row in rows[start..<min(start + chunk, rows.count)] {
                insert = insert.values(row.map { SQLBind($0) as any SQLExpression })
            }
            try await insert.run()
        }
    }
}

// MARK: - The district's calendar

extension SQLStore {
    /// The shipped notices with the district's own days (``WorkCalendar/adding(_:)``).
    public func workCalendar(district: String) async throws -> WorkCalendar {
        let own = try await calendarDays(district: district)
        return own.isEmpty ? .china : WorkCalendar.china.adding(own)
    }

    /// The district's own days, by date.
    public func calendarDays(district: String) async throws -> [WorkCalendar.Entry] {
        try await reading {
            try await db.raw("SELECT * FROM calendar_days WHERE district = \(bind: district) ORDER BY day").all()
                .compactMap { r -> WorkCalendar.Entry? in
                    guard let day = Day(parsing: try r.decode(column: "day", as: String.self)) else { return nil }
                    return WorkCalendar.Entry(
                        day: day, working: try r.decode(column: "working", as: Int.self) != 0,
                        note: try r.decode(column: "note", as: String.self))
                }
        }
    }

    /// Adds or replaces the district's days, auditing each change (table `calendar_days`, key the date).
    public func saveCalendarDays(_ entries: [WorkCalendar.Entry], district: String, change: Change) async throws
        -> Int
    {
        try await transaction(district: district) {
            let old = Dictionary(
                try await calendarDays(district: district).map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
            var changed = 0
            for e in entries where old[e.day] != e {
                try await db.raw(
                    "DELETE FROM calendar_days WHERE district = \(bind: district) AND day = \(bind: e.day.description)"
                ).run()
                try await db.raw(
                    """
                    INSERT INTO calendar_days (district, day, working, note)
                    VALUES (\(bind: district), \(bind: e.day.description), \(bind: e.working ? 1 : 0), \(bind: e.note))
                    """
                ).run()
                func text(_ x: WorkCalendar.Entry?) -> String? { x.map { ($0.working ? "上班" : "放假") + " " + $0.note } }
                try await appendAudit(
                    district: district, change: change, table: "calendar_days", key: e.day.description,
                    column: "working", old: text(old[e.day]), new: text(e))
                changed += 1
            }
            if changed > 0 { try await bumpDirectoryStamp(district: district) }
            return changed
        }
    }
}

extension SQLStore {
    /// The audit entries of one unit-month's figures from case records that differ between `before` and `after`:
    /// every figure of `case_totals`, and the 通办 count of each scope (`case_scopes`, column 通办·scope). (The
    /// days histogram behind the 90th percentile is not a figure: the totals it comes with are.)
    static func changedFigures(before: CaseTotals, after: CaseTotals, _ k: CaseTotals.Key) -> [(
        table: String, key: String, column: String, old: String?, new: String?
    )] {
        var entries: [(table: String, key: String, column: String, old: String?, new: String?)] = []
        let key = "\(k.period) \(k.unit)"
        let (a, b) = (before.figures[k] ?? CaseTotals.Figures(), after.figures[k] ?? CaseTotals.Figures())
        for (column, path) in CaseTotals.Figures.columns where a[keyPath: path] != b[keyPath: path] {
            entries.append(("case_totals", key, column, String(a[keyPath: path]), String(b[keyPath: path])))
        }
        let (was, now) = (before.scopes[k] ?? [:], after.scopes[k] ?? [:])
        for scope in Set(was.keys).union(now.keys).sorted() where was[scope] ?? 0 != now[scope] ?? 0 {
            entries.append(
                (
                    "case_scopes", key, "\(AuditEntry.scopePrefix)\(scope)", String(was[scope] ?? 0),
                    String(now[scope] ?? 0)
                ))
        }
        return entries
    }

    /// Recounts the totals of every ingested case with `calendar` (after the district's holidays changed), except
    /// in published months, which never change. Returns the months whose figures changed.
    public func recomputeCaseTotals(district: String, calendar: WorkCalendar, change: Change) async throws -> [Period] {
        try await transaction(district: district) {
            let satisfied = try await satisfiedRatings(district: district)
            var fresh = CaseTotals()
            for day in try await casePartitionDays(district: district) {
                for (bucket, bytes) in try await casePartitions(district: district, day: day).sorted(by: {
                    $0.key < $1.key
                }) {
                    do {
                        fresh.add(
                            try CasePartition.merge(
                                stored: nil, incoming: [bytes], calendar: calendar, satisfied: satisfied
                            ).delta)
                    } catch {
                        throw StoreError.corruptRow(table: "case_partitions", key: "\(district) \(day)/\(bucket)")
                    }
                }
            }
            let old = try await caseTotals(district: district)
            let keys = Set(old.figures.keys).union(fresh.figures.keys)
            let frozen = try await frozenPeriods(district: district, Set(keys.map(\.period)))
            var changed = CaseTotals()
            var entries: [(table: String, key: String, column: String, old: String?, new: String?)] = []
            for k in keys where !frozen.contains(k.period) && old.figures[k] != fresh.figures[k] {
                changed.figures[k] = fresh.figures[k] ?? CaseTotals.Figures()
                changed.days[k] = fresh.days[k] ?? [:]
                changed.scopes[k] = fresh.scopes[k] ?? [:]
                entries += Self.changedFigures(before: old, after: fresh, k)
            }
            try await appendAudits(district: district, change: change, entries)
            try await replaceCaseTotals(district: district, changed)
            return Set(changed.figures.keys.map(\.period)).sorted()
        }
    }
}

// MARK: - Follow-ups of unfavourable ratings (差评整改)

/// The follow-up of one 差评 case.
public struct FollowUp: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case pending = "待整改"
        case done = "已整改"
        case none = "无需整改"
    }
    public var caseID: String
    public var state: State
    public var note: String
    public var by: String
    public var at: String
    public init(caseID: String, state: State, note: String, by: String, at: String) {
        self.caseID = caseID
        self.state = state
        self.note = note
        self.by = by
        self.at = at
    }
}

extension SQLStore {
    public func followUps(district: String) async throws -> [String: FollowUp] {
        try await reading {
            var out: [String: FollowUp] = [:]
            for r in try await db.raw("SELECT * FROM case_followups WHERE district = \(bind: district)").all() {
                let id = try r.decode(column: "case_id", as: String.self)
                out[id] = FollowUp(
                    caseID: id,
                    state: FollowUp.State(rawValue: try r.decode(column: "state", as: String.self)) ?? .pending,
                    note: try r.decode(column: "note", as: String.self),
                    by: try r.decode(column: "set_by", as: String.self),
                    at: try r.decode(column: "set_at", as: String.self))
            }
            return out
        }
    }

    /// Sets a case's follow-up, auditing the change (table `case_followups`, key the case id).
    public func setFollowUp(
        district: String, caseID: String, state: FollowUp.State, note: String, change: Change
    ) async throws {
        try await transaction(district: district) {
            let old = try await followUps(district: district)[caseID]
            let at = Self.timestamp(change.at)
            try await db.raw(
                "DELETE FROM case_followups WHERE district = \(bind: district) AND case_id = \(bind: caseID)"
            ).run()
            try await db.raw(
                """
                INSERT INTO case_followups (district, case_id, state, note, set_by, set_at)
                VALUES (\(bind: district), \(bind: caseID), \(bind: state.rawValue), \(bind: note), \(bind: change.actor), \(bind: at))
                """
            ).run()
            try await appendAudit(
                district: district, change: change, table: "case_followups", key: caseID, column: "state",
                old: old.map { "\($0.state.rawValue)：\($0.note)" }, new: "\(state.rawValue)：\(note)")
        }
    }
}

// MARK: - District settings

extension SQLStore {
    /// Setting keys: the default column profile (name and text), the ratings that count as satisfied.
    public enum SettingKey: String, Sendable {
        case profile = "ingest.profile"
        case satisfied = "ratings.satisfied"
        case required = "reports.required"
        /// The name of the bulletin template the district (or, set on a city, its districts) uses.
        case template = "bulletin.template"
    }

    public func setting(district: String, _ key: SettingKey) async throws -> String? {
        try await reading {
            try await db.raw(
                "SELECT value FROM district_settings WHERE district = \(bind: district) AND key = \(bind: key.rawValue)"
            ).first()?.decode(column: "value", as: String.self)
        }
    }

    /// Sets (or with nil clears) a setting, audited (table `district_settings`, key the setting).
    public func setSetting(district: String, _ key: SettingKey, _ value: String?, change: Change) async throws {
        try await transaction(district: district) {
            let old = try await setting(district: district, key)
            if old == value { return }
            try await db.raw(
                "DELETE FROM district_settings WHERE district = \(bind: district) AND key = \(bind: key.rawValue)"
            ).run()
            if let value {
                try await db.raw(
                    """
                    INSERT INTO district_settings (district, key, value)
                    VALUES (\(bind: district), \(bind: key.rawValue), \(bind: value))
                    """
                ).run()
            }
            try await appendAudit(
                district: district, change: change, table: "district_settings", key: key.rawValue, column: "value",
                old: Self.auditText(key, old), new: Self.auditText(key, value))
        }
    }

    /// A setting's value as the audit log keeps it: a template choice as `“名称”第N版` (none: the standard one
    /// or the city's), others cut at 200 characters.
    static func auditText(_ key: SettingKey, _ value: String?) -> String? {
        if key == .template { return TemplateChoice.label(value) ?? "（未选，用城市的或标准通报）" }
        return value.map { String($0.prefix(200)) }
    }

    /// The ratings that count as satisfied in the district (``CaseRecord/defaultSatisfied`` unless set).
    public func satisfiedRatings(district: String) async throws -> Set<Int> {
        try await setting(district: district, .satisfied).flatMap(CaseRecord.satisfiedSet)
            ?? CaseRecord.defaultSatisfied
    }

    /// The district's saved column profile, if any.
    public func savedProfile(district: String) async throws -> ExportProfile? {
        guard let saved = try await setting(district: district, .profile) else { return nil }
        let (name, text) =
            saved.firstIndex(of: "\n").map { (String(saved[..<$0]), String(saved[saved.index(after: $0)...])) }
            ?? ("", saved)
        return try? ExportProfile.parse(text, name: name)
    }
}
