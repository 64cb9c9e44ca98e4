import Foundation
import Hummingbird
import TongbaoCore
import TongbaoStore

/// The lists a clerk follows up, for admins: 超期预警 (open cases past or at their deadline, in working days) and
/// 差评整改 (unfavourable ratings, each with a follow-up state, note and who set it, audited, and the 整改率).
/// Both filter by unit and download as CSV.
struct ListsController {
    let store: any Store
    let views: Views

    struct Row: Sendable {
        var level: String
        var unit: String
        var caseID: String
        var item: String
        var received: String
        var limit: String
        var due: String
        var completed: String
        var rating: String
        var late: String
        var state: String
        var note: String
        var by: String
        var states: [Choice]
    }
    struct Choice: Sendable {
        var value: String
        var selected: Bool
    }
    struct Page: Sendable {
        var chrome: Chrome
        var months: MonthNav
        var overdue: Bool
        var unit: String
        var asOf: String
        var rows: [Row]
        var count: Int
        var rate: String?
        var csv: String
        var action: String
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.overdueList.pattern) { request, context -> Response in
            try await list(request, context, overdue: true)
        }
        router.get(SiteURL.unfavourableList.pattern) { request, context -> Response in
            try await list(request, context, overdue: false)
        }
        router.get(SiteURL.apiOverdue.pattern) { request, context -> Response in
            try await api(request, context, overdue: true)
        }
        router.get(SiteURL.apiUnfavourable.pattern) { request, context -> Response in
            try await api(request, context, overdue: false)
        }
        router.post(SiteURL.followUp.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let period = try context.parameters.require("period").period()
            let form = try await Forms.fields(request, context: context)
            guard let id = form["case_id"], !id.isEmpty, let state = FollowUp.State(rawValue: form["state"] ?? "")
            else {
                throw WebError.badRequest("请选择整改状态")
            }
            try await store.setFollowUp(
                district: account.district, caseID: id, state: state, note: (form["note"] ?? "").trimmed,
                change: Change(actor: account.name, source: "web"))
            return .redirect(to: SiteURL.unfavourableList.link(period), type: .normal)
        }
    }

    /// What a list shows: the cases picked, the units, the calendar, the day and the unit filter.
    struct Listing {
        var district: String
        var period: Period
        var cases: [CaseState]
        var directory: UnitDirectory
        var units: [OrgUnit]
        var calendar: WorkCalendar
        var asOf: Int
        var unitFilter: String
        var code: String?
    }

    /// The list's cases, read day by day from the ingested partitions of the last 800 days.
    func listing(_ request: Request, _ context: AppContext, overdue: Bool, asOfKey: String) async throws -> Listing {
        let account = try context.requireAdmin()
        let period = try context.parameters.require("period").period()
        let q = request.uri.queryParameters
        let units = try await store.units(district: account.district)
        let directory = UnitDirectory(units)
        let unitFilter = q.get("unit") ?? ""
        let code = unitFilter.isEmpty ? nil : directory.resolve(unitFilter)
        if !unitFilter.isEmpty && code == nil { throw WebError.notFound("单位“\(unitFilter)”") }
        let lastDay = CaseState.day(Day(parsing: "\(period)-\(Day.daysIn(year: period.year, month: period.month))")!)
        let asOf = q.get(asOfKey).flatMap(Day.init(parsing:)).map(CaseState.day) ?? lastDay
        let calendar = try await store.workCalendar(district: account.district)
        var cases: [CaseState] = []
        let through = overdue ? asOf : lastDay
        for day in try await store.casePartitionDays(district: account.district, in: (through - 800)...through) {
            let all = try await store.casePartition(district: account.district, day: day)
            cases += code.map { c in all.filter { $0.unit == c } } ?? all
        }
        let picked =
            overdue
            ? CaseLists.overdue(cases, asOf: asOf, calendar: calendar).map(\.state)
            : CaseLists.unfavourable(cases, in: period)
        return Listing(
            district: account.district, period: period, cases: picked, directory: directory, units: units,
            calendar: calendar, asOf: asOf,
            unitFilter: unitFilter, code: code)
    }

    /// The list as JSON for the API (`/api/v1/periods/{p}/overdue`, `…/unfavourable`).
    func api(_ request: Request, _ context: AppContext, overdue: Bool) async throws -> Response {
        let l = try await listing(request, context, overdue: overdue, asOfKey: "asOf")
        let followUps = overdue ? [:] : try await store.followUps(district: l.district)
        let rows = l.cases.map { c in
            row(
                c, unit: l.directory.unit(c.unit)?.name ?? c.unit, asOf: overdue ? l.asOf : nil, l.calendar,
                followUps[c.caseID])
        }
        let cases = zip(l.cases, rows).map { c, r in
            APICase(
                level: overdue ? r.level : nil, unit: c.unit, unitName: r.unit, caseId: c.caseID, item: c.item,
                received: r.received, limit: r.limit, due: r.due, completed: r.completed.isEmpty ? nil : r.completed,
                rating: r.rating.isEmpty ? nil : r.rating, overdueWorkdays: overdue ? Int(r.late) : nil,
                followUp: overdue ? nil : r.state, note: overdue || r.note.isEmpty ? nil : r.note,
                setBy: overdue || r.by.isEmpty ? nil : r.by)
        }
        if overdue {
            return try JSON.response(
                OverdueList(period: l.period.description, asOf: CaseState.day(number: l.asOf).description, cases: cases)
            )
        }
        return try JSON.response(
            UnfavourableList(period: l.period.description, rectificationRate: Self.rate(rows), cases: cases))
    }

    struct APICase: Codable, Sendable {
        var level: String?
        var unit: String
        var unitName: String
        var caseId: String
        var item: String
        var received: String
        var limit: String
        var due: String
        var completed: String?
        var rating: String?
        var overdueWorkdays: Int?
        var followUp: String?
        var note: String?
        var setBy: String?
    }
    struct OverdueList: Codable, Sendable {
        var period: String
        var asOf: String
        var cases: [APICase]
    }
    struct UnfavourableList: Codable, Sendable {
        var period: String
        var rectificationRate: String?
        var cases: [APICase]
    }

    /// 整改率: rectified among those that need it.
    static func rate(_ rows: [Row]) -> String? {
        let needing = rows.filter { $0.state != FollowUp.State.none.rawValue }.count
        let done = rows.filter { $0.state == FollowUp.State.done.rawValue }.count
        return Numbers.percent(done, of: needing)
    }

    func list(_ request: Request, _ context: AppContext, overdue: Bool) async throws -> Response {
        let l = try await listing(request, context, overdue: overdue, asOfKey: "as_of")
        let (period, units, directory, calendar, asOf, unitFilter, code) = (
            l.period, l.units, l.directory, l.calendar, l.asOf, l.unitFilter, l.code
        )
        let picked = l.cases
        if request.uri.queryParameters.get("format") == "csv" {
            let text = CaseLists.csv(picked, units: units, asOf: overdue ? asOf : nil, calendar: calendar)
            // With a byte-order mark, so Excel on a Chinese Windows reads it as UTF-8.
            return JSON.text(
                "\u{FEFF}" + text, type: "text/csv; charset=utf-8",
                filename: "\(overdue ? "overdue" : "unfavourable")-\(period).csv")
        }
        let followUps = overdue ? [:] : try await store.followUps(district: l.district)
        let rows = picked.map { c in
            row(
                c, unit: directory.unit(c.unit)?.name ?? c.unit, asOf: overdue ? asOf : nil, calendar,
                followUps[c.caseID])
        }
        let title = overdue ? "超期预警" : "差评整改"
        let link = overdue ? SiteURL.overdueList : SiteURL.unfavourableList
        let page = Page(
            chrome: Chrome(context, title: "\(period) \(title)", active: title, period: period),
            months: MonthNav(period) { link.link($0) }, overdue: overdue, unit: unitFilter,
            asOf: CaseState.day(number: asOf).description, rows: rows, count: rows.count,
            rate: overdue ? nil : Self.rate(rows).map { $0 + "%" },
            csv: link.link(period) + "?format=csv" + (unitFilter.isEmpty ? "" : "&unit=\(code ?? "")")
                + (overdue ? "&as_of=\(CaseState.day(number: asOf))" : ""),
            action: SiteURL.followUp.link(period))
        return try views.page("lists", page)
    }

    func row(_ c: CaseState, unit: String, asOf: Int?, _ calendar: WorkCalendar, _ f: FollowUp?) -> Row {
        let t = CaseLists.Texts(c, asOf: asOf, calendar: calendar)
        let state = f?.state ?? .pending
        return Row(
            level: t.level, unit: unit, caseID: c.caseID, item: c.item, received: t.received, limit: t.limit,
            due: t.due, completed: t.completed, rating: t.rating, late: t.late, state: state.rawValue,
            note: f?.note ?? "",
            by: f.map { "\($0.by) \(ChinaTime.display($0.at))" } ?? "",
            states: FollowUp.State.allCases.map { Choice(value: $0.rawValue, selected: $0 == state) })
    }
}
