import Foundation

/// Turns the files of a data package into a ``DataPackage``, collecting every issue rather than stopping at the first.
///
/// Units and rubric criteria may be referenced by code, name or alias; references resolve against the units and
/// rubric in the package itself and those already stored (`existingUnits`, `existingRubric`).
public struct PackageParser: Sendable {
    public var existingUnits: [OrgUnit]
    public var existingRubric: [Criterion]
    /// The district's working days: a case record due in a year it does not know is refused (E033).
    public var calendar: WorkCalendar

    /// `existingUnits` looked up by code, name and alias, when the caller holds it built already.
    var existingDirectory: UnitDirectory?

    public init(existingUnits: [OrgUnit] = [], existingRubric: [Criterion] = [], calendar: WorkCalendar = .china) {
        self.existingUnits = existingUnits
        self.existingRubric = existingRubric
        self.calendar = calendar
    }

    /// With `existingUnits` already built into a directory (`UnitDirectory(existingUnits)`), held by the caller: a
    /// server parses every save against the same one.
    public init(
        existingUnits: [OrgUnit], directory: UnitDirectory, existingRubric: [Criterion], calendar: WorkCalendar
    ) {
        self.init(existingUnits: existingUnits, existingRubric: existingRubric, calendar: calendar)
        existingDirectory = directory
    }

    /// One file's share of a table: its name, how the table sits in it, and its data rows.
    struct Part {
        var file: String
        var layout: TableLayout
        var records: [CSVTable.Record]
    }

    /// Issues kept at most; the rest are counted (E035), which makes 100 with the ones kept.
    public static let maxIssues = 99

    public func parse(_ files: [PackageFile]) -> (DataPackage, [Issue]) {
        var issues: [Issue] = []
        var overflow = 0
        var tables: [PackageTable: [Part]] = [:]
        var misfits: [(workbook: String, issue: Issue)] = []
        var workbooksWithTables = Set<String>()
        for f in files {
            // One table may come in several files (one workbook per unit): their rows are merged.
            var found: [Issue] = []
            let part = laidOut(f, issues: &found)
            if let part { tables[part.layout.table, default: []].append(part) }
            if let origin = f.origin {
                if part != nil { workbooksWithTables.insert(origin.workbook) }
                // A sheet of a workbook whose columns fit no table (chart data, a look-up list) waits: beside a sheet
                // that is a table it is only skipped.
                if let misfit = found.first(where: { $0.code == .unknownTable }), found.count == 1, origin.table == nil
                {
                    misfits.append((origin.workbook, misfit))
                    continue
                }
            }
            issues += found
        }
        for (workbook, issue) in misfits {
            if workbooksWithTables.contains(workbook) {
                issues.append(Issue(.fileSkipped, file: issue.file, computed: "工作表的列名对不上任何一张表"))
            } else {
                issues.append(issue)
            }
        }
        var pkg = DataPackage()
        var directory = existingDirectory ?? UnitDirectory(existingUnits)
        var rubric = existingRubric
        for table in PackageTable.readOrder {
            guard let parts = tables[table] else { continue }
            var keys: [String: (file: String, line: Int)] = [:]
            for part in parts {
                let layout = part.layout
                let (index, header) = (layout.index, layout.headers)
                let absent = Set(table.columns.map(\.name)).subtracting(index.keys)
                for rec in part.records {
                    var r = RowReader(file: part.file, line: rec.line, cells: rec.cells, index: index, header: header)
                    if rec.cells.count > header.count,
                        rec.cells[header.count...].contains(where: { !$0.trimmed.isEmpty })
                    {
                        r.issues.append(
                            Issue(
                                .wrongCellCount, file: part.file, line: rec.line, value: "\(rec.cells.count)",
                                computed: "\(header.count)"))
                    }
                    let key = readRow(table, &r, into: &pkg, directory: directory, rubric: rubric)
                    if let key, r.issues.isEmpty {
                        if let first = keys[key] {
                            issues.append(
                                first.file == part.file
                                    ? Issue(
                                        .duplicateKey, file: part.file, line: rec.line, key: key,
                                        computed: "\(first.line)")
                                    : Issue(
                                        .duplicateTable, file: part.file, line: rec.line, key: key, value: first.file,
                                        computed: "\(first.line)"))
                        } else {
                            keys[key] = (part.file, rec.line)
                        }
                        if !absent.isEmpty { pkg.absent[table, default: [:]][key, default: []].formUnion(absent) }
                    }
                    issues += r.issues
                    // The list stops growing: a systematic mistake gives one issue per row of a large file.
                    if issues.count > Self.maxIssues {
                        overflow += issues.count - Self.maxIssues
                        issues.removeLast(issues.count - Self.maxIssues)
                    }
                }
            }
            if table == .units {
                issues += checkUnitNames(pkg.units, file: parts[0].file)
                let replaced = Set(pkg.units.map(\.code))
                directory = UnitDirectory(existingUnits.filter { !replaced.contains($0.code) } + pkg.units)
            }
            if table == .rubric {
                let replaced = Set(pkg.rubric.map(\.code))
                rubric = existingRubric.filter { !replaced.contains($0.code) } + pkg.rubric
            }
        }
        issues += checkRecordsAndCases(pkg)
        if overflow > 0 {
            issues.append(Issue(.tooManyIssues, value: "\(overflow)"))
        }
        return (pkg, Self.relocate(issues, files))
    }

    // MARK: - Files and headers

    /// Issues found in a converted worksheet name its workbook and sheet instead of the converted file.
    static func relocate(_ issues: [Issue], _ files: [PackageFile]) -> [Issue] {
        let origins = Dictionary(
            files.compactMap { f in f.origin.map { (f.name, $0) } }, uniquingKeysWith: { a, _ in a })
        guard !origins.isEmpty else { return issues }
        return issues.map { issue in
            var moved = issue
            // The other file of a row given twice (E032) is named like the file of any issue.
            if issue.code == .duplicateTable, let other = issue.value, let origin = origins[other] {
                moved.value = "\(origin.workbook) 工作表“\(origin.sheet)”"
            }
            guard let file = issue.file, let origin = origins[file] else { return moved }
            moved.file = origin.workbook
            moved.sheet = origin.sheet
            return moved
        }
    }

    /// The table a file holds, found by its name or else by its columns, with its data rows; nil (and issues)
    /// when it holds none.
    func laidOut(_ f: PackageFile, issues: inout [Issue]) -> Part? {
        if let why = f.ignored {
            issues.append(Issue(.fileSkipped, file: f.name, computed: why))
            return nil
        }
        let named = f.origin.map(\.table) ?? PackageTable(fileName: f.name)
        let text: String
        switch TextDecoding.decode(f.data) {
        case .failure(.notText(let what)):
            let nested = f.name.lowercased().hasSuffix(".zip") && what.hasPrefix("ZIP")
            issues.append(Issue(.notCSV, file: f.name, value: nested ? Issue.nestedZip : what))
            return nil
        case .failure(.unknownEncoding):
            issues.append(Issue(.unknownEncoding, file: f.name))
            return nil
        case .success(let (s, _)): text = s
        }
        let csv: CSVTable
        switch CSVTable.parse(text) {
        case .failure(.empty):
            issues.append(Issue(.emptyFile, file: f.name, line: 1))
            return nil
        case .failure(.unterminatedQuote(let line)):
            issues.append(Issue(.notCSV, file: f.name, line: line, value: "未闭合的引号"))
            return nil
        case .failure(.tooWide(let line)):
            issues.append(
                Issue(
                    .notCSV, file: f.name, line: line,
                    value: "一行超过 \(CSVTable.maxCells) 个单元格或 \(CSVTable.maxRecordBytes >> 20) MB，不是数据包的表"))
            return nil
        case .failure(.tooLarge(let line)):
            issues.append(
                Issue(
                    .unreadablePackage, file: f.name, line: line,
                    value:
                        "文件超过 \(CSVTable.maxTotalCells / 10_000) 万个单元格；办件明细导出请用 tongbao ingest 导入，其他表请拆分"))
            return nil
        case .success(let t): csv = t
        }
        let grid = csv.rows
        guard let layout = TableLayout.find(grid.map(\.cells), named: named ?? nil),
            layout.fits || named != nil || layout.fields >= min(3, layout.table.columns.count)
        else {
            var issue = Issue(.unknownTable, file: f.name)
            issue.hint = Self.tablesAndColumns
            issues.append(issue)
            return nil
        }
        guard layout.fits else {
            issues += headerIssues(layout, file: f.name, line: grid[layout.headerStart].line)
            return nil
        }
        let (records, rowIssues) = layout.dataRows(grid, file: f.name)
        issues += rowIssues
        return Part(file: f.name, layout: layout, records: records)
    }

    /// Every table with the column names it accepts, for a file whose columns fit none.
    static let tablesAndColumns: String =
        "各表及可用的列名："
        + PackageTable.allCases.map { t in
            "\(t.chineseName)（" + t.columns.map { "\($0.chinese)/\($0.name)" }.joined(separator: "、") + "）"
        }.joined(separator: "；") + "；同义列名见 docs/columns.md"

    /// Why a header does not fit its table: unknown columns with the closest accepted names, columns given twice,
    /// required columns missing; a two-row header also lists the columns it understood.
    func headerIssues(_ layout: TableLayout, file: String, line: Int) -> [Issue] {
        let table = layout.table
        let accepted = table.columns.flatMap { HeaderVocabulary.names(of: $0, in: table) }
        var understood = ""
        if layout.headerDepth > 1 {
            let known = layout.roles.indices.compactMap { i -> String? in
                guard case .field(let name)? = layout.roles[i] else { return nil }
                return "\(layout.headers[i])→\(name)"
            }
            understood = "已识别的列：" + (known.isEmpty ? "无" : known.joined(separator: "、"))
        }
        var issues: [Issue] = []
        let row = layout.headerDepth > 1 ? line + 1 : line
        for c in layout.unknown {
            let h = layout.headers[c]
            var issue = Issue(.unknownColumn, file: file, line: row, column: h, columnNumber: c + 1, value: h)
            let near = HeaderVocabulary.closest(h.components(separatedBy: "／").last ?? h, among: accepted)
            issue.hint =
                ([near.isEmpty ? nil : "是否应为“" + near.joined(separator: "”或“") + "”？"]
                + [understood.isEmpty ? nil : understood]).compactMap { $0 }.joined(separator: "；")
            issues.append(issue)
        }
        for c in layout.duplicates {
            let h = layout.headers[c]
            issues.append(Issue(.duplicateColumn, file: file, line: row, column: h, columnNumber: c + 1, value: h))
        }
        for col in layout.missing {
            issues.append(Issue(.missingColumn, file: file, line: row, value: "\(col.name)（\(col.chinese)）"))
        }
        return issues
    }

    // MARK: - Cross-row checks

    func checkUnitNames(_ units: [OrgUnit], file: String) -> [Issue] {
        var owner: [String: String] = [:]
        var issues: [Issue] = []
        for u in existingUnits where !units.contains(where: { $0.code == u.code }) {
            for n in [u.code, u.name] + u.aliases { owner[n] = u.code }
        }
        for u in units {
            for n in Set([u.code, u.name] + u.aliases) {
                if let other = owner[n], other != u.code {
                    issues.append(Issue(.conflictingUnitName, file: file, unit: u.code, value: n, computed: other))
                }
                owner[n] = u.code
            }
        }
        return issues
    }

    func checkRecordsAndCases(_ pkg: DataPackage) -> [Issue] {
        guard !pkg.caseRecords.isEmpty, !pkg.cases.isEmpty else { return [] }
        let fromRecords = pkg.recordUnitMonths
        return pkg.cases.filter { fromRecords.contains(UnitMonth(period: $0.period, unit: $0.unit)) }.map {
            Issue(.recordsAndCases, file: PackageTable.cases.fileName, period: $0.period.description, unit: $0.unit)
        }
    }
}
