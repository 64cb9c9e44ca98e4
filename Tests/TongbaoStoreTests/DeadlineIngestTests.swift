import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// Ingested exports counted in working days, with the limit's unit, paused days and statuses (issue 13), around
/// Mid-Autumn and National Day 2021: every figure against a hand count.
@Suite struct DeadlineIngestTests {
    static let units = "code,name,tier\nA,区甲局,center\nB,区乙局,center\n"
    static let header =
        "case_id,unit,category,kind,received_at,completed_at,promised_days,promised_unit,paused_days,status,rating,channel\n"
    static let export =
        header
        // The day before National Day, 3 工作日: Oct 8 is 1, Oct 9 (调休 Saturday) 2, Oct 11 3: on time on Oct 11.
        + "D1,A,审批,承诺,2021-09-30 09:00,2021-10-11 16:00,3,工作日,,办结,满意,窗口\n"
        // The same in 自然日: due Oct 3, late.
        + "D2,A,审批,承诺,2021-09-30 09:00,2021-10-08 10:00,3,自然日,,,不满意,网上\n"
        // 24 小时: due Oct 1 10:00, done Oct 1 09:00: on time.
        + "D3,A,服务,承诺,2021-09-30 10:00,2021-10-01 09:00,24,小时,,,,\n"
        // 3 工作日 and 2 paused (补正): due Oct 13, on time.
        + "D4,A,审批,承诺,2021-09-30 09:00,2021-10-13 09:00,3,,2,,,\n"
        // Refused and returned: counted apart in October, not as 办结.
        + "D5,A,审批,承诺,2021-10-08 09:00,2021-10-09 09:00,5,,,不予受理,,\n"
        + "D6,A,审批,承诺,2021-10-08 09:00,2021-10-12 09:00,5,,,退件,,\n"
        // Void: counted nowhere, not even as received.
        + "D7,A,审批,承诺,2021-10-08 09:00,,5,,,作废,,\n"
        // 即办 on a 调休 Saturday: due that day.
        + "D8,A,服务,即办,2021-10-09 10:00,2021-10-09 11:00,0,,,,非常满意,自助\n"
        // Received on a holiday, 1 工作日: due Oct 8, done Oct 8: on time, not early.
        + "D9,A,服务,承诺,2021-10-03 10:00,2021-10-08 10:00,1,,,,,\n"
        // Done early: due Oct 15 (5 working days after Oct 8), done Oct 11.
        + "D10,B,服务,承诺,2021-10-08 09:00,2021-10-11 09:00,5,,,,基本满意,移动端\n"

    static func withUnits<T>(_ body: (SQLStore) async throws -> T) async throws -> T {
        try await Fixtures.withStore(.sqlite) { store in
            _ = try await Importer(store: store, district: "d", change: Change(actor: "t", source: "t"))
                .run(files: [PackageFile(name: "units.csv", data: Data(units.utf8))])
            return try await body(store)
        }
    }

    static func ingest(_ store: SQLStore, _ text: String, profile: ExportProfile? = nil) async throws -> IngestReport {
        let file = try Fixtures.tempDir().appendingPathComponent("export.csv")
        try Data(text.utf8).write(to: file)
        var ingester = CaseIngester(store: store, district: "d", change: Change(actor: "t", source: "t"))
        ingester.profile = profile
        return try await ingester.run([file.path])
    }

    static func october(_ store: SQLStore) async throws -> [String: RecordStats] {
        let data = try await store.load(district: "d", period: Period(year: 2021, month: 10))
        return Dictionary(
            data.recordStats.filter { $0.period == Period(year: 2021, month: 10) }.map { ($0.unit, $0) },
            uniquingKeysWith: { a, _ in a })
    }

    static func expectHandCounts(_ store: SQLStore) async throws {
        let a = try #require(try await october(store)["A"])
        #expect(a.completed == 6, "D1 D2 D3 D4 D8 D9; D5 and D6 are not 办结, D7 is void")
        #expect(a.onTime == 5, "all but D2")
        #expect(a.rejected == 1 && a.returned == 1)
        #expect(a.received == 4 && a.online == 1, "D5 D6 D8 D9 received in October (D7 void); D8 自助")
        #expect(a.early == 0, "D1, D3, D4 and D9 were done on their due day, D8 the same day, D2 late")
        #expect(a.rated == 3 && a.satisfied == 2 && a.unfavourable == 1)
        let b = try #require(try await october(store)["B"])
        #expect(b.completed == 1 && b.onTime == 1 && b.early == 1)
        #expect(b.workDaysTotal == 2, "D10 took Oct 9 (a 调休 Saturday) and Oct 11")
        #expect(b.onlineRate == "100" && b.earlyRate == "100" && b.ratedRate == "100")
    }

    @Test func workingDaysUnitsPausesAndStatusesAgainstAHandCount() async throws {
        try await Self.withUnits { store in
            let report = try await Self.ingest(store, Self.export)
            #expect(report.rows == 10)
            try await Self.expectHandCounts(store)
        }
    }

    @Test func thePlatformsOwnColumnNamesAndCodesThroughTheProvinceProfile() async throws {
        let profile = try ExportProfile.parse(try #require(ExportProfile.shipped["province"]), name: "province")
        let lines = Self.export.split(separator: "\n").dropFirst().map { line -> String in
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[2] = f[2] == "审批" ? "1" : "2"
            f[3] = f[3] == "即办" ? "1" : "2"
            f[7] = ["工作日": "1", "自然日": "2", "小时": "3"][f[7]] ?? f[7]
            f[9] = f[9] == "办结" ? "出证办结" : f[9]
            f[10] = ["非常满意": "5", "满意": "4", "基本满意": "3", "不满意": "2"][f[10]] ?? f[10]
            return f.joined(separator: ",")
        }
        let text =
            "PROJID,ACCEPTDEPTNAME,SERVICETYPE,PROJECTTYPE,RECEIVETIME,FINISHTIME,PROMISETIMELIMIT,PROMISETIMEUNIT,"
            + "SUSPENDDAYS,HANDLESTATE,SATISFACTION,APPLYFROM\n" + lines.joined(separator: "\n") + "\n"
        try await Self.withUnits { store in
            _ = try await Self.ingest(store, text, profile: profile)
            try await Self.expectHandCounts(store)
            // Without the profile the platform's names are refused, pointing at --profile.
            let failure = await #expect(throws: ImportFailed.self) { try await Self.ingest(store, text) }
            #expect(failure?.errors.first?.message.contains("--profile") == true)
        }
    }

    @Test func aCaseDueInAYearWithoutACalendarIsRefusedNamingTheYear() async throws {
        try await Self.withUnits { store in
            let text = Self.header + "Y1,A,审批,承诺,2026-12-28 09:00,,5,,,,,\n"
            let failure = await #expect(throws: ImportFailed.self) { try await Self.ingest(store, text) }
            let e = try #require(failure?.errors.first)
            #expect(e.code == .noCalendar && e.line == 2 && e.value == "2027")
            #expect(e.message.contains("2027 年") && e.message.contains("tongbao calendar import"))
            // Once the district adds 2027, it counts.
            let (days, _) = WorkCalendar.parse("2027-01-01 放假 元旦\n")
            _ = try await store.saveCalendarDays(days, district: "d", change: Change(actor: "t", source: "t"))
            _ = try await Self.ingest(store, text)
        }
    }

    @Test func anUnknownStatusOrUnitIsAnErrorListingTheWords() async throws {
        try await Self.withUnits { store in
            let text =
                Self.header + "Z1,A,审批,承诺,2021-10-08 09:00,,5,月,,,,\n" + "Z2,A,审批,承诺,2021-10-08 09:00,,5,,,挂起,,\n"
            let failure = await #expect(throws: ImportFailed.self) { try await Self.ingest(store, text) }
            #expect(failure?.errors.map(\.column) == ["promised_unit", "status"])
            #expect(failure?.errors.last?.message.contains("不予受理") == true)
        }
    }

    @Test func overdueListsTheDayItselfAndDeadlinesInAHoliday() async throws {
        try await Self.withUnits { store in
            let text =
                Self.header
                // Due Fri 10-08 (3 working days after 09-28 … with National Day), still open.
                + "O1,A,审批,承诺,2021-09-28 10:00,,3,,,,,\n"
                // Due 10-05, in the holiday: late when the office reopens on 10-08.
                + "O2,A,审批,承诺,2021-09-30 10:00,,5,自然日,,,,\n"
                // Due in ten working days: not listed.
                + "O3,A,审批,承诺,2021-09-30 10:00,,10,,,,,\n"
            _ = try await Self.ingest(store, text)
            var cases: [CaseState] = []
            for day in try await store.casePartitionDays(district: "d") {
                cases += try await store.casePartition(district: "d", day: day)
            }
            let oct8 = CaseState.day(Day(parsing: "2021-10-08")!)
            let sep30 = CaseState.day(Day(parsing: "2021-09-30")!)
            let onTheDay = CaseLists.overdue(cases, asOf: oct8)
            #expect(onTheDay.map { "\($0.state.caseID) \($0.level.rawValue)" } == ["O2 超期", "O1 超期"])
            let beforeTheHoliday = CaseLists.overdue(cases, asOf: sep30)
            #expect(beforeTheHoliday.map { "\($0.state.caseID) \($0.level.rawValue)" } == ["O2 临期", "O1 临期"])
        }
    }

    @Test func aProfileMappingACodeOrAColumnTwiceIsAMistakeNamingItsLine() {
        #expect(throws: ExportProfile.Mistake(profile: "p", line: 4, reason: "代码“01”在 [kind] 中已映射过一次")) {
            try ExportProfile.parse("[kind]\n01 = 即办\n02 = 承诺\n01 = 承诺\n", name: "p")
        }
        #expect(throws: ExportProfile.Mistake.self) {
            try ExportProfile.parse("[列]\nPROJID = case_id\nprojid = unit\n", name: "p")
        }
    }

    /// A holiday added after the cases were read recounts their working days, and every figure that moves is in
    /// the audit log (only 按时办结, 提前办结 and 满意 were: 办理工作日合计 moved unaudited).
    @Test func aHolidayAddedLaterIsAuditedInEveryFigureItMoves() async throws {
        try await Self.withUnits { store in
            let change = Change(actor: "t", source: "节假日")
            // 5 working days from Mon 11-01: Tue to Fri and Mon 11-08, the deadline day.
            _ = try await Self.ingest(
                store,
                "case_id,unit,category,kind,received_at,completed_at,promised_days\nQ1,B,审批,承诺,2021-11-01 09:00,2021-11-08 09:00,5\n"
            )
            let holiday = WorkCalendar.Entry(day: try #require(Day(parsing: "2021-11-03")), working: false, note: "测试")
            _ = try await store.saveCalendarDays([holiday], district: "d", change: change)
            let months = try await store.recomputeCaseTotals(
                district: "d", calendar: try await store.workCalendar(district: "d"), change: change)
            #expect(months == [Period(year: 2021, month: 11)])
            let stored = try #require(
                try await store.caseTotals(district: "d").figures[
                    .init(period: Period(year: 2021, month: 11), unit: "B")])
            let audited = try await store.auditEntries(district: "d", table: "case_totals").filter {
                $0.key == "2021-11 B" && $0.source == "节假日"
            }
            let last = Dictionary(audited.map { ($0.column, $0.new) }, uniquingKeysWith: { _, b in b })
            // Four working days now, and done a day before the deadline (11-09).
            #expect(stored.workDaysTotal == 4 && stored.early == 1, "\(stored)")
            #expect(last["work_days_total"] == "4" && last["early"] == "1", "\(audited)")
        }
    }

    @Test func aDistrictSavesItsProfileAndWhichRatingsCountAsSatisfied() async throws {
        try await Self.withUnits { store in
            let change = Change(actor: "t", source: "t")
            let province = try #require(ExportProfile.shipped["province"])
            try await store.setSetting(district: "d", .profile, "province\n" + province, change: change)
            let text =
                "PROJID,ACCEPTDEPTNAME,SERVICETYPE,PROJECTTYPE,RECEIVETIME,FINISHTIME,PROMISETIMELIMIT,SATISFACTION\n"
                + "P1,B,2,2,2021-10-08 09:00,2021-10-11 09:00,5,3\n"
            _ = try await Self.ingest(store, text)  // no --profile: the saved one
            #expect(try await Self.october(store)["B"]?.satisfied == 1, "基本满意 is satisfied by default")
            try await store.setSetting(district: "d", .satisfied, "非常满意,满意", change: change)
            _ = try await store.recomputeCaseTotals(
                district: "d", calendar: try await store.workCalendar(district: "d"), change: change)
            let b = try #require(try await Self.october(store)["B"])
            #expect(b.satisfied == 0 && b.rated == 1 && b.satisfactionRate == "0")
            #expect(CaseRecord.satisfiedSet("满意、非常满意") == [0, 1] && CaseRecord.satisfiedSet("满意,好") == nil)
        }
    }
}
