import Foundation

/// A district (tenant): every stored row belongs to one.
public struct District: Codable, Sendable, Equatable {
    public var code: String
    /// Display name, e.g. 渝北区; may be empty when unknown.
    public var name: String
    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    /// Why `code` cannot name a new district or city, in Chinese; nil when it can: 1 to 64 characters, no white
    /// space and nothing invisible (as account names: a code that looks like another's is another tenant).
    public static func codeProblem(_ code: String) -> String? {
        guard !code.isEmpty, code.unicodeScalars.count <= 64, Account.isValidName(code),
            !code.unicodeScalars.contains(where: \.properties.isWhitespace)
        else {
            // The characters no one can see, named (a zero-width space prints as nothing).
            let hidden = code.unicodeScalars.filter { $0.properties.isWhitespace || Account.isInvisible($0) }
                .prefix(3).map { "U+" + String($0.value, radix: 16, uppercase: true) }
            return "编码“\(code)”不可用：须为 1 到 64 个字符，不含空格、控制字符或不可见字符（如零宽空格）"
                + (hidden.isEmpty ? "" : "；其中有 \(hidden.joined(separator: "、"))")
        }
        return nil
    }
}

/// What only case records can tell about one unit-month (aggregated by the store).
public struct RecordStats: Codable, Sendable, Equatable {
    public var period: Period
    public var unit: String
    /// Completed this month by item category.
    public var approval: Int
    public var service: Int
    /// Completed this month, and of those completed within the promised time.
    public var completed: Int
    public var onTime: Int
    /// Rated cases completed this month, and of those satisfied (非常满意, 满意, 基本满意).
    public var rated: Int
    public var satisfied: Int
    /// Calendar days the completed cases took, in all, and how many cases took each number of days (ingested
    /// exports only; empty for case records from a data package).
    public var daysTotal = 0
    public var days: [Int: Int] = [:]
    /// Received this month (the 网办率's denominator), and of those received online (网上、移动端、自助).
    public var received = 0
    public var online = 0
    /// Decided this month without 办结: refused (不予受理) and returned (退件).
    public var rejected = 0
    public var returned = 0
    /// Completed before the deadline day (提前办结); rated 不满意 or 非常不满意 (差评).
    public var early = 0
    public var unfavourable = 0
    /// Working days the completed cases took, in all (ingested exports only).
    public var workDaysTotal = 0

    /// 提前办结率: completed before the deadline day ÷ completed.
    public var earlyRate: String? { Numbers.percent(early, of: completed) }
    /// 评议率: rated ÷ completed.
    public var ratedRate: String? { Numbers.percent(rated, of: completed) }
    /// 满意率: satisfied ÷ rated.
    public var satisfactionRate: String? { Numbers.percent(satisfied, of: rated) }
    /// 网办率: received online ÷ received.
    public var onlineRate: String? { Numbers.percent(online, of: received) }
    /// 平均办结时间 in working days, one decimal.
    public var averageWorkDays: Double? {
        let n = days.values.reduce(0, +)
        return n > 0 ? Double(workDaysTotal) / Double(n) : nil
    }

    /// Average processing days of the completed cases, nil without them.
    public var averageDays: Double? {
        let n = days.values.reduce(0, +)
        return n > 0 ? Double(daysTotal) / Double(n) : nil
    }

    /// The 90th percentile of processing days (the smallest number of days within which 90 % were completed).
    public var p90Days: Int? {
        let n = days.values.reduce(0, +)
        guard n > 0 else { return nil }
        var seen = 0
        for d in days.keys.sorted() {
            seen += days[d]!
            if seen * 10 >= n * 9 { return d }
        }
        return days.keys.max()
    }

    public init(
        period: Period, unit: String, approval: Int = 0, service: Int = 0, completed: Int = 0, onTime: Int = 0,
        rated: Int = 0, satisfied: Int = 0
    ) {
        self.period = period
        self.unit = unit
        self.approval = approval
        self.service = service
        self.completed = completed
        self.onTime = onTime
        self.rated = rated
        self.satisfied = satisfied
    }
}

/// Everything stored for one district that a bulletin of a period may need: the months from January of the
/// previous year up to the period. Unit-months that come from case records appear in `cases` (aggregated), with
/// their extra figures in `recordStats` and their 通办 counts in `tongban`.
public struct DistrictData: Sendable {
    public var district: District
    public var units: [OrgUnit]
    public var cases: [CaseRow]
    public var recordStats: [RecordStats]
    /// In the order rows first entered the store (tables show scopes and units in that order).
    public var tongban: [TongbanRow]
    public var ancillary: [AncillaryRow]
    public var rubric: [Criterion]
    /// In input order (ties in the ranking keep it).
    public var evaluation: [Score]
    public var events: [Event]
    public var figures: [Figure]
    public var meta: [Meta]
    /// Issue numbers of the published months of the window (a later month's 第N期 continues from them).
    public var publishedIssues: [Period: Int] = [:]
    /// Units that must report every month (`tongbao settings required`): missing ones are 未报送 even when they
    /// did not report last month. nil: none marked.
    public var requiredUnits: Set<String>?

    public init(
        district: District, units: [OrgUnit] = [], cases: [CaseRow] = [], recordStats: [RecordStats] = [],
        tongban: [TongbanRow] = [], ancillary: [AncillaryRow] = [], rubric: [Criterion] = [],
        evaluation: [Score] = [], events: [Event] = [], figures: [Figure] = [], meta: [Meta] = []
    ) {
        self.district = district
        self.units = units
        self.cases = cases
        self.recordStats = recordStats
        self.tongban = tongban
        self.ancillary = ancillary
        self.rubric = rubric
        self.evaluation = evaluation
        self.events = events
        self.figures = figures
        self.meta = meta
    }

    /// The months a bulletin of `period` reads: January of the previous year through `period`.
    public static func window(for period: Period) -> ClosedRange<Period> {
        Period(year: period.year - 1, month: 1)...period
    }
}
