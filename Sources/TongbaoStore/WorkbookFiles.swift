import Foundation
import TongbaoCore
import TongbaoOffice

/// Turns Excel workbooks among a package's files into one CSV file per sheet, so a workbook imports under the
/// same rules as a folder of CSV files.
///
/// A sheet is named like a table of the package (`cases` or `办件月报`); sheets whose name starts with 说明 or 参考
/// (instructions, last month's figures in a template) are not imported. Row N of a sheet becomes line N of its
/// CSV, so every issue names the sheet's own row and column.
public enum WorkbookFiles {
    /// Files whose name says they are workbooks: `.xlsx`, `.xlsm`, and the formats converted with LibreOffice
    /// (`.xls`, WPS's `.et`, `.ods`).
    public static func isWorkbook(_ name: String) -> Bool {
        ["xlsx", "xlsm", "xls", "et", "ods"].contains((name as NSString).pathExtension.lowercased())
    }

    /// Sheets of instructions or last month's figures (a report form's 说明, 参考（上月数据）): never imported, so
    /// not even parsed.
    static func notImported(_ sheet: String) -> Bool {
        let name = sheet.trimmingCharacters(in: .whitespaces)
        return name.hasPrefix("说明") || name.hasPrefix("参考")
    }

    /// Every workbook in `files` replaced by its sheets; issues for workbooks or cells that cannot be read.
    ///
    /// A sheet named like a table (`cases`, `办件月报`) is that table; any other sheet (`Sheet1`) is read by its
    /// columns. Empty sheets, and sheets whose name starts with 说明 or 参考, are not imported.
    public static func expand(_ files: [PackageFile]) async -> ([PackageFile], [Issue]) {
        var out: [PackageFile] = []
        var issues: [Issue] = []
        for f in files {
            guard f.ignored == nil, isWorkbook(f.name) else {
                out.append(f)
                continue
            }
            do {
                var data = f.data
                if let format = SpreadsheetConverter.format(of: data, name: f.name) {
                    data = try await SpreadsheetConverter.convert(data, format: format)
                }
                let book = try XLSXReader.read(data, skipping: notImported)
                var found = 0
                for sheet in book.sheets {
                    let name = sheet.name.trimmingCharacters(in: .whitespaces)
                    if notImported(name) { continue }
                    guard sheet.rows.contains(where: { $0.contains { $0.value != .empty } }) else { continue }
                    found += 1
                    let origin = SheetOrigin(workbook: f.name, sheet: sheet.name, table: PackageTable(sheetName: name))
                    let (csv, cellIssues) = csvText(sheet, origin: origin)
                    issues += cellIssues
                    out.append(PackageFile(name: "\(f.name)/\(sheet.name)", data: Data(csv.utf8), origin: origin))
                }
                if found == 0 { issues.append(Issue(.emptyFile, file: f.name, value: "工作簿中的工作表都是空的")) }
            } catch let error as SpreadsheetConverter.Failure {
                issues.append(Issue(.unreadableWorkbook, file: f.name, value: error.userMessage))
            } catch let error as SpreadsheetError {
                issues.append(Issue(.unreadableWorkbook, file: f.name, value: error.userMessage))
            } catch {
                issues.append(Issue(.unreadableWorkbook, file: f.name, value: "\(type(of: error))"))
            }
        }
        return (out, issues)
    }

    /// The sheet as CSV text; a formula error or an uncalculated formula is an issue at its cell.
    static func csvText(_ sheet: Sheet, origin: SheetOrigin) -> (String, [Issue]) {
        let sheet = filledMerges(sheet)
        let headerRow = sheet.rows.firstIndex { row in row.contains { $0.value != .empty } } ?? 0
        let header = sheet.rows.indices.contains(headerRow) ? sheet.rows[headerRow].map(\.value) : []
        // Columns headed like a month (月份, 统计月份, period) in the rows a header may sit in.
        var monthColumns = Set<Int>()
        for row in sheet.rows.prefix(TableLayout.searchRows) {
            for (c, cell) in row.enumerated() {
                if case .text(let t) = cell.value, HeaderVocabulary.role(t, in: .cases) == .field("period") {
                    monthColumns.insert(c)
                }
            }
        }
        var issues: [Issue] = []
        var lines: [String] = []
        for (r, row) in sheet.rows.enumerated() {
            let cells = row.enumerated().map { c, cell -> String in
                func issue(_ code: IssueCode, _ value: String) -> String {
                    var i = Issue(code, file: origin.workbook, line: r + 1, columnNumber: c + 1, value: value)
                    i.sheet = origin.sheet
                    if case .text(let h) = header.indices.contains(c) ? header[c] : .empty { i.column = h }
                    issues.append(i)
                    return ""
                }
                switch cell.value {
                case .empty: return ""
                case .text(let s): return s
                case .number(let v) where monthColumns.contains(c) && ambiguousMonth(v):
                    var i = Issue(
                        .malformedPeriod, file: origin.workbook, line: r + 1, columnNumber: c + 1,
                        value: XLSXWriter.number(v))
                    i.sheet = origin.sheet
                    if case .text(let h) = header.indices.contains(c) ? header[c] : .empty { i.column = h }
                    i.hint = "这是数字 \(XLSXWriter.number(v))，Excel 会去掉末尾的 0，可能是 1 月也可能是 10 月；请把月份写成文本，如 2021-10"
                    issues.append(i)
                    return ""
                case .number(let v): return XLSXWriter.number(v)
                case .bool(let b): return b ? "TRUE" : "FALSE"
                case .date(let serial): return dateText(serial)
                case .error(let e): return issue(.formulaError, e)
                case .formula(let f): return issue(.formulaWithoutValue, "=" + f)
                }
            }
            lines.append(cells.map(CSVTable.field).joined(separator: ","))
        }
        return (lines.joined(separator: "\n") + "\n", issues)
    }

    /// A value merged down over three rows or more (a month or a tier written once beside its units) is the value
    /// of every row it covers. Two-row merges are left: they are a header's (序号 over both header rows).
    static func filledMerges(_ sheet: Sheet) -> Sheet {
        var out = sheet
        for m in sheet.merges where m.bottom - m.top >= 2 {
            let value = sheet.cell(row: m.top, column: m.left).value
            guard value != .empty else { continue }
            for r in m.top...m.bottom {
                for c in m.left...m.right where out.cell(row: r, column: c).value == .empty {
                    out.set(SheetCell(value), row: r, column: c)
                }
            }
        }
        return out
    }

    /// A number typed for a month (2021.1): Excel drops a trailing zero, so it may be January or October.
    static func ambiguousMonth(_ v: Double) -> Bool {
        guard v >= 1900, v < 2100, v != v.rounded(.down) else { return false }
        let hundredths = (v * 100).rounded()
        guard abs(hundredths - v * 100) < 1e-6 else { return false }
        return (1...12).contains(Int(hundredths) % 100) || (1...9).contains(Int(hundredths) % 100 / 10)
    }

    /// An Excel date serial as `YYYY-MM-DD`, with the time when it has one. A month typed into Excel (2021-07,
    /// 2021年7月) is stored as its first day, which a period column reads as the month.
    static func dateText(_ serial: Double) -> String {
        let seconds = Int(((serial - 25569) * 86400).rounded())
        let stamp = CaseState.timestamp(seconds)  // YYYY-MM-DD HH:MM:SS
        return String(stamp.prefix(seconds % 86400 == 0 ? 10 : 19))
    }
}
