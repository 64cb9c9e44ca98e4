import Foundation
import TongbaoCore
import TongbaoStore

/// What every page shows around its content: title, who is signed in, the navigation their role allows, and
/// the CSRF token every form carries.
struct Chrome: Sendable {
    struct NavItem: Sendable {
        var label: String
        var href: String
        var active: Bool
    }
    var title: String
    var signedIn: Bool
    var user: String
    var role: String
    var csrf: String
    var nav: [NavItem]
    var flash: String?

    init(_ context: AppContext, title: String, active: String?, period: Period?, flash: String? = nil) {
        self.title = title
        self.signedIn = context.account != nil
        self.user = context.account?.name ?? ""
        self.role = context.account?.role.label ?? ""
        self.csrf = context.csrf ?? ""
        self.flash = flash
        let p = (period ?? Period(containing: Date())).description
        var items: [(String, String)] = []
        switch context.account?.role {
        case .admin:
            items = [
                ("概览", SiteURL.dashboard.link(p)), ("上传数据", SiteURL.upload.link()),
                ("测评打分", SiteURL.scores.link(p)), ("工作动态", SiteURL.events.link(p)),
                ("配套服务", SiteURL.ancillary.link(p)), ("通报", SiteURL.bulletin.link(p)),
                ("通报模板", SiteURL.templates.link()),
                ("超期预警", SiteURL.overdueList.link(p)), ("差评整改", SiteURL.unfavourableList.link(p)),
                ("节假日", SiteURL.calendar.link(String(p.prefix(4)))), ("审计日志", SiteURL.audit.link()),
                ("账号", SiteURL.accounts.link()),
            ]
        case .viewer:
            items = [("概览", SiteURL.dashboard.link(p)), ("通报", SiteURL.bulletin.link(p))]
        case .city:
            items = [("全市概览", SiteURL.city.link(p))]
        case .reporter:
            if let unit = context.account?.unit {
                items = [("本单位报表", SiteURL.report.link(unit, p)), ("上传数据", SiteURL.upload.link())]
            }
        case nil: items = []
        }
        self.nav = items.map { NavItem(label: $0.0, href: $0.1, active: $0.0 == active) }
    }
}

/// A validation finding as a page lists it.
struct IssueView: Sendable, Codable {
    var code: String
    var isError: Bool
    var location: String
    var message: String

    init(_ i: TongbaoCore.Issue) {
        code = i.code.rawValue
        isError = i.severity == .error
        location = i.location
        message = i.message
    }

    static func list(_ error: WebError) -> [IssueView] {
        switch error {
        case .invalid(let issues): return issues.prefix(ImportFailed.listed).map(IssueView.init)
        case .frozen(let issue): return [IssueView(issue)]
        default: return []
        }
    }
}

/// A month picker: the month shown, the one before and the one after.
struct MonthNav: Sendable {
    var current: String
    var previous: String
    var next: String
    var previousLink: String
    var nextLink: String

    init(_ period: Period, _ url: (Period) -> String) {
        current = period.description
        previous = period.previous.description
        next = period.next.description
        previousLink = url(period.previous)
        nextLink = url(period.next)
    }
}

struct ErrorPage: Sendable {
    var chrome: Chrome
    var status: Int
    var message: String
    var issues: [IssueView]
}

extension String {
    /// The request's `:period` parameter as a month, or 404.
    func period() throws -> Period {
        guard let p = Period(parsing: self) else { throw WebError.notFound("月份 \(self)") }
        return p
    }
}
