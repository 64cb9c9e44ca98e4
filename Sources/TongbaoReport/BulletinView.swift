import Foundation
import TongbaoCore

/// The bulletin as text and tables, shared by the Markdown and HTML writers.
public struct BulletinView: Sendable {
    public struct Block: Sendable {
        public var paragraph: String?
        public var table: TableView?
        public var chart: ChartView?
        public var note: String?
    }

    public struct Section: Sendable {
        public var heading: String
        public var blocks: [Block]
    }

    public var title: String
    /// `第7期`.
    public var issueLine: String?
    public var issuer: String?
    /// `2021年8月18日`.
    public var date: String?
    public var lead: String?
    public var sections: [Section]
    public var warnings: [String]
    public var hasWarnings: Bool
    /// 「截至生成时，尚有49个单位未报送：…」: every format opens with it when units are missing.
    public var notice: String?
    /// The figures the view was made from (the Excel 概况 sheet reads them as numbers).
    public var source: Bulletin

    /// Chinese numerals for section headings: 一 … 十.
    static let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

    public init(_ b: Bulletin) {
        title = b.title
        issueLine = b.issue.map { "第\($0)期" }
        issuer = b.issuer
        date = b.date.map { "\($0.year)年\($0.month)月\($0.day)日" }
        lead = b.lead
        warnings = b.warnings.map(\.description)
        hasWarnings = !b.warnings.isEmpty
        notice = b.missing.map { "截至生成时，尚有\($0.count)个单位未报送：\($0.joined(separator: "、"))" }
        source = b
        let parts: [(String, [Block])] = [
            ("全区审批服务事项办件情况", Self.overview(b)),
            ("区行政服务中心、分中心、镇街公共服务中心办件情况", Self.tiers(b)),
            ("区行政服务中心配套服务情况", b.ancillary.map { [Block(table: Self.ancillaryTable($0))] } ?? []),
            ("“跨区域通办”服务情况", b.tongban.map { [Block(table: Self.tongbanTable($0, b.period))] } ?? []),
            ("区行政服务中心工作动态", Self.events(b)),
            ("各类优秀、先进评选情况", Self.excellent(b)),
            ("部门行政审批服务工作测评情况", b.evaluation.map { [Block(table: Self.evaluationTable($0, b.period))] } ?? []),
        ]
        sections = parts.filter { !$0.1.isEmpty }.enumerated().map { i, part in
            Section(heading: "\(Self.numerals[i])、\(part.0)", blocks: part.1)
        }
    }

    static func n(_ v: Int?) -> String { v.map(String.init) ?? "" }

    // MARK: - Sentences

    static func overview(_ b: Bulletin) -> [Block] {
        let o = b.overview
        let m = "\(b.period.month)月"
        guard let total = o.total else { return [] }
        var s = "\(m)，全区共办理各类审批服务事项\(total)件"
        let tiers = o.tiers.compactMap { t in t.done.map { "\(t.tier.chineseName)\($0)件" } }
        if !tiers.isEmpty { s += "（其中，\(tiers.joined(separator: "、"))）" }
        var comparisons: [String] = []
        if let prev = o.previousTotal {
            comparisons.append(Numbers.comparison(total, from: prev, label: previousLabel(b.period)))
        }
        if let ly = o.lastYearTotal { comparisons.append(Numbers.comparison(total, from: ly, label: "去年同期")) }
        s += comparisons.isEmpty ? "。" : "，" + comparisons.joined(separator: "；") + "。"
        if !o.rates.isEmpty {
            s += o.rates.map { "\($0.name)\(Numbers.rate($0.value))%\($0.note ?? "")" }.joined(separator: "，") + "。"
        }
        var blocks = [Block(paragraph: s)]
        if b.trend.contains(where: { $0.total != nil }) {
            blocks.append(Block(chart: Charts.trend(b.trend, title: "全区审批服务事项办件情况分析图")))
        }
        for note in b.trendNotes { blocks.append(Block(note: "注：" + note + (note.hasSuffix("。") ? "" : "。"))) }
        return blocks
    }

    static func previousLabel(_ p: Period) -> String { p.month == 1 ? "上年12月" : "\(p.previous.month)月" }

    static func tierClause(_ t: TierFigure, subject: String, period: Period) -> String? {
        guard let done = t.done else { return nil }
        var s = "\(subject)\(done)件"
        if let prev = t.previousDone { s += "，" + Numbers.comparison(done, from: prev, label: previousLabel(period)) }
        return s
    }

    static func tiers(_ b: Bulletin) -> [Block] {
        let o = b.overview
        var clauses: [String] = []
        if let c = o.tiers.first(where: { $0.tier == .center }),
            var s = tierClause(c, subject: "\(b.period.month)月，区行政服务中心办理各类审批服务事项", period: b.period)
        {
            var parts: [String] = []
            if let a = o.centerApproval, let v = o.centerService { parts.append("审批类事项\(a)件，服务类\(v)件") }
            if let i = o.centerImmediate, let p = o.centerPromised { parts.append("即办件\(i)件，承诺件\(p)件") }
            let groups = o.groups.compactMap { g in g.count.map { "\(g.name)\($0)件" } }
            if !groups.isEmpty { parts.append(groups.joined(separator: "，")) }
            if !parts.isEmpty { s += "；其中，" + parts.joined(separator: "；") }
            clauses.append(s)
        }
        for (tier, subject) in [(Tier.subcenter, "各分中心办理审批服务事项"), (.town, "各镇街公共服务中心办理审批服务事项")] {
            if let t = o.tiers.first(where: { $0.tier == tier }),
                let s = tierClause(t, subject: subject, period: b.period)
            {
                clauses.append(s)
            }
        }
        var blocks: [Block] = []
        if !clauses.isEmpty { blocks.append(Block(paragraph: clauses.joined(separator: "；") + "。")) }
        if o.tiers.contains(where: { $0.done != nil }) {
            blocks.append(Block(chart: Charts.tiers(o.tiers, period: b.period, title: "全区三级服务中心办件情况分析图")))
        }
        if !b.centerTable.rows.isEmpty {
            blocks.append(Block(table: centerTable(b.centerTable, district: b.districtName)))
        }
        if let top = b.topDepartments {
            let m = "\(b.period.month)月"
            blocks.append(
                Block(
                    paragraph:
                        // Punctuated as the printed bulletins are (half-width , and ;), to read sentence for
                        // sentence like them.
                        "\(m),区行政服务中心办件量位居前\(top.units.count)位的部门共办件\(top.sum)件,占本月中心办件总量的\(top.share ?? "0")%;位居前\(top.topThree.count)位的\(top.topThree.joined(separator: "、"))共办件\(top.topThreeSum)件,占本月中心办件总量的\(top.topThreeShare ?? "0")%。"
                ))
            blocks.append(Block(chart: Charts.top(top.units, title: "区行政服务中心办件量前\(top.units.count)位部门办件情况分析图")))
        }
        if !b.subcenterTable.rows.isEmpty { blocks.append(Block(table: subcenterTable(b.subcenterTable))) }
        if !b.townTable.rows.isEmpty { blocks.append(Block(table: townTable(b.townTable))) }
        return blocks
    }

    static func events(_ b: Bulletin) -> [Block] {
        b.events.enumerated().map { i, e in Block(paragraph: "\(i + 1)、\(e.date.month)月\(e.date.day)日，\(e.text)") }
    }

    static func excellent(_ b: Bulletin) -> [Block] {
        guard !b.excellent.isEmpty else { return [] }
        return [
            Block(paragraph: "\(b.period.month)月优质服务窗口：" + b.excellent.map { $0 + "窗口" }.joined(separator: "、") + "。")
        ]
    }
}
