import Foundation
import HTTPTypes
import Hummingbird
import TongbaoCore
import TongbaoStore

/// The admin's district-wide tables of a month: evaluation scores as a grid (units × rubric criteria, maximum
/// enforced by the importer's E009), work events, and ancillary services. Each save is a small package import.
struct EditController {
    let store: any Store
    let views: Views
    let workbench: Workbench

    struct Cell: Sendable {
        var field: String
        var value: String
        var max: String
    }
    struct ScoreRow: Sendable {
        var name: String
        var cells: [Cell]
    }
    struct Head: Sendable {
        var name: String
        var max: String
    }
    struct ScoresPage: Sendable {
        var chrome: Chrome
        var months: MonthNav
        var action: String
        var criteria: [Head]
        var rows: [ScoreRow]
        var issues: [IssueView]
    }
    struct EventRow: Sendable {
        var date: String
        var text: String
    }
    struct EventsPage: Sendable {
        var chrome: Chrome
        var months: MonthNav
        var action: String
        var deleteAction: String
        var events: [EventRow]
        var issues: [IssueView]
        var defaultDate: String
    }
    struct ServiceRow: Sendable {
        var index: Int
        var service: String
        var count: String
        var ytd: String
    }
    struct AncillaryPage: Sendable {
        var chrome: Chrome
        var months: MonthNav
        var action: String
        var rows: [ServiceRow]
        var next: Int
        var issues: [IssueView]
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.scores.pattern) { request, context -> Response in
            try await scores(context, form: nil, issues: [], saved: request.uri.queryParameters.get("saved") != nil)
        }
        router.post(SiteURL.scores.pattern) { request, context -> Response in
            let (account, period) = try target(context)
            let form = try await Forms.fields(request, context: context)
            let data = try await workbench.data(account, period)
            var rows: [[String]] = []
            for unit in data.units where unit.tier == .center && unit.ranked {
                for c in data.rubric {
                    let v = (form["s|\(unit.code)|\(c.code)"] ?? "").trimmed
                    if !v.isEmpty { rows.append([period.description, unit.code, c.code, v]) }
                }
            }
            let file = PackageFile.csv(.evaluation, header: ["period", "unit", "criterion", "score"], rows: rows)
            return try await save(file, account, redirect: SiteURL.scores.link(period)) {
                try await scores(context, form: form, issues: $0, saved: false)
            }
        }
        router.get(SiteURL.events.pattern) { request, context -> Response in
            try await events(context, issues: [], saved: request.uri.queryParameters.get("saved") != nil)
        }
        router.post(SiteURL.events.pattern) { request, context -> Response in
            let (account, period) = try target(context)
            let form = try await Forms.fields(request, context: context)
            let file = PackageFile.csv(
                .events, header: ["date", "text"], rows: [[(form["date"] ?? "").trimmed, (form["text"] ?? "").trimmed]])
            return try await save(file, account, redirect: SiteURL.events.link(period)) {
                try await events(context, issues: $0, saved: false)
            }
        }
        router.post(SiteURL.eventDelete.pattern) { request, context -> Response in
            let (account, period) = try target(context)
            let form = try await Forms.fields(request, context: context)
            guard let day = Day(parsing: form["date"] ?? "") else { throw WebError.badRequest("日期无效") }
            guard
                try await store.deleteEvent(
                    district: account.district, Event(date: day, text: form["text"] ?? ""),
                    change: workbench.change(account, source: "web"))
            else { throw WebError.notFound("\(day) 的这条工作动态（可能已被删除）") }
            return .redirect(to: SiteURL.events.link(period) + "?saved=1", type: .normal)
        }
        router.get(SiteURL.ancillary.pattern) { request, context -> Response in
            try await ancillary(context, form: nil, issues: [], saved: request.uri.queryParameters.get("saved") != nil)
        }
        router.post(SiteURL.ancillary.pattern) { request, context -> Response in
            let (account, period) = try target(context)
            let form = try await Forms.fields(request, context: context)
            let rows = Self.serviceRows(form).filter { !$0.service.isEmpty }.map {
                [period.description, $0.service, $0.count, $0.ytd]
            }
            let file = PackageFile.csv(.ancillary, header: ["period", "service", "count", "ytd"], rows: rows)
            return try await save(file, account, redirect: SiteURL.ancillary.link(period)) {
                try await ancillary(context, form: form, issues: $0, saved: false)
            }
        }
    }

    func target(_ context: AppContext) throws -> (Account, Period) {
        let account = try context.requireAdmin()
        return (account, try context.parameters.require("period").period())
    }

    /// Imports one edited table; on a validation error shows the form again, as typed, with the errors.
    func save(
        _ file: PackageFile, _ account: Account, redirect: String,
        again: ([TongbaoCore.Issue]) async throws -> Response
    ) async throws -> Response {
        do {
            _ = try await workbench.importFiles([file], as: account, source: "web", dryRun: false)
            return .redirect(to: redirect + "?saved=1", type: .normal)
        } catch let failed as ImportFailed {
            var response = try await again(failed.issues)
            response.status = WebError.from(failed)?.status ?? .unprocessableContent
            return response
        }
    }

    func scores(_ context: AppContext, form: [String: String]?, issues: [TongbaoCore.Issue], saved: Bool) async throws
        -> Response
    {
        let (account, period) = try target(context)
        let data = try await workbench.data(account, period)
        let rows = data.units.filter { $0.tier == .center && $0.ranked }.map { unit in
            ScoreRow(
                name: unit.name,
                cells: data.rubric.map { c in
                    let field = "s|\(unit.code)|\(c.code)"
                    let stored = data.evaluation.first {
                        $0.period == period && $0.unit == unit.code && $0.criterion == c.code
                    }
                    return Cell(
                        field: field, value: form?[field] ?? stored.map { Numbers.decimal($0.score) } ?? "",
                        max: Numbers.decimal(c.max))
                })
        }
        let page = ScoresPage(
            chrome: Chrome(
                context, title: "\(period) 测评打分", active: "测评打分", period: period, flash: saved ? "已保存" : nil),
            months: MonthNav(period) { SiteURL.scores.link($0) }, action: SiteURL.scores.link(period),
            criteria: data.rubric.map { Head(name: $0.name, max: Numbers.decimal($0.max)) }, rows: rows,
            issues: issues.map(IssueView.init))
        return try views.page("scores", page)
    }

    func events(_ context: AppContext, issues: [TongbaoCore.Issue], saved: Bool) async throws -> Response {
        let (account, period) = try target(context)
        let data = try await workbench.data(account, period)
        let page = EventsPage(
            chrome: Chrome(
                context, title: "\(period) 工作动态", active: "工作动态", period: period, flash: saved ? "已保存" : nil),
            months: MonthNav(period) { SiteURL.events.link($0) }, action: SiteURL.events.link(period),
            deleteAction: SiteURL.eventDelete.link(period),
            events: data.events.filter { $0.date.period == period }.sorted { $0.date < $1.date }.map {
                EventRow(date: $0.date.description, text: $0.text)
            }, issues: issues.map(IssueView.init), defaultDate: "\(period)-01")
        return try views.page("events", page)
    }

    static func serviceRows(_ form: [String: String]) -> [ServiceRow] {
        (0..<200).compactMap { i in
            guard let service = form["svc\(i)"] else { return nil }
            return ServiceRow(
                index: i, service: service.trimmed, count: (form["cnt\(i)"] ?? "").trimmed,
                ytd: (form["ytd\(i)"] ?? "").trimmed)
        }
    }

    func ancillary(_ context: AppContext, form: [String: String]?, issues: [TongbaoCore.Issue], saved: Bool)
        async throws -> Response
    {
        let (account, period) = try target(context)
        let data = try await workbench.data(account, period)
        var rows =
            form.map(Self.serviceRows)
            ?? data.ancillary.filter { $0.period == period }.enumerated().map { i, r in
                ServiceRow(
                    index: i, service: r.service, count: r.count.map(String.init) ?? "",
                    ytd: r.ytd.map(String.init) ?? "")
            }
        if form == nil { rows.append(ServiceRow(index: rows.count, service: "", count: "", ytd: "")) }
        let page = AncillaryPage(
            chrome: Chrome(
                context, title: "\(period) 配套服务", active: "配套服务", period: period, flash: saved ? "已保存" : nil),
            months: MonthNav(period) { SiteURL.ancillary.link($0) }, action: SiteURL.ancillary.link(period), rows: rows,
            next: rows.count, issues: issues.map(IssueView.init))
        return try views.page("ancillary", page)
    }
}
