import Foundation
import Hummingbird
import TongbaoCore
import TongbaoReport
import TongbaoStore

/// Bulletin preview (the same HTML as the CLI), downloads of every format, publication (issue number, frozen
/// month) and reopening with a reason.
struct BulletinController {
    let store: any Store
    let views: Views
    let workbench: Workbench

    struct Download: Sendable {
        var label: String
        var href: String
    }
    struct Page: Sendable {
        var chrome: Chrome
        var months: MonthNav
        var period: String
        var hasData: Bool
        /// Why the month's bulletin cannot be built although it has data (a stored row that cannot be read).
        var unreadable: String?
        var status: String
        var published: Bool
        var publication: String?
        var reopened: String?
        var isAdmin: Bool
        /// The units still missing: publishing then needs a checkbox and a reason.
        var missing: String?
        var publishAction: String
        var reopenAction: String
        var downloads: [Download]
        var frame: String
        var warnings: [IssueView]
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.bulletin.pattern) { request, context -> Response in
            let (account, period) = try context.requireReader()
            let publication = try await store.publication(district: account.district, period: period)
            // A month with no data says so; a month whose stored rows cannot be read says that instead (it has
            // data, and "no data" would send the clerk looking in the wrong place).
            var unreadable: String?
            let bulletin: Bulletin?
            do {
                bulletin = try await workbench.bulletin(account, period)
            } catch WebError.notFound {
                bulletin = nil
            } catch let error as StoreError {
                guard case .corruptRow = error else { throw error }
                bulletin = nil
                unreadable = "本月的数据有无法读取的记录，通报无法生成：\(error.errorDescription ?? "")；请管理员核对这一项，在报表中重新填写或重新导入"
            }
            var status = "未发布"
            if let p = publication { status = p.isFrozen ? "已发布（第\(p.issue)期），数据已冻结" : "已撤回发布，可修改后重新发布" }
            let page = Page(
                chrome: Chrome(
                    context, title: "\(period) 通报", active: "通报", period: period,
                    flash: request.uri.queryParameters.get("done").map { $0 == "publish" ? "已发布" : "已撤回发布" }),
                months: MonthNav(period) { SiteURL.bulletin.link($0) }, period: period.description,
                hasData: bulletin != nil, unreadable: unreadable, status: status,
                published: publication?.isFrozen ?? false,
                publication: publication.map {
                    "第\($0.issue)期，\($0.publishedBy) 于 \(ChinaTime.display($0.publishedAt)) 发布"
                        + ($0.template.map { "，按模板\($0.label)" } ?? "")
                },
                reopened: publication?.reopenedBy.map {
                    "\($0) 于 \(ChinaTime.display(publication?.reopenedAt ?? "")) 撤回：\(publication?.reason ?? "")"
                },
                isAdmin: account.role == .admin,
                missing: bulletin?.missing.map { "尚有\($0.count)个单位未报送：\($0.joined(separator: "、"))" },
                publishAction: SiteURL.publish.link(period),
                reopenAction: SiteURL.reopen.link(period),
                downloads: BulletinFormat.allCases.map {
                    Download(label: $0.label, href: SiteURL.bulletinDocument.link(period, $0.rawValue))
                },
                frame: SiteURL.bulletinDocument.link(period, "html") + "?inline=1",
                warnings: (bulletin?.warnings ?? []).map(IssueView.init))
            return try views.page("bulletin", page)
        }
        router.get(SiteURL.bulletinDocument.pattern) { request, context -> Response in
            let (account, period) = try context.requireReader()
            let format = try context.parameters.require("format")
            guard let f = BulletinFormat(rawValue: format) else { throw WebError.notFound("格式 \(format)") }
            let data = try await workbench.document(account, period, format: f)
            let inline = request.uri.queryParameters.get("inline") != nil
            return JSON.bytes(data, type: f.mediaType, filename: inline ? nil : "bulletin-\(period).\(format)")
        }
        router.post(SiteURL.publish.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let period = try context.parameters.require("period").period()
            let form = try await Forms.fields(request, context: context)
            let allow = form["allow_missing"] == "1" ? form["reason"] : nil
            _ = try await workbench.publish(account, period, allowMissing: allow, source: "web")
            return .redirect(to: SiteURL.bulletin.link(period) + "?done=publish", type: .normal)
        }
        router.post(SiteURL.reopen.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let period = try context.parameters.require("period").period()
            let form = try await Forms.fields(request, context: context)
            try await workbench.reopen(account, period, reason: form["reason"] ?? "", source: "web")
            return .redirect(to: SiteURL.bulletin.link(period) + "?done=reopen", type: .normal)
        }
    }

}
