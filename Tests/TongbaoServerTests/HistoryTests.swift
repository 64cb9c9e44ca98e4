import Foundation
import Testing
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoServer
import TongbaoTestSupport
import ZIPFoundation

@testable import TongbaoStore

/// Issue 12: nothing stored changes unless the input says so, the directory has history, a published month is
/// frozen in every format, an incomplete month says so, and issue numbers continue.
@Suite struct HistoryTests {
    static let july = Period(year: 2021, month: 7)
    static let august = Period(year: 2021, month: 8)

    static func importer(_ store: SQLStore, effective: Period? = nil) -> Importer<SQLStore> {
        var i = Importer(store: store, district: "yubei", change: Change(actor: "张三", source: "test"))
        i.effective = effective
        return i
    }

    static func file(_ name: String, _ text: String) -> PackageFile { PackageFile(name: name, data: Data(text.utf8)) }

    /// The month in every text format Tongbao writes itself, and the Word and Excel files' text parts.
    static func documents(_ store: SQLStore, _ period: Period) async throws -> [BulletinFormat: Data] {
        let publishing = Publishing(store: store)
        var out: [BulletinFormat: Data] = [:]
        for f in [BulletinFormat.md, .html, .json, .docx, .xlsx] {
            out[f] = try #require(try await publishing.document(district: "yubei", period: period, format: f))
        }
        return out
    }

    /// Text formats as they are; Word and Excel by the XML of their parts (their zip entries carry a timestamp).
    static func comparable(_ docs: [BulletinFormat: Data]) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for (f, data) in docs {
            if f.isText {
                out[f.rawValue] = data
                continue
            }
            let archive = try Archive(data: data, accessMode: .read)
            for entry in archive {
                var part = Data()
                _ = try archive.extract(entry) { part.append($0) }
                out["\(f.rawValue)/\(entry.path)"] = part
            }
        }
        return out
    }

    /// August: three units report (the rest reported in July and are missing).
    static let augustCases = file(
        "cases.csv",
        "period,unit,recv_immediate,recv_promised,done_immediate,done_promised\n2021-08,C06,12001,7,11990,6\n"
            + "2021-08,S02,90000,10,89000,9\n2021-08,T01,3000,5,2990,5\n")

    // MARK: - Absent columns

    @Test(arguments: TestBackend.available)
    func aFileWithoutAColumnLeavesItsStoredValues(_ backend: TestBackend) async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles(), backend: backend) { store, _ in
            let before = try await store.reportRows(district: "yubei", unit: "C06", period: Self.july).0
            _ = try await Self.importer(store).run(files: [
                Self.file("cases.csv", "period,unit,recv_immediate\n2021-07,C06,12600\n"),
                // Only code, name and tier: the window, groups and order stay.
                Self.file("units.csv", "code,name,tier\nC01,区住房城乡建委,center\n"),
            ])
            let after = try await store.reportRows(district: "yubei", unit: "C06", period: Self.july).0
            #expect(after?.recvImmediate == 12600)
            var expected = try #require(before)
            expected.recvImmediate = 12600
            #expect(after == expected, "only the named figure changed")
            let c01 = try await store.units(district: "yubei").first { $0.code == "C01" }
            #expect(c01?.window == "常设窗口" && c01?.groups == ["建设板块"] && c01?.order == 1)
        }
    }

    // MARK: - The directory's history

    @Test(arguments: TestBackend.available)
    func directoryEditsFromAMonthLeaveEarlierMonthsByteIdentical(_ backend: TestBackend) async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles(), backend: backend) { store, _ in
            _ = try await Self.importer(store).run(files: [Self.augustCases])
            let julyBefore = try Self.comparable(try await Self.documents(store, Self.july))

            // From August: C06 renamed and moved to another window; a new unit without an order; C01 leaves 建设板块.
            _ = try await Self.importer(store).run(files: [
                Self.file(
                    "units.csv",
                    "code,name,tier,window,groups,from\nC06,区税务局（新）,center,定时窗口,,2021-08\n"
                        + "C26,区新设局,center,常设窗口,,2021-08\nC01,区住房城乡建委,center,常设窗口,,2021-08\n")
            ])

            #expect(try Self.comparable(try await Self.documents(store, Self.july)) == julyBefore)
            let july = try await store.units(district: "yubei", asOf: Self.july)
            #expect(july.first { $0.code == "C06" }?.name == "区税务局" && !july.contains { $0.code == "C26" })
            let aug = try await store.units(district: "yubei", asOf: Self.august)
            let c06 = try #require(aug.first { $0.code == "C06" })
            #expect(c06.name == "区税务局（新）" && c06.window == "定时窗口" && c06.aliases.contains("区税务局"))
            let c26 = try #require(aug.first { $0.code == "C26" })
            let lastPermanent = july.filter { $0.tier == .center && $0.window == "常设窗口" }.map(\.order).max() ?? 0
            #expect(c26.order == lastPermanent + 1, "after the last unit of its tier and window")
            // The other units keep their order.
            #expect(
                aug.filter { $0.code != "C26" && $0.code != "C06" }.map(\.code)
                    == july.filter { $0.code != "C06" }.map(\.code))
            // The old name still resolves.
            #expect(UnitDirectory(try await store.units(district: "yubei")).resolve("区税务局") == "C06")

            let md = String(decoding: try #require(try await Self.documents(store, Self.august)[.md]), as: UTF8.self)
            #expect(md.contains("区税务局（新）"))
        }
    }

    @Test func aDirectoryEditReachingAPublishedMonthIsRefused() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            try await Publishing(store: store).publish(
                district: "yubei", period: Self.july, allowMissing: nil, change: Change(actor: "t", source: "t"))
            let before = try await store.fingerprint()
            let failure = await #expect(throws: ImportFailed.self) {
                try await Self.importer(store).run(files: [
                    Self.file("units.csv", "code,name,tier,from\nC06,区税务局（新）,center,2021-07\n")
                ])
            }
            #expect(failure?.errors.map(\.code) == [.periodPublished])
            #expect(failure?.errors.first?.message.contains("2021-08") == true)
            #expect(try await store.fingerprint() == before)
            // Without `from`, a change takes effect from the month after the last published one.
            _ = try await Self.importer(store).run(files: [
                Self.file("units.csv", "code,name,tier\nC06,区税务局（新）,center\n")
            ])
            #expect(
                try await store.units(district: "yubei", asOf: Self.july).first { $0.code == "C06" }?.name == "区税务局")
            #expect(
                try await store.units(district: "yubei", asOf: Self.august).first { $0.code == "C06" }?.name
                    == "区税务局（新）")
        }
    }

    // MARK: - A published month is frozen

    @Test(arguments: TestBackend.available)
    func aPublishedMonthRegeneratesItsPublishedBytes(_ backend: TestBackend) async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles(), backend: backend) { store, _ in
            let publishing = Publishing(store: store)
            try await publishing.publish(
                district: "yubei", period: Self.july, allowMissing: nil, change: Change(actor: "t", source: "t"))
            let published = try await Self.documents(store, Self.july)
            for f in [BulletinFormat.md, .html, .json, .docx, .xlsx] {
                #expect(
                    try await store.publishedFile(district: "yubei", period: Self.july, format: f.rawValue)
                        == published[f], "\(f)")
            }

            // Directory edits, data for another month, and a new release of the writers (the kept HTML made by an
            // "older" template): nothing of July changes.
            _ = try await Self.importer(store).run(files: [
                Self.file("units.csv", "code,name,tier,window\nC06,区税务局（新）,center,定时窗口\n"), Self.augustCases,
            ])
            try await store.serialized {
                try await store.raw(
                    "UPDATE publications SET html = '<p>旧版模板</p>' WHERE district = 'yubei' AND period = '2021-07'")
            }
            let again = try await Self.documents(store, Self.july)
            for f in [BulletinFormat.md, .json, .docx, .xlsx] { #expect(again[f] == published[f], "\(f)") }
            #expect(again[.html] == Data("<p>旧版模板</p>".utf8))
        }
    }

    // MARK: - Incomplete months

    @Test func anIncompleteMonthSaysSoInEveryFormat() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let report = try await Self.importer(store).run(files: [Self.augustCases])
            let w105 = report.warnings.filter { $0.code == .missingReport }
            #expect(w105.count == 1 && w105.first?.value == "49", "one summary line: \(w105)")

            let docs = try await Self.documents(store, Self.august)
            let notice = "截至生成时，尚有49个单位未报送：区住房城乡建委、区财政局"
            let md = String(decoding: try #require(docs[.md]), as: UTF8.self)
            #expect(md.hasPrefix("> **" + notice), "the Markdown starts with it")
            #expect(String(decoding: try #require(docs[.html]), as: UTF8.self).contains(notice))
            let parts = try Self.comparable([.docx: try #require(docs[.docx]), .xlsx: try #require(docs[.xlsx])])
            let body = String(decoding: try #require(parts["docx/word/document.xml"]), as: UTF8.self)
            #expect(body.contains(notice) && body.range(of: notice)!.lowerBound < body.range(of: "运行通报")!.lowerBound)
            let book = try XLSXReader.read(try #require(docs[.xlsx]))
            #expect(book.sheets.first?.name == "概况")
            #expect(book.sheets.first?.cell(row: 2, column: 1).value == .text("未报送单位"))
            #expect(book.sheets.first?.cell(row: 2, column: 2).value == .number(49))
            let json = try JSONDecoder().decode(Bulletin.self, from: try #require(docs[.json]))
            #expect(json.missing?.count == 49 && json.issue == 8, "第8期 after July's 第7期")

            let pdf = try await Publishing(store: store).document(district: "yubei", period: Self.august, format: .pdf)
            let file = try Fixtures.tempDir().appendingPathComponent("aug.pdf")
            try #require(pdf).write(to: file)
            #expect(try await Tools.pdfText(file, page: 1).contains("尚有49个单位未报送"))
        }
    }

    @Test func publishingAnIncompleteMonthNeedsAReasonWhichIsAudited() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            _ = try await Self.importer(store).run(files: [Self.augustCases])
            let publishing = Publishing(store: store)
            let change = Change(actor: "李四", source: "test")
            let refusal = await #expect(throws: Publishing.Failure.self) {
                try await publishing.publish(district: "yubei", period: Self.august, allowMissing: nil, change: change)
            }
            #expect(refusal?.errorDescription?.contains("尚有49个单位未报送") == true)
            #expect(try await store.publication(district: "yubei", period: Self.august) == nil)

            let p = try await publishing.publish(
                district: "yubei", period: Self.august, allowMissing: "领导要求先发布", change: change)
            #expect(p.issue == 8)
            let audit = try await store.auditEntries(district: "yubei", table: "publications")
            #expect(audit.last?.new?.contains("49个单位未报送，仍然发布：领导要求先发布") == true)
        }
    }

    @Test func issueNumbersContinueFromTheLastNumberedMonthOfTheYear() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            _ = try await Self.importer(store).run(files: [Self.augustCases])
            #expect(try await Publishing(store: store).bulletin(district: "yubei", period: Self.august)?.issue == 8)
            // January of the next year starts again at 1.
            _ = try await Self.importer(store).run(files: [
                Self.file("cases.csv", "period,unit,recv_immediate\n2022-01,C06,10\n")
            ])
            let january = try await Publishing(store: store).bulletin(
                district: "yubei", period: Period(year: 2022, month: 1))
            #expect(january?.issue == 1)
        }
    }

    // MARK: - Corrections are visible

    @Test func theAuditReadsAsNamesAndChineseFigures() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let report = try await Self.importer(store).run(files: [
                Self.file("cases.csv", "period,unit,recv_immediate\n2021-07,区税务局,12600\n")
            ])
            let change = try #require(report.writes.flatMap(\.changes).first { $0.old != nil })
            let line = change.readable(UnitDirectory(report.units)).line
            #expect(line.contains("张三") && line.contains("2021-07 区税务局 办件月报·即办接件：12549 → 12600"), "\(line)")
            #expect(!line.contains("C06") && !line.contains("recv_immediate"))
        }
    }

    /// Values read as the clerk wrote them: a tier by its Chinese name, 是/否, a figure key by its figure.
    @Test func theAuditReadsTiersYesNoAndFigureKeysInChinese() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let report = try await Self.importer(store).run(files: [
                Self.file("units.csv", "code,name,tier,ranked\nC01,区住房城乡建委,subcenter,否\n"),
                Self.file("figures.csv", "period,key,value\n2021-07,all.done,99999\n"),
            ])
            let lines = report.writes.flatMap(\.changes).map { $0.readable(UnitDirectory(report.units)).line }
            #expect(lines.contains { $0.contains("层级：区行政服务中心 → 分中心") }, "\(lines)")
            #expect(lines.contains { $0.contains("参与排名：是 → 否") }, "\(lines)")
            #expect(lines.contains { $0.contains("全区办件量") && !$0.contains("all.done") }, "\(lines)")
        }
    }

    @Test func theExcelOverviewSheetReadsBackInOpenpyxl() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let xlsx = try #require(
                try await Publishing(store: store).document(district: "yubei", period: Self.july, format: .xlsx))
            let file = try Fixtures.tempDir().appendingPathComponent("july.xlsx")
            try xlsx.write(to: file)
            let out = try await Tools.python(
                """
                import sys, openpyxl
                ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
                print(ws.title)
                for row in ws.iter_rows(values_only=True):
                    print('|'.join('' if v is None else str(v) for v in row))
                """, [file.path])
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines.first == "概况")
            #expect(lines.contains { $0.hasPrefix("全区办件量|309055") }, "\(out)")
            #expect(lines.contains { $0.hasPrefix("前10位部门合计|25667|95.87") }, "\(out)")
            #expect(lines.contains { $0.hasPrefix("前三位部门合计|") })
        }
    }

    @Test func aCaseRecordOfAMonthFiledAsTotalsDoesNotReplaceThem() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let file = try Fixtures.tempDir().appendingPathComponent("jun.csv")
            try Data(
                """
                case_id,unit,category,kind,received_at,completed_at,promised_days
                J04,区财政局,审批,承诺,2021-06-30 10:00,2021-08-03 10:00,3

                """.utf8
            ).write(to: file)
            _ = try await CaseIngester(store: store, district: "yubei", change: Change(actor: "t", source: "t"))
                .run([file.path])
            let june = Period(year: 2021, month: 6)
            let b = BulletinBuilder(data: try await store.load(district: "yubei", period: june), period: june).build()
            #expect(b.overview.tiers.first { $0.tier == .center }?.done == 25247, "the reported June total stands")
            #expect(b.warnings.contains { $0.code == .partialDetail && $0.message.contains("只有 1/25 个单位有明细") })
            let july = try #require(try await Publishing(store: store).bulletin(district: "yubei", period: Self.july))
            #expect(july.overview.previousTotal == 292750, "July still compares with June's 292750")
        }
    }

    @Test func unitsMarkedAsRequiredAreMissingEvenWithoutLastMonth() async throws {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            _ = try await Self.importer(store).run(files: [
                Self.file("cases.csv", "period,unit,recv_immediate\n2022-01,C06,10\n")
            ])
            let january = Period(year: 2022, month: 1)
            // December has no rows: nobody "reported last month".
            #expect(try await Publishing(store: store).bulletin(district: "yubei", period: january)?.missing == nil)
            try await store.setSetting(district: "yubei", .required, "C01,C02", change: Change(actor: "t", source: "t"))
            let b = try await Publishing(store: store).bulletin(district: "yubei", period: january)
            #expect(b?.missing == ["区住房城乡建委", "区财政局"])
        }
    }
}
