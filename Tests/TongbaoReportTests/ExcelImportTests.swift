import Foundation
import Testing
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoStore
import TongbaoTestSupport

/// `tongbao import` of .xlsx workbooks: the same rules and the same all-or-nothing as CSV, with errors naming
/// workbook, sheet, row and column.
@Suite struct ExcelImportTests {
    static let july = Period(year: 2021, month: 7)

    /// The month's bulletin JSON after importing `files` into a fresh store.
    static func bulletinJSON(_ files: [PackageFile]) async throws -> String {
        try await Fixtures.withImported(files) { store, _ in
            let data = try await store.load(district: "yubei", period: july)
            return try JSONWriter.render(BulletinBuilder(data: data, period: july).build())
        }
    }

    static func importer(_ store: SQLStore) -> Importer<SQLStore> {
        Importer(store: store, district: "yubei", change: Change(actor: "test", source: "test"))
    }

    /// Imports `files` on top of the sample and returns the refusal, checking that nothing changed.
    static func refusal(_ files: [PackageFile]) async throws -> [TongbaoCore.Issue] {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let before = try await store.fingerprint()
            let failure = await #expect(throws: ImportFailed.self) { try await importer(store).run(files: files) }
            #expect(try await store.fingerprint() == before)
            return failure?.errors ?? []
        }
    }

    // MARK: - Workbooks that import

    @Test func theSampleAsOneWorkbookImportsLikeTheFolder() async throws {
        let csv = try Fixtures.sampleFiles().filter { $0.ignored == nil }
        let sheets = try csv.map { f -> Sheet in
            let table = try #require(PackageTable(fileName: f.name))
            let parsed = try CSVTable.parse(String(decoding: f.data, as: UTF8.self)).get()
            let rows = [parsed.header] + parsed.records.map(\.cells)
            return Sheet(
                name: table.chineseName,
                rows: rows.map { $0.map { Double($0).map { SheetCell.number($0) } ?? SheetCell.text($0) } })
        }
        let workbook = PackageFile(name: "样例.xlsx", data: try XLSXWriter.write(Workbook(sheets: sheets)))

        #expect(try await Self.bulletinJSON([workbook]) == (try await Self.bulletinJSON(csv)))
    }

    @Test func aWorkbookWrittenByOpenpyxlImports() async throws {
        let dir = try Fixtures.tempDir()
        let out = dir.appendingPathComponent("openpyxl.xlsx")
        // Every CSV of the sample as a sheet named after its file; numbers typed as numbers and every period typed
        // as a real date shown yyyy-mm, as Excel stores a typed "2021-07".
        try await Tools.python(
            """
            import csv, datetime, os, sys, openpyxl
            src, out = sys.argv[1], sys.argv[2]
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            for name in sorted(os.listdir(src)):
                if not name.endswith('.csv'): continue
                ws = wb.create_sheet(name[:-4])
                with open(os.path.join(src, name), encoding='utf-8-sig') as f:
                    rows = list(csv.reader(f))
                period = rows[0].index('period') if 'period' in rows[0] else -1
                for r, row in enumerate(rows):
                    for c, v in enumerate(row):
                        cell = ws.cell(row=r + 1, column=c + 1)
                        if r > 0 and c == period and v:
                            cell.value = datetime.datetime.strptime(v, '%Y-%m')
                            cell.number_format = 'yyyy-mm'
                        elif r > 0 and v.isdigit() and not v.startswith('0'):
                            cell.value = int(v)
                        else:
                            cell.value = v if v != '' else None
            wb.save(out)
            """, [Fixtures.sample.path, out.path])
        let workbook = try PackageReader.read(out.path)

        #expect(try await Self.bulletinJSON(workbook) == (try await Self.bulletinJSON(try Fixtures.sampleFiles())))
    }

    @Test func theTemplateImportsBackAsFilled() async throws {
        let dir = try Fixtures.tempDir()
        let (template, filled) = (dir.appendingPathComponent("t.xlsx"), dir.appendingPathComponent("filled.xlsx"))
        let august = Self.july.next
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let unit = try #require(try await store.units(district: "yubei").first { $0.name == "区税务局" })
            let july = try await store.reportRows(district: "yubei", unit: unit.code, period: Self.july)
            let tongban = july.1
            let book = ReportTemplate.workbook(unit: unit, period: august, current: (nil, []), previous: july)
            try XLSXWriter.write(book).write(to: template)
            // Last month for reference, this month empty.
            #expect(book["参考（上月数据）"]?.cell(row: 2, column: 3).value == .number(12549))
            #expect(book["办件月报"]?.cell(row: 2, column: 3).value == .empty)

            // A reporter fills it in another program (openpyxl), cell by cell.
            try await Tools.python(
                """
                import sys, openpyxl
                wb = openpyxl.load_workbook(sys.argv[1])
                ws = wb['办件月报']
                for col, v in zip('CDEF', [12001, 7, 11990, 6]): ws[col + '2'] = v
                t = wb['通办']
                for r in range(2, t.max_row + 1): t.cell(row=r, column=4, value=r * 10)
                wb.save(sys.argv[2])
                """, [template.path, filled.path])
            _ = try await Self.importer(store).run(files: try PackageReader.read(filled.path))

            let (row, scopes) = try await store.reportRows(district: "yubei", unit: unit.code, period: august)
            #expect(row?.recvImmediate == 12001 && row?.recvPromised == 7)
            #expect(row?.doneImmediate == 11990 && row?.donePromised == 6)
            #expect(row?.ytdRecv == nil, "left empty: not reported")
            #expect(scopes.map(\.count).sorted { ($0 ?? 0) < ($1 ?? 0) } == (2...(tongban.count + 1)).map { $0 * 10 })

            // A form for a month already reported carries the stored figures: sent back unchanged, it changes nothing.
            let again = ReportTemplate.workbook(
                unit: unit, period: august,
                current: try await store.reportRows(district: "yubei", unit: unit.code, period: august), previous: july)
            #expect(again["办件月报"]?.cell(row: 2, column: 3).value == .number(12001))
            let report = try await Self.importer(store).run(
                files: [PackageFile(name: "again.xlsx", data: try XLSXWriter.write(again))])
            #expect(report.writes.allSatisfy { $0.inserted == 0 && $0.updated == 0 }, "\(report.writes)")
        }
    }

    // MARK: - Workbooks that are refused

    @Test func aDamagedWorkbookIsRefused() async throws {
        let good = try XLSXWriter.write(Workbook(sheets: [Sheet(name: "cases", rows: [[.text("period")]])]))
        let errors = try await Self.refusal([PackageFile(name: "报表.xlsx", data: good.prefix(good.count / 2))])
        #expect(errors.map(\.code) == [.unreadableWorkbook])
        #expect(errors.first?.file == "报表.xlsx" && errors.first?.message.contains("工作簿已损坏") == true)
    }

    @Test func anXLSWorkbookIsReadThroughLibreOffice() async throws {
        _ = try Tools.program("soffice", package: "libreoffice-calc-nogui")
        let dir = try Fixtures.tempDir()
        let xls = dir.appendingPathComponent("old.xls")
        try await Tools.python(
            """
            import sys, xlwt
            wb = xlwt.Workbook()
            ws = wb.add_sheet('cases')
            for c, v in enumerate(['period', 'unit', 'recv_immediate']): ws.write(0, c, v)
            for c, v in enumerate(['2021-08', 'C06', 1234]): ws.write(1, c, v)
            wb.save(sys.argv[1])
            """, [xls.path])
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            _ = try await Self.importer(store).run(files: try PackageReader.read(xls.path))
            let (row, _) = try await store.reportRows(district: "yubei", unit: "C06", period: Self.july.next)
            #expect(row?.recvImmediate == 1234)
        }
    }

    @Test func withoutLibreOfficeAnXLSNamesThePackageToInstall() async throws {
        let failure = await #expect(throws: SpreadsheetConverter.Failure.self) {
            try await SpreadsheetConverter.convert(Data([0xD0, 0xCF, 0x11, 0xE0]), format: .xls, soffice: nil)
        }
        #expect(failure == .libreOfficeMissing(.xls))
        #expect(failure?.userMessage.contains("libreoffice-calc-nogui") == true)
        #expect(SpreadsheetConverter.Format.ods.userName.contains(".ods"))
        #expect(SpreadsheetConverter.Format.et.userName.contains("WPS"))
    }

    @Test func aPasswordProtectedWorkbookIsRefused() async throws {
        let dir = try Fixtures.tempDir()
        let (plain, locked) = (dir.appendingPathComponent("plain.xlsx"), dir.appendingPathComponent("locked.xlsx"))
        try XLSXWriter.write(Workbook(sheets: [Sheet(name: "cases", rows: [[.text("period")]])])).write(to: plain)
        try await Tools.python(
            "import sys, msoffcrypto\nfrom msoffcrypto.format.ooxml import OOXMLFile\n"
                + "f = OOXMLFile(open(sys.argv[1], 'rb'))\nf.encrypt('secret', open(sys.argv[2], 'wb'))",
            [plain.path, locked.path])
        let errors = try await Self.refusal(try PackageReader.read(locked.path))
        #expect(errors.map(\.code) == [.unreadableWorkbook])
        #expect(errors.first?.message.contains("密码") == true)
    }

    @Test func aFormulaErrorNamesSheetRowAndColumn() async throws {
        let dir = try Fixtures.tempDir()
        let out = dir.appendingPathComponent("公式.xlsx")
        try await Tools.python(
            """
            import sys, openpyxl
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = '办件月报'
            ws.append(['月份', '单位', '即办接件', '承诺接件'])
            ws.append(['2021-07', 'C01', 5, 6])
            ws.append(['2021-07', 'C02', 7, '#DIV/0!'])
            ws.append(['2021-07', 'C03', '=C2+C3', 1])
            wb.save(sys.argv[1])
            """, [out.path])

        let errors = try await Self.refusal(try PackageReader.read(out.path))

        #expect(errors.map(\.code) == [.formulaError, .formulaWithoutValue])
        let first = try #require(errors.first)
        #expect(first.file == "公式.xlsx" && first.sheet == "办件月报" && first.line == 3 && first.columnNumber == 4)
        #expect(first.description.contains("公式.xlsx 工作表“办件月报” 第3行 D列（承诺接件）"))
        #expect(first.message.contains("#DIV/0!"))
        #expect(errors.last?.line == 4 && errors.last?.value == "=C2+C3")
    }

    @Test func aCellErrorInAWorkbookNamesItsSheetRowAndColumn() async throws {
        let sheet = Sheet(
            name: "办件月报",
            rows: [
                [.text("月份"), .text("单位"), .text("即办接件")], [.text("2021-07"), .text("C01"), .number(-3)],
            ])
        let bogus = Sheet(name: "Sheet2", rows: [[.text("x")]])
        let book = PackageFile(name: "报表.xlsx", data: try XLSXWriter.write(Workbook(sheets: [sheet, bogus])))
        let alone = PackageFile(name: "图表.xlsx", data: try XLSXWriter.write(Workbook(sheets: [bogus])))

        let errors = try await Self.refusal([book])

        // Beside a sheet that is a table, a sheet that fits none is skipped with a notice (N202), not refused.
        #expect(errors.map(\.code) == [.negativeCount])
        let negative = try #require(errors.first { $0.code == .negativeCount })
        #expect(negative.description.contains("报表.xlsx 工作表“办件月报” 第2行 C列（即办接件）"))
        // A workbook with no sheet that fits a table is refused, naming the sheet.
        let refused = try await Self.refusal([alone])
        #expect(refused.map(\.code) == [.unknownTable] && refused.first?.sheet == "Sheet2")
    }
}
