import Foundation
import Testing
import TongbaoCore
import TongbaoOffice
import TongbaoTestSupport

@testable import TongbaoStore

/// `tongbao ingest` on exports small enough to count by hand: overlap between months, the same file twice, either
/// order, bad rows, GB18030 and gzip.
@Suite struct IngestTests {
    static let units = "code,name,tier\nA,区甲局,center\nB,乙镇,town\n"
    static let header = "case_id,unit,item,category,kind,received_at,completed_at,promised_days,rating,scope,channel\n"
    /// July's export: X2 is still open at its end.
    static let july =
        header
        + "X1,区甲局,事项1,服务,即办,2021-07-05 09:00:00,2021-07-05 10:00:00,0,满意,,窗口\n"
        + "X2,A,事项2,审批,承诺,2021-07-29 09:00:00,,3,,,网上\n"
        + "X3,乙镇,事项3,审批,承诺,2021-07-01 10:00:00,2021-07-10 11:00:00,5,不满意,全渝通办,窗口\n"
    /// August's export: X2 completed (on time in working days), and a new case.
    static let august =
        header
        + "X2,A,事项2,审批,承诺,2021-07-29 09:00:00,2021-08-02 15:00:00,3,非常满意,,网上\n"
        + "X4,A,事项4,服务,即办,2021-08-03 09:00:00,2021-08-03 09:30:00,0,,,自助\n"

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func ingester(_ store: SQLStore) -> CaseIngester {
        CaseIngester(store: store, district: "d", change: Change(actor: "test", source: "test"))
    }

    static func withUnits<T>(_ backend: TestBackend, _ body: (SQLStore) async throws -> T) async throws -> T {
        try await Fixtures.withStore(backend) { store in
            _ = try await Importer(store: store, district: "d", change: Change(actor: "t", source: "t"))
                .run(files: [PackageFile(name: "units.csv", data: Data(units.utf8))])
            return try await body(store)
        }
    }

    static func figures(_ store: SQLStore, _ p: String) async throws -> (
        [String: CaseRow], [String: RecordStats], [TongbanRow]
    ) {
        let period = Period(parsing: p)!
        let data = try await store.load(district: "d", period: period)
        let rows = Dictionary(
            data.cases.filter { $0.period == period }.map { ($0.unit, $0) }, uniquingKeysWith: { a, _ in a })
        let stats = Dictionary(
            data.recordStats.filter { $0.period == period }.map { ($0.unit, $0) }, uniquingKeysWith: { a, _ in a })
        return (rows, stats, data.tongban.filter { $0.period == period })
    }

    /// The hand-computed figures of July and August, whatever the order and repetition of the exports.
    static func expectHandCounts(_ store: SQLStore) async throws {
        let (jul, julStats, julScopes) = try await figures(store, "2021-07")
        #expect(jul["A"]?.recvImmediate == 1 && jul["A"]?.recvPromised == 1)  // X1, X2 received in July
        #expect(jul["A"]?.doneImmediate == 1 && jul["A"]?.donePromised == 0)  // X2 not completed in July
        #expect(jul["B"]?.recvPromised == 1 && jul["B"]?.donePromised == 1)
        #expect(julStats["B"]?.onTime == 0 && julStats["B"]?.rated == 1 && julStats["B"]?.satisfied == 0)  // late, 不满意
        #expect(julStats["A"]?.onTime == 1 && julStats["A"]?.satisfied == 1)
        #expect(julScopes.map { "\($0.unit) \($0.scope) \($0.count ?? -1)" } == ["B 全渝通办 1"])
        let (aug, augStats, _) = try await figures(store, "2021-08")
        #expect(aug["A"]?.recvImmediate == 1 && aug["A"]?.recvPromised == 0)  // X4; X2 was received in July
        #expect(aug["A"]?.doneImmediate == 1 && aug["A"]?.donePromised == 1)  // X4 and X2
        let a = try #require(augStats["A"])
        // Deadlines count working days: X2, received Thu 07-29 with 3, is due Tue 08-03 and was completed 08-02 (a
        // calendar-day count would call it late); X3, received Thu 07-01 with 5, was due 07-08 and is late.
        #expect(a.completed == 2 && a.onTime == 2, "X2 was due 08-03 and completed 08-02")
        #expect(a.early == 1 && a.workDaysTotal == 2, "X2 took two working days (07-30, 08-02), X4 none")
        #expect(a.approval == 1 && a.service == 1 && a.rated == 1 && a.satisfied == 1)
        #expect(a.averageDays == 2.0 && a.p90Days == 4, "X2 took 4 days, X4 none")
    }

    @Test(arguments: TestBackend.available) func overlappingExportsCountEachCaseOnceInItsMonths(_ backend: TestBackend)
        async throws
    {
        let dir = try Fixtures.tempDir()
        let (jul, aug) = (
            try Self.write(Self.july, "jul.csv", in: dir), try Self.write(Self.august, "aug.csv", in: dir)
        )
        for order in [[jul, aug], [aug, jul], [jul, aug, aug, jul]] {
            try await Self.withUnits(backend) { store in
                var reports: [IngestReport] = []
                for file in order { reports.append(try await Self.ingester(store).run([file])) }
                try await Self.expectHandCounts(store)
                #expect(reports.map(\.added).reduce(0, +) == 4, "four cases in all")
                if order == [jul, aug] {
                    #expect(reports[1].updated == 1 && reports[1].added == 1)  // X2 completed, X4 new
                }
                if order.count == 4 {
                    #expect(reports[2].added == 0 && reports[2].updated == 0 && reports[2].unchanged == 2)
                }
            }
        }
    }

    @Test(arguments: TestBackend.available) func bothExportsInOneRunCountTheSame(_ backend: TestBackend) async throws {
        let dir = try Fixtures.tempDir()
        let (jul, aug) = (
            try Self.write(Self.july, "jul.csv", in: dir), try Self.write(Self.august, "aug.csv", in: dir)
        )
        try await Self.withUnits(backend) { store in
            let report = try await Self.ingester(store).run([aug, jul])
            #expect(report.rows == 5 && report.added == 4 && report.unchanged == 1)
            #expect(report.periods.map(\.description) == ["2021-07", "2021-08"])
            try await Self.expectHandCounts(store)
        }
    }

    @Test func gb18030AndGzipExportsReadTheSame() async throws {
        let dir = try Fixtures.tempDir()
        let gb = dir.appendingPathComponent("jul-gbk.csv")
        try TextDecoding.encodeGB18030(Self.july)!.write(to: gb)
        let plain = try Self.write(Self.august, "aug.csv", in: dir)
        let gz = try await Self.gzip(plain)
        try await Self.withUnits(.sqlite) { store in
            _ = try await Self.ingester(store).run([gb.path, gz])
            try await Self.expectHandCounts(store)
        }
    }

    /// `sh -c` with posix_spawn (`ExternalProgram`), not Foundation's `Process`.
    static func shell(_ command: String) async throws {
        let outcome = try await ExternalProgram(path: "/bin/sh").run(["-c", command])
        #expect(outcome.status == 0, "\(command): \(outcome.output)")
    }

    static func gzip(_ path: String) async throws -> String {
        try await shell("gzip -kf '\(path)'")
        return path + ".gz"
    }

    /// Messages of an ingest that must fail.
    static func refusal(_ store: SQLStore, _ path: String) async -> [String] {
        do {
            _ = try await ingester(store).run([path])
            return []
        } catch let failure as ImportFailed {
            return failure.issues.map { "\($0.file ?? "") \($0.line.map(String.init) ?? "-") \($0.message)" }
        } catch {
            return ["\(error)"]
        }
    }

    @Test func gzipOfSeveralMembersReadsAsOneFileAndADamagedOneIsRefused() async throws {
        let dir = try Fixtures.tempDir()
        let jul = try Self.write(Self.july, "jul.csv", in: dir)
        // Two members, as `cat a.gz b.gz` or `gzip` of an appended log make: July's header and first row, then
        // the rest of July and all of August's rows (without its header).
        let lines = Self.july.split(separator: "\n").map { $0 + "\n" }
        let rest =
            lines.dropFirst(2).joined() + Self.august.split(separator: "\n").dropFirst().map { $0 + "\n" }.joined()
        let (a, b) = (
            try Self.write(lines.prefix(2).joined(), "a.csv", in: dir), try Self.write(rest, "b.csv", in: dir)
        )
        let both = dir.appendingPathComponent("both.csv.gz").path
        try await Self.shell(
            "gzip -c '\(a)' > '\(both)' && gzip -c '\(b)' >> '\(both)' && printf '\\0\\0\\0' >> '\(both)'")
        try await Self.withUnits(.sqlite) { store in
            _ = try await Self.ingester(store).run([both])
            try await Self.expectHandCounts(store)
        }
        // Cut off inside its trailer, and its CRC-32 changed (the data no longer matches it).
        let whole = try Data(contentsOf: URL(fileURLWithPath: try await Self.gzip(jul)))
        let cut = dir.appendingPathComponent("cut.csv.gz")
        try whole.prefix(whole.count - 6).write(to: cut)
        var flipped = whole
        flipped[whole.count - 8] ^= 0xFF
        let bad = dir.appendingPathComponent("bad.csv.gz")
        try flipped.write(to: bad)
        try await Self.withUnits(.sqlite) { store in
            #expect(await Self.refusal(store, cut.path).contains { $0.contains("cut.csv.gz") && $0.contains("不完整") })
            #expect(await Self.refusal(store, bad.path).contains { $0.contains("bad.csv.gz") && $0.contains("损坏") })
            // Nothing half-saved.
            let stored = try await Self.figures(store, "2021-07").0
            #expect(stored.isEmpty)
        }
    }

    /// A 64 MB line (no line break: what a binary file or a gzip bomb of zeros reads as) is refused once a line
    /// passes 1 MB, before the file is read whole: memory stays bounded by the line limit and the read chunk.
    @Test func aLineWithoutEndIsRefusedAtItsBoundNotHeldWhole() async throws {
        let dir = try Fixtures.tempDir()
        let bomb = dir.appendingPathComponent("zeros.csv.gz").path
        try await Self.shell("(printf '\(Self.header)'; head -c 67108864 /dev/zero | tr '\\0' x) | gzip -1 > '\(bomb)'")
        let size = try FileManager.default.attributesOfItem(atPath: bomb)[.size] as? Int ?? 0
        #expect(size < 1 << 20)
        try await Self.withUnits(.sqlite) { store in
            let messages = await Self.refusal(store, bomb)
            #expect(messages.contains { $0.hasPrefix("zeros.csv.gz 2 ") && $0.contains("超过 1 MB") }, "\(messages)")
        }
    }

    /// A record is a few hundred bytes: one past 16 KB is refused as a row, and a receive day past 32 MB of
    /// records (a day is merged in memory) refuses the file naming the day. The probe stored 62 MB through one
    /// upload of 63 rows, and a file of one row repeated held 1.7 GB while merging.
    @Test func aLongRecordAndAnOverfullDayAreRefusedNotHeld() async throws {
        let dir = try Fixtures.tempDir()
        let row = { (id: String, item: String) in
            "\(id),A,\(item),审批,即办,2021-07-05 09:00:00,2021-07-05 10:00:00,0,,,窗口\n"
        }
        let long = try Self.write(
            Self.header + row("X0", "事项") + row("X1", String(repeating: "项", count: 7000)), "long.csv", in: dir)
        let day = (0..<3500).map { row("Y\($0)", String(repeating: "项", count: 3300)) }.joined()
        let full = try Self.write(Self.header + day, "full.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            let before = try await store.fingerprint()
            let tooLong = await Self.refusal(store, long)
            #expect(tooLong.contains { $0.hasPrefix("long.csv 3 ") && $0.contains("16 KB") }, "\(tooLong)")
            let tooFull = await Self.refusal(store, full)
            #expect(tooFull.contains { $0.contains("2021-07-05") && $0.contains("32 MB") }, "\(tooFull)")
            #expect(try await store.fingerprint() == before)
        }
    }

    /// The re-probe: rows just under 16 KB spread over many days were held in memory until 200,000 rows (2.6 GB),
    /// and a day grew without bound across ingests. Held records go to the day files at 64 MB, and a day's stored
    /// and new records together are bounded at 64 MB.
    @Test func heldRecordsAreBoundedInBytesAndADayAcrossIngestsToo() async throws {
        let spill = try Spill()
        defer { spill.remove() }
        let record = [UInt8](repeating: 7, count: 16 << 10)
        for i in 0..<(Spill.maxHeldBytes / record.count + 1) {
            try spill.add(record, ids: [UInt64(i)], day: 18_800 + i % 300, every: 1_000_000)
        }
        #expect(FileManager.default.fileExists(atPath: spill.file(18_800).path), "flushed by bytes, not rows")

        let dir = try Fixtures.tempDir()
        let row = { (id: String) in
            "\(id),A,\(String(repeating: "项", count: 3300)),审批,即办,2021-07-05 09:00:00,2021-07-05 10:00:00,0,,,窗口\n"
        }
        let batch = { (prefix: String) in Self.header + (0..<3000).map { row("\(prefix)\($0)") }.joined() }
        let (a, b, c) = (
            try Self.write(batch("A"), "a.csv", in: dir), try Self.write(batch("B"), "b.csv", in: dir),
            try Self.write(batch("C"), "c.csv", in: dir)
        )
        try await Self.withUnits(.sqlite) { store in
            _ = try await Self.ingester(store).run([a])
            _ = try await Self.ingester(store).run([b])
            let before = try await store.fingerprint()
            let refused = await Self.refusal(store, c)
            #expect(refused.contains { $0.contains("2021-07-05") && $0.contains("64 MB") }, "\(refused)")
            #expect(try await store.fingerprint() == before)
        }
    }

    /// `--skip-bad /dev/null` run as root replaced the system's /dev/null with a file: the file for rejected rows,
    /// and every `--out`, is written through when something other than a regular file is there. (Checked on a
    /// link, which an atomic write replaces the same way, rather than on /dev/null itself.)
    /// Rows shorter than the header are read with their missing cells empty, and counted; a last line cut short
    /// without its line break, after whole rows, is a file cut short: refused, or set aside with --skip-bad.
    @Test func shortRowsAreCountedAndAFileCutShortIsRefused() async throws {
        let dir = try Fixtures.tempDir()
        // Every row without its last cell (channel), the last one without its line break too.
        let trimmed = Self.july.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
        }
        let allShort = Self.header + trimmed.joined(separator: "\n")
        let cut = try Self.write(
            Self.july + "X5,A,事项5,审批,承诺,2021-07-06 09:00:00,2021-07-07 10:00:00", "cut.csv", in: dir)
        let cutQuoted = try Self.write(Self.july + "X5,\"A\",\"事项5,续\",审批", "cut2.csv", in: dir)
        let noBreak = try Self.write(allShort, "nobreak.csv", in: dir)
        let lastWhole = try Self.write(Self.july + "X6,A,事项6,服务,即办,2021-07-06 09:00:00,,0,,,窗口", "w.csv", in: dir)
        let blankEnd = try Self.write(Self.july + "  ", "blank.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            for file in [cut, cutQuoted] {
                let refused = await #expect(throws: ImportFailed.self) { try await Self.ingester(store).run([file]) }
                #expect(refused?.errors.map(\.code) == [.wrongCellCount] && refused?.errors.first?.line == 5)
                #expect(refused?.errors.first?.message.contains("文件可能不完整") == true)
            }
            #expect(try await store.caseTotals(district: "d").figures.isEmpty, "nothing stored")
            var skipping = Self.ingester(store)
            skipping.skipBad = dir.appendingPathComponent("rejected.csv")
            let skipped = try await skipping.run([cut])
            #expect(skipped.rows == 3 && skipped.skipped == 1)
            #expect(try String(contentsOf: dir.appendingPathComponent("rejected.csv"), encoding: .utf8).contains("X5"))
            // Every row short the same way (an export that leaves empty trailing cells out) is read, and counted.
            let short = try await Self.ingester(store).run([noBreak])
            #expect(short.rows == 3 && short.shortRows == 3 && short.unchanged == 3, "\(short)")
            let whole = try await Self.ingester(store).run([lastWhole, blankEnd])
            #expect(whole.shortRows == 0 && whole.added == 1, "\(whole)")
        }
    }

    /// The probe's files: an open quote at the end (its row was dropped without a word), a short last line after
    /// short rows (read, but named), rows of commas only (skipped, as in a package), a folder as --skip-bad.
    @Test func anOpenQuoteAtTheEndIsRefusedAndCommaRowsAreSkipped() async throws {
        let dir = try Fixtures.tempDir()
        let quote = try Self.write(Self.july + "X5,A,事项5,审批,承诺,2021-07-06 09:00:00,,3,,,\"窗", "q.csv", in: dir)
        let commas = try Self.write(Self.july + ",,,,,,,,,,\n\"\",\"\"\n", "c.csv", in: dir)
        let short = "X6,A,事项6,审批,承诺,2021-07-06 09:00:00\n"
        let afterShort = try Self.write(
            Self.july + short + "X7,A,事项7,审批,承诺,2021-07-06 09:00:00,2021-07-07", "s.csv", in: dir)
        let failing = try Self.write(Self.july + short + "X7,A,事项7,审批,承", "f.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            let refused = await #expect(throws: ImportFailed.self) { try await Self.ingester(store).run([quote]) }
            #expect(refused?.errors.map(\.code) == [.notCSV] && refused?.errors.first?.line == 5)
            #expect(refused?.errors.first?.message.contains("未闭合的引号") == true)
            let read = try await Self.ingester(store).run([commas])
            #expect(read.rows == 3 && read.added == 3, "\(read)")
            let named = try await Self.ingester(store).run([afterShort])
            #expect(named.cutShort == ["s.csv"] && named.added == 2, "\(named)")
            let hinted = await #expect(throws: ImportFailed.self) { try await Self.ingester(store).run([failing]) }
            #expect(hinted?.errors.first?.line == 6 && hinted?.errors.first?.message.contains("文件可能不完整") == true)
            var folder = Self.ingester(store)
            folder.skipBad = dir
            await #expect(throws: CaseIngester.RejectedFileRefused.self) { try await folder.run([commas]) }
        }
    }

    /// A month whose export was not loaded holds only completions of cases received before (an earlier export
    /// brought them): its units received nothing, and the bulletin names them as not reported, as it names a unit
    /// with no row at all.
    @Test func aMonthWithOnlyCarriedOverCompletionsIsNotComplete() async throws {
        let dir = try Fixtures.tempDir()
        let july = try Self.write(Self.july, "jul.csv", in: dir)
        // X2 (A, received in July) completed in August, as a later July export says; nothing received in August.
        let done = try Self.write(
            Self.header + "X2,A,事项2,审批,承诺,2021-07-29 09:00:00,2021-08-02 15:00:00,3,,,网上\n", "done.csv", in: dir)
        let august = try Self.write(Self.august, "aug.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            _ = try await Self.ingester(store).run([july, done])
            let p = Period(year: 2021, month: 8)
            func missing() async throws -> [String]? {
                BulletinBuilder(data: try await store.load(district: "d", period: p), period: p).build().missing
            }
            #expect(try await missing() == ["区甲局", "乙镇"])
            let warned = BulletinBuilder(data: try await store.load(district: "d", period: p), period: p).build()
                .warnings.filter { $0.code == .missingReport }.compactMap(\.unit)
            #expect(Set(warned) == ["区甲局", "乙镇"], "the warning names the same units")
            // August's export: A received X4, so A has reported; B (乙镇) received nothing in either export.
            _ = try await Self.ingester(store).run([august])
            #expect(try await missing() == ["乙镇"])
        }
    }

    /// Every monthly figure the records change is in the audit log: the counts by category, 提前办结, 差评, 网办,
    /// the days behind the averages, and 通办 by scope (they were missing, beside the nine counts that were there).
    @Test func everyChangedFigureIsAudited() async throws {
        let dir = try Fixtures.tempDir()
        let july = try Self.write(Self.july, "jul.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            _ = try await Self.ingester(store).run([july])
            let totals = try await store.auditEntries(district: "d", table: "case_totals")
            let b = Set(totals.filter { $0.key == "2021-07 B" }.map { "\($0.column) \($0.old ?? "") \($0.new ?? "")" })
            // X3: 乙镇, 审批 承诺 received Thu 07-01, completed Sat 07-10 (9 days, 6 of them working; due 07-08, late), 不满意.
            #expect(
                b == [
                    "recv_promised 0 1", "done_promised 0 1", "approval 0 1", "rated 0 1", "unfavourable 0 1",
                    "days_total 0 9", "work_days_total 0 6",
                ], "\(b.sorted())")
            let scopes = try await store.auditEntries(district: "d", table: "case_scopes")
            #expect(
                scopes.map { "\($0.key) \($0.column) \($0.old ?? "") \($0.new ?? "")" } == ["2021-07 B 通办·全渝通办 0 1"])
            let a = Set(totals.filter { $0.key == "2021-07 A" }.map(\.column))
            #expect(
                a == [
                    "recv_immediate", "recv_promised", "done_immediate", "service", "on_time", "rated", "satisfied",
                    "online",
                ], "\(a.sorted())")
        }
    }

    @Test func theRejectedRowsFileIsWrittenThroughNotReplaced() async throws {
        let dir = try Fixtures.tempDir()
        let target = dir.appendingPathComponent("rejected-target.csv")
        let link = dir.appendingPathComponent("rejected.csv")
        try Data().write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let bad = try Self.write(Self.july + "X9,A,事项9,审批,承诺,2021-07-32 09:00:00,,3,,,窗口\n", "bad.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            var ingester = Self.ingester(store)
            ingester.skipBad = link
            _ = try await ingester.run([bad])
        }
        let kind = try FileManager.default.attributesOfItem(atPath: link.path)[.type] as? FileAttributeType
        #expect(kind == .typeSymbolicLink)
        #expect(try String(contentsOf: target, encoding: .utf8).contains("X9"))
        let out = dir.appendingPathComponent("out-link.md")
        try FileManager.default.createSymbolicLink(at: out, withDestinationURL: target)
        try OutputFile.write(Data("通报".utf8), to: out.path)
        #expect(
            try FileManager.default.attributesOfItem(atPath: out.path)[.type] as? FileAttributeType == .typeSymbolicLink
        )
        #expect(try String(contentsOf: target, encoding: .utf8) == "通报")
    }

    /// `--skip-bad` emptied the export it was given as its own file before reading it, and replaced any file named
    /// by mistake (`--skip-bad bad.csv export.csv`). It replaces only an earlier rejected-rows file now.
    @Test func theRejectedRowsFileNeverReplacesAnExportOrAnotherFile() async throws {
        let dir = try Fixtures.tempDir()
        let text = Self.july + "X9,A,事项9,审批,承诺,2021-07-32 09:00:00,,3,,,窗口\n"
        let export = try Self.write(text, "export.csv", in: dir)
        let other = try Self.write("我的笔记\n", "notes.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            for target in [export, other] {
                var ingester = Self.ingester(store)
                ingester.skipBad = URL(fileURLWithPath: target)
                let failure = await #expect(throws: CaseIngester.RejectedFileRefused.self) {
                    try await ingester.run([export])
                }
                #expect(failure?.errorDescription?.contains("--skip-bad 的文件") == true, "\(target)")
            }
            #expect(try String(contentsOfFile: export, encoding: .utf8) == text)
            #expect(try String(contentsOfFile: other, encoding: .utf8) == "我的笔记\n")
            // An earlier rejected-rows file, or none, is written.
            let rejected = dir.appendingPathComponent("rejected.csv")
            for _ in 0..<2 {
                var ingester = Self.ingester(store)
                ingester.skipBad = rejected
                _ = try await ingester.run([export])
                #expect(try String(contentsOf: rejected, encoding: .utf8).contains("X9"))
            }
        }
    }

    @Test(arguments: TestBackend.available) func aBadRowFailsTheFileWithLineColumnAndReason(_ backend: TestBackend)
        async throws
    {
        let dir = try Fixtures.tempDir()
        let bad =
            Self.july + "X9,A,事项9,审批,承诺,2021-07-20 09:00:00,2021-07-19 09:00:00,3,,,窗口\n"
            + "X10,A,事项9,审批,加急,2021-07-20 09:00:00,,3,,,窗口\n" + "X11,A,事项9,审批,承诺,2021-07-32 09:00:00,,3,,,窗口\n"
        let file = try Self.write(bad, "bad.csv", in: dir)
        try await Self.withUnits(backend) { store in
            let before = try await store.fingerprint()
            let failure = await #expect(throws: ImportFailed.self) { try await Self.ingester(store).run([file]) }
            let errors = failure?.errors ?? []
            #expect(errors.map(\.code) == [.completedBeforeReceived, .badChoice, .malformedDateTime])
            #expect(errors.first?.file == "bad.csv" && errors.first?.line == 5 && errors.first?.columnNumber == 7)
            #expect(errors.first?.description.contains("bad.csv 第5行 第7列（completed_at）") == true)
            #expect(try await store.fingerprint() == before)

            // With --skip-bad the rejected rows go to a file with their reasons, and the rest is ingested.
            var ingester = Self.ingester(store)
            let rejected = dir.appendingPathComponent("rejected.csv")
            ingester.skipBad = rejected
            let report = try await ingester.run([file])
            #expect(report.skipped == 3 && report.added == 3)
            let text = try String(contentsOf: rejected, encoding: .utf8)
            #expect(text.split(separator: "\n").count == 4)
            #expect(text.contains("bad.csv,5,completed_at,") && text.contains("X10,A,事项9,审批,加急"))
        }
    }

    /// Reading stops past 100 errors: the message says "at least" and where it stopped, not a count it never made.
    @Test func manyBadRowsStopTheReadingAndSayAtLeast() async throws {
        let dir = try Fixtures.tempDir()
        let bad = (1...500).map { "Y\($0),A,事项9,审批,加急,2021-07-20 09:00:00,,3,,,窗口\n" }.joined()
        let file = try Self.write(Self.header + bad, "bad.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            let failure = await #expect(throws: ImportFailed.self) { try await Self.ingester(store).run([file]) }
            let text = failure?.errorDescription ?? ""
            #expect(failure?.stoppedAt?.line == 102)
            #expect(text.hasPrefix("至少有 101 处错误（读到 bad.csv 第 102 行时已超过 100 处，其后未再检查），未导入任何数据："), "\(text.prefix(80))")
            #expect(text.contains("--skip-bad") && !text.contains("另有"))
        }
    }

    @Test func aPublishedMonthIsNotChanged() async throws {
        let dir = try Fixtures.tempDir()
        let (jul, aug) = (
            try Self.write(Self.july, "jul.csv", in: dir), try Self.write(Self.august, "aug.csv", in: dir)
        )
        try await Self.withUnits(.sqlite) { store in
            _ = try await Self.ingester(store).run([jul])
            try await store.publish(
                district: "d", period: Period(year: 2021, month: 8), issue: 1,
                documents: PublishedCopy(md: "", html: "", json: "{}", docx: nil, xlsx: nil), note: nil,
                change: Change(actor: "t", source: "t"))
            let before = try await store.fingerprint()
            let failure = await #expect(throws: ImportFailed.self) { try await Self.ingester(store).run([aug]) }
            #expect(failure?.errors.map(\.code) == [.periodPublished])
            #expect(try await store.fingerprint() == before)
        }
    }

    static func all(_ store: SQLStore) async throws -> [CaseState] {
        var out: [CaseState] = []
        for day in try await store.casePartitionDays(district: "d") {
            out += try await store.casePartition(district: "d", day: day)
        }
        return out
    }

    @Test func overdueAndUnfavourableListsFollowTheLatestState() async throws {
        let dir = try Fixtures.tempDir()
        let (jul, aug) = (
            try Self.write(Self.july, "jul.csv", in: dir), try Self.write(Self.august, "aug.csv", in: dir)
        )
        try await Self.withUnits(.sqlite) { store in
            _ = try await Self.ingester(store).run([jul])
            let july31 = CaseState.day(Day(parsing: "2021-07-31")!)
            let august5 = CaseState.day(Day(parsing: "2021-08-05")!)
            var cases = try await Self.all(store)
            // Received Thu 07-29 with 3 working days: Fri 07-30, Mon 08-02, Tue 08-03.
            #expect(CaseLists.overdue(cases, asOf: july31).isEmpty, "X2 is due 08-03")
            #expect(CaseLists.overdue(cases, asOf: august5).map(\.state.caseID) == ["X2"])
            let monday = CaseState.day(Day(parsing: "2021-08-02")!)
            #expect(CaseLists.overdue(cases, asOf: monday).map(\.level) == [.dueNext], "due the next working day")
            #expect(CaseLists.unfavourable(cases, in: Period(year: 2021, month: 7)).map(\.caseID) == ["X3"])
            let csv = CaseLists.csv(
                CaseLists.overdue(cases, asOf: august5).map(\.state), units: try await store.units(district: "d"),
                asOf: august5)
            #expect(csv.contains("区甲局,X2,事项2,承诺,2021-07-29 09:00:00,3工作日,2021-08-03,,,超期,2,网上"), "\(csv)")

            _ = try await Self.ingester(store).run([aug])
            cases = try await Self.all(store)
            #expect(CaseLists.overdue(cases, asOf: august5).isEmpty, "X2 was completed on 08-02")
            #expect(CaseLists.unfavourable(cases, in: Period(year: 2021, month: 8)).isEmpty)
        }
    }

    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() async throws {
        let dir = try Fixtures.tempDir()
        let text =
            Self.header + "Q1,A,\"事项,\"\"甲\"\"\",服务,即办,2021-07-05 09:00:00,2021-07-05 09:10:00,0,,,窗口\n"
            + "Q2,A,\"两行\n事项\",服务,即办,2021-07-05 09:00:00,2021-07-05 09:10:00,0,,,窗口\n"
            + "Q3,A,事项,服务,即办,2021-07-05 09:00:00,2021-07-04 09:10:00,0,,,窗口\n"
        let file = try Self.write(text, "quoted.csv", in: dir)
        try await Self.withUnits(.sqlite) { store in
            // Q3 is on physical line 5: the quoted line break of Q2 counts.
            let failure = await #expect(throws: ImportFailed.self) { try await Self.ingester(store).run([file]) }
            #expect(failure?.errors.first?.line == 5)
            try Data(text.split(separator: "\n").dropLast().joined(separator: "\n").utf8).write(
                to: URL(fileURLWithPath: file))
            _ = try await Self.ingester(store).run([file])
            let items = Dictionary(
                try await Self.all(store).map { ($0.caseID, $0.item) }, uniquingKeysWith: { a, _ in a })
            #expect(items["Q1"] == "事项,\"甲\"" && items["Q2"] == "两行\n事项")
        }
    }
}
