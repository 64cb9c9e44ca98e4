import Foundation

/// Writes a ``Workbook`` as an Office Open XML spreadsheet (.xlsx) that Excel, WPS and LibreOffice open.
///
/// Text goes to the shared string table, numbers stay numbers, merges and column widths are kept, and the style
/// table holds exactly the looks of ``CellStyle`` in its order.
public enum XLSXWriter {
    public static func write(_ book: Workbook) throws -> Data {
        var strings = SharedStrings()
        let sheets = book.sheets.map { worksheet($0, strings: &strings) }
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(book.sheets.count)),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbook(book)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(book.sheets.count)),
            ("xl/styles.xml", styles),
            ("xl/sharedStrings.xml", strings.xml),
        ]
        for (i, xml) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(i + 1).xml", xml)) }
        return try OfficePackage.zip(parts)
    }

    /// Excel refuses sheet names over 31 characters or holding `[]:*?/\`.
    /// A name Excel accepts: none of `[]:*?/\`, no control characters, not starting or ending with `'`, not the
    /// reserved `History`, not empty, at most 31 characters.
    public static func sheetName(_ s: String) -> String {
        var cleaned = String(
            s.map {
                "[]:*?/\\".contains($0) || $0.unicodeScalars.contains { $0.properties.generalCategory == .control }
                    ? "_" : $0
            })
        cleaned = String(cleaned.prefix(31))
        while cleaned.hasPrefix("'") { cleaned.removeFirst() }
        while cleaned.hasSuffix("'") { cleaned.removeLast() }
        if cleaned.isEmpty { cleaned = "表" }
        if cleaned.lowercased() == "history" { cleaned += "_" }
        return cleaned
    }

    struct SharedStrings {
        var index: [String: Int] = [:]
        var list: [String] = []
        var uses = 0

        mutating func id(_ s: String) -> Int {
            uses += 1
            if let i = index[s] { return i }
            index[s] = list.count
            list.append(s)
            return list.count - 1
        }

        var xml: String {
            var out =
                XMLText.declaration
                + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(uses)\" uniqueCount=\"\(list.count)\">"
            for s in list {
                let space =
                    s.first?.isWhitespace == true || s.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
                out += "<si><t\(space)>\(XMLText.escape(s))</t></si>"
            }
            return out + "</sst>"
        }
    }

    /// A number as the sheet stores it: integers without a decimal point.
    public static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    static func worksheet(_ sheet: Sheet, strings: inout SharedStrings) -> String {
        var out =
            XMLText.declaration
            + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        if sheet.frozenRows > 0 {
            let top = CellReference.name(row: sheet.frozenRows + 1, column: 1)
            out +=
                "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"\(sheet.frozenRows)\" topLeftCell=\"\(top)\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        }
        if !sheet.columnWidths.isEmpty {
            out += "<cols>"
            for (i, w) in sheet.columnWidths.enumerated() {
                out += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(w)\" customWidth=\"1\"/>"
            }
            out += "</cols>"
        }
        out += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            out += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = CellReference.name(row: r + 1, column: c + 1)
                let s = cell.style == .plain ? "" : " s=\"\(cell.style.rawValue)\""
                switch cell.value {
                case .empty: if cell.style != .plain { out += "<c r=\"\(ref)\"\(s)/>" }
                case .text(let t): out += "<c r=\"\(ref)\"\(s) t=\"s\"><v>\(strings.id(t))</v></c>"
                case .number(let v), .date(let v): out += "<c r=\"\(ref)\"\(s)><v>\(number(v))</v></c>"
                case .bool(let b): out += "<c r=\"\(ref)\"\(s) t=\"b\"><v>\(b ? 1 : 0)</v></c>"
                case .error(let e): out += "<c r=\"\(ref)\"\(s) t=\"e\"><v>\(XMLText.escape(e))</v></c>"
                case .formula(let f): out += "<c r=\"\(ref)\"\(s)><f>\(XMLText.escape(f))</f></c>"
                }
            }
            out += "</row>"
        }
        out += "</sheetData>"
        if !sheet.merges.isEmpty {
            out += "<mergeCells count=\"\(sheet.merges.count)\">"
            for m in sheet.merges { out += "<mergeCell ref=\"\(m.reference)\"/>" }
            out += "</mergeCells>"
        }
        out +=
            "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
            + "<pageSetup paperSize=\"9\" orientation=\"landscape\"/>"
        return out + "</worksheet>"
    }

    static func contentTypes(_ sheets: Int) -> String {
        var out =
            XMLText.declaration
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        for i in 1..<(sheets + 1) {
            out +=
                "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return out + "</Types>"
    }

    static let rootRelationships =
        XMLText.declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    static func workbook(_ book: Workbook) -> String {
        var out =
            XMLText.declaration
            + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
        for (i, s) in book.sheets.enumerated() {
            out += "<sheet name=\"\(XMLText.escape(sheetName(s.name)))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return out + "</sheets></workbook>"
    }

    static func workbookRelationships(_ sheets: Int) -> String {
        var out =
            XMLText.declaration
            + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for i in 0..<sheets {
            out +=
                "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        }
        out +=
            "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "<Relationship Id=\"rId\(sheets + 2)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        return out + "</Relationships>"
    }

    /// One `xf` per ``CellStyle`` case, in order: (numFmt, font, fill, border, horizontal alignment, wrap).
    static let styleTable: [CellStyle: (Int, Int, Int, Int, String?, Bool)] = [
        .plain: (0, 0, 0, 0, nil, false), .title: (0, 1, 0, 0, "center", false), .header: (0, 2, 2, 1, "center", true),
        .text: (0, 0, 0, 1, "center", false), .number: (0, 0, 0, 1, "right", false),
        .totalText: (0, 2, 0, 1, "center", false), .totalNumber: (0, 2, 0, 1, "right", false),
        .input: (0, 0, 3, 1, "right", false), .textInput: (49, 0, 3, 1, "center", false),
        .note: (0, 3, 0, 0, nil, false),
    ]

    static var styles: String {
        var xfs = ""
        for style in CellStyle.allCases {
            let (fmt, font, fill, border, align, wrap) = styleTable[style]!
            let attributes =
                "numFmtId=\"\(fmt)\" fontId=\"\(font)\" fillId=\"\(fill)\" borderId=\"\(border)\" xfId=\"0\""
                + (fmt != 0 ? " applyNumberFormat=\"1\"" : "") + (font != 0 ? " applyFont=\"1\"" : "")
                + (fill != 0 ? " applyFill=\"1\"" : "") + (border != 0 ? " applyBorder=\"1\"" : "")
            if align != nil || wrap {
                let h = align.map { " horizontal=\"\($0)\"" } ?? ""
                xfs +=
                    "<xf \(attributes) applyAlignment=\"1\"><alignment\(h) vertical=\"center\"\(wrap ? " wrapText=\"1\"" : "")/></xf>"
            } else {
                xfs += "<xf \(attributes)/>"
            }
        }
        let font = { (extra: String) in
            "<font>\(extra)<sz val=\"11\"/><name val=\"宋体\"/><charset val=\"134\"/></font>"
        }
        return XMLText.declaration
            + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + "<fonts count=\"4\">\(font(""))<font><b/><sz val=\"14\"/><name val=\"宋体\"/><charset val=\"134\"/></font>\(font("<b/>"))\(font("<i/>"))</fonts>"
            + "<fills count=\"4\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
            + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFD9D9D9\"/><bgColor indexed=\"64\"/></patternFill></fill>"
            + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFFF2CC\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>"
            + "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
            + "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right><top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
            + "<cellXfs count=\"\(CellStyle.allCases.count)\">\(xfs)</cellXfs>"
            + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
            + "</styleSheet>"
    }
}
