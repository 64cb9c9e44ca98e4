import Foundation

/// Every figure of one monthly bulletin (行政审批服务运行通报), as computed by ``BulletinBuilder``.
///
/// Counts are `Int?`: nil where nothing was reported. Encoded as the `--format json` output (docs/json.md).
public struct Bulletin: Codable, Sendable {
    public var district: District
    public var period: Period
    /// Title, issue number (第N期), issuer and date of the header.
    public var title: String
    public var issue: Int?
    public var issuer: String?
    public var date: Day?
    /// The district's short name as table titles print it (渝北区).
    public var districtName: String
    public var lead: String?
    public var overview: Overview
    public var trend: [TrendPoint]
    /// Notes printed under the trend chart (figures.csv notes of months in the chart).
    public var trendNotes: [String]
    public var centerTable: UnitTable
    public var topDepartments: TopDepartments?
    public var subcenterTable: UnitTable
    public var townTable: UnitTable
    public var ancillary: AncillaryTable?
    public var tongban: TongbanTable?
    public var events: [Event]
    /// Names of the best-scored windows, in rank order (优质服务窗口).
    public var excellent: [String]
    public var evaluation: EvaluationTable?
    /// Warnings about this period's data (reported vs computed, plausibility).
    public var warnings: [Issue]
    /// Units that reported last month and have nothing this month (未报送), by name; nil when none. Every format
    /// opens with them, so an incomplete month never reads as complete.
    public var missing: [String]?
    /// Every unit's figures and the case-record figures, for bulletin templates; nil in a bulletin kept before.
    public var detail: MonthDetail?
    /// The template the documents were written with (name and version); set when rendered.
    public var template: TemplateStamp?
}

/// Which template wrote a bulletin: its name and version (the JSON document and the publication record it).
public struct TemplateStamp: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int
    public init(name: String, version: Int) {
        self.name = name
        self.version = version
    }

    /// `“市级月报”第3版`; version 0 is a template shipped with Tongbao: `“标准通报”（系统自带）`.
    public var label: String { version == 0 ? "“\(name)”（系统自带）" : "“\(name)”第\(version)版" }
}

/// Section 一 and the lead figures of section 二.
public struct Overview: Codable, Sendable {
    public var total: Int?
    public var previousTotal: Int?
    public var lastYearTotal: Int?
    public var tiers: [TierFigure]
    public var rates: [RateFigure]
    public var centerApproval: Int?
    public var centerService: Int?
    public var centerImmediate: Int?
    public var centerPromised: Int?
    /// Unit groups of the centre (建设板块 …) with their completed cases, in order of first appearance.
    public var groups: [NamedCount]
}

public struct TierFigure: Codable, Sendable {
    public var tier: Tier
    public var done: Int?
    public var previousDone: Int?
    /// The tier's figure in the same month of the previous year (the dashboard compares with it).
    public var lastYearDone: Int?
}

public struct RateFigure: Codable, Sendable {
    /// 按时办结率, 办件准确率, 群众满意率.
    public var name: String
    public var key: String
    /// Percent, two decimals at most.
    public var value: Decimal
    /// Shown after the value, e.g. `以上`.
    public var note: String?
}

public struct NamedCount: Codable, Sendable {
    public var name: String
    public var count: Int?
    public init(name: String, count: Int?) {
        self.name = name
        self.count = count
    }
}

public struct TrendPoint: Codable, Sendable {
    public var period: Period
    public var total: Int?
}

/// Received, completed and year-to-date counts of one row.
public struct CaseCounts: Codable, Sendable {
    public var recvImmediate: Int?
    public var recvPromised: Int?
    public var recvTotal: Int?
    public var doneImmediate: Int?
    public var donePromised: Int?
    public var doneTotal: Int?
    public var ytdRecv: Int?
    public var ytdDone: Int?
    public var proxy: Int?
    /// 通办 per scope of the table, in the table's scope order (town table only).
    public var tongban: [Int?]
}

/// A tier's table: one row per unit, a month-total row and a year-to-date row.
public struct UnitTable: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var unit: String
        public var name: String
        /// Window type (centre table row groups).
        public var window: String?
        public var counts: CaseCounts
    }
    public var tier: Tier
    public var rows: [Row]
    /// 通办 scopes shown as columns (town table), in order of first appearance.
    public var scopes: [String]
    public var total: CaseCounts
    /// Year to date split by kind; `ytdRecv`/`ytdDone` unused; `proxy` and `tongban` hold year-to-date values.
    public var yearToDate: CaseCounts
}

/// The ten ranked centre units with the most completed cases, and the top three.
public struct TopDepartments: Codable, Sendable {
    public var units: [NamedCount]
    public var sum: Int
    public var share: String?
    public var topThree: [String]
    public var topThreeSum: Int
    public var topThreeShare: String?
    public var centerTotal: Int
}

public struct AncillaryTable: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var service: String
        public var count: Int?
        public var ytd: Int?
    }
    public var rows: [Row]
    public var totalCount: Int?
    public var totalYTD: Int?
}

/// 跨区域通办: department rows with month and year figures per scope.
public struct TongbanTable: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var unit: String
        public var name: String
        public var month: [Int?]
        public var ytd: [Int?]
    }
    public var scopes: [String]
    public var rows: [Row]
    public var totalMonth: [Int?]
    public var totalYTD: [Int?]
}

/// 部门测评: criteria as columns, units sorted by total score.
public struct EvaluationTable: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var unit: String
        public var name: String
        public var scores: [Decimal?]
        public var total: Decimal
    }
    public var criteria: [Criterion]
    public var rows: [Row]
    /// Ranked centre units without scores (the note under the table).
    public var unscored: [String]
}
