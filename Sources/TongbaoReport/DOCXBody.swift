import Foundation
import TongbaoOffice

/// The body of the Word bulletin, built block by block; charts are collected to become their own parts.
struct DOCXBody {
    private(set) var xml = ""
    private(set) var charts: [ChartData] = []

    static func run(_ text: String, bold: Bool = false, size: Int? = nil) -> String {
        var props = bold ? "<w:b/><w:bCs/>" : ""
        if let size { props += "<w:sz w:val=\"\(size)\"/><w:szCs w:val=\"\(size)\"/>" }
        let rPr = props.isEmpty ? "" : "<w:rPr>\(props)</w:rPr>"
        return "<w:r>\(rPr)<w:t xml:space=\"preserve\">\(XMLText.escape(text))</w:t></w:r>"
    }

    mutating func paragraph(_ text: String, style: String, extra: String = "") {
        xml += "<w:p><w:pPr><w:pStyle w:val=\"\(style)\"/>\(extra)</w:pPr>\(Self.run(text))</w:p>"
    }

    /// Title in red, the issue line, then issuer and date on one line above the red rule.
    mutating func masthead(_ v: BulletinView) {
        if let notice = v.notice {
            // Bold and red above the masthead: an incomplete month never reads as complete.
            xml +=
                "<w:p><w:pPr><w:pStyle w:val=\"BodyText\"/></w:pPr><w:r><w:rPr><w:b/><w:color w:val=\"C00000\"/></w:rPr>"
                + "<w:t xml:space=\"preserve\">\(XMLText.escape(notice))</w:t></w:r></w:p>"
        }
        paragraph(v.title, style: "Masthead")
        if let issue = v.issueLine { paragraph(issue, style: "IssueLine") }
        let sign = Self.run(v.issuer ?? "") + "<w:r><w:tab/></w:r>" + Self.run(v.date ?? "")
        xml += "<w:p><w:pPr><w:pStyle w:val=\"SignLine\"/></w:pPr>\(sign)</w:p>"
        if let lead = v.lead { paragraph(lead, style: "BodyText") }
    }

    /// The chart inline at the full text width, its caption under it as in the HTML.
    mutating func chart(_ c: ChartView) {
        charts.append(c.data)
        let n = charts.count
        let width = 5_616_000  // 156 mm in EMU
        let height = c.data.kind == .bar ? 360_000 * (c.data.categories.count + 1) : 2_520_000
        xml +=
            "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
            + "<wp:extent cx=\"\(width)\" cy=\"\(height)\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>"
            + "<wp:docPr id=\"\(n)\" name=\"图表 \(n)\" descr=\"\(XMLText.escape(c.title))\"/><wp:cNvGraphicFramePr/>"
            + "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\">"
            + "<c:chart r:id=\"rIdChart\(n)\"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        paragraph(c.title, style: "Caption", extra: "<w:keepNext w:val=\"0\"/>")
    }

    // MARK: - Tables

    mutating func table(_ t: TableView) {
        paragraph(t.title, style: "Caption")
        let layout = DOCXTableLayout(t)
        xml +=
            "<w:tbl><w:tblPr><w:tblW w:w=\"\(layout.widths.reduce(0, +))\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
            + ["top", "left", "bottom", "right", "insideH", "insideV"].map {
                "<w:\($0) w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            }.joined()
            + "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/>"
            + "<w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>"
            + layout.widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        for (rows, header) in [(t.header, true), (t.body, false)] {
            let owners = Self.owners(rows)
            for (r, row) in rows.enumerated() {
                // Rows never break across pages; header rows repeat on each page the table runs onto.
                xml += "<w:tr><w:trPr><w:cantSplit/>\(header ? "<w:tblHeader/>" : "")</w:trPr>"
                var c = 0
                while c < row.cells.count {
                    let (or, oc) = owners[r][c]
                    let origin = rows[or].cells[oc]
                    let span = origin.colspan ?? 1
                    let width = layout.widths[c..<min(c + span, layout.widths.count)].reduce(0, +)
                    var tcPr = "<w:tcW w:w=\"\(width)\" w:type=\"dxa\"/>"
                    if span > 1 { tcPr += "<w:gridSpan w:val=\"\(span)\"/>" }
                    if (origin.rowspan ?? 1) > 1 { tcPr += or == r ? "<w:vMerge w:val=\"restart\"/>" : "<w:vMerge/>" }
                    tcPr += "<w:vAlign w:val=\"center\"/>"
                    let text = or == r ? origin.text : ""
                    let jc = origin.numeric && !header ? "right" : "center"
                    xml +=
                        "<w:tc><w:tcPr>\(tcPr)</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/><w:jc w:val=\"\(jc)\"/></w:pPr>"
                        + Self.run(text, bold: header || row.total, size: layout.fontSize) + "</w:p></w:tc>"
                    c += span
                }
                xml += "</w:tr>"
            }
        }
        xml += "</w:tbl>"
        if let note = t.note { paragraph(note, style: "Note") }
    }

    /// For every grid position, the (row, column) of the cell that covers it.
    static func owners(_ rows: [TableView.Row]) -> [[(Int, Int)]] {
        var owner = rows.map { $0.cells.indices.map { (-1, $0) } }
        for (r, row) in rows.enumerated() {
            for (c, cell) in row.cells.enumerated() where !cell.covered {
                for dr in 0..<(cell.rowspan ?? 1) where r + dr < rows.count {
                    for dc in 0..<(cell.colspan ?? 1) where c + dc < owner[r + dr].count {
                        owner[r + dr][c + dc] = (r, c)
                    }
                }
            }
        }
        // A covered cell that no span reaches (malformed input) stands for itself.
        return owner.enumerated().map { r, row in row.map { $0.0 < 0 ? (r, $0.1) : $0 } }
    }
}

/// Column widths and font size of a Word table. Numbers never wrap; names and headers may, down to a minimum.
/// A table whose minimum is wider than the 156 mm text width at 五号 (10.5 pt) is set smaller, down to 7 pt (the
/// town table's thirteen columns of six-digit totals, in bold DejaVu Serif).
struct DOCXTableLayout {
    /// Left and right cell margin, twips.
    static let cellMargin = 57.0
    var widths: [Int]
    /// Half-points.
    var fontSize: Int

    init(_ t: TableView) {
        let columns = t.header.first?.cells.count ?? 1
        let width = Double(DOCXWriter.textWidth)
        var size = 21
        var need = Self.need(t, columns: columns, em: Double(size * 10))
        for smaller in [18, 16, 15, 14] where need.map(\.min).reduce(0, +) > width {
            size = smaller
            need = Self.need(t, columns: columns, em: Double(size * 10))
        }
        fontSize = size
        let (least, most) = (need.map(\.min).reduce(0, +), need.map(\.preferred).reduce(0, +))
        if most <= width {
            widths = need.map { Int(($0.preferred * width / most).rounded(.down)) }
        } else if least < width {
            // Give every column its minimum, then share what is left in proportion to what each would like more.
            let k = (width - least) / (most - least)
            widths = need.map { Int(($0.min + ($0.preferred - $0.min) * k).rounded(.down)) }
        } else {
            widths = need.map { Int(($0.min * width / least).rounded(.down)) }
        }
    }

    /// Ems a Latin character takes in the widest face a reader's machine may set it in: bold DejaVu Serif, where
    /// LibreOffice falls back when Liberation Serif (Times New Roman's metrics, 0.5 em a digit) is missing. Its
    /// digits are 0.70 em; a table sized for Times New Roman wrapped every long number there.
    static func latinWidth(_ c: Unicode.Scalar) -> Double {
        switch c {
        case _ where c.value >= 0x2E80: 0
        case ".", ",", ":", " ": 0.38
        case "%": 1.0
        case "-", "+": 0.84
        default: 0.70
        }
    }

    /// Twips each column needs: `min` fits its numbers (they never wrap) and two characters of text; `preferred`
    /// fits its text on one line, up to 8 characters.
    static func need(_ t: TableView, columns: Int, em: Double) -> [(min: Double, preferred: Double)] {
        let margin = 2.0 * DOCXTableLayout.cellMargin + 20
        return (0..<columns).map { c in
            var least = 2.0
            var preferred = 2.0
            for (rows, isHeader) in [(t.header, true), (t.body, false)] {
                for row in rows where c < row.cells.count {
                    let cell = row.cells[c]
                    guard !cell.covered, (cell.colspan ?? 1) == 1 else { continue }
                    let wide = cell.text.unicodeScalars.filter { $0.value >= 0x2E80 }.count
                    let w = Double(wide) + cell.text.unicodeScalars.reduce(0) { $0 + Self.latinWidth($1) }
                    if cell.numeric && wide == 0 && !isHeader {
                        least = max(least, w)
                    } else if !isHeader {
                        least = max(least, min(w, 4))  // a name wraps onto two lines at most
                    }
                    preferred = max(preferred, min(w, 8))
                }
            }
            return (least * em + margin, max(least, preferred) * em + margin)
        }
    }
}
