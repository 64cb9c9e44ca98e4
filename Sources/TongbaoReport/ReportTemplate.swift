import Foundation
import TongbaoCore
import TongbaoOffice

/// A unit's monthly report form as an .xlsx workbook that imports back as filled.
///
/// Sheets: 说明 (what to fill and how to send it back), 办件月报 (this month: period and unit filled in, figures
/// shaded for input), 通办 when the unit reported cross-region handling last month or this month (one row per
/// scope), and 参考（上月数据） with last month's figures. Sheets starting with 说明 or 参考 are not imported.
/// Figures already stored for this month are filled in, so sending the form back unchanged changes nothing.
public enum ReportTemplate {
    /// A unit-month's stored report: its cases row and its 通办 rows.
    public typealias Report = (cases: CaseRow?, tongban: [TongbanRow])

    public static func workbook(unit: OrgUnit, period: Period, current: Report, previous: Report) -> Workbook {
        let caseColumns = PackageTable.cases.columns.filter { $0.name != "proxy" || unit.tier == .town }
        let figures = caseColumns.dropFirst(2)
        let header = caseColumns.map { SheetCell.text($0.chinese, .header) }
        var scopes = previous.tongban.map(\.scope)
        for t in current.tongban where !scopes.contains(t.scope) { scopes.append(t.scope) }
        let now = current.cases?.figuresByColumn ?? [:]
        let widths = [12.0, 22] + figures.map { _ in 14.0 }
        var sheets = [
            Sheet(
                name: "说明",
                rows: instructions(unit, period, scopes: scopes).map { [.text($0)] },
                columnWidths: [100]),
            Sheet(
                name: PackageTable.cases.chineseName,
                rows: [
                    header,
                    [.text(period.description, .textInput), .text(unit.name, .text)]
                        + figures.map { input(now[$0.name] ?? nil) },
                ],
                columnWidths: widths, frozenRows: 1),
        ]
        let tongbanColumns = PackageTable.tongban.columns
        if !scopes.isEmpty {
            let rows = scopes.map { scope -> [SheetCell] in
                let stored = current.tongban.first { $0.scope == scope }
                return [.text(period.description, .textInput), .text(unit.name, .text), .text(scope, .text)]
                    + [input(stored?.count), input(stored?.ytd)]
            }
            sheets.append(
                Sheet(
                    name: PackageTable.tongban.chineseName,
                    rows: [tongbanColumns.map { .text($0.chinese, .header) }] + rows,
                    columnWidths: [12, 22, 16, 14, 14], frozenRows: 1))
        }
        sheets.append(reference(unit, period.previous, previous.cases, caseColumns: Array(caseColumns), widths: widths))
        return Workbook(sheets: sheets)
    }

    static func instructions(_ unit: OrgUnit, _ period: Period, scopes: [String]) -> [String] {
        var lines = [
            "\(unit.name)（\(unit.code)）\(period.year)年\(period.month)月办件月报",
            "1. 在“办件月报”工作表第 2 行的黄色单元格中填写本月数字（非负整数）；未发生的填 0，不掌握的留空。",
            "2. 月份和单位已填好，请勿修改；列名请勿修改，也不要增加列。",
        ]
        if !scopes.isEmpty { lines.append("3. 在“通办”工作表中填写各通办类型（\(scopes.joined(separator: "、"))）的本月办件量和本年累计。") }
        lines += [
            "参考：“参考（上月数据）”工作表是上月报送的数字，仅供核对，不会导入。",
            "填好后保存为 Excel 工作簿（.xlsx），在通报系统“上传”页面上传，或交政务办用 tongbao import 导入。",
        ]
        return lines
    }

    static func input(_ v: Int?) -> SheetCell { SheetCell(v.map { .number(Double($0)) } ?? .empty, .input) }

    static func reference(
        _ unit: OrgUnit, _ period: Period, _ row: CaseRow?, caseColumns: [PackageTable.Column], widths: [Double]
    )
        -> Sheet
    {
        let values = row?.figuresByColumn ?? [:]
        let cells = caseColumns.dropFirst(2).map { c -> SheetCell in
            guard let v = values[c.name] ?? nil else { return SheetCell(.empty, .number) }
            return .number(Double(v))
        }
        var rows = [caseColumns.map { SheetCell.text($0.chinese, .header) }]
        rows.append([.text(period.description, .text), .text(unit.name, .text)] + cells)
        if row == nil { rows.append([.text("上月没有报送数据", .note)]) }
        return Sheet(name: "参考（上月数据）", rows: rows, columnWidths: widths, frozenRows: 1)
    }
}
