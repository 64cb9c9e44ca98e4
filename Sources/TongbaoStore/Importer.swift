import Foundation
import TongbaoCore

/// What an import (or a dry run) did.
public struct ImportReport: Sendable {
    public var periods: [Period]
    public var rows: [(PackageTable, Int)]
    public var writes: [TableWrite]
    public var warnings: [Issue]
    /// How the files were read: files skipped, columns and rows left out, totals checked (notices and warnings
    /// found while reading, before any figure was computed).
    public var notes: [Issue] = []
}

/// Imports a data package all-or-nothing: parse and check every file, then write every table in one transaction,
/// then compute the warnings of every period the package touches.
public struct Importer<S: Store>: Sendable {
    /// Rows written between two progress lines.
    static var progressStep: Int { 20_000 }
    public var store: S
    public var district: String
    public var districtName: String?
    public var change: Change
    /// Settings of the checks run on every period the package touches.
    public var settings = BulletinSettings()
    /// Called with the parsed package before anything is written; throwing refuses the whole import (the web
    /// application lets a reporter import their own unit's rows only).
    public var authorize: (@Sendable (DataPackage) throws -> Void)?
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
        let parser = PackageParser(
            existingUnits: try await store.units(district: district),
            existingRubric: try await store.rubric(district: district))
        progress?("解析 \(files.count) 个文件")
        let (expanded, workbookIssues) = await WorkbookFiles.expand(files)
        let (pkg, parseIssues) = parser.parse(expanded)
        let issues = workbookIssues + parseIssues
        if issues.contains(where: { $0.severity == .error }) { throw ImportFailed(issues) }
        try authorize?(pkg)
        let body = { try await self.write(pkg) }
        var report = try await store.transaction(commit: !dryRun, body)
        report.notes = issues
        return report
    }

    func write(_ pkg: DataPackage) async throws -> ImportReport {
        try await store.ensureDistrict(district, name: districtName)
        try await checkSources(pkg)
        var writes: [TableWrite] = []
        for table in pkg.storedTables where table.count > 0 {
            var total = TableWrite(table: table.name)
            // Keys are unique within a package (E010), so a table the district has no rows in yet cannot have a
            // row replaced by this import: its chunks skip the look-up of old values.
            let mayReplace = try await store.hasRows(table.name, district: district)
            for start in stride(from: 0, to: table.count, by: Self.progressStep) {
                progress?("写入 \(table.name)：\(start)/\(table.count) 行")
                let rows = table.rows(start..<min(start + Self.progressStep, table.count))
                total.add(
                    try await store.write(
                        rows, table: table.name, district: district, change: change, mayReplace: mayReplace))
            }
            writes.append(total)
        }
        let periods = pkg.periods.sorted()
        var warnings: [Issue] = []
        for p in periods {
            progress?("校验 \(p)")
            let data = try await store.load(district: district, period: p)
            warnings += BulletinBuilder(data: data, period: p, settings: settings).build().warnings
        }
        return ImportReport(periods: periods, rows: pkg.counts, writes: writes, warnings: warnings)
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
