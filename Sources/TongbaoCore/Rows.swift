import Foundation

/// One unit's monthly case figures (cases.csv). Nil means "not reported", never zero.
public struct CaseRow: Codable, Sendable, Equatable {
    public var period: Period
    public var unit: String
    public var recvImmediate: Int?
    public var recvPromised: Int?
    public var doneImmediate: Int?
    public var donePromised: Int?
    public var ytdRecv: Int?
    public var ytdDone: Int?
    public var proxy: Int?

    public init(
        period: Period, unit: String, recvImmediate: Int? = nil, recvPromised: Int? = nil, doneImmediate: Int? = nil,
        donePromised: Int? = nil, ytdRecv: Int? = nil, ytdDone: Int? = nil, proxy: Int? = nil
    ) {
        self.period = period
        self.unit = unit
        self.recvImmediate = recvImmediate
        self.recvPromised = recvPromised
        self.doneImmediate = doneImmediate
        self.donePromised = donePromised
        self.ytdRecv = ytdRecv
        self.ytdDone = ytdDone
        self.proxy = proxy
    }

    public var recv: Int { (recvImmediate ?? 0) + (recvPromised ?? 0) }
    public var done: Int { (doneImmediate ?? 0) + (donePromised ?? 0) }
}

extension CaseRow {
    /// The reported figures by cases.csv column name (`recv_immediate` …), nil where not reported.
    public var figuresByColumn: [String: Int?] {
        [
            "recv_immediate": recvImmediate, "recv_promised": recvPromised, "done_immediate": doneImmediate,
            "done_promised": donePromised, "ytd_recv": ytdRecv, "ytd_done": ytdDone, "proxy": proxy,
        ]
    }
}

/// One case of the approval platform's export (case_records.csv).
public struct CaseRecord: Codable, Sendable, Equatable {
    /// Channels (渠道) that count as handled online for the 网办率.
    public static let onlineChannels: Set<String> = [
        "网上", "网办", "网上办理", "在线", "移动端", "移动", "掌上", "手机", "app", "APP", "小程序", "自助", "自助终端",
    ]

    public enum Category: String, Codable, Sendable {
        case approval = "审批"
        case service = "服务"
    }
    public enum Kind: String, Codable, Sendable {
        case immediate = "即办"
        case promised = "承诺"
    }

    public var caseID: String
    public var unit: String
    public var item: String?
    public var category: Category
    public var kind: Kind
    /// ISO date-time as given, normalised to `YYYY-MM-DDTHH:MM:SS`.
    public var receivedAt: String
    public var completedAt: String?
    public var promisedDays: Int
    public var rating: String?
    public var scope: String?
    public var channel: String?
    public var promisedUnit: LimitUnit
    public var paused: Int
    public var status: CaseStatus

    public init(
        caseID: String, unit: String, item: String? = nil, category: Category, kind: Kind, receivedAt: String,
        completedAt: String? = nil, promisedDays: Int = 0, rating: String? = nil, scope: String? = nil,
        channel: String? = nil, promisedUnit: LimitUnit = .workday, paused: Int = 0, status: CaseStatus = .normal
    ) {
        self.promisedUnit = promisedUnit
        self.paused = paused
        self.status = status
        self.caseID = caseID
        self.unit = unit
        self.item = item
        self.category = category
        self.kind = kind
        self.receivedAt = receivedAt
        self.completedAt = completedAt
        self.promisedDays = promisedDays
        self.rating = rating
        self.scope = scope
        self.channel = channel
    }

    public static let ratings = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    public static let satisfiedRatings: Set<String> = ["非常满意", "满意", "基本满意"]
    /// The ratings that count as satisfied by default (非常满意, 满意, 基本满意), as indexes into ``ratings``; a
    /// district may choose another set (`tongbao settings satisfied`).
    public static let defaultSatisfied: Set<Int> = [0, 1, 2]

    /// A set of ratings written `非常满意,满意` as indexes, nil when a word is no rating.
    public static func satisfiedSet(_ text: String) -> Set<Int>? {
        let words = text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0 == " " }).map(String.init)
        let indexes = words.map { ratings.firstIndex(of: $0) }
        guard !words.isEmpty, indexes.allSatisfy({ $0 != nil }) else { return nil }
        return Set(indexes.compactMap { $0 })
    }
}

/// Cross-region handling (通办) of one unit, scope and month.
public struct TongbanRow: Codable, Sendable, Equatable {
    public var period: Period
    public var unit: String
    public var scope: String
    public var count: Int?
    public var ytd: Int?

    public init(period: Period, unit: String, scope: String, count: Int?, ytd: Int? = nil) {
        self.period = period
        self.unit = unit
        self.scope = scope
        self.count = count
        self.ytd = ytd
    }
}

/// Consultations at one supporting counter (配套服务) in a month.
public struct AncillaryRow: Codable, Sendable, Equatable {
    public var period: Period
    public var service: String
    public var count: Int?
    public var ytd: Int?

    public init(period: Period, service: String, count: Int?, ytd: Int? = nil) {
        self.period = period
        self.service = service
        self.count = count
        self.ytd = ytd
    }
}

/// One criterion of the department evaluation rubric.
public struct Criterion: Codable, Sendable, Equatable {
    public var code: String
    public var section: String?
    public var name: String
    public var max: Decimal
    public var order: Int

    public init(code: String, section: String?, name: String, max: Decimal, order: Int) {
        self.code = code
        self.section = section
        self.name = name
        self.max = max
        self.order = order
    }
}

/// A unit's score on one criterion in one month.
public struct Score: Codable, Sendable, Equatable {
    public var period: Period
    public var unit: String
    public var criterion: String
    public var score: Decimal

    public init(period: Period, unit: String, criterion: String, score: Decimal) {
        self.period = period
        self.unit = unit
        self.criterion = criterion
        self.score = score
    }
}

/// A work-news item (工作动态).
public struct Event: Codable, Sendable, Equatable {
    public var date: Day
    public var text: String

    public init(date: Day, text: String) {
        self.date = date
        self.text = text
    }
}

/// A figure reported at an aggregate level (figures.csv).
public struct Figure: Codable, Sendable, Equatable {
    public var period: Period
    public var key: FigureKey
    public var value: Decimal?
    public var note: String?

    public init(period: Period, key: FigureKey, value: Decimal?, note: String? = nil) {
        self.period = period
        self.key = key
        self.value = value
        self.note = note
    }
}

/// The issue data of one bulletin (meta.csv).
public struct Meta: Codable, Sendable, Equatable {
    public var period: Period
    public var title: String?
    public var issue: Int?
    public var issuer: String?
    public var date: Day?
    public var lead: String?
    public var excellent: Int?

    public init(
        period: Period, title: String? = nil, issue: Int? = nil, issuer: String? = nil, date: Day? = nil,
        lead: String? = nil, excellent: Int? = nil
    ) {
        self.period = period
        self.title = title
        self.issue = issue
        self.issuer = issuer
        self.date = date
        self.lead = lead
        self.excellent = excellent
    }
}
