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
    /// A web page (an HTML table) saved with a spreadsheet's extension, as some platforms export.
    case html
    /// A zip that is not a readable workbook, with what was wrong.
    case damaged(String)

    public var userMessage: String {
        switch self {
        case .legacyXLS:
            return "这是旧版 Excel 97-2003 工作簿（.xls），请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入"
        case .encrypted:
            return "工作簿设有打开密码，无法读取；请在 Excel 或 WPS 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）并保存后再导入"
        case .notXLSX: return "不是 Excel 工作簿（.xlsx）"
        case .html:
            return "这是网页（HTML）格式的表格，只是扩展名像 Excel；请在 Excel 或 WPS 中打开并“另存为”Excel 工作簿（.xlsx）后再导入"
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

    /// Whether a compound file is a password-protected .xlsx: Office stores one as a compound file holding an
    /// "EncryptedPackage" stream (directory entry names are UTF-16LE).
    static func isEncrypted(_ data: Data) -> Bool {
        let marker = Data("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        return data.range(of: marker) != nil
    }

    /// The largest part (one sheet's XML) read: about two million rows of a case export.
    public static let maxPartSize: UInt64 = 512 << 20

    /// Reads every sheet; sheets whose name `skipping` accepts are listed empty, their XML not parsed (a filled
    /// report form's 说明 and 参考 sheets).
    public static func read(
        _ data: Data, maxPartSize: UInt64 = XLSXReader.maxPartSize, skipping: (String) -> Bool = { _ in false }
    ) throws(SpreadsheetError) -> Workbook {
        if data.starts(with: compoundFileMagic) {
            throw isEncrypted(data) ? .encrypted : .legacyXLS
        }
        guard data.starts(with: [0x50, 0x4B]) else {
            let head = String(decoding: data.prefix(512), as: UTF8.self).lowercased()
            throw head.contains("<html") || head.contains("<table") || head.contains("<!doctype") ? .html : .notXLSX
        }
        // The parts come out through ZipCheck, bounded and without ZIPFoundation's extraction, which spins for
        // ever on a damaged deflate stream and leaks a damaged in-memory archive (both found by fuzzing).
        let entries: [ZipCheck.Entry]
        do { entries = try ZipCheck.list(data) } catch {
            throw .damaged("文件不完整（部分内容超出文件末尾）")
        }
        guard !entries.isEmpty else { throw .damaged("不是完整的 zip 文件") }
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func part(_ path: String) throws(SpreadsheetError) -> Data? {
            guard let entry = byName[path] else { return nil }
            // A few kilobytes uploaded can inflate to gigabytes (a zip bomb): refuse a part past the limit, and
            // stop inflating one whose header understates its size.
            guard entry.uncompressedSize <= maxPartSize else { throw .damaged("\(path) 解压后超过 \(maxPartSize >> 20) MB") }
            do {
                return try ZipCheck.extract(entry, from: data, limit: Int(maxPartSize))
            } catch {
                throw .damaged("\(path) 内容损坏或过大")
            }
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
            if skipping(name) {
                sheets.append(Sheet(name: name))
                continue
            }
            guard var target = targets[rid] else { throw .damaged("工作表“\(name)”没有对应的部件") }
            target = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard let xml = try part(target) else { throw .damaged("缺少 \(target)") }
            let handler = SheetHandler(strings: strings, dateStyles: dateStyles, date1904: book.date1904)
            let parsed = try parse(xml, handler, target)
            if let bad = parsed.badString { throw .damaged("\(target) 引用了不存在的共享字符串 \(bad)") }
            sheets.append(Sheet(name: name, rows: parsed.rows, merges: parsed.merges))
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
