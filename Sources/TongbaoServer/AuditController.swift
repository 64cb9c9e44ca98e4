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
        var rows: [AuditEntry]
        var shown: Int
        var total: Int
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.audit.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let q = request.uri.queryParameters
            let (unit, period, actor) = (q.get("unit") ?? "", q.get("period") ?? "", q.get("actor") ?? "")
            let rows = try await Self.entries(store, account.district, unit: unit, period: period, actor: actor)
            let page = Page(
                chrome: Chrome(context, title: "审计日志", active: "审计日志", period: Period(parsing: period)),
                unit: unit, period: period, actor: actor,
                rows: rows.prefix(1000).map { e in
                    var local = e
                    local.at = ChinaTime.display(e.at)
                    return local
                }, shown: min(1000, rows.count),
                total: rows.count)
            return try views.page("audit", page)
        }
    }

    /// Newest first. A row's key names its period and unit (`2021-07 C01`), so both filters match key words.
    static func entries(_ store: any Store, _ district: String, unit: String, period: String, actor: String)
        async throws -> [AuditEntry]
    {
        let all = try await store.auditEntries(district: district, table: nil)
        return all.reversed().filter { e in
            let words = e.key.split(separator: " ").map(String.init)
            return (unit.isEmpty || words.contains(unit)) && (actor.isEmpty || e.actor == actor)
                && (period.isEmpty || words.contains { $0 == period || $0.hasPrefix(period + "-") })
        }
    }
}
