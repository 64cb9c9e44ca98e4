import Foundation
import Testing
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoStore
import TongbaoTestSupport

/// The files offices really make (issue 11): the sample's 办件月报 saved as a district's units save it, written by
/// `Tests/Corpus/office_files.py` (openpyxl, xlwt, Python's csv and zipfile). Each file, imported with the rest of
/// the sample, must give exactly the clean sample's stored figures and bulletin; each deliberate mistake gives its
/// documented message, naming file, sheet, row and column, and changes nothing.
@Suite struct OfficeFilesTests {
    static let july = Period(year: 2021, month: 7)

    /// The corpus, written once per test run.
    static let corpus = Task<URL, any Error> {
        let dir = try Fixtures.tempDir()
        let script = Fixtures.root.appendingPathComponent("Tests/Corpus/office_files.py")
        try await Tools.run(
            try Tools.program("python3", package: "python3"), [script.path, Fixtures.sample.path, dir.path],
            timeout: .seconds(300))
        return dir
    }

    /// The clean sample's July bulletin (JSON) and stored 办件月报 rows.
    static let clean = Task<Outcome, any Error> {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, report in
            try await outcome(store, report)
        }
    }

    struct Outcome: Sendable {
        var json: String
        var cases: [CaseRow]
        var tongban: [TongbanRow]
        var report: ImportReport
    }

    static func outcome(_ store: SQLStore, _ report: ImportReport) async throws -> Outcome {
        let data = try await store.load(district: "yubei", period: july)
        let json = try JSONWriter.render(BulletinBuilder(data: data, period: july).build())
        let cases = data.cases.filter { $0.period == july }.sorted { $0.unit < $1.unit }
        let tongban = data.tongban.filter { $0.period == july }.sorted { ($0.unit, $0.scope) < ($1.unit, $1.scope) }
        return Outcome(json: json, cases: cases, tongban: tongban, report: report)
    }

    /// The sample without the tables `replaced`, plus the corpus file `name`, imported as one package.
    static func importing(_ name: String, replacing replaced: Set<String> = ["cases.csv"]) async throws -> Outcome {
        let path = try await corpus.value.appendingPathComponent(name).path
        let files = try Fixtures.sampleFiles().filter { !replaced.contains($0.name) } + PackageReader.read(path)
        return try await Fixtures.withImported(files) { store, report in try await outcome(store, report) }
    }

    /// Imports `name` and checks every stored figure and the bulletin against the clean sample.
    @discardableResult
    static func expectClean(
        _ name: String, replacing replaced: Set<String> = ["cases.csv"],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ImportReport {
        let got = try await importing(name, replacing: replaced)
        let want = try await clean.value
        #expect(got.cases == want.cases, "\(name): stored 办件月报 rows differ", sourceLocation: sourceLocation)
        #expect(got.tongban == want.tongban, "\(name): stored 通办 rows differ", sourceLocation: sourceLocation)
        #expect(got.json == want.json, "\(name): the bulletin differs", sourceLocation: sourceLocation)
        #expect(
            !got.report.notes.contains { $0.severity == .warning }, "\(name): \(got.report.notes)",
            sourceLocation: sourceLocation)
        return got.report
    }

    /// The errors of importing `name` on top of the full sample, checking that nothing changed.
    static func refusal(_ name: String) async throws -> [TongbaoCore.Issue] {
        let path = try await corpus.value.appendingPathComponent(name).path
        return try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let before = try await store.fingerprint()
            let importer = Importer(store: store, district: "yubei", change: Change(actor: "t", source: "t"))
            let failure = await #expect(throws: ImportFailed.self) {
                try await importer.run(files: try PackageReader.read(path))
            }
            #expect(try await store.fingerprint() == before)
            return failure?.errors ?? []
        }
    }

    static func notes(_ report: ImportReport, _ code: IssueCode) -> [TongbaoCore.Issue] {
        report.notes.filter { $0.code == code }
    }

    // MARK: - Tables found by their columns

    @Test func aCSVNamedByItsMonthIsReadAsCasesByItsColumns() async throws {
        let report = try await Self.expectClean("01-2021年7月办件统计.csv")
        #expect(Self.notes(report, .howRead).first?.message.contains("按列名识别为“办件月报”") == true)
    }

    @Test func aGBKFileWithTitleRowsAboveItsHeader() async throws {
        let report = try await Self.expectClean("02-gbk-title-rows.csv")
        #expect(Self.notes(report, .howRead).first?.message.contains("表头在第4行") == true)
    }

    @Test func aSheetNamedSheet1() async throws { try await Self.expectClean("03-sheet1.xlsx") }

    @Test func aMergedTitleAndAUnitLineAboveTheHeader() async throws {
        try await Self.expectClean("04-title-merged.xlsx")
    }

    @Test func aTwoRowMergedHeaderMapsToTheColumns() async throws {
        let report = try await Self.expectClean("05-two-row-header.xlsx")
        let how = try #require(Self.notes(report, .howRead).first)
        #expect(how.message.contains("表头为第2–3行"))
        #expect(how.message.contains("序号") && how.message.contains("备注") && how.message.contains("合计"))
    }

    @Test func aTwoRowHeaderInCSV() async throws { try await Self.expectClean("06-two-row-header.csv") }

    @Test func aTotalRowIsCheckedAndNotStored() async throws {
        let report = try await Self.expectClean("07-total-row.xlsx")
        #expect(Self.notes(report, .howRead).first?.message.contains("合计/小计行 1 行") == true)
    }

    @Test func subtotalsAndAGrandTotalAreCheckedAndNotStored() async throws {
        let report = try await Self.expectClean("08-subtotals.xlsx")
        #expect(Self.notes(report, .howRead).first?.message.contains("合计/小计行 4 行") == true)
    }

    @Test func signatureLinesUnderTheTableAreSkipped() async throws {
        let report = try await Self.expectClean("09-signature-lines.xlsx")
        #expect(Self.notes(report, .howRead).first?.message.contains("签名和说明 4 行") == true)
    }

    @Test func blankRowsOfCommasOrEmptyStringsAreSkipped() async throws {
        try await Self.expectClean("10-blank-rows.csv")
    }

    @Test func fullWidthDigitsSpacesAndThousandsSeparatorsAreNormalised() async throws {
        try await Self.expectClean("11-fullwidth.csv")
    }

    @Test func dashesSlashesAnd无MeanNotReported() async throws {
        let report = try await Self.expectClean("12-not-reported-marks.xlsx")
        #expect(Self.notes(report, .howRead).first?.message.contains("按未报送处理") == true)
    }

    @Test func monthsWrittenAnyCommonWay() async throws { try await Self.expectClean("13-month-formats.csv") }

    @Test func monthsTypedAsExcelDates() async throws { try await Self.expectClean("14-excel-date-period.xlsx") }

    @Test func unitCodesInLowerCaseWithSpaces() async throws { try await Self.expectClean("15-unit-codes.csv") }

    @Test func notesColumnsAndTrailingEmptyColumnsAreLeftOut() async throws {
        let report = try await Self.expectClean("16-notes-columns.xlsx")
        let how = try #require(Self.notes(report, .howRead).first)
        #expect(how.message.contains("序号") && how.message.contains("填报说明"))
    }

    // MARK: - One table in many files

    @Test func aFolderOfFilledUnitTemplatesIsMerged() async throws {
        try await Self.expectClean("17-per-unit-templates")
    }

    @Test func aWindowsZipOfUnitTemplatesWithGBKNamesAndJunk() async throws {
        let report = try await Self.expectClean("18-per-unit-templates.zip")
        let skipped = Self.notes(report, .fileSkipped).compactMap(\.file)
        #expect(skipped.contains { $0.hasSuffix("填报说明.txt") }, "GBK name decoded: \(skipped)")
        #expect(skipped.contains("Thumbs.db") && skipped.contains("desktop.ini") && skipped.contains(".DS_Store"))
        #expect(skipped.contains { $0.hasPrefix("__MACOSX/") })
    }

    @Test func aWindowsZipOfOneGBKCSV() async throws { try await Self.expectClean("19-windows-zip-csv.zip") }

    @Test func aFolderOfOneCSVPerUnitWithTitleLines() async throws {
        try await Self.expectClean("29-per-unit-csv")
    }

    // MARK: - Old formats, through LibreOffice

    @Test func anOldXLSIsConvertedAndRead() async throws {
        _ = try Tools.program("soffice", package: "libreoffice-calc-nogui")
        try await Self.expectClean("20-old.xls")
    }

    @Test func aWPSETFileIsConvertedAndRead() async throws {
        _ = try Tools.program("soffice", package: "libreoffice-calc-nogui")
        try await Self.expectClean("21-et-file.et")
    }

    @Test func anODSFileIsConvertedAndRead() async throws {
        _ = try Tools.program("soffice", package: "libreoffice-calc-nogui")
        try await Self.expectClean("22-ods-file.ods")
    }

    // MARK: - Other layouts

    @Test func casesAndTongbanOnSheet1AndSheet2() async throws {
        try await Self.expectClean("23-tongban-and-cases.xlsx", replacing: ["cases.csv", "tongban.csv"])
    }

    @Test func headersWithLineBreaksAndUnitsAsWPSWritesThem() async throws {
        try await Self.expectClean("24-wps-newlines.xlsx")
    }

    @Test func aMergedTierColumnIsLeftOut() async throws { try await Self.expectClean("25-tier-column.xlsx") }

    @Test func synonymsOfTheColumnNames() async throws { try await Self.expectClean("26-synonyms.csv") }

    @Test func englishHeadersInAnyCaseWithSpaces() async throws { try await Self.expectClean("27-english-spaces.csv") }

    @Test func columnsInAnyOrder() async throws { try await Self.expectClean("28-reordered.xlsx") }

    @Test func totalColumnsAreCheckedAndNotStored() async throws {
        try await Self.expectClean("30-total-column.csv")
    }

    @Test func referenceAndInstructionSheetsAreNotImported() async throws {
        try await Self.expectClean("31-two-sheets-template-style.xlsx")
    }

    // MARK: - Deliberate mistakes

    @Test func aTotalRowThatDisagreesWarnsWithBothNumbers() async throws {
        let got = try await Self.importing("m01-total-row-wrong.xlsx")
        #expect(got.cases == (try await Self.clean.value).cases, "the parts are stored, not the total")
        let w = try #require(Self.notes(got.report, .totalDiffers).first)
        #expect(w.file == "m01-total-row-wrong.xlsx" && w.sheet == "Sheet1" && w.line == 54 && w.columnNumber == 3)
        let sum = (try await Self.clean.value).cases.compactMap(\.recvImmediate).reduce(0, +)
        #expect(w.value == "\(sum + 1)" && w.computed == "\(sum)")
        #expect(w.description.contains("第54行 C列（即办接件）"), "\(w.description)")
    }

    @Test func aTotalColumnThatDisagreesWarnsWithBothNumbers() async throws {
        let got = try await Self.importing("m02-total-column-wrong.csv")
        let w = try #require(Self.notes(got.report, .totalDiffers).first)
        #expect(w.key == "合计列" && w.column == "接件合计")
        #expect(Int(w.value ?? "") == Int(w.computed ?? "")! - 1)
    }

    @Test func aMergedHeaderItCannotMapListsWhatItUnderstood() async throws {
        let errors = try await Self.refusal("m03-unmappable-header.xlsx")
        #expect(Set(errors.map(\.code)) == [.unknownColumn])
        let e = try #require(errors.first)
        #expect(e.sheet == "7月" && e.line == 3 && e.column == "其他指标／即办")
        #expect(e.message.contains("已识别的列") && e.message.contains("接件数量（件）／即办→recv_immediate"), "\(e.message)")
    }

    @Test func aValueLike12abcIsAnError() async throws {
        let errors = try await Self.refusal("m04-12abc.csv")
        #expect(errors.map(\.code) == [.notAnInteger])
        #expect(errors.first?.value == "12abc" && errors.first?.column == "即办接件")
    }

    @Test func anUnknownUnitSuggestsTheClosestName() async throws {
        let errors = try await Self.refusal("m05-unknown-unit.csv")
        #expect(errors.map(\.code) == [.unknownUnit])
        #expect(errors.first?.message.contains("是否应为“区税务局”") == true, "\(errors)")
    }

    @Test func anUnknownColumnSuggestsTheClosestName() async throws {
        let errors = try await Self.refusal("m06-unknown-column.csv")
        #expect(errors.map(\.code) == [.unknownColumn])
        #expect(errors.first?.message.contains("是否应为“即办接件”") == true, "\(errors)")
    }

    @Test func theSameUnitAndMonthInTwoFilesIsRefusedNamingBoth() async throws {
        let errors = try await Self.refusal("m07-overlap")
        #expect(errors.map(\.code) == [.duplicateTable])
        let e = try #require(errors.first)
        let other = try #require(e.value)
        #expect(Set([e.file, String(other.prefix(6))]) == ["甲.xlsx", "乙.xlsx"], "\(e.description)")
        #expect(e.key == "2021-07 C06" && e.sheet == "Sheet1")
        #expect(e.message.contains(other + " 第") && other.hasSuffix("工作表“Sheet1”"), "\(e.message)")
    }

    @Test func anEmptyFolderIsAnError() async throws {
        let dir = try await Self.corpus.value.appendingPathComponent("m08-empty-folder")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let failure = #expect(throws: ImportFailed.self) { try PackageReader.read(dir.path) }
        #expect(failure?.errors.first?.message.contains("文件夹中没有可导入") == true)
    }

    @Test func anEmptyZipIsAnError() async throws {
        let path = try await Self.corpus.value.appendingPathComponent("m09-empty.zip").path
        let failure = #expect(throws: ImportFailed.self) { try PackageReader.read(path) }
        #expect(failure?.errors.first?.message.contains("zip 文件中没有可导入") == true)
    }

    @Test func aDamagedZipIsAnError() async throws {
        let path = try await Self.corpus.value.appendingPathComponent("m10-damaged.zip").path
        let failure = #expect(throws: ImportFailed.self) { try PackageReader.read(path) }
        #expect(failure?.errors.first?.code == .unreadablePackage)
    }

    @Test func columnsThatFitNoTableListTheTables() async throws {
        let errors = try await Self.refusal("m11-no-table.csv")
        #expect(errors.map(\.code) == [.unknownTable])
        #expect(errors.first?.message.contains("办件月报（月份/period、单位/unit、即办接件/recv_immediate") == true)
    }

    @Test func aTwoColumnTableIsFoundByItsColumnsToo() async throws {
        let got = try await Fixtures.withImported(
            try Fixtures.sampleFiles().filter { $0.name != "events.csv" }
                + [PackageFile(name: "ev.csv", data: Data("date,text\n2021-07-20,召开推进会\n".utf8))]
        ) { store, _ in try await store.load(district: "yubei", period: Self.july).events }
        #expect(got.map(\.text) == ["召开推进会"])
    }
}
