import Testing

@testable import TongbaoStore

@Suite struct WorkbookFilesTests {
    /// Excel date serials (days since 1899-12-30) as a period, a day, or a day with its time.
    @Test func dateSerialsReadAsText() {
        #expect(WorkbookFiles.dateText(44378) == "2021-07-01")
        #expect(WorkbookFiles.dateText(44378.5) == "2021-07-01 12:00:00")
        #expect(WorkbookFiles.dateText(1) == "1899-12-31")
    }
}
