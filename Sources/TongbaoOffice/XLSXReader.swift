import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Why a file could not be read as a workbook. ``userMessage`` is the Chinese text for users.
public enum SpreadsheetError: Error, Equatable, Sendable {
    /// An Excel 97–2003 workbook (.xls, a compound file).
    case legacyXLS
    /// A workbook with an opening password: Office wraps it in an encrypted compound file.
    case encrypted
    /// Neither a zip nor a compound file.
    case notXLSX
    /// A zip that is not a readable workbook, with what was wrong.
    case damaged(String)

    public var userMessage: String {
        switch self {
        case .legacyXLS:
            return "这是旧版 Excel 97-2003 工作簿（.xls），请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入"
        case .encrypted:
            return "工作簿设有打开密码，无法读取；请在 Excel 或 WPS 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）并保存后再导入"
        case .notXLSX: return "不是 Excel 工作簿（.xlsx）"
        case .damaged(let what): return "工作簿已损坏，无法读取（\(what)）；请在 Excel 或 WPS 中打开并重新保存后再导入"
        }
    }
}

/// Reads the values of an .xlsx workbook (not its looks): every sheet, in order, as a grid of cells.
///
/// Numbers shown with a date format come back as ``SheetCell/Value/date(_:)``; a formula's cached result is its value,
/// an error result is ``SheetCell/Value/error(_:)`` and a formula saved without a result is ``SheetCell/Value/formula(_:)``.
public enum XLSXReader {
    static let compoundFileMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// Whether `data` looks like a workbook of any kind this reader can name (xlsx, xls, encrypted).
    public static func looksLikeWorkbook(_ data: Data) -> Bool {
        data.starts(with: compoundFileMagic) || data.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    public static func read(_ data: Data) throws(SpreadsheetError) -> Workbook {
        if data.starts(with: compoundFileMagic) {
            // Office stores a password-protected .xlsx as a compound file holding an "EncryptedPackage" stream;
            // directory entry names are UTF-16LE.
            let marker = Data("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            throw data.range(of: marker) != nil ? .encrypted : .legacyXLS
        }
        guard data.starts(with: [0x50, 0x4B]) else { throw .notXLSX }
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw .damaged("不是完整的 zip 文件") }
        func part(_ path: String) throws(SpreadsheetError) -> Data? {
            guard let entry = archive[path] else { return nil }
            var out = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { out.append($0) } } catch {
                throw .damaged("\(path) 内容损坏")
            }
            return out
        }
        guard let workbookXML = try part("xl/workbook.xml") else { throw .damaged("缺少 xl/workbook.xml") }
        let book = try parse(workbookXML, WorkbookHandler(), "xl/workbook.xml")
        var targets: [String: String] = [:]
        if let xml = try part("xl/_rels/workbook.xml.rels") {
            targets = try parse(xml, RelationshipHandler(), "workbook.xml.rels").targets
        }
        var strings: [String] = []
        if let xml = try part("xl/sharedStrings.xml") {
            strings = try parse(xml, SharedStringHandler(), "sharedStrings.xml").list
        }
        var dateStyles: Set<Int> = []
        if let xml = try part("xl/styles.xml") { dateStyles = try parse(xml, StyleHandler(), "styles.xml").dateStyles }
        var sheets: [Sheet] = []
        for (name, rid) in book.sheets {
            guard var target = targets[rid] else { throw .damaged("工作表“\(name)”没有对应的部件") }
            target = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let xml = try part(target) else { throw .damaged("缺少 \(target)") }
            let handler = SheetHandler(strings: strings, dateStyles: dateStyles, date1904: book.date1904)
            let parsed = try parse(xml, handler, target)
            if let bad = parsed.badString { throw .damaged("\(target) 引用了不存在的共享字符串 \(bad)") }
            sheets.append(Sheet(name: name, rows: parsed.rows))
        }
        return Workbook(sheets: sheets)
    }

    static func parse<H: XMLParserDelegate>(_ data: Data, _ handler: H, _ part: String) throws(SpreadsheetError) -> H {
        let parser = XMLParser(data: data)
        parser.delegate = handler
        guard parser.parse() else { throw .damaged("\(part) 不是有效的 XML") }
        return handler
    }
}

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
        // openpyxl writes a formula it cannot calculate as `<f>…</f><v/>`.
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
