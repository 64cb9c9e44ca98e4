import Foundation
import TongbaoCore

/// What an import (or a dry run) did.
public struct ImportReport: Sendable {
    public var periods: [Period]
    public var rows: [(PackageTable, Int)]
    public var writes: [TableWrite]
    public var warnings: [Issue]
    /// The unit directory after the import, to name units in summaries.
    public var units: [OrgUnit] = []
    /// When unit changes were written: the month they take effect from by default (nil: since the earliest
    /// month, as nothing is published yet).
    public var unitsFrom: Period??
    /// How the files were read: files skipped, columns and rows left out, totals checked (notices and warnings
    /// found while reading, before any figure was computed).
    public var notes: [Issue] = []
    /// The report version each unit-month this import changed moved to (``Store/advanceReportVersion``).
    public var versions: [UnitMonth: Int] = [:]
}

/// Imports a data package all-or-nothing: parse and check every file, then write every table in one transaction,
/// then compute the warnings of every period the package touches. The warnings are computed after the commit,
/// outside the district's writers' lock (a dry run's inside its transaction, where its rows are): writers of a
/// district wait for each other's writes only, not for each other's checks.
public struct Importer<S: Store>: Sendable {
    /// Rows written between two progress lines.
    static var progressStep: Int { 20_000 }
    public var store: S
    public var district: String
    public var districtName: String?
    public var change: Change
    /// The month unit changes take effect from when units.csv has no `from` column (`--effective`); nil: the
    /// first month after the last published one (since ever when none is published).
    public var effective: Period?
    /// Settings of the checks run on every period the package touches.
    public var settings = BulletinSettings()
    /// Called with the parsed package before anything is written; throwing refuses the whole import (the web
    /// application lets a reporter import their own unit's rows only).
    public var authorize: (@Sendable (DataPackage) async throws -> Void)?
    /// A reporter's import: case records may change this unit's figures only (``CaseIngester/onlyUnit``), and
    /// the checks read this unit's rows only (a reporter is shown their own unit's warnings, nothing else).
    public var onlyUnit: String?
    /// Runs first inside the import's transaction, under the district's writers' lock (a form save checks there
    /// that the unit-month is still at the version it was based on); throwing writes nothing.
    public var precondition: (@Sendable () async throws -> Void)?
    /// Called inside the import's transaction with every month whose figures it changed, the months a moved case
    /// leaves among them; throwing writes nothing (a reporter's import may not reach past their 12 months).
    public var checkChanged: (@Sendable ([Period]) throws -> Void)?
    /// Called with a short English-free status line per step (for a terminal).
    public var progress: (@Sendable (String) -> Void)?

    public init(
        store: S, district: String, districtName: String? = nil, change: Change,
        progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.store = store
        self.district = district
        self.districtName = districtName
        self.change = change
        self.progress = progress
    }

    /// Imports `path`; with `dryRun` the same checks run and everything is rolled back.
    public func run(_ path: String, dryRun: Bool = false) async throws -> ImportReport {
        try await run(files: try PackageReader.read(path), dryRun: dryRun)
    }

    /// Imports several paths (folders, zips, files) as one package.
    public func run(paths: [String], dryRun: Bool = false) async throws -> ImportReport {
        try await run(files: try PackageReader.read(paths), dryRun: dryRun)
    }

    public func run(files: [PackageFile], dryRun: Bool = false) async throws -> ImportReport {
        // A district not in the store yet has no units or rubric, and the national calendar.
        let directory = try await store.directory(district: district)
        let existing = directory?.units ?? []
        let parser =
            directory.map {
                PackageParser(
                    existingUnits: $0.units, directory: $0.directory, existingRubric: $0.rubric, calendar: $0.calendar)
            } ?? PackageParser()
        progress?("解析 \(files.count) 个文件")
        let (expanded, workbookIssues) = await WorkbookFiles.expand(files)
        let (pkg, parseIssues) = parser.parse(expanded)
        let issues = workbookIssues + parseIssues
        if issues.contains(where: { $0.severity == .error }) { throw ImportFailed(issues) }
        // A package that holds no row (an empty workbook, headers only) imports nothing: say so, do not "succeed".
        if pkg.counts.allSatisfy({ $0.1 == 0 }) {
            throw ImportFailed(issues + [Issue(.emptyFile, value: "数据包中没有任何数据行（只有表头，或全是空表）")])
        }
        try await authorize?(pkg)
        var report = try await store.transaction(district: district, commit: !dryRun) {
            try await self.precondition?()
            // A district read above exists still (districts are never removed): only a new one or a new name is
            // written.
            var report = try await self.write(pkg, districtKnown: directory != nil && self.districtName == nil)
            // The directory after the import: as read before it, unless the import wrote units.
            report.units = pkg.units.isEmpty ? existing : try await store.units(district: district)
            if dryRun {
                report.warnings = try await self.checks(report.periods)
                // Rolled back with the rest: a dry run moves no version.
                report.versions = [:]
            }
            return report
        }
        // Another writer may have saved since the commit: the warnings are of the months as they stand now. The
        // import is saved whatever happens here: a check that cannot run is a notice, not a failed save.
        if !dryRun {
            do {
                report.warnings = try await checks(report.periods)
            } catch {
                let why = (error as? LocalizedError)?.errorDescription ?? "数据库暂时没有应答"
                report.warnings = [Issue(.checksNotRun, value: why)]
            }
        }
        report.notes = issues + report.notes
        return report
    }

    /// The warnings of the months an import touched (one unit's only, for ``onlyUnit``).
    func checks(_ periods: [Period]) async throws -> [Issue] {
        var warnings: [Issue] = []
        for p in periods {
            progress?("校验 \(p)")
            let data = try await store.load(district: district, period: p, unit: onlyUnit)
            warnings += BulletinBuilder(data: data, period: p, settings: settings).build(detail: false).warnings
        }
        return Self.collapsingMissing(warnings)
    }

    func write(_ pkg: DataPackage, districtKnown: Bool) async throws -> ImportReport {
        if !districtKnown { try await store.ensureDistrict(district, name: districtName) }
        try await checkSources(pkg)
        var writes: [TableWrite] = []
        var unitsFrom: Period?? = nil
        if !pkg.units.isEmpty {
            let (write, from) = try await writeUnits(pkg)
            writes.append(write)
            if write.inserted + write.updated > 0 { unitsFrom = .some(from) }
        }
        for table in pkg.storedTables where table.count > 0 && table.name != "units" {
            var total = TableWrite(table: table.name)
            // Keys are unique within a package (E010), so a table the district has no rows in yet cannot have a
            // row replaced by this import: its chunks skip the look-up of old values.
            // (A small table is looked up at once: asking first would cost as much.)
            let mayReplace = table.count <= 1000 ? true : try await store.hasRows(table.name, district: district)
            for start in stride(from: 0, to: table.count, by: Self.progressStep) {
                progress?("写入 \(table.name)：\(start)/\(table.count) 行")
                let rows = table.rows(start..<min(start + Self.progressStep, table.count))
                total.add(
                    try await store.write(
                        rows, table: table.name, district: district, change: change, mayReplace: mayReplace))
            }
            writes.append(total)
        }
        // Case records go through the same merge as `tongbao ingest`: one set of partitions, the latest state wins,
        // so a case can never count twice whichever way it came in.
        // A case moving to another received day also changes the month it leaves, which the package does not name.
        var months = Set(pkg.periods)
        var notes: [Issue] = []
        if !pkg.caseRecords.isEmpty {
            let (write, moved, keptDay) = try await ingest(pkg.caseRecords)
            writes.append(write)
            months.formUnion(moved)
            if keptDay > 0 { notes.append(Issue(.keptReceivedDay, file: "case_records", value: "\(keptDay)")) }
        }
        let changed = months.sorted()
        try checkChanged?(changed)
        // A unit-month whose monthly figures changed moves to its next report version, so a form or API save
        // based on what was there before gets a conflict instead of overwriting this import.
        var versions: [UnitMonth: Int] = [:]
        for key in Self.changedReports(pkg, writes).sorted() {
            versions[key] = try await store.advanceReportVersion(
                district: district, period: key.period, unit: key.unit, change: change)
        }
        var report = ImportReport(periods: changed, rows: pkg.counts, writes: writes, warnings: [])
        report.versions = versions
        report.unitsFrom = unitsFrom
        report.notes = notes
        return report
    }

    /// The unit-months whose cases or 通办 rows this import inserted or changed (all of the package's, when the
    /// listed changes were cut short).
    static func changedReports(_ pkg: DataPackage, _ writes: [TableWrite]) -> Set<UnitMonth> {
        var out = Set<UnitMonth>()
        for write in writes where write.table == "cases" || write.table == "tongban" {
            guard write.inserted + write.updated > 0 else { continue }
            let keys =
                write.table == "cases"
                ? pkg.cases.map { UnitMonth(period: $0.period, unit: $0.unit) }
                : pkg.tongban.map { UnitMonth(period: $0.period, unit: $0.unit) }
            if write.changes.count >= TableWrite.listedChanges {
                out.formUnion(keys)
                continue
            }
            let changed = Set(write.changes.map(\.key))
            for k in Set(keys) {
                let prefix = "\(k.period) \(k.unit)"
                if changed.contains(prefix) || changed.contains(where: { $0.hasPrefix(prefix + " ") }) { out.insert(k) }
            }
        }
        return out
    }

    /// Case records of a package merged into the ingested partitions (``CaseIngester``), inside this import's
    /// transaction; with the months whose figures changed, and how many cases came with another received day but
    /// kept the stored one (``IngestReport/keptDay``).
    func ingest(_ records: [CaseRecord]) async throws -> (TableWrite, [Period], keptDay: Int) {
        guard let sql = store as? SQLStore else { throw StoreError.connectionLost }
        progress?("写入 case_records：\(records.count) 条办件明细并入按受理日的分区")
        let spill = try Spill()
        defer { spill.remove() }
        for r in records {
            guard let received = CaseTime.seconds(r.receivedAt) else { continue }
            var bytes: [UInt8] = []
            let (id, item, scope, channel) = (
                Array(r.caseID.utf8), Array((r.item ?? "").utf8), Array((r.scope ?? "").utf8),
                Array((r.channel ?? "").utf8)
            )
            id.withUnsafeBufferPointer { id in
                item.withUnsafeBufferPointer { item in
                    scope.withUnsafeBufferPointer { scope in
                        channel.withUnsafeBufferPointer { channel in
                            CasePartition.appendRecord(
                                id: id, unit: Array(r.unit.utf8), item: item, scope: scope, channel: channel,
                                approval: r.category == .approval, immediate: r.kind == .immediate, received: received,
                                completed: r.completedAt.flatMap(CaseTime.seconds), promisedDays: r.promisedDays,
                                rating: r.rating.flatMap { CaseRecord.ratings.firstIndex(of: $0) },
                                limitUnit: r.promisedUnit, paused: r.paused, status: r.status, into: &bytes)
                        }
                    }
                }
            }
            // As `tongbao ingest` reads exports: no record past 16 KB (a field of a megabyte is no case's).
            if bytes.count > LineSplitter.maxRecord {
                throw ImportFailed([
                    Issue(
                        .notCSV, file: "case_records", key: r.caseID,
                        value: "办件 \(r.caseID.prefix(40)) 超过 \(LineSplitter.maxRecord >> 10) KB，不是办件明细的一行")
                ])
            }
            try spill.add(
                bytes, ids: [bytes.withUnsafeBufferPointer(CaseIndex.hash(record:))],
                day: CaseState.day(CaseTime.day(r.receivedAt)!), every: 200_000)
        }
        try spill.flush()
        var report = IngestReport()
        report.rows = records.count
        var ingester = CaseIngester(store: sql, district: district, change: change)
        ingester.onlyUnit = onlyUnit
        let done = try await ingester.merge(
            spill, report: report, calendar: try await store.workCalendar(district: district),
            satisfied: try await sql.satisfiedRatings(district: district))
        var write = TableWrite(
            table: "case_records", inserted: done.added, updated: done.updated, unchanged: done.unchanged)
        // Cases are not audited one by one: the monthly figures they changed are what the answer lists.
        write.changes = done.changes
        return (write, done.periods, done.keptDay)
    }

    /// One W105 per period naming every unit still missing, instead of one per unit.
    static func collapsingMissing(_ warnings: [Issue]) -> [Issue] {
        let missing = warnings.filter { $0.code == .missingReport && $0.unit != nil }
        guard missing.count > 1 else { return warnings }
        var out = warnings.filter { !($0.code == .missingReport && $0.unit != nil) }
        for (period, issues) in Dictionary(grouping: missing, by: { $0.period ?? "" }).sorted(by: { $0.key < $1.key }) {
            out.append(
                Issue(
                    .missingReport, period: period.isEmpty ? nil : period, value: "\(issues.count)",
                    computed: issues.compactMap(\.unit).joined(separator: "、")))
        }
        return out
    }

    /// Unit changes take effect from `from` (units.csv), `--effective`, or the month after the last published
    /// one: the directory of a published month never changes.
    func writeUnits(_ pkg: DataPackage) async throws -> (TableWrite, Period?) {
        let published = try await store.publications(district: district).filter(\.isFrozen).map(\.period)
        let from = effective ?? published.max()?.next
        let write = try await store.writeUnits(
            pkg.units, absent: pkg.absent[.units] ?? [:], from: pkg.unitsFrom, defaultFrom: from, frozen: published,
            district: district, change: change)
        return (write, from)
    }

    /// A frozen (published) month is not changed (E020). A unit-month comes from case records or from cases.csv, never both (E019), counting what is stored.
    func checkSources(_ pkg: DataPackage) async throws {
        let frozen = try await store.frozenPeriods(district: district, pkg.periods)
        if !frozen.isEmpty {
            throw ImportFailed(frozen.sorted().map { Issue(.periodPublished, period: $0.description) })
        }
        let clash = try await store.unitMonthsWithRecords(district: district, pkg.caseUnitMonths)
            .union(try await store.unitMonthsWithCases(district: district, pkg.recordUnitMonths))
        guard !clash.isEmpty else { return }
        throw ImportFailed(clash.sorted().map { Issue(.recordsAndCases, period: $0.period.description, unit: $0.unit) })
    }
}
