import Foundation
import Testing
import TongbaoCore

/// Issue 14's bounds on what one file can make the reader hold: a record of a million commas is refused at its
/// thousandth cell, and a file with an error on every row keeps its first 1,000 issues and counts the rest.
@Suite struct InputBoundsTests {
    @Test func accountNamesThatLookLikeAnothersAreRefused() {
        for good in ["admin", "张三", "rep 1", "a"] { #expect(Account.isValidName(good), "\(good)") }
        let bad = [
            "", " ", "admin ", " admin", "\u{202E}nimda", "ad\u{200B}min", "\u{FEFF}admin", "ad\u{0}min", "a\u{2028}b",
            "\u{E000}", String(repeating: "a", count: Account.maxNameLength + 1), "ad\u{3164}min", "ad\u{FFA0}min",
            "ad\u{115F}min", "ad\u{2800}min", "ad\u{17B4}min", "ad\u{034F}min", "ad\u{FE0F}min",
        ]
        for name in bad {
            #expect(!Account.isValidName(name), "\(name.unicodeScalars.map { $0.value })")
            #expect(name.isEmpty || District.codeProblem(name) != nil, "a district code is held to the same rule")
        }
    }

    @Test func aFileOfCommasIsRefusedAtItsThousandthCell() {
        let commas = "period,unit,recv_immediate\n" + String(repeating: ",", count: 4 << 20) + "\n"
        let (_, issues) = PackageParser().parse([PackageFile(name: "cases.csv", data: Data(commas.utf8))])
        #expect(issues.map(\.code) == [.notCSV] && issues.first?.line == 2)
        #expect(issues.first?.message.contains("超过 1000 个单元格") == true)
        #expect(CSVTable.parse("a" + String(repeating: ",b", count: 999)).map(\.header.count) == .success(1000))
    }

    /// E022 gives both times as a clerk types them (it showed the stored form, `2021-08-02T10:00:00`).
    @Test func aCompletionBeforeItsReceiptNamesBothTimesAsTyped() {
        let text =
            "case_id,unit,category,kind,received_at,completed_at,promised_days\nK1,C01,审批,承诺,2021-08-02 10:00,2021-08-01 10:00,3\n"
        let (_, issues) = PackageParser().parse([PackageFile(name: "case_records.csv", data: Data(text.utf8))])
        let e022 = issues.first { $0.code == .completedBeforeReceived }
        #expect(e022?.message.hasSuffix("早于受理时间 2021-08-02 10:00:00") == true, "\(issues.map(\.message))")
    }

    /// 受理单位 names the unit of case records, as docs/cases.md's profile example has it.
    @Test func caseRecordsMayNameTheirUnitColumn受理单位() {
        let text = "办件号,受理单位,事项类型,办件类别,受理时间,办结时间,承诺时限（工作日）\nK1,C01,审批,承诺,2021-08-02 10:00,2021-08-03 10:00,3\n"
        let units = PackageFile(name: "units.csv", data: Data("code,name,tier\nC01,区住房城乡建委,center\n".utf8))
        let (pkg, issues) = PackageParser().parse([units, PackageFile(name: "case_records.csv", data: Data(text.utf8))])
        #expect(issues.errorCount == 0, "\(issues.map(\.message))")
        #expect(pkg.caseRecords.map(\.unit) == ["C01"])
    }

    @Test func issuesStopGrowingAfterTheFirstHundred() {
        var text = "code,name,tier\n"
        for i in 0..<5_000 { text += "U\(i),单位\(i),county\n" }
        let (_, issues) = PackageParser().parse([PackageFile(name: "units.csv", data: Data(text.utf8))])
        #expect(issues.count == PackageParser.maxIssues + 1)
        #expect(issues.last?.code == .tooManyIssues && issues.last?.value == "4901")
        #expect(issues.last?.message.contains("另有 4901 处问题未列出") == true)
        #expect(issues.errorCount == 5_000)
    }

    /// A name every table prints is bounded (E040), with file, line and column; the longest real one fits.
    @Test func aUnitNameOfAPastedParagraphIsRefused() {
        let long = String(repeating: "区", count: 5_000)
        let real = "重庆市渝北区人力资源和社会保障局社会保险事务中心"
        let text = """
            code,name,tier,aliases,groups
            C01,\(real),center,人社局;社保,
            C02,\(long),center,,
            C03,区财政局,center,财政;\(long),
            \(long),区税务局,center,,
            C05,区林业局,center,,\(long)

            """
        let (pkg, issues) = PackageParser().parse([PackageFile(name: "units.csv", data: Data(text.utf8))])
        #expect(issues.map(\.code) == Array(repeating: .textTooLong, count: 4))
        #expect(issues.map(\.line) == [3, 4, 5, 6])
        #expect(issues.map(\.column) == ["name", "aliases", "code", "groups"])
        let first = issues.first?.description ?? ""
        #expect(first.contains("units.csv") && first.contains("5000 个字") && first.contains("最多 64 个字"), "\(first)")
        #expect(pkg.units.first?.name == real && pkg.units.first?.aliases == ["人社局", "社保"])
        // A letter with thousands of combining marks is one character, and thousands of code points.
        let marks = "code,name,tier\nC09,区" + String(repeating: "\u{301}", count: 3_000) + "局,center\n"
        let (_, zalgo) = PackageParser().parse([PackageFile(name: "units.csv", data: Data(marks.utf8))])
        #expect(zalgo.map(\.code) == [.textTooLong])
    }

    @Test func criteriaFigureKeysAndEventsAreBoundedToo() {
        let long = String(repeating: "区", count: 101)
        let files = [
            PackageFile(name: "rubric.csv", data: Data("code,section,name,max\nK1,\(long),\(long),10\n".utf8)),
            PackageFile(
                name: "figures.csv", data: Data("period,key,value\n2021-07,town.tongban:\(long),1\n".utf8)),
            PackageFile(
                name: "events.csv",
                data: Data("date,text\n2021-07-01,\(String(repeating: "新闻", count: 1_001))\n".utf8)),
        ]
        let (_, issues) = PackageParser().parse(files)
        #expect(
            issues.filter { $0.code == .textTooLong }.compactMap(\.column).sorted() == [
                "key", "name", "section", "text",
            ])
    }

    @Test func aFileOfMoreThanFiveMillionCellsIsRefused() {
        let row = String(repeating: "1,", count: 999) + "1\n"
        let text = String(repeating: row, count: CSVTable.maxTotalCells / 1_000 + 2)
        guard case .failure(.tooLarge) = CSVTable.parse(text) else {
            Issue.record("a file past \(CSVTable.maxTotalCells) cells was read")
            return
        }
    }
}
