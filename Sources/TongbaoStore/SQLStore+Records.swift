import Foundation
import SQLKit
import TongbaoCore

extension SQLStore {
    /// Aggregates case records into unit-month rows, record statistics and 通办 counts (by month completed).
    func addRecordAggregates(to data: inout DistrictData, from: String, to: String, unit only: String?) async throws {
        let (lo, hi) = (from + "-01", to + "-32")
        let code = data.district.code
        // Most units report monthly figures, not records: one statement for them instead of the six below.
        if let only,
            !(try await anyRow(
                "SELECT 1 AS x FROM case_records WHERE district = \(bind: code) AND unit = \(bind: only)",
                "SELECT 1 AS x FROM case_totals WHERE district = \(bind: code) AND unit = \(bind: only)",
                "SELECT 1 AS x FROM case_days WHERE district = \(bind: code) AND unit = \(bind: only)",
                "SELECT 1 AS x FROM case_scopes WHERE district = \(bind: code) AND unit = \(bind: only)"))
        {
            return
        }
        let ofUnit = Self.ofUnit(only)
        var rows: [String: CaseRow] = [:]
        var stats: [String: RecordStats] = [:]
        func row(_ period: Period, _ unit: String) -> CaseRow {
            rows["\(period)|\(unit)"]
                ?? CaseRow(
                    period: period, unit: unit, recvImmediate: 0, recvPromised: 0, doneImmediate: 0, donePromised: 0)
        }
        let received = try await db.raw(
            """
            SELECT substr(received_at, 1, 7) AS period, unit, kind, COUNT(*) AS n FROM case_records
            WHERE district = \(bind: code) AND received_at >= \(bind: lo) AND received_at < \(bind: hi)
                AND \(ofUnit)
            GROUP BY 1, 2, 3
            """
        ).all()
        for r in received {
            guard let period = Period(parsing: try r.decode(column: "period", as: String.self)) else { continue }
            let unit = try r.decode(column: "unit", as: String.self)
            let n = try r.decode(column: "n", as: Int.self)
            var c = row(period, unit)
            if try r.decode(column: "kind", as: String.self) == CaseRecord.Kind.immediate.rawValue {
                c.recvImmediate! += n
            } else {
                c.recvPromised! += n
            }
            rows["\(period)|\(unit)"] = c
        }
        let completed = try await db.raw(
            """
            SELECT substr(completed_at, 1, 7) AS period, unit, kind, category, COUNT(*) AS n,
                SUM(CASE WHEN substr(completed_at, 1, 10) <= due_date THEN 1 ELSE 0 END) AS ontime,
                SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END) AS rated,
                SUM(CASE WHEN rating IN ('非常满意', '满意', '基本满意') THEN 1 ELSE 0 END) AS satisfied
            FROM case_records
            WHERE district = \(bind: code) AND completed_at >= \(bind: lo) AND completed_at < \(bind: hi)
                AND \(ofUnit)
            GROUP BY 1, 2, 3, 4
            """
        ).all()
        for r in completed {
            guard let period = Period(parsing: try r.decode(column: "period", as: String.self)) else { continue }
            let unit = try r.decode(column: "unit", as: String.self)
            let n = try r.decode(column: "n", as: Int.self)
            var c = row(period, unit)
            if try r.decode(column: "kind", as: String.self) == CaseRecord.Kind.immediate.rawValue {
                c.doneImmediate! += n
            } else {
                c.donePromised! += n
            }
            rows["\(period)|\(unit)"] = c
            var s = stats["\(period)|\(unit)"] ?? RecordStats(period: period, unit: unit)
            if try r.decode(column: "category", as: String.self) == CaseRecord.Category.approval.rawValue {
                s.approval += n
            } else {
                s.service += n
            }
            s.completed += n
            s.onTime += try r.decode(column: "ontime", as: Int.self)
            s.rated += try r.decode(column: "rated", as: Int.self)
            s.satisfied += try r.decode(column: "satisfied", as: Int.self)
            stats["\(period)|\(unit)"] = s
        }
        // Ingested exports (`tongbao ingest`): their monthly totals add to the rows above.
        let ingested = try await caseTotals(district: code, unit: only)
        for (k, f) in ingested.figures where k.period.description >= from && k.period.description <= to {
            let key = "\(k.period)|\(k.unit)"
            var c = row(k.period, k.unit)
            c.recvImmediate! += f.recvImmediate
            c.recvPromised! += f.recvPromised
            c.doneImmediate! += f.doneImmediate
            c.donePromised! += f.donePromised
            rows[key] = c
            var s = stats[key] ?? RecordStats(period: k.period, unit: k.unit)
            s.approval += f.approval
            s.service += f.service
            s.completed += f.doneImmediate + f.donePromised
            s.onTime += f.onTime
            s.rated += f.rated
            s.satisfied += f.satisfied
            s.daysTotal += f.daysTotal
            s.days = ingested.days[k] ?? [:]
            s.received += f.recvImmediate + f.recvPromised
            s.online += f.online
            s.rejected += f.rejected
            s.returned += f.returned
            s.early += f.early
            s.unfavourable += f.unfavourable
            s.workDaysTotal += f.workDaysTotal
            stats[key] = s
        }
        for key in rows.keys where stats[key] == nil {
            let c = rows[key]!
            stats[key] = RecordStats(period: c.period, unit: c.unit)
        }
        data.cases += rows.values.sorted { ($0.period, $0.unit) < ($1.period, $1.unit) }
        data.recordStats = stats.values.sorted { ($0.period, $0.unit) < ($1.period, $1.unit) }
        let scopes = try await db.raw(
            """
            SELECT substr(completed_at, 1, 7) AS period, unit, scope, COUNT(*) AS n, MIN(seq) AS first FROM case_records
            WHERE district = \(bind: code) AND completed_at >= \(bind: lo) AND completed_at < \(bind: hi)
                AND scope IS NOT NULL AND \(ofUnit)
            GROUP BY 1, 2, 3 ORDER BY first
            """
        ).all()
        for r in scopes {
            guard let period = Period(parsing: try r.decode(column: "period", as: String.self)) else { continue }
            data.tongban.append(
                TongbanRow(
                    period: period, unit: try r.decode(column: "unit", as: String.self),
                    scope: try r.decode(column: "scope", as: String.self),
                    count: try r.decode(column: "n", as: Int.self)))
        }
        for (k, counts) in ingested.scopes.sorted(by: { $0.key < $1.key })
        where k.period.description >= from && k.period.description <= to {
            for (scope, n) in counts.sorted(by: { $0.key < $1.key }) where n > 0 {
                data.tongban.append(TongbanRow(period: k.period, unit: k.unit, scope: scope, count: n))
            }
        }
    }

    /// Those of `keys` that have case records (received or completed in the month).
    public func unitMonthsWithRecords(district: String, _ keys: Set<UnitMonth>) async throws -> Set<UnitMonth> {
        try await reading(snapshot: true) {
            var out = Set<UnitMonth>()
            for key in keys {
                let (lo, hi) = ("\(key.period)-01", "\(key.period)-32")
                let hit = try await anyRow(
                    """
                    SELECT 1 AS x FROM case_records WHERE district = \(bind: district) AND unit = \(bind: key.unit)
                    AND ((received_at >= \(bind: lo) AND received_at < \(bind: hi))
                        OR (completed_at >= \(bind: lo) AND completed_at < \(bind: hi)))
                    """,
                    """
                    SELECT 1 AS x FROM case_totals WHERE district = \(bind: district)
                    AND period = \(bind: key.period.description) AND unit = \(bind: key.unit)
                    """)
                if hit { out.insert(key) }
            }
            return out
        }
    }

    /// Those of `keys` that have a monthly row (cases.csv).
    public func unitMonthsWithCases(district: String, _ keys: Set<UnitMonth>) async throws -> Set<UnitMonth> {
        try await reading(snapshot: true) {
            var out = Set<UnitMonth>()
            for key in keys {
                let hit = try await db.raw(
                    """
                    SELECT 1 AS x FROM cases
                    WHERE district = \(bind: district) AND period = \(bind: key.period.description) AND unit = \(bind: key.unit)
                    """
                ).first()
                if hit != nil { out.insert(key) }
            }
            return out
        }
    }
}

extension SQLStore {
    /// Whether any of `selects` has a row: one statement, each stopping at its first row.
    func anyRow(_ selects: SQLQueryString...) async throws -> Bool {
        var sum: SQLQueryString = "SELECT 0"
        for (i, select) in selects.enumerated() {
            sum = sum + " + (SELECT COUNT(*) FROM (\(select) LIMIT 1) AS \(ident: "r\(i)"))"
        }
        return try await db.raw(sum + " AS n").first()?.decode(column: "n", as: Int.self) ?? 0 > 0
    }
}
