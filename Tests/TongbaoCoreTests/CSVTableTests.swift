import Testing
import TongbaoCore

@Suite struct CSVTableTests {
    func parse(_ s: String) throws -> CSVTable { try CSVTable.parse(s).get() }

    func failure(_ s: String) -> CSVError? {
        if case .failure(let e) = CSVTable.parse(s) { return e }
        return nil
    }

    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let t = try parse("date,text\r\n2021-07-01,\"开会，讨论 \"\"一件事\"\"\n第二行\"\r\n2021-07-02, 培训 \n")
        #expect(t.header == ["date", "text"])
        #expect(t.records.map(\.cells) == [["2021-07-01", "开会，讨论 \"一件事\"\n第二行"], ["2021-07-02", "培训"]])
        #expect(t.records.map(\.line) == [2, 4])
    }

    @Test func blankLinesAreSkippedAndEmptyCellsKept() throws {
        let t = try parse("a,b,c\n\n1,,3\n,,\n4,5,")
        #expect(t.records.map(\.cells) == [["1", "", "3"], ["", "", ""], ["4", "5", ""]])
        #expect(t.records.map(\.line) == [3, 4, 5])
    }

    @Test func ideographicSpacesAroundUnquotedCellsAreTrimmed() throws {
        let t = try parse("unit\n　区税务局　\n")
        #expect(t.records.first?.cells == ["区税务局"])
    }

    @Test func anUnclosedQuoteNamesItsLine() {
        #expect(failure("a\n1\n\"oops\n") == .unterminatedQuote(line: 3))
        #expect(failure("\n\n") == .empty)
    }
}
