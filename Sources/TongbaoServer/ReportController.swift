import Foundation
import HTTPTypes
import Hummingbird
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoStore

/// A unit's monthly report form: the fields of cases.csv and 通办, the unit's previous months beside them, the
/// validation result before saving, and a version check so that two people saving at once lose nothing.
struct ReportController {
    let store: any Store
    let views: Views
    let workbench: Workbench

    struct Field: Sendable {
        var name: String
        var label: String
        var value: String
        var previous: [String]
    }
    struct ScopeRow: Sendable {
        var scope: String
        var countField: String
        var ytdField: String
        var count: String
        var ytd: String
        var previous: [String]
    }
    struct Page: Sendable {
        var chrome: Chrome
        var months: MonthNav
        var unit: String
        var unitName: String
        var period: String
        var action: String
        var template: String
        var version: Int
        var savedBy: String?
        var previousPeriods: [String]
        var fields: [Field]
        var scopes: [ScopeRow]
        var hasScopes: Bool
        var issues: [IssueView]
        var checked: Bool
        var valid: Bool
        var frozen: Bool
        var canEdit: Bool
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.report.pattern) { request, context -> Response in
            let (account, unit, period) = try await target(context)
            let saved = request.uri.queryParameters.get("saved") != nil
            return try await page(
                account, unit, period, context: context, input: nil, issues: [], checked: false,
                flash: saved ? "已保存" : nil)
        }
        router.get(SiteURL.reportTemplate.pattern) { _, context -> Response in
            let (account, unit, period) = try await target(context)
            let current = try await store.reportRows(district: account.district, unit: unit.code, period: period)
            let previous = try await store.reportRows(
                district: account.district, unit: unit.code, period: period.previous)
            let book = ReportTemplate.workbook(unit: unit, period: period, current: current, previous: previous)
            return JSON.bytes(
                try XLSXWriter.write(book), type: BulletinFormat.xlsx.mediaType,
                filename: "report-\(unit.code)-\(period).xlsx")
        }
        router.post(SiteURL.report.pattern) { request, context -> Response in
            let (account, unit, period) = try await target(context)
            guard account.mayEdit(unit: unit.code) else { throw WebError.forbidden("无权修改单位 \(unit.code) 的数据") }
            let form = try await Forms.fields(request, context: context)
            let input = Self.input(form, scopes: try await scopes(account, period))
            let dryRun = form["action"] != "save"
            let version = Int(form["version"] ?? "") ?? -1
            do {
                let report = try await workbench.saveReport(
                    input, unit: unit.code, period: period, expectedVersion: version, as: account, source: "web",
                    dryRun: dryRun)
                // An admin checking one unit's form is shown that unit's warnings and the district's own.
                let warnings = ImportResult.visible(report.warnings, to: account, units: report.units).filter {
                    $0.unit == nil || $0.unit == unit.code || $0.unit == unit.name
                }
                if dryRun {
                    return try await page(
                        account, unit, period, context: context, input: input,
                        issues: warnings, checked: true, flash: "校验通过，尚未保存", version: version)
                }
                return .redirect(to: SiteURL.report.link(unit.code, period) + "?saved=1", type: .normal)
            } catch let failed as ImportFailed {
                return try await page(
                    account, unit, period, context: context, input: input, issues: failed.issues,
                    checked: true, flash: "数据未通过校验，未保存", version: version,
                    status: WebError.from(failed)?.status ?? .unprocessableContent)
            } catch StoreError.versionConflict(let current) {
                // The other save is kept; this person's typing is shown again with the message, so nothing is lost.
                let message = StoreError.versionConflict(current).errorDescription ?? ""
                return try await page(
                    account, unit, period, context: context, input: input, issues: [],
                    checked: false, flash: message, version: version, status: .conflict)
            } catch let failure as StoreError {
                // The database is busy or away for a while (what `WebError` answers with a Retry-After): nothing was
                // saved, and the typing is shown again to save once it is back (the form is read from the readers,
                // which a writer's lock does not block).
                guard case .unavailable(let why, let retry?) = WebError.from(failure) else { throw failure }
                var response = try await page(
                    account, unit, period, context: context, input: input, issues: [], checked: false, flash: why,
                    version: version, status: .serviceUnavailable)
                response.headers[.retryAfter] = String(retry)
                return response
            }
        }
    }

    /// The signed-in account, the unit (which they may see) and the month of the request.
    func target(_ context: AppContext) async throws -> (Account, OrgUnit, Period) {
        let account = try context.requireAccount()
        let code = try context.pathParameter("unit")
        let period = try context.parameters.require("period").period()
        guard account.role == .admin || (account.role == .reporter && account.unit == code) else {
            throw WebError.forbidden("无权查看单位 \(code) 的报表")
        }
        guard let unit = try await store.directory(district: account.district)?.units.first(where: { $0.code == code })
        else {
            throw WebError.notFound("单位 \(code)")
        }
        return (account, unit, period)
    }

    /// The district's 通办 scopes of the month's window: every unit's form asks for each of them.
    func scopes(_ account: Account, _ period: Period) async throws -> [String] {
        try await store.tongbanScopes(district: account.district, period: period)
    }

    static func input(_ form: [String: String], scopes: [String]) -> ReportInput {
        var cases: [String: String] = [:]
        for c in ReportInput.caseColumns { cases[c] = form[c] ?? "" }
        var tongban: [String: ReportInput.TongbanInput] = [:]
        for (i, scope) in scopes.enumerated() {
            tongban[scope] = .init(count: form["tb\(i)_count"], ytd: form["tb\(i)_ytd"])
        }
        return ReportInput(cases: cases, tongban: tongban)
    }

    func page(
        _ account: Account, _ unit: OrgUnit, _ period: Period, context: AppContext, input: ReportInput?,
        issues: [TongbaoCore.Issue], checked: Bool, flash: String?, version: Int? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        // The version before the figures: a save in between then makes this form's save conflict instead of being
        // overwritten by it (``EditableReport``).
        let stored = try await store.reportVersion(district: account.district, period: period, unit: unit.code)
        let months = [period.previous.previous.previous, period.previous.previous, period.previous]
        // The unit's own rows only: another unit's row that cannot be read does not stop this unit's form. When
        // one of its own cannot (a count past the bound, stored before there was one), the form shows its months
        // as stored, without sums, so that the value can be seen and corrected here.
        var data: DistrictData
        do {
            data = try await store.load(district: account.district, period: period, unit: unit.code)
        } catch StoreError.corruptRow {
            data = DistrictData(district: District(code: account.district, name: ""), units: [], rubric: [])
            for p in months + [period] {
                let (row, tongban) = try await store.reportRows(district: account.district, unit: unit.code, period: p)
                data.cases += row.map { [$0] } ?? []
                data.tongban += tongban
            }
        }
        let rows = data.cases.filter { $0.unit == unit.code }
        let current = ReportInput.caseValues(rows.first { $0.period == period })
        let before = months.map { p in ReportInput.caseValues(rows.first { $0.period == p }) }
        let labels = Dictionary(uniqueKeysWithValues: PackageTable.cases.columns.map { ($0.name, $0.chinese) })
        let fields = ReportInput.caseColumns.map { c in
            Field(
                name: c, label: labels[c] ?? c, value: input?.cases[c] ?? current[c] ?? "",
                previous: before.map { $0[c] ?? "" })
        }
        let tb = data.tongban.filter { $0.unit == unit.code }
        let scopeRows = try await scopes(account, period).enumerated().map { i, scope in
            let current = tb.first { $0.period == period && $0.scope == scope }
            return ScopeRow(
                scope: scope, countField: "tb\(i)_count", ytdField: "tb\(i)_ytd",
                count: input?.tongban[scope]?.count ?? current?.count.map(String.init) ?? "",
                ytd: input?.tongban[scope]?.ytd ?? current?.ytd.map(String.init) ?? "",
                previous: months.map { p in
                    tb.first { $0.period == p && $0.scope == scope }?.count.map(String.init) ?? ""
                })
        }
        let frozen = !(try await store.frozenPeriods(district: account.district, [period]).isEmpty)
        let page = Page(
            chrome: Chrome(context, title: "\(unit.name) \(period) 报表", active: "本单位报表", period: period, flash: flash),
            months: MonthNav(period) { SiteURL.report.link(unit.code, $0) }, unit: unit.code, unitName: unit.name,
            period: period.description, action: SiteURL.report.link(unit.code, period),
            template: SiteURL.reportTemplate.link(unit.code, period),
            version: version ?? stored.version,
            savedBy: stored.savedBy.map { "\($0)（\(ChinaTime.display(stored.savedAt ?? ""))）" },
            previousPeriods: months.map(\.description), fields: fields, scopes: scopeRows,
            hasScopes: !scopeRows.isEmpty,
            issues: issues.map(IssueView.init), checked: checked,
            valid: checked && !issues.contains { $0.severity == .error }, frozen: frozen,
            canEdit: account.mayEdit(unit: unit.code) && !frozen)
        return try views.page("report", page, status: status)
    }
}
