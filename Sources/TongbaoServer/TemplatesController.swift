import Foundation
import Hummingbird
import TongbaoCore
import TongbaoReport
import TongbaoStore

/// 通报模板 (admins): the templates a district can use, an editor with the month's bulletin previewed beside it,
/// saving as a new version (audited, checked first) and choosing the one the district's bulletins use.
struct TemplatesController {
    let store: any Store
    let views: Views
    let workbench: Workbench

    struct Row: Sendable {
        var name: String
        var kind: String
        var version: String
        var saved: String
        var editLink: String
        var current: Bool
    }
    struct Version: Sendable {
        var label: String
        var link: String
        var name: String
        var version: Int
        var current: Bool
    }
    struct Page: Sendable {
        var chrome: Chrome
        var current: String
        var rows: [Row]
        var name: String
        var body: String
        var period: String
        var versions: [Version]
        var problems: [String]
        var preview: String?
        var previewNote: String?
        var action: String
        var useAction: String
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.templates.pattern) { request, context -> Response in
            let admin = try context.requireAdmin()
            let q = request.uri.queryParameters
            let name = q.get("name").map { String($0) } ?? ""
            let version = q.get("version").flatMap { Int($0) }
            var body = ""
            if !name.isEmpty {
                if let s = try await store.template(owner: admin.district, name: name, version: version) {
                    body = s.body
                } else if let shipped = BulletinTemplate.shipped.first(where: { $0.name == name }) {
                    body = shipped.text
                } else {
                    throw WebError.notFound("模板“\(name)”" + (version.map { "第\($0)版" } ?? ""))
                }
            } else {
                body = try await workbench.publishing.template(district: admin.district).text
            }
            let flash = q.get("done").map {
                $0 == "use" ? "已选用" : $0 == "same" ? "内容与最新版本相同，未另存新版本" : "已保存为新版本（尚未选用）"
            }
            return try await page(context, name: name, body: body, period: nil, flash: flash)
        }
        router.post(SiteURL.templates.pattern) { request, context -> Response in
            let admin = try context.requireAdmin()
            let form = try await Forms.fields(request, context: context)
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let body = TemplateLimits.normalized(form["body"] ?? "")
            let periodText = (form["period"] ?? "").trimmingCharacters(in: .whitespaces)
            let period = Period(parsing: periodText)
            if !periodText.isEmpty, period == nil {
                return try await page(
                    context, name: name, body: body, period: nil,
                    problems: ["预览月份“\(periodText.prefix(20))”无效，应为 YYYY-MM，如 2021-07"], status: .unprocessableContent)
            }
            let template: BulletinTemplate
            do {
                template = try BulletinTemplate(name: name.isEmpty ? "预览" : name, version: 0, text: body)
            } catch let errors as TemplateErrors {
                return try await page(
                    context, name: name, body: body, period: period, problems: Self.lines(errors),
                    status: .unprocessableContent)
            }
            guard form["action"] == "save" else {
                return try await page(context, name: name, body: body, period: period, preview: template)
            }
            if let problem = TemplateLimits.nameProblem(name) {
                return try await page(
                    context, name: name, body: body, period: period, problems: [problem], status: .unprocessableContent)
            }
            // Rendered once with the district's newest month first: a template too large for its data is not kept.
            do {
                try await workbench.publishing.trial(template, district: admin.district)
            } catch let errors as TemplateErrors {
                return try await page(
                    context, name: name, body: body, period: period, problems: Self.lines(errors),
                    status: .unprocessableContent)
            }
            let saved = try await store.saveTemplate(
                owner: admin.district, name: name, body: body, change: workbench.change(admin, source: "web"))
            return .redirect(to: Self.link(name) + (saved.saved ? "&done=save" : "&done=same"), type: .normal)
        }
        router.post(SiteURL.templateUse.pattern) { request, context -> Response in
            let admin = try context.requireAdmin()
            let form = try await Forms.fields(request, context: context)
            let name = form["name"] ?? ""
            let version = form["version"].flatMap { Int($0) }
            guard
                try await workbench.publishing.useTemplate(
                    name, version: version, district: admin.district, change: workbench.change(admin, source: "web"))
            else { throw WebError.notFound("模板“\(name)”" + (version.map { "第\($0)版" } ?? "")) }
            return .redirect(to: SiteURL.templates.link() + "?done=use", type: .normal)
        }
    }

    /// A template's mistakes as the page lists them, with how many there are when not all are listed.
    static func lines(_ errors: TemplateErrors) -> [String] {
        (errors.total > errors.problems.count ? ["共\(errors.total)处错误，以下是前\(errors.problems.count)处："] : [])
            + errors.problems.map(\.description)
    }

    static func link(_ name: String, version: Int? = nil) -> String {
        SiteURL.templates.link() + "?name="
            + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            + (version.map { "&version=\($0)" } ?? "")
    }

    /// The month a preview shows: the one asked for, else the latest with data.
    func previewPeriod(_ district: String, _ asked: Period?) async throws -> Period? {
        if let asked { return asked }
        return try await store.latestPeriod(district: district)
    }

    func page(
        _ context: AppContext, name: String, body: String, period asked: Period?, problems: [String] = [],
        preview: BulletinTemplate? = nil, flash: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let admin = try context.requireAdmin()
        let choice = try await store.templateChoice(district: admin.district)
        let current = try await workbench.publishing.template(district: admin.district)
        var rows = BulletinTemplate.shipped.map {
            Row(
                name: $0.name, kind: "系统自带", version: "", saved: "", editLink: Self.link($0.name),
                current: current.version == 0 && current.name == $0.name)
        }
        for t in try await store.templates(owner: admin.district) {
            rows.append(
                Row(
                    name: t.name, kind: "本区县", version: "第\(t.version)版",
                    saved: "\(t.savedBy) \(ChinaTime.display(t.savedAt))", editLink: Self.link(t.name),
                    current: current.version == t.version && current.name == t.name))
        }
        let versions = name.isEmpty ? [] : try await store.templateVersions(owner: admin.district, name: name)
        let period = try await previewPeriod(admin.district, asked)
        var rendered: String?
        var note: String?
        if let preview, let period {
            if let b = try await workbench.publishing.bulletin(district: admin.district, period: period) {
                do {
                    rendered = try HTMLWriter.render(try preview.view(b))
                } catch let errors as TemplateErrors {
                    return try await self.page(
                        context, name: name, body: body, period: period, problems: errors.problems.map(\.description),
                        status: .unprocessableContent)
                }
            } else {
                note = "\(period) 没有数据，无法预览"
            }
        }
        let page = Page(
            chrome: Chrome(context, title: "通报模板", active: "通报模板", period: period, flash: flash),
            current: current.stamp.label
                + (choice.chosenBy.map { $0 == admin.district ? "" : "（由 \($0) 统一设置）" } ?? ""),
            rows: rows, name: name, body: body, period: period?.description ?? "",
            versions: versions.map {
                Version(
                    label: "第\($0.version)版 \($0.savedBy) \(ChinaTime.display($0.savedAt))",
                    link: Self.link(name, version: $0.version), name: name, version: $0.version,
                    current: current.name == name && current.version == $0.version)
            },
            problems: problems, preview: rendered, previewNote: note, action: SiteURL.templates.link(),
            useAction: SiteURL.templateUse.link())
        return try views.page("templates", page, status: status)
    }
}
