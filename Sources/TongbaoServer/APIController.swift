import Foundation
import Hummingbird
import NIOCore
import TongbaoCore
import TongbaoReport
import TongbaoStore

/// The error body of every API response that is not 2xx.
struct APIError: Codable, Sendable {
    var status: Int
    var message: String
    var issues: [IssueView]

    /// `status`: the answer's own (an unexpected error is answered 500 with a generic message, whose status as a
    /// `WebError` is not).
    init(_ error: WebError, status: HTTPResponse.Status? = nil) {
        self.status = Int((status ?? error.status).code)
        message = error.userMessage
        issues = IssueView.list(error)
    }
}

/// The JSON API under /api/v1: the same operations as the pages, for machine clients with a bearer token
/// (`tongbao user token NAME`). Described by /api/v1/openapi.json.
struct APIController {
    let store: any Store
    let workbench: Workbench
    let openAPI: String

    struct Report: Codable, Sendable {
        var unit: String
        var period: String
        var version: Int
        var cases: [String: String]
        var tongban: [String: ReportInput.TongbanInput]
    }
    struct ReportSave: Codable, Sendable {
        var version: Int
        var cases: [String: String]
        var tongban: [String: ReportInput.TongbanInput]?
        var dryRun: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable { case version, cases, tongban, dryRun }

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            version = try c.decode(Int.self, forKey: .version)
            cases = try c.decode([String: String].self, forKey: .cases)
            tongban = try c.decodeIfPresent([String: ReportInput.TongbanInput].self, forKey: .tongban)
            dryRun = try c.decodeIfPresent(Bool.self, forKey: .dryRun)
        }
    }
    struct PublicationBody: Codable, Sendable {
        var period: String
        var issue: Int
        var state: String
    }
    struct Reason: Codable, Sendable {
        var reason: String

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, ["reason"])
            reason = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .reason)
        }
    }

    /// A JSON object with a key the API does not know is refused, not read past: a misspelt `dryrun` would
    /// otherwise save, and a misspelt figure would silently keep its old value.
    enum StrictKeys {
        struct Unknown: Error {}
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        static func check(_ decoder: any Decoder, _ known: [String]) throws {
            let c = try decoder.container(keyedBy: Key.self)
            guard let bad = c.allKeys.first(where: { !known.contains($0.stringValue) }) else { return }
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath + [bad], debugDescription: known.joined(separator: "、"),
                    underlyingError: Unknown()))
        }
    }

    /// A decoding error in Chinese, naming the field (Foundation's own text is English).
    static func reason(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "缺少字段“\(path(context.codingPath + [key]))”"
        case .typeMismatch(_, let context)?:
            let field = path(context.codingPath)
            return field == "version"
                ? "字段“version”应为整数（读取报表时得到的版本号）"
                : "字段“\(field)”的类型不对（数字也请写成文本，如 \"12\"）"
        case .valueNotFound(_, let context)?:
            return "字段“\(path(context.codingPath))”不能为 null"
        case .dataCorrupted(let context)? where context.underlyingError is StrictKeys.Unknown:
            return "未知字段“\(path(context.codingPath))”；可用的字段：\(context.debugDescription)"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "不是合法的 JSON" : "字段“\(path(context.codingPath))”的值无法读取"
        default: return "不是合法的 JSON"
        }
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.apiOpenAPI.pattern) { _, _ -> Response in
            JSON.text(openAPI, type: "application/json; charset=utf-8")
        }
        router.get(SiteURL.apiUnits.pattern) { _, context -> Response in
            let account = try context.requireAccount()
            let units = try await store.units(district: account.district)
            return try JSON.response(account.role == .reporter ? units.filter { $0.code == account.unit } : units)
        }
        router.get(SiteURL.apiDashboard.pattern) { _, context -> Response in
            let (account, period) = try context.requireReader()
            return try JSON.response(try await workbench.dashboard(account, period).0)
        }
        router.get(SiteURL.apiBulletin.pattern) { request, context -> Response in
            let (account, period) = try context.requireReader()
            let name = request.uri.queryParameters.get("format") ?? "json"
            guard let format = BulletinFormat(rawValue: name) else {
                throw WebError.badRequest("format 应为 " + BulletinFormat.allCases.map(\.rawValue).joined(separator: "、"))
            }
            let data = try await workbench.document(account, period, format: format)
            return JSON.bytes(
                data, type: format.mediaType, filename: format.isText ? nil : "bulletin-\(period).\(name)")
        }
        router.post(SiteURL.apiPublish.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let allow = request.uri.queryParameters.get("allowMissing")
            let p = try await workbench.publish(
                account, try context.parameters.require("period").period(), allowMissing: allow, source: "api")
            return try JSON.response(
                PublicationBody(period: p.period.description, issue: p.issue, state: p.state.rawValue))
        }
        router.post(SiteURL.apiReopen.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let period = try context.parameters.require("period").period()
            let body = try await decode(Reason.self, request, context)
            try await workbench.reopen(account, period, reason: body.reason, source: "api")
            guard let p = try await store.publication(district: account.district, period: period) else {
                throw WebError.notFound("\(period) 的发布记录")
            }
            return try JSON.response(
                PublicationBody(period: p.period.description, issue: p.issue, state: p.state.rawValue))
        }
        router.get(SiteURL.apiReport.pattern) { _, context -> Response in
            let (account, unit, period) = try target(context)
            guard account.role == .admin || account.unit == unit else { throw WebError.forbidden("无权查看单位 \(unit) 的报表") }
            return try JSON.response(try await report(account, unit, period))
        }
        router.put(SiteURL.apiReport.pattern) { request, context -> Response in
            let (account, unit, period) = try target(context)
            guard account.mayEdit(unit: unit) else { throw WebError.forbidden("无权修改单位 \(unit) 的数据") }
            // `?dryRun=true`, as the packages endpoint takes it, or `"dryRun": true` in the body: either checks only.
            let dryRunQuery = try Self.dryRun(request, allowed: ["dryRun"])
            let body = try await decode(ReportSave.self, request, context)
            if let bad = body.cases.keys.sorted().first(where: { !ReportInput.caseColumns.contains($0) }) {
                throw WebError.badRequest(
                    "请求体不是有效的 JSON：未知字段“cases.\(bad)”；可用的字段："
                        + ReportInput.caseColumns.joined(separator: "、"))
            }
            let dryRun = dryRunQuery || (body.dryRun ?? false)
            let result = try await workbench.saveReport(
                ReportInput(cases: body.cases, tongban: body.tongban ?? [:]), unit: unit, period: period,
                expectedVersion: body.version, as: account, source: "api", dryRun: dryRun)
            // The save checked, in its transaction, that the version was the one named; it moved it if it changed
            // anything.
            let version = result.versions[UnitMonth(period: period, unit: unit)] ?? body.version
            return try JSON.response(ImportResult(result, dryRun: dryRun, version: version, for: account))
        }
        router.post(SiteURL.apiPackages.pattern) { request, context -> Response in
            let account = try context.requireImporter()
            let q = request.uri.queryParameters
            let dryRun = try Self.dryRun(request, allowed: ["name", "dryRun"])
            let type = request.headers[.contentType] ?? ""
            let name =
                q.get("name")
                ?? (type.contains("spreadsheetml")
                    ? "package.xlsx" : type.contains("zip") ? "package.zip" : "package.csv")
            let path = try await Spool.body(request, name: name, limit: workbench.config.uploadLimit)
            defer { Spool.discard(path) }
            let report = try await workbench.importUpload(path, as: account, source: "api:\(name)", dryRun: dryRun)
            return try JSON.response(ImportResult(report, dryRun: dryRun, for: account))
        }
        router.get(SiteURL.apiAudit.pattern) { request, context -> Response in
            let account = try context.requireAdmin()
            let q = request.uri.queryParameters
            // Bounded: a log of millions of rows is answered `limit` entries at a time, with the count in a header.
            let limit = q.get("limit").map { Int($0) ?? -1 } ?? AuditController.shown
            guard (1...Self.auditLimit).contains(limit) else {
                throw WebError.badRequest("参数 limit 应为 1 到 \(Self.auditLimit) 的整数")
            }
            let (entries, total) = try await store.recentAudit(
                district: account.district, unit: q.get("unit") ?? "", period: q.get("period") ?? "",
                actor: q.get("actor") ?? "", limit: limit)
            var response = try JSON.response(entries)
            response.headers[.init("X-Total-Count")!] = String(total)
            return response
        }
    }

    /// The most audit entries one API answer carries.
    static let auditLimit = 10_000

    /// The `dryRun` query parameter of a request that writes: absent, `false`, `0`, `no` or `off` is no; `true`,
    /// `1`, `yes` or `on` is yes. Anything else is refused, never a save: an empty or repeated `dryRun`, and any
    /// parameter the endpoint does not take (a misspelt `dryrun` would otherwise be ignored, and the data saved).
    static func dryRun(_ request: Request, allowed: [String]) throws -> Bool {
        let q = request.uri.queryParameters
        if let unknown = q.map({ String($0.key) }).first(where: { !allowed.contains($0) }) {
            throw WebError.badRequest(
                "未知参数“\(unknown.prefix(20))”；可用的参数：\(allowed.joined(separator: "、"))；未保存任何数据")
        }
        let values = q.getAll("dryRun")
        guard values.count <= 1 else { throw WebError.badRequest("参数 dryRun 出现了 \(values.count) 次；未保存任何数据") }
        guard let value = values.first else { return false }
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw WebError.badRequest("参数 dryRun 应为 true 或 false，实际为“\(value.prefix(20))”；未保存任何数据")
        }
    }

    func target(_ context: AppContext) throws -> (Account, String, Period) {
        let account = try context.requireAccount()
        return (account, try context.pathParameter("unit"), try context.parameters.require("period").period())
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: AppContext) async throws -> T {
        do {
            return try await JSONDecoder().decode(type, from: request, context: context)
        } catch let tooMany as NIOTooManyBytesError {
            throw WebError.tooLarge(limit: tooMany.maxBytes ?? context.maxUploadSize)
        } catch {
            throw WebError.badRequest("请求体不是有效的 JSON：" + Self.reason(error))
        }
    }

    func report(_ account: Account, _ unit: String, _ period: Period) async throws -> Report {
        guard var shown = try await store.editableReport(district: account.district, unit: unit, period: period)
        else { throw WebError.notFound("单位 \(unit)") }
        if shown.cases == nil {
            // A unit reporting by case records has no cases.csv row: its figures are aggregated from its records.
            let data = try await store.load(district: account.district, period: period, unit: unit)
            shown.cases = data.cases.first { $0.period == period && $0.unit == unit }
            shown.tongban = data.tongban.filter { $0.period == period && $0.unit == unit }
        }
        let cases = ReportInput.caseValues(shown.cases)
        var tongban: [String: ReportInput.TongbanInput] = [:]
        for r in shown.tongban {
            tongban[r.scope] = .init(count: r.count.map(String.init), ytd: r.ytd.map(String.init))
        }
        return Report(
            unit: unit, period: period.description, version: shown.version.version, cases: cases, tongban: tongban)
    }
}
