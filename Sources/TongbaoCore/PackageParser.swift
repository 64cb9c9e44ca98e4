import Foundation

/// Turns the files of a data package into a ``DataPackage``, collecting every issue rather than stopping at the first.
///
/// Units and rubric criteria may be referenced by code, name or alias; references resolve against the units and
/// rubric in the package itself and those already stored (`existingUnits`, `existingRubric`).
public struct PackageParser: Sendable {
    public var existingUnits: [OrgUnit]
    public var existingRubric: [Criterion]

    public init(existingUnits: [OrgUnit] = [], existingRubric: [Criterion] = []) {
        self.existingUnits = existingUnits
        self.existingRubric = existingRubric
    }

    public func parse(_ files: [PackageFile]) -> (DataPackage, [Issue]) {
        var issues: [Issue] = []
        var tables: [PackageTable: (String, CSVTable)] = [:]
        for f in files {
            guard let table = f.origin?.table ?? PackageTable(fileName: f.name) else {
                // An Excel workbook named like a table is better told it is not CSV than that its name is wrong.
                if case .failure(.notText(let what)) = TextDecoding.decode(f.data) {
                    issues.append(Issue(.notCSV, file: f.name, value: what))
                } else {
                    issues.append(Issue(.unknownTable, file: f.name))
                }
                continue
            }
            // cases.csv beside 办件月报.csv, or a workbook sheet beside its CSV: one would silently replace the other.
            if let (first, _) = tables[table] {
                issues.append(Issue(.duplicateTable, file: f.name, value: first))
                continue
            }
            if let t = decodeTable(f, table: table, issues: &issues) { tables[table] = (f.name, t) }
        }
        var pkg = DataPackage()
        var directory = UnitDirectory(existingUnits)
        var rubric = existingRubric
        for table in PackageTable.readOrder {
            guard let (name, csv) = tables[table] else { continue }
            let index = headerIndex(csv.header, table: table, file: name, issues: &issues)
            guard let index else { continue }
            var keys: [String: Int] = [:]
            for rec in csv.records {
                var r = RowReader(file: name, line: rec.line, cells: rec.cells, index: index, header: csv.header)
                if rec.cells.count > csv.header.count,
                    rec.cells[csv.header.count...].contains(where: { !$0.trimmed.isEmpty })
                {
                    r.issues.append(
                        Issue(
                            .wrongCellCount, file: name, line: rec.line, value: "\(rec.cells.count)",
                            computed: "\(csv.header.count)"))
                }
                let key = readRow(table, &r, into: &pkg, directory: directory, rubric: rubric)
                if let key, r.issues.isEmpty {
                    if let first = keys[key] {
                        issues.append(Issue(.duplicateKey, file: name, line: rec.line, key: key, computed: "\(first)"))
                    } else {
                        keys[key] = rec.line
                    }
                }
                issues += r.issues
            }
            if table == .units {
                issues += checkUnitNames(pkg.units, file: name)
                let replaced = Set(pkg.units.map(\.code))
                directory = UnitDirectory(existingUnits.filter { !replaced.contains($0.code) } + pkg.units)
            }
            if table == .rubric {
                let replaced = Set(pkg.rubric.map(\.code))
                rubric = existingRubric.filter { !replaced.contains($0.code) } + pkg.rubric
            }
        }
        issues += checkRecordsAndCases(pkg)
        return (pkg, Self.relocate(issues, files))
    }

    // MARK: - Files and headers

    /// Issues found in a converted worksheet name its workbook and sheet instead of the converted file.
    static func relocate(_ issues: [Issue], _ files: [PackageFile]) -> [Issue] {
        let origins = Dictionary(
            files.compactMap { f in f.origin.map { (f.name, $0) } }, uniquingKeysWith: { a, _ in a })
        guard !origins.isEmpty else { return issues }
        return issues.map { issue in
            guard let file = issue.file, let origin = origins[file] else { return issue }
            var moved = issue
            moved.file = origin.workbook
            moved.sheet = origin.sheet
            return moved
        }
    }

    func decodeTable(_ f: PackageFile, table: PackageTable, issues: inout [Issue]) -> CSVTable? {
        let text: String
        switch TextDecoding.decode(f.data) {
        case .failure(.notText(let what)):
            issues.append(Issue(.notCSV, file: f.name, value: what))
            return nil
        case .failure(.unknownEncoding):
            issues.append(Issue(.unknownEncoding, file: f.name))
            return nil
        case .success(let (s, _)): text = s
        }
        switch CSVTable.parse(text) {
        case .failure(.empty):
            issues.append(Issue(.emptyFile, file: f.name, line: 1))
            return nil
        case .failure(.unterminatedQuote(let line)):
            issues.append(Issue(.notCSV, file: f.name, line: line, value: "未闭合的引号"))
            return nil
        case .success(let t): return t
        }
    }

    func headerIndex(_ header: [String], table: PackageTable, file: String, issues: inout [Issue]) -> [String: Int]? {
        var index: [String: Int] = [:]
        var ok = true
        for (i, raw) in header.enumerated() {
            let h = raw.trimmed
            guard let col = table.columns.first(where: { $0.name == h.lowercased() || $0.chinese == h }) else {
                if h.isEmpty && i == header.count - 1 { continue }  // a trailing comma
                issues.append(Issue(.unknownColumn, file: file, line: 1, column: h, columnNumber: i + 1, value: h))
                ok = false
                continue
            }
            if index[col.name] != nil {
                issues.append(Issue(.duplicateColumn, file: file, line: 1, column: h, columnNumber: i + 1, value: h))
                ok = false
            }
            index[col.name] = i
        }
        for col in table.columns where col.required && index[col.name] == nil {
            issues.append(Issue(.missingColumn, file: file, line: 1, value: "\(col.name)（\(col.chinese)）"))
            ok = false
        }
        return ok ? index : nil
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
