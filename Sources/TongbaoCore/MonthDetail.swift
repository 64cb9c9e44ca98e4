import Foundation

/// The figures a bulletin template may name beyond the printed tables: every unit's month, last month and the
/// same month last year, the case-record figures of the district, and rates of the months compared with.
///
/// Computed with the ``Bulletin`` (``BulletinBuilder/detail()``) and encoded with it; a bulletin kept before
/// details existed decodes with none.
public struct MonthDetail: Codable, Sendable {
    public var units: [UnitFigures]
    /// Case-record figures of the district: this month, last month, the same month last year (nil without records).
    public var records: RecordSummary?
    public var previousRecords: RecordSummary?
    public var lastYearRecords: RecordSummary?
    /// The rates of section 一 in last month and the same month last year.
    public var previousRates: [RateFigure]
    public var lastYearRates: [RateFigure]

    public init(
        units: [UnitFigures], records: RecordSummary?, previousRecords: RecordSummary?,
        lastYearRecords: RecordSummary?, previousRates: [RateFigure], lastYearRates: [RateFigure]
    ) {
        self.units = units
        self.records = records
        self.previousRecords = previousRecords
        self.lastYearRecords = lastYearRecords
        self.previousRates = previousRates
        self.lastYearRates = lastYearRates
    }
}

/// One unit of the directory with its reported figures of three months.
public struct UnitFigures: Codable, Sendable {
    public var code: String
    public var name: String
    public var tier: Tier
    public var window: String?
    public var groups: [String]
    public var ranked: Bool
    /// nil: nothing reported for that month.
    public var now: CaseRow?
    public var previous: CaseRow?
    public var lastYear: CaseRow?
    public var records: RecordSummary?
    public var previousRecords: RecordSummary?
}

/// A unit's reported row of one month as templates read it.
extension CaseRow {
    /// 受理量 and 办结量: immediate plus promised, nil when both are unknown (``recv`` and ``done`` count them 0).
    public var received: Int? { Self.sum(recvImmediate, recvPromised) }
    public var completed: Int? { Self.sum(doneImmediate, donePromised) }

    static func sum(_ a: Int?, _ b: Int?) -> Int? { a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0) }

    /// No case received or completed in the month (无业务): reported, and every count zero.
    public var isIdle: Bool { (received ?? 0) == 0 && (completed ?? 0) == 0 }
}

/// Case-record figures summed over units of one month.
public struct RecordSummary: Codable, Sendable {
    public var completed = 0
    public var onTime = 0
    public var rated = 0
    public var satisfied = 0
    public var unfavourable = 0
    public var received = 0
    public var online = 0
    public var early = 0
    public var rejected = 0
    public var returned = 0
    /// Completed cases whose processing time is known (ingested exports), and their calendar and working days.
    public var timed = 0
    public var daysTotal = 0
    public var workDaysTotal = 0

    public init(_ stats: [RecordStats]) {
        for s in stats {
            completed += s.completed
            onTime += s.onTime
            rated += s.rated
            satisfied += s.satisfied
            unfavourable += s.unfavourable
            received += s.received
            online += s.online
            early += s.early
            rejected += s.rejected
            returned += s.returned
            timed += s.days.values.reduce(0, +)
            daysTotal += s.daysTotal
            workDaysTotal += s.workDaysTotal
        }
    }

    /// 超时办结件: completed, not within the promised time.
    public var overdue: Int { completed - onTime }
    /// Percentages in hundredths (`9770` is 97.7 %), nil without a denominator.
    public var onTimeRate: Int? { Self.hundredths(onTime, completed) }
    public var satisfactionRate: Int? { Self.hundredths(satisfied, rated) }
    public var onlineRate: Int? { Self.hundredths(online, received) }
    public var earlyRate: Int? { Self.hundredths(early, completed) }
    public var ratedRate: Int? { Self.hundredths(rated, completed) }
    /// 平均办结时间 in working days and in calendar days, in hundredths of a day.
    public var averageWorkDays: Int? { Self.hundredths(workDaysTotal, timed, scale: 100) }
    public var averageDays: Int? { Self.hundredths(daysTotal, timed, scale: 100) }

    static func hundredths(_ part: Int, _ whole: Int, scale: Int = 10_000) -> Int? {
        whole > 0 ? Numbers.roundedDivision(part * scale, whole) : nil
    }
}

extension BulletinBuilder {
    /// The template figures of ``MonthDetail``.
    func detail() -> MonthDetail {
        let p = period
        let statsByUnit = { (q: Period) in Dictionary(grouping: ledger.stats(q), by: \.unit) }
        let (now, before) = (statsByUnit(p), statsByUnit(p.previous))
        let units = ledger.directory.units.map { u in
            UnitFigures(
                code: u.code, name: u.name, tier: u.tier, window: u.window, groups: u.groups, ranked: u.ranked,
                now: ledger.row(u.code, p),
                previous: ledger.row(u.code, p.previous),
                lastYear: ledger.row(u.code, p.sameMonthLastYear),
                records: now[u.code].map(RecordSummary.init), previousRecords: before[u.code].map(RecordSummary.init))
        }
        func records(_ q: Period) -> RecordSummary? {
            let stats = ledger.stats(q)
            return stats.isEmpty ? nil : RecordSummary(stats)
        }
        return MonthDetail(
            units: units, records: records(p), previousRecords: records(p.previous),
            lastYearRecords: records(p.sameMonthLastYear), previousRates: rates(p.previous),
            lastYearRates: rates(p.sameMonthLastYear))
    }
}
