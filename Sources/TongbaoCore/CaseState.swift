import Foundation

/// One case as `tongbao ingest` keeps it: the fields of case_records.csv in compact form, keyed by `caseID`.
///
/// Times are seconds since 1970-01-01 in the export's local time (no zone), so days and months are those printed
/// in the export. A case lives in the partition of the day it was received, which exports do not change.
public struct CaseState: Sendable, Equatable {
    public var caseID: String
    /// The unit's code.
    public var unit: String
    public var item: String
    public var approval: Bool
    public var immediate: Bool
    public var received: Int
    public var completed: Int?
    public var promisedDays: Int
    /// Index into ``CaseRecord/ratings``, nil when not rated.
    public var rating: Int?
    public var scope: String
    public var channel: String
    /// The unit of `promisedDays` (时限单位).
    public var limitUnit: LimitUnit
    /// Working days the clock stood still (特别程序, 补正).
    public var paused: Int
    public var status: CaseStatus

    public init(
        caseID: String, unit: String, item: String = "", approval: Bool, immediate: Bool, received: Int,
        completed: Int? = nil, promisedDays: Int = 0, rating: Int? = nil, scope: String = "", channel: String = "",
        limitUnit: LimitUnit = .workday, paused: Int = 0, status: CaseStatus = .normal
    ) {
        self.limitUnit = limitUnit
        self.paused = paused
        self.status = status
        self.caseID = caseID
        self.unit = unit
        self.item = item
        self.approval = approval
        self.immediate = immediate
        self.received = received
        self.completed = completed
        self.promisedDays = promisedDays
        self.rating = rating
        self.scope = scope
        self.channel = channel
    }

    public var receivedDay: Int { received.floorDiv(86_400) }
    public var completedDay: Int? { completed.map { $0.floorDiv(86_400) } }
    /// When the case is due, by `calendar` (spec "Deadlines").
    public func deadline(_ calendar: WorkCalendar) throws(WorkCalendar.MissingYear) -> Deadline {
        try calendar.deadline(
            received: received, immediate: immediate, limit: promisedDays, unit: limitUnit, paused: paused)
    }

    public static func period(day: Int) -> Period {
        let (y, m, _) = DayNumber.civil(day)
        return Period(year: y, month: m)
    }

    public static func timestamp(_ seconds: Int) -> String { DayNumber.timestamp(seconds) }
    public static func day(_ d: Day) -> Int { DayNumber.from(d) }
    public static func day(number: Int) -> Day {
        let (y, m, d) = DayNumber.civil(number)
        return Day(year: y, month: m, day: d)
    }
}

extension Int {
    /// Division rounding toward negative infinity (days before 1970 stay in their day).
    func floorDiv(_ d: Int) -> Int { self >= 0 ? self / d : -((-self + d - 1) / d) }
}

// MARK: - Aggregates

/// What a set of cases adds to the monthly figures of each unit: the cases.csv counts, the record statistics,
/// processing days (their sum and how many cases took each number of days) and 通办 by scope.
public struct CaseTotals: Sendable, Equatable {
    public struct Key: Hashable, Sendable, Comparable {
        public var period: Period
        public var unit: String
        public init(period: Period, unit: String) {
            self.period = period
            self.unit = unit
        }
        public static func < (a: Key, b: Key) -> Bool { (a.period, a.unit) < (b.period, b.unit) }
    }

    public struct Figures: Sendable, Equatable {
        public var recvImmediate = 0
        public var recvPromised = 0
        public var doneImmediate = 0
        public var donePromised = 0
        public var approval = 0
        public var service = 0
        public var onTime = 0
        public var rated = 0
        public var satisfied = 0
        public var daysTotal = 0
        /// Refused (不予受理) and returned (退件) in the month: counted apart, never as 办结.
        public var rejected = 0
        public var returned = 0
        /// Completed before the deadline day (提前办结).
        public var early = 0
        /// Rated 不满意 or 非常不满意 (差评).
        public var unfavourable = 0
        /// Received online (网上、移动端、自助): the 网办率's numerator.
        public var online = 0
        /// Working days the completed cases took, summed (平均办结时间 in working days).
        public var workDaysTotal = 0
        public var isZero: Bool { self == Figures() }
        public init() {}
    }

    public var figures: [Key: Figures] = [:]
    /// Completed cases by (period, unit) and the number of calendar days they took.
    public var days: [Key: [Int: Int]] = [:]
    /// Completed cross-region cases by (period, unit) and scope.
    public var scopes: [Key: [String: Int]] = [:]

    public init() {}

    public mutating func add(_ other: CaseTotals) {
        for (k, f) in other.figures {
            var g = figures[k, default: Figures()]
            g.recvImmediate += f.recvImmediate
            g.recvPromised += f.recvPromised
            g.doneImmediate += f.doneImmediate
            g.donePromised += f.donePromised
            g.approval += f.approval
            g.service += f.service
            g.onTime += f.onTime
            g.rated += f.rated
            g.satisfied += f.satisfied
            g.daysTotal += f.daysTotal
            g.rejected += f.rejected
            g.returned += f.returned
            g.early += f.early
            g.unfavourable += f.unfavourable
            g.online += f.online
            g.workDaysTotal += f.workDaysTotal
            figures[k] = g
        }
        for (k, d) in other.days { for (n, c) in d { days[k, default: [:]][n, default: 0] += c } }
        for (k, s) in other.scopes { for (n, c) in s { scopes[k, default: [:]][n, default: 0] += c } }
    }
}
