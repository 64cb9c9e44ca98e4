import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// SAX handlers for the parts of an .xlsx that ``XLSXReader`` reads: workbook, relationships, shared strings,
/// styles and worksheets.
// MARK: - Part handlers

final class WorkbookHandler: NSObject, XMLParserDelegate {
    var sheets: [(String, String)] = []
    var date1904 = false

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        switch local(name) {
        case "sheet":
            let rid = attributes.first { local($0.key) == "id" && $0.key != "sheetId" }?.value
            if let n = attributes["name"], let rid { sheets.append((n, rid)) }
        case "workbookPr": date1904 = ["1", "true"].contains(attributes["date1904"] ?? "")
        default: break
        }
    }
}

final class RelationshipHandler: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        if local(name) == "Relationship", let id = attributes["Id"], let t = attributes["Target"] { targets[id] = t }
    }
}

final class SharedStringHandler: NSObject, XMLParserDelegate {
    var list: [String] = []
    private var current = ""
    private var inText = false
    private var phonetic = 0

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        switch local(name) {
        case "si": current = ""
        case "t": inText = phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "si": list.append(current)
        case "t": inText = false
        case "rPh": phonetic -= 1
        default: break
        }
    }
}

/// Finds which cell formats (`cellXfs` indexes) show numbers as dates.
final class StyleHandler: NSObject, XMLParserDelegate {
    private var customFormats: [Int: String] = [:]
    private var formatOfStyle: [Int] = []
    private var inCellXfs = false

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        switch local(name) {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] {
                customFormats[id] = code
            }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: formatOfStyle.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if local(name) == "cellXfs" { inCellXfs = false }
    }

    var dateStyles: Set<Int> {
        Set(formatOfStyle.indices.filter { Self.isDate(formatOfStyle[$0], customFormats[formatOfStyle[$0]]) })
    }

    /// Built-in date formats (14–22, 27–36 and 50–58 in East Asian locales, 45–47), or a custom code with date
    /// or time letters outside quotes and brackets.
    static func isDate(_ id: Int, _ code: String?) -> Bool {
        if (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id) {
            return true
        }
        guard let code else { return false }
        var quoted = false
        var bracket = false
        for ch in code {
            switch ch {
            case "\"": quoted.toggle()
            case "[" where !quoted: bracket = true
            case "]" where !quoted: bracket = false
            default: if !quoted && !bracket && "yYmMdDhHsS".contains(ch) { return true }
            }
        }
        return false
    }
}

final class SheetHandler: NSObject, XMLParserDelegate {
    let strings: [String]
    let dateStyles: Set<Int>
    let date1904: Bool
    var rows: [[SheetCell]] = []
    var merges: [CellRange] = []
    var badString: String?

    private var ref: (row: Int, column: Int)?
    private var type = "n"
    private var style = 0
    private var value: String?
    private var formula: String?
    private var text = ""
    private var capturing = false
    private var nextRow = 1
    private var nextColumn = 1

    init(strings: [String], dateStyles: Set<Int>, date1904: Bool) {
        self.strings = strings
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        switch local(name) {
        case "row":
            // `r` may be omitted: rows then follow one another.
            nextRow = attributes["r"].flatMap(Int.init) ?? nextRow
            nextColumn = 1
        case "c":
            ref = attributes["r"].flatMap(CellReference.parse) ?? (nextRow, nextColumn)
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = nil
            formula = nil
        case "v", "f", "t":
            text = ""
            capturing = true
        case "mergeCell":
            let corners = (attributes["ref"] ?? "").split(separator: ":").compactMap { CellReference.parse(String($0)) }
            if corners.count == 2 {
                merges.append(
                    CellRange(
                        top: corners[0].row, left: corners[0].column, bottom: corners[1].row, right: corners[1].column))
            }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if capturing { text += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch local(name) {
        case "v":
            value = text
            capturing = false
        case "f":
            formula = text
            capturing = false
        case "t":
            // Inline string runs add up.
            value = (value ?? "") + text
            capturing = false
        case "c":
            if let ref { put(cell(), at: ref) }
            nextColumn = (ref?.column ?? nextColumn) + 1
            ref = nil
        case "row": nextRow += 1
        default: break
        }
    }

    private func cell() -> SheetCell.Value {
        // A formula whose result is an empty string (`=IF(…,"",…)`): Excel, WPS and LibreOffice save `t="str"`
        // with an empty value.
        if type == "str", formula != nil, value == "" { return .empty }
        // openpyxl writes a formula it cannot calculate as `<f>…</f><v/>` (no type).
        guard let value, !value.isEmpty else { return formula.map { .formula($0) } ?? .empty }
        switch type {
        case "s":
            guard let i = Int(value), strings.indices.contains(i) else {
                badString = value
                return .empty
            }
            return .text(strings[i])
        case "str", "inlineStr": return .text(value)
        case "b": return .bool(value == "1" || value == "true")
        case "e": return .error(value)
        default:
            guard let v = Double(value.trimmingCharacters(in: .whitespaces)) else { return .text(value) }
            if dateStyles.contains(style) { return .date(date1904 ? v + 1462 : v) }
            return .number(v)
        }
    }

    private func put(_ v: SheetCell.Value, at ref: (row: Int, column: Int)) {
        guard v != .empty else { return }
        while rows.count < ref.row { rows.append([]) }
        while rows[ref.row - 1].count < ref.column { rows[ref.row - 1].append(SheetCell(.empty)) }
        rows[ref.row - 1][ref.column - 1] = SheetCell(v)
    }
}

/// The local part of a possibly prefixed XML name (`x:sheet` → `sheet`).
private func local(_ name: String) -> Substring {
    name.split(separator: ":").last ?? Substring(name)
}
