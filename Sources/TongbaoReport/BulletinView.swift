import Foundation
import TongbaoCore

/// The bulletin as text and tables, shared by every writer: a template (``BulletinTemplate``) fills it in.
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
    /// The figures the template names with their values, in order of first use (the 概况 sheet lists them).
    public var figures: [(name: String, value: String)] = []

    /// The bulletin in the words of the standard template (``BulletinTemplate/standard``).
    public init(_ b: Bulletin) {
        self = (try? BulletinTemplate.standard.view(b)) ?? BulletinView(b, title: nil, lead: nil)
    }

    /// The header of the bulletin and no sections yet: a template fills them in.
    init(_ b: Bulletin, title: String?, lead: String?) {
        self.title = title ?? b.title
        issueLine = b.issue.map { "第\($0)期" }
        issuer = b.issuer
        date = b.date.map { "\($0.year)年\($0.month)月\($0.day)日" }
        self.lead = lead
        warnings = b.warnings.map(\.description)
        hasWarnings = !b.warnings.isEmpty
        notice = b.missing.map { "截至生成时，尚有\($0.count)个单位未报送：\($0.joined(separator: "、"))" }
        source = b
        sections = []
    }

    static func n(_ v: Int?) -> String { v.map(String.init) ?? "" }
}
