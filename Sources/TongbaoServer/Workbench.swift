import Foundation
import TongbaoCore
import TongbaoReport
import TongbaoStore

/// What the pages and the API do, in one place: every edit becomes a small data package handed to the
/// ``Importer``, so a web save gets the same checks, freezing, transaction and audit as an uploaded file.
struct Workbench: Sendable {
    let store: any Store
    let config: ServerConfig
    /// PDFs are printed by Chromium, a few at a time (``ServerConfig/pdfRenderers``).
    let pdfGate: RenderGate
    /// Uploaded files are read and imported one at a time (each may hold its package in memory, and reading one
    /// keeps a core busy for seconds: two at once on two cores left every other page waiting), 16 waiting.
    let uploadGate = RenderGate(width: 1, queue: 16, busy: "同时上传的文件过多，请稍后重试")

    init(store: any Store, config: ServerConfig) {
        self.store = store
        self.config = config
        self.pdfGate = RenderGate(width: config.pdfRenderers, queue: config.pdfQueue)
    }

    /// Reads an uploaded file (spooled at `path`) and imports it as `account`, a few uploads at a time.
    func importUpload(_ path: URL, as account: Account, source: String, dryRun: Bool) async throws -> ImportReport {
        let limits = config.unpackLimits
        // Uploads wait their turn here: the wait for another program's lock on an SQLite file counts from now, so
        // that uploads queued behind one refused for it are refused as soon, not 30 s each in turn.
        return try await SQLStore.$writeAskedAt.withValue(.now) {
            try await uploadGate.run {
                try await importFiles(
                    try PackageReader.read(path.path, limits: limits), as: account, source: source, dryRun: dryRun)
            }
        }
    }

    func change(_ account: Account, source: String) -> Change {
        Change(actor: account.name, source: source, at: config.now())
    }

    // MARK: - Reading

    func data(_ account: Account, _ period: Period) async throws -> DistrictData {
        try await store.load(district: account.district, period: period)
    }

    /// The bulletin and documents of a month, and its publication (shared with the command line).
    var publishing: Publishing { Publishing(store: store, settings: config.settings) }

    /// The month's bulletin as it stands: the published copy's issue number once published.
    func bulletin(_ account: Account, _ period: Period) async throws -> Bulletin {
        guard let b = try await publishing.bulletin(district: account.district, period: period) else {
            throw WebError.notFound("\(period) 的数据")
        }
        return b
    }

    /// The month's dashboard, and its bulletin when the month has data (the page draws its charts).
    func dashboard(_ account: Account, _ period: Period) async throws -> (Dashboard, Bulletin?) {
        let data = try await data(account, period)
        let builder = BulletinBuilder(data: data, period: period, settings: config.settings)
        let bulletin = builder.hasData ? builder.build(detail: false) : nil
        let publication = try await store.publication(district: account.district, period: period)
        return (Dashboard.make(bulletin, data: data, period: period, publication: publication), bulletin)
    }

    /// The document in `format`: the published copy once the month is published, else rendered now.
    func document(_ account: Account, _ period: Period, format: BulletinFormat) async throws -> Data {
        let publishing = self.publishing
        let render = { @Sendable in
            do {
                return try await publishing.document(district: account.district, period: period, format: format)
            } catch let failure as Publishing.Failure {
                throw WebError.conflict(failure.errorDescription ?? "")
            }
        }
        if format == .pdf { Operations.count(.pdfRenders) }
        guard let doc = format == .pdf ? try await pdfGate.run(render) : try await render() else {
            throw WebError.notFound("\(period) 的数据")
        }
        return doc
    }

    /// The most recent month with data, or the current month.
    func latestPeriod(_ account: Account) async throws -> Period {
        try await store.latestPeriod(district: account.district) ?? Period(containing: config.now())
    }

    // MARK: - Writing

    /// Imports `files` as `account` (dry run: everything checked, the changes listed, nothing kept).
    func importFiles(
        _ files: [PackageFile], as account: Account, source: String, dryRun: Bool,
        precondition: (@Sendable () async throws -> Void)? = nil
    ) async throws -> ImportReport {
        let now = Period(containing: config.now())
        func run<S: Store>(_ store: S) async throws -> ImportReport {
            var importer = Importer(store: store, district: account.district, change: change(account, source: source))
            importer.settings = config.settings
            if account.role != .admin {
                importer.checkChanged = { months in try Self.checkReporterMonths(months, now: now) }
            }
            importer.authorize = { pkg in
                try Self.checkMonths(pkg, now: now, clock: config.now())
                guard account.role != .admin else { return }
                // The district's 通办 scopes are read only for a package that has 通办 rows.
                let scopes = pkg.tongban.isEmpty ? [] : try await store.tongbanScopes(district: account.district)
                try Self.authorize(account, pkg, scopes: scopes)
            }
            if account.role != .admin { importer.onlyUnit = account.unit ?? "" }
            importer.precondition = precondition
            return try await importer.run(files: files, dryRun: dryRun)
        }
        let report = try await run(store)
        if !dryRun {
            Operations.count(.imports)
            for w in report.writes {
                let n = w.inserted + w.updated
                Operations.count(
                    w.table == "case_records" ? .ingestedCases : .importedRows, by: n, [("table", w.table)])
            }
        }
        return report
    }

    /// A reporter's import changes no month before their last 12: older months change the comparisons with last
    /// year, so an admin brings them. Checked with every month the import changed (``Importer/checkChanged``), the
    /// months its case records were received and completed in and those a moved case leaves, which the package
    /// does not name.
    static func checkReporterMonths(_ months: [Period], now: Period) throws {
        let earliest = (0..<12).reduce(now) { p, _ in p.previous }
        let old = months.filter { $0 < earliest }
        guard old.isEmpty else {
            let why = "填报员可填报 \(earliest) 至 \(now)，更早的月份和更早受理的办件请由管理员导入"
            throw ImportFailed(old.prefix(5).map { Issue(.futureMonth, period: $0.description, value: why) })
        }
    }

    /// No month after the current one through the web or the API (it would become everyone's default month), and
    /// no case received or completed later than now (`clock`, with a day for clocks and zones that differ).
    static func checkMonths(_ pkg: DataPackage, now: Period, clock: Date) throws {
        let wrong = pkg.periods.filter { $0 > now }.sorted()
        guard wrong.isEmpty else {
            throw ImportFailed(
                wrong.prefix(5).map { Issue(.futureMonth, period: $0.description, value: "最晚为本月 \(now)") })
        }
        // Stored times read `2021-08-01T09:00:00`, in China's time.
        let later = ChinaTime.display(clock.addingTimeInterval(86_400)).replacingOccurrences(of: " ", with: "T") + ":59"
        let future = pkg.caseRecords.filter { $0.receivedAt > later || ($0.completedAt ?? "") > later }
        guard future.isEmpty else {
            throw ImportFailed(
                future.prefix(5).map { r in
                    let (what, when) = r.receivedAt > later ? ("受理", r.receivedAt) : ("办结", r.completedAt ?? "")
                    return Issue(
                        .futureMonth, file: "case_records", period: String(when.prefix(7)), key: r.caseID,
                        value:
                            "办件 \(r.caseID.prefix(40)) 的\(what)时间 \(when.replacingOccurrences(of: "T", with: " ")) 晚于现在（\(ChinaTime.display(clock))）"
                    )
                })
        }
    }

    /// A reporter's package holds only their own unit's monthly figures, 通办 of the district's scopes (`scopes`:
    /// those the admins' imports brought) and case records.
    static func authorize(_ account: Account, _ pkg: DataPackage, scopes: Set<String>) throws {
        guard account.role == .reporter, let unit = account.unit else {
            throw WebError.forbidden("只有管理员和填报员可以导入数据")
        }
        let others =
            pkg.units.count + pkg.rubric.count + pkg.ancillary.count + pkg.evaluation.count + pkg.events.count
            + pkg.figures.count + pkg.meta.count
        let units = Set(pkg.cases.map(\.unit) + pkg.tongban.map(\.unit) + pkg.caseRecords.map(\.unit))
        guard others == 0, units.subtracting([unit]).isEmpty else {
            throw WebError.forbidden("填报员只能导入本单位（\(unit)）的办件月报、通办和办件明细")
        }
        let unknown = Set(pkg.tongban.map(\.scope)).subtracting(scopes).sorted()
        guard unknown.isEmpty else {
            let known = scopes.sorted().prefix(10).joined(separator: "、")
            throw WebError.forbidden(
                "通办范围“\(unknown.prefix(3).joined(separator: "”“"))”不在本区县的通办范围中"
                    + (known.isEmpty ? "" : "（现有：\(known)）") + "；新的通办范围请由管理员导入")
        }
    }

    /// Saves (or, with `dryRun`, checks) one unit-month's report. A save names the version it was based on;
    /// when someone saved in between, nothing is written and the caller is told who.
    func saveReport(
        _ input: ReportInput, unit: String, period: Period, expectedVersion: Int, as account: Account,
        source: String, dryRun: Bool
    ) async throws -> ImportReport {
        guard account.mayEdit(unit: unit) else { throw WebError.forbidden("无权修改单位 \(unit) 的数据") }
        let files = input.files(unit: unit, period: period)
        let store = self.store
        // The version is checked inside the import's transaction, under the district's writers' lock; the import
        // moves the unit-month to its next version when it changes anything.
        let report = try await importFiles(files, as: account, source: source, dryRun: dryRun) {
            let current = try await store.reportVersion(district: account.district, period: period, unit: unit)
            if current.version != expectedVersion {
                // A published month says so (E020) whatever version the form was loaded at: reloading would not help.
                if !(try await store.frozenPeriods(district: account.district, [period]).isEmpty) {
                    throw ImportFailed([Issue(.periodPublished, period: period.description)])
                }
                throw StoreError.versionConflict(current)
            }
        }
        if !dryRun { Operations.count(.saves) }
        return report
    }

    /// Publishes the month; with units missing, only with `allowMissing` (why), which is audited.
    func publish(_ account: Account, _ period: Period, allowMissing: String? = nil, source: String) async throws
        -> Publication
    {
        guard account.role == .admin else { throw WebError.forbidden("只有管理员可以发布通报") }
        do {
            return try await publishing.publish(
                district: account.district, period: period, allowMissing: allowMissing,
                change: change(account, source: source))
        } catch let failure as Publishing.Failure {
            throw WebError.conflict(failure.errorDescription ?? "")
        }
    }

    func reopen(_ account: Account, _ period: Period, reason: String, source: String) async throws {
        guard account.role == .admin else { throw WebError.forbidden("只有管理员可以撤回发布") }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw WebError.badRequest("撤回发布必须填写原因") }
        try await publishing.reopen(
            district: account.district, period: period, reason: reason, change: change(account, source: source))
    }

    /// The units whose figures for `period` have not arrived (the 催报 list), and those the bulletin names as not
    /// reported (`bulletinMissing`: a unit whose case records hold no receipt this month has figures, but not this
    /// month's export). In a month with case records, a unit that sent no monthly figures in the months loaded
    /// (since January of last year) and has no case this month is in the export with nothing: it had no business
    /// (无业务单位), and is not chased unless the bulletin names it.
    static func missingReports(_ data: DistrictData, _ period: Period, bulletinMissing: [String] = []) -> [OrgUnit] {
        let reported = Set(data.cases.filter { $0.period == period }.map(\.unit))
            .union(data.recordStats.filter { $0.period == period }.map(\.unit))
        let named = Set(bulletinMissing)
        let recordsInUse = data.recordStats.contains { $0.period == period }
        // `cases` holds the unit-months of case records too (aggregated): those are no monthly figures.
        let fromRecords = Set(data.recordStats.map { "\($0.period) \($0.unit)" })
        let monthly = Set(data.cases.filter { !fromRecords.contains("\($0.period) \($0.unit)") }.map(\.unit))
        return data.units.filter {
            named.contains($0.name) || (!reported.contains($0.code) && (!recordsInUse || monthly.contains($0.code)))
        }
    }
}

/// One unit-month's report as typed in a form or sent to the API: the columns of cases.csv, and 通办 by scope.
struct ReportInput: Codable, Sendable {
    static let caseColumns = PackageTable.cases.columns.dropFirst(2).map(\.name)

    var cases: [String: String]
    var tongban: [String: TongbanInput]

    /// A stored row's figures by cases.csv column, as a form shows them (empty for not reported).
    static func caseValues(_ row: CaseRow?) -> [String: String] {
        let figures = row?.figuresByColumn ?? [:]
        return Dictionary(uniqueKeysWithValues: caseColumns.map { ($0, (figures[$0] ?? nil).map(String.init) ?? "") })
    }

    struct TongbanInput: Codable, Sendable {
        var count: String?
        var ytd: String?

        init(count: String?, ytd: String?) {
            self.count = count
            self.ytd = ytd
        }

        init(from decoder: any Decoder) throws {
            try APIController.StrictKeys.check(decoder, ["count", "ytd"])
            let c = try decoder.container(keyedBy: CodingKeys.self)
            count = try c.decodeIfPresent(String.self, forKey: .count)
            ytd = try c.decodeIfPresent(String.self, forKey: .ytd)
        }
    }

    /// The input as package files. Only the fields it names are written: a figure left out of an API body keeps
    /// its stored value, while an empty one means "not reported" (the web form always sends every field).
    func files(unit: String, period: Period) -> [PackageFile] {
        let columns = Self.caseColumns.filter { cases[$0] != nil }
        let caseRow = [period.description, unit] + columns.map { (cases[$0] ?? "").trimmed }
        var files = [PackageFile.csv(.cases, header: ["period", "unit"] + columns, rows: [caseRow])]
        let scopes = tongban.filter {
            !(($0.value.count ?? "").trimmed.isEmpty && ($0.value.ytd ?? "").trimmed.isEmpty)
        }
        // Scopes naming the same fields share a file; a table may come in several.
        let groups = Dictionary(grouping: scopes.keys.sorted()) { scope in
            [scopes[scope]?.count != nil, scopes[scope]?.ytd != nil]
        }
        for (present, names) in groups.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let fields = zip(["count", "ytd"], present).filter(\.1).map(\.0)
            files.append(
                .csv(
                    .tongban, header: ["period", "unit", "scope"] + fields,
                    rows: names.map { scope in
                        [period.description, unit, scope]
                            + fields.map { f in
                                ((f == "count" ? scopes[scope]?.count : scopes[scope]?.ytd) ?? "").trimmed
                            }
                    }))
        }
        return files
    }
}
