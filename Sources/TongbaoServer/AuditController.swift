import Foundation
import Hummingbird
import TongbaoCore
import TongbaoStore

/// The audit log, filterable by unit, period and person.
struct AuditController {
    let store: any Store
    let views: Views

    struct Page: Sendable {
        var chrome: Chrome
        var unit: String
        var period: String
        var actor: String
        var rows: [ReadableAudit]
        var shown: Int
        var total: Int
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.audit.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let q = request.uri.queryParameters
            let (unit, period, actor) = (q.get("unit") ?? "", q.get("period") ?? "", q.get("actor") ?? "")
            let directory = UnitDirectory(try await store.units(district: account.district))
            let (rows, total) = try await store.recentAudit(
                district: account.district, unit: unit, period: period, actor: actor, limit: Self.shown)
            let page = Page(
                chrome: Chrome(context, title: "审计日志", active: "审计日志", period: Period(parsing: period)),
                unit: unit, period: period, actor: actor, rows: rows.map { $0.readable(directory) }, shown: rows.count,
                total: total)
            return try views.page("audit", page)
        }
    }

    /// Entries a page shows, newest first (the count says how many match in all).
    static let shown = 1000
}
