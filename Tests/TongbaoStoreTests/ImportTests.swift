import Foundation
import SQLKit
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

@Suite struct ImportTests {
    static let units = "code,name,tier,window\nA,区甲局,center,常设窗口\nB,区乙局,center,常设窗口\n"
    static let cases = "period,unit,recv_immediate,recv_promised,done_immediate,done_promised\n2021-07,A,10,2,10,1\n"

    /// Row counts of every table and one stored figure: what a refused import must leave as it was.
    static func fingerprint(_ store: SQLStore) async throws -> String {
        try await store.fingerprint()
    }

    static func base() -> [PackageFile] {
        [
            PackageFile(name: "units.csv", data: Data(units.utf8)),
            PackageFile(name: "cases.csv", data: Data(cases.utf8)),
        ]
    }

    static let badInputs: [(String, String, Data, IssueCode, Int?, Int?)] = [
        (
            "wrong encoding", "cases.csv", Data("period,unit\n2021-07,".utf8) + Data([0xFF, 0xFF, 0x0A]),
            .unknownEncoding, nil, nil
        ),
        ("unknown column", "cases.csv", Data("period,unit,recv_immediat\n2021-07,A,5\n".utf8), .unknownColumn, 1, 3),
        (
            "unknown unit", "cases.csv", Data("period,unit,recv_immediate\n2021-07,A,11\n2021-07,区丙局,5\n".utf8),
            .unknownUnit, 3, 2
        ),
        (
            "negative count", "cases.csv", Data("period,unit,recv_immediate,done_promised\n2021-07,A,11,-3\n".utf8),
            .negativeCount, 2, 4
        ),
        ("not an integer", "cases.csv", Data("period,unit,recv_immediate\n2021-07,A,十\n".utf8), .notAnInteger, 2, 3),
        (
            "duplicate key", "cases.csv", Data("period,unit,recv_immediate\n2021-07,A,11\n2021-07,区甲局,12\n".utf8),
            .duplicateKey, 3, nil
        ),
        (
            "malformed period", "cases.csv", Data("period,unit,recv_immediate\n2021年13月,A,11\n".utf8), .malformedPeriod,
            2, 1
        ),
        ("empty file", "cases.csv", Data(), .emptyFile, 1, nil),
        ("not CSV", "cases.csv", Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), .notCSV, nil, nil),
        ("unknown table", "case.csv", Data("period,unit\n".utf8), .unknownTable, nil, nil),
        // A table may come in several files; the same row in two of them is refused, naming both.
        ("same row in two files", "机构目录.csv", Data("code,name,tier\nC,区丙丙局,center\n".utf8), .duplicateTable, 2, nil),
        // Workbooks are read now (ExcelImportTests); a truncated one is refused as damaged.
        ("damaged workbook", "cases.xlsx", Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]), .unreadableWorkbook, nil, nil),
        (
            "score above max", "evaluation.csv", Data("period,unit,criterion,score\n2021-07,A,K1,16\n".utf8),
            .scoreAboveMax, 2, 4
        ),
        (
            "unknown criterion", "evaluation.csv", Data("period,unit,criterion,score\n2021-07,A,K9,1\n".utf8),
            .unknownCriterion, 2, 3
        ),
        (
            "unknown figure key", "figures.csv", Data("period,key,value\n2021-07,center.dome,1\n".utf8),
            .unknownFigureKey, 2, 2
        ),
        ("unknown tier", "units.csv", Data("code,name,tier\nA,区甲局,county\n".utf8), .unknownTier, 2, 3),
        ("missing column", "cases.csv", Data("period,recv_immediate\n2021-07,1\n".utf8), .missingColumn, 1, nil),
        ("unterminated quote", "events.csv", Data("date,text\n2021-07-01,\"开会\n".utf8), .notCSV, 2, nil),
    ]

    @Test(arguments: badInputs.indices, TestBackend.available)
    func badInputIsRefusedAndChangesNothing(index: Int, backend: TestBackend) async throws {
        let (name, file, data, code, line, column) = Self.badInputs[index]
        let rubric = PackageFile(name: "rubric.csv", data: Data("code,name,max\nK1,规范运行,15\n".utf8))
        try await Fixtures.withImported(Self.base() + [rubric], backend: backend) { store, _ in
            let before = try await store.fingerprint()
            // A valid change rides along: it must not be saved either. It goes in another table than the bad
            // file's, as a table may appear only once (E032), except where that is the point.
            let rideAlong =
                PackageTable(fileName: file) == .units && code != .duplicateTable
                ? PackageFile(name: "events.csv", data: Data("date,text\n2021-07-02,召开推进会\n".utf8))
                : PackageFile(name: "units.csv", data: Data((Self.units + "C,区丙丙局,center,常设窗口\n").utf8))
            let files = [rideAlong, PackageFile(name: file, data: data)]
            let importer = Importer(store: store, district: "yubei", change: Change(actor: "t", source: "t"))
            do {
                _ = try await importer.run(files: files)
                Issue.record("\(name): import succeeded")
            } catch let failed as ImportFailed {
                let hit = failed.errors.first { $0.code == code }
                #expect(hit != nil, "\(name): got \(failed.errors.map(\.code))")
                #expect(hit?.file == file)
                if let line { #expect(hit?.line == line, "\(name)") }
                if let column { #expect(hit?.columnNumber == column, "\(name)") }
                #expect(!(hit?.message.isEmpty ?? true))
            }
            #expect(try await store.fingerprint() == before, "\(name): database changed")
        }
    }

    @Test(arguments: TestBackend.available) func reimportIsIdempotentAndChangesAreAudited(_ backend: TestBackend)
        async throws
    {
        try await Fixtures.withImported(Self.base(), backend: backend) { store, first in
            #expect(first.writes.first { $0.table == "cases" }?.inserted == 1)
            let importer = Importer(store: store, district: "yubei", change: Change(actor: "张三", source: "again"))
            let again = try await importer.run(files: Self.base())
            #expect(again.writes.allSatisfy { $0.inserted == 0 && $0.updated == 0 })
            let changed = Self.cases.replacingOccurrences(of: "10,2,10,1", with: "10,2,10,2")
            let third = try await importer.run(files: Fixtures.replacing(Self.base(), "cases.csv", with: changed))
            #expect(third.writes.first { $0.table == "cases" }?.updated == 1)
            let audit = try await store.auditEntries(district: "yubei", table: "cases")
            let change = audit.filter { $0.column == "done_promised" && $0.actor == "张三" }
            #expect(change.count == 1)
            #expect(change.first?.old == "1" && change.first?.new == "2" && change.first?.key == "2021-07 A")
        }
    }

    @Test(arguments: TestBackend.available) func gb18030WithChineseHeadersImportsTheSame(_ backend: TestBackend)
        async throws
    {
        let files = try Fixtures.sampleFiles()
        let chinese = Fixtures.chineseGB18030(files)
        #expect(chinese.contains { $0.name == "办件月报.csv" })
        #expect(String(validating: chinese.first { $0.name == "办件月报.csv" }!.data, as: UTF8.self) == nil)
        let period = Period(year: 2021, month: 7)
        func json(_ f: [PackageFile]) async throws -> String {
            try await Fixtures.withImported(f, backend: backend) { store, _ in
                let b = BulletinBuilder(data: try await store.load(district: "yubei", period: period), period: period)
                    .build()
                let e = JSONEncoder()
                e.outputFormatting = .sortedKeys
                return String(decoding: try e.encode(b), as: UTF8.self)
            }
        }
        #expect(try await json(files) == (try await json(chinese)))
    }

    @Test(arguments: TestBackend.available) func recordsAndMonthlyRowsOfOneUnitMonthConflict(_ backend: TestBackend)
        async throws
    {
        try await Fixtures.withImported(Self.base(), backend: backend) { store, _ in
            let records = "case_id,unit,category,kind,received_at\nX1,A,审批,即办,2021-07-02 09:00\n"
            let importer = Importer(store: store, district: "yubei", change: Change(actor: "t", source: "t"))
            await #expect(throws: ImportFailed.self) {
                _ = try await importer.run(files: [PackageFile(name: "case_records.csv", data: Data(records.utf8))])
            }
        }
    }
}

extension ImportTests {
    @Test func aRefusalListsAtMostAHundredErrors() {
        let issues = (1...150).map { TongbaoCore.Issue(.negativeCount, file: "cases.csv", line: $0 + 1, value: "-1") }
        let text = ImportFailed(issues).errorDescription ?? ""
        #expect(text.hasPrefix("数据包有 150 处错误，未导入任何数据："))
        #expect(text.contains("第101行") && !text.contains("第102行"))
        #expect(text.contains("另有 50 处错误未列出"))
    }
}
