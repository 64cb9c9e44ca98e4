import Foundation
import Testing

@testable import TongbaoOffice

@Suite struct WorkbookTests {
    @Test func cellReferencesRoundTrip() {
        #expect(CellReference.letters(1) == "A")
        #expect(CellReference.letters(26) == "Z")
        #expect(CellReference.letters(27) == "AA")
        #expect(CellReference.letters(703) == "AAA")
        #expect(CellReference.parse("$AB$12")! == (12, 28))
        #expect(CellReference.parse("12") == nil)
    }

    @Test func writtenWorkbookReadsBack() throws {
        let sheet = Sheet(
            name: "办件月报",
            rows: [
                [.text("月份", .header), .text("单位", .header), .text("即办接件", .header)],
                [.text("2021-07", .textInput), .text("区税务局 <&>"), .number(12345)],
                [.text(""), .text(" 前后空格 "), .number(9.5)],
            ], merges: [CellRange(top: 1, left: 1, bottom: 1, right: 2)], columnWidths: [10, 20], frozenRows: 1)
        let data = try XLSXWriter.write(Workbook(sheets: [sheet, Sheet(name: "空表")]))

        let back = try XLSXReader.read(data)

        #expect(back.sheets.map(\.name) == ["办件月报", "空表"])
        let s = try #require(back["办件月报"])
        #expect(s.cell(row: 2, column: 2).value == .text("区税务局 <&>"))
        #expect(s.cell(row: 2, column: 3).value == .number(12345))
        #expect(s.cell(row: 3, column: 1).value == .empty)
        #expect(s.cell(row: 3, column: 2).value == .text(" 前后空格 "))
        #expect(s.cell(row: 3, column: 3).value == .number(9.5))
        #expect(back["空表"]?.rows.isEmpty == true)
    }

    @Test func refusesWhatIsNotAWorkbook() {
        #expect(throws: SpreadsheetError.notXLSX) { try XLSXReader.read(Data("a,b\n1,2\n".utf8)) }
        var legacy = Data(XLSXReader.compoundFileMagic)
        legacy.append(Data(count: 600))
        #expect(throws: SpreadsheetError.legacyXLS) { try XLSXReader.read(legacy) }
        legacy.append(Data("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        #expect(throws: SpreadsheetError.encrypted) { try XLSXReader.read(legacy) }
        #expect(throws: SpreadsheetError.damaged("不是完整的 zip 文件")) { try XLSXReader.read(Data("PK\u{3}\u{4}xx".utf8)) }
    }

    @Test func aPartInflatingPastTheLimitIsRefused() throws {
        let rows = (1...200).map { [SheetCell.text("行\($0)"), .number(Double($0))] }
        let data = try XLSXWriter.write(Workbook(sheets: [Sheet(name: "cases", rows: rows)]))
        #expect(try XLSXReader.read(data).sheets.first?.rows.count == 200)
        #expect(throws: SpreadsheetError.self) { try XLSXReader.read(data, maxPartSize: 2_000) }
    }

    @Test func dateFormatsAreRecognised() {
        #expect(StyleHandler.isDate(14, nil))
        #expect(StyleHandler.isDate(57, nil))
        #expect(StyleHandler.isDate(180, "yyyy\"年\"m\"月\""))
        #expect(!StyleHandler.isDate(180, "0.00_);[Red]\\(0.00\\)"))
        #expect(!StyleHandler.isDate(0, "General"))
        #expect(!StyleHandler.isDate(49, nil))
    }
}
