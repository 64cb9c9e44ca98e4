import Foundation
import Hummingbird
import TongbaoCore
import TongbaoStore

/// The holidays deadlines count with, for admins: a year's 放假 and 调休上班 days (the State Council's and the
/// district's own), and a form to add or override a day. Each change is audited and the ingested cases are counted
/// again with it (published months stay as published).
struct CalendarController {
    let store: any Store
    let views: Views

    struct Day_: Sendable {
        var day: String
        var kind: String
        var note: String
        var own: Bool
    }
    struct Page: Sendable {
        var chrome: Chrome
        var year: Int
        var known: Bool
        var previous: String
        var next: String
        var days: [Day_]
        var action: String
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.calendar.pattern) { _, context -> Response in
            let account = try context.requireAdmin()
            guard let year = Int(try context.parameters.require("year")), (1900...2999).contains(year) else {
                throw WebError.notFound("年份")
            }
            let calendar = try await store.workCalendar(district: account.district)
            let own = Set(try await store.calendarDays(district: account.district).map(\.day))
            let page = Page(
                chrome: Chrome(context, title: "\(year) 年节假日安排", active: "节假日", period: nil), year: year,
                known: calendar.years.contains(year), previous: SiteURL.calendar.link(year - 1),
                next: SiteURL.calendar.link(year + 1),
                days: calendar.entries.filter { $0.day.year == year }.sorted { $0.day < $1.day }.map {
                    Day_(
                        day: $0.day.description, kind: $0.working ? "上班" : "放假", note: $0.note,
                        own: own.contains($0.day))
                }, action: SiteURL.calendar.link(year))
            return try views.page("calendar", page)
        }
        router.post(SiteURL.calendar.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let year = try context.parameters.require("year")
            let form = try await Forms.fields(request, context: context)
            let line = "\(form["day"] ?? "") \(form["kind"] ?? "") \(form["note"] ?? "")"
            let (entries, issues) = WorkCalendar.parse(line)
            guard issues.isEmpty, !entries.isEmpty else {
                throw WebError.badRequest(issues.first?.reason ?? "请填写日期（YYYY-MM-DD）和放假或上班")
            }
            let change = Change(actor: account.name, source: "web")
            try await store.transaction(commit: true) {
                _ = try await store.saveCalendarDays(entries, district: account.district, change: change)
                _ = try await store.recomputeCaseTotals(
                    district: account.district, calendar: try await store.workCalendar(district: account.district),
                    change: change)
            }
            return .redirect(to: SiteURL.calendar.link(year), type: .normal)
        }
    }
}
