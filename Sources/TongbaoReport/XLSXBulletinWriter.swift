import Foundation
import TongbaoOffice

/// Renders every table of a ``BulletinView`` as a sheet of an .xlsx workbook: its title on top, the header with
/// its merged cells, figures as numbers, and the note under the table.
public enum XLSXBulletinWriter {
    public static func render(_ v: BulletinView) throws -> Data {
        try XLSXWriter.write(workbook(v))
    }

    /// The workbook: 概况 (``overviewSheet(_:)``), then one sheet per table, named after the table (made unique
    /// and short enough for Excel).
    public static func workbook(_ v: BulletinView) -> Workbook {
        var used: Set<String> = ["概况"]
        var sheets: [Sheet] = [overviewSheet(v)]
        for table in v.sections.flatMap({ $0.blocks.compactMap(\.table) }) {
            var name = XLSXWriter.sheetName(table.title)
            var n = 2
            while used.contains(name) {
                name = XLSXWriter.sheetName(String(table.title.prefix(28)) + "(\(n))")
                n += 1
            }
            used.insert(name)
            sheets.append(sheet(table, name: name))
        }
        return Workbook(sheets: sheets)
    }

    static func sheet(_ t: TableView, name: String) -> Sheet {
        let width = t.header.first?.cells.count ?? 1
        var rows: [[SheetCell]] = [[.text(t.title, .title)] + Array(repeating: SheetCell(.empty), count: width - 1)]
        var merges = width > 1 ? [CellRange(top: 1, left: 1, bottom: 1, right: width)] : []
        for (group, isHeader) in [(t.header, true), (t.body, false)] {
            for row in group {
                let r = rows.count + 1
                rows.append(
                    row.cells.map { c in
                        let style: CellStyle =
                            isHeader
                            ? .header
                            : c.numeric ? (row.total ? .totalNumber : .number) : (row.total ? .totalText : .text)
                        if c.covered { return SheetCell(.empty, style) }
                        if c.numeric, let v = Double(c.text) { return SheetCell(.number(v), style) }
                        return .text(c.text, style)
                    })
                for (i, c) in row.cells.enumerated() where !c.covered && ((c.colspan ?? 1) > 1 || (c.rowspan ?? 1) > 1)
                {
                    merges.append(
                        CellRange(top: r, left: i + 1, bottom: r + (c.rowspan ?? 1) - 1, right: i + (c.colspan ?? 1)))
                }
            }
        }
        if let note = t.note { rows.append([.text(note, .note)]) }
        let widths = (0..<width).map { i in
            Double(min(30, max(8, (rows.dropFirst().map { $0.count > i ? text($0[i]).count : 0 }.max() ?? 0) * 2 + 2)))
        }
        return Sheet(name: name, rows: rows, merges: merges, columnWidths: widths, frozenRows: 1 + t.header.count)
    }

    static func text(_ c: SheetCell) -> String {
        switch c.value {
        case .text(let s): return s
        case .number(let v): return XLSXWriter.number(v)
        default: return ""
        }
    }
}
