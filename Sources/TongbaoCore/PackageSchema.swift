import Foundation

/// The tables of a data package and their columns (data-package.md).
public enum PackageTable: String, CaseIterable, Sendable {
    case units, cases
    case caseRecords = "case_records"
    case tongban, ancillary, rubric, evaluation, events, figures, meta

    /// The Chinese table name, accepted as a file or sheet name too.
    public var chineseName: String {
        switch self {
        case .units: return "机构目录"
        case .cases: return "办件月报"
        case .caseRecords: return "办件明细"
        case .tongban: return "通办"
        case .ancillary: return "配套服务"
        case .rubric: return "测评细则"
        case .evaluation: return "测评得分"
        case .events: return "工作动态"
        case .figures: return "报送数"
        case .meta: return "期次"
        }
    }

    public var fileName: String { rawValue + ".csv" }

    /// The table a file name stands for (`cases.csv`, `办件月报.csv`, any case), nil when none.
    public init?(fileName: String) {
        let base = (fileName as NSString).lastPathComponent
        guard base.lowercased().hasSuffix(".csv") else { return nil }
        let stem = String(base.dropLast(4)).trimmed.lowercased()
        guard let t = PackageTable.allCases.first(where: { $0.rawValue == stem || $0.chineseName == stem }) else {
            return nil
        }
        self = t
    }

    /// The table a worksheet name stands for (`cases`, `办件月报`, also with `.csv`, any case), nil when none.
    public init?(sheetName: String) {
        let name = sheetName.trimmed
        guard let t = PackageTable(fileName: name.lowercased().hasSuffix(".csv") ? name : name + ".csv") else {
            return nil
        }
        self = t
    }

    /// Columns: English name, Chinese name, required.
    public var columns: [Column] {
        switch self {
        case .units:
            return [
                .init("code", "编码", required: true), .init("name", "名称", required: true),
                .init("tier", "层级", required: true), .init("window", "窗口类型"), .init("groups", "板块"),
                .init("aliases", "别名"), .init("ranked", "参与排名"), .init("order", "排序"), .init("from", "生效月份"),
            ]
        case .cases:
            return [
                .period, .unit, .init("recv_immediate", "即办接件"), .init("recv_promised", "承诺接件"),
                .init("done_immediate", "即办办结"), .init("done_promised", "承诺办结"),
                .init("ytd_recv", "本年累计接件"), .init("ytd_done", "本年累计办结"), .init("proxy", "村居代办量"),
            ]
        case .caseRecords:
            return [
                .init("case_id", "办件编号", required: true), .unit, .init("item", "事项名称"),
                .init("category", "事项类别", required: true), .init("kind", "办件类型", required: true),
                .init("received_at", "受理时间", required: true), .init("completed_at", "办结时间"),
                .init("promised_days", "承诺时限"), .init("rating", "评价"), .init("scope", "通办类型"),
                .init("channel", "渠道"), .init("promised_unit", "时限单位"), .init("paused_days", "暂停天数"),
                .init("status", "办件状态"),
            ]
        case .tongban:
            return [.period, .unit, .init("scope", "通办类型", required: true), .init("count", "本月"), .init("ytd", "全年")]
        case .ancillary:
            return [
                .period, .init("service", "事项名称", required: true), .init("count", "咨询服务量"),
                .init("ytd", "本年累计"),
            ]
        case .rubric:
            return [
                .init("code", "编码", required: true), .init("section", "类别"), .init("name", "指标", required: true),
                .init("max", "分值", required: true), .init("order", "排序"),
            ]
        case .evaluation:
            return [.period, .unit, .init("criterion", "指标", required: true), .init("score", "得分", required: true)]
        case .events:
            return [.init("date", "日期", required: true), .init("text", "内容", required: true)]
        case .figures:
            return [.period, .init("key", "指标键", required: true), .init("value", "数值"), .init("note", "备注")]
        case .meta:
            return [
                .period, .init("title", "标题"), .init("issue", "期号"), .init("issuer", "发文单位"),
                .init("date", "印发日期"), .init("lead", "导语"), .init("excellent", "优质窗口数"),
            ]
        }
    }

    /// The order tables are read in: units and rubric first, as other tables refer to them.
    public static let readOrder: [PackageTable] = [
        .units, .rubric, .meta, .cases, .caseRecords, .tongban, .ancillary, .evaluation, .events, .figures,
    ]

    public struct Column: Sendable {
        public var name: String
        public var chinese: String
        public var required: Bool
        public init(_ name: String, _ chinese: String, required: Bool = false) {
            self.name = name
            self.chinese = chinese
            self.required = required
        }
        static let period = Column("period", "月份", required: true)
        static let unit = Column("unit", "单位", required: true)
    }
}
