import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// Ingested case records reach the dashboard and the API as if reported, with the rates only they can give.
@Suite("Ingested cases on the dashboard")
struct IngestedDashboardTests {
    static let export = """
        case_id,unit,item,category,kind,received_at,completed_at,promised_days,rating,scope,channel
        A1,区税务局,办税,服务,即办,2021-08-02 09:00:00,2021-08-02 09:20:00,0,非常满意,,窗口
        A2,区税务局,办税,审批,承诺,2021-08-02 09:00:00,2021-08-12 10:00:00,5,不满意,,窗口
        A3,区税务局,办税,审批,承诺,2021-08-03 09:00:00,2021-08-04 10:00:00,5,,,网上

        """

    @Test(arguments: TestBackend.available) func dashboardShowsRatesAndProcessingDays(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let file = try Fixtures.tempDir().appendingPathComponent("aug.csv")
            try Data(Self.export.utf8).write(to: file)
            _ = try await CaseIngester(store: web.store, district: "yubei", change: Change(actor: "t", source: "t"))
                .run([file.path])

            let admin = try await web.signedIn("admin")
            let page = try await admin.get("/dashboard/2021-08")

            #expect(page.status == .ok)
            #expect(page.text.contains("办件明细指标"))
            // 3 completed; A2 late (five working days after Mon 08-02: due 08-09), so 66.67 % on time; A3 early
            // (due 08-10, done 08-04); 2 of 3 rated, 1 of 2 satisfied, 1 差评; A3 online of 3 received; 0, 8 and 1
            // working days (3.0), 0, 10 and 1 calendar days (3.7).
            let row = ["3", "66.67%", "33.33%", "66.67%", "50%", "1", "33.33%", "3.0", "3.7", "10", "0", "0"]
            #expect(
                page.text.contains("<th>区税务局</th>" + row.map { "<td class=\"num\">\($0)</td>" }.joined()),
                "\(page.text)")
            let api = try await web.browser().request(
                .get, "/api/v1/periods/2021-08/dashboard", headers: try await APITests.token(web, "admin"))
            #expect(
                api.text.contains("\"p90Days\" : 10") || api.text.contains("\"p90Days\":10"), "\(api.text.prefix(300))")
        }
    }

    /// A month that holds only completions of cases received the month before (an earlier export brought them)
    /// has figures but not its own export: the dashboard's 催报 list names the unit, as the bulletin's 未报送 does,
    /// until that month's export arrives.
    @Test(arguments: TestBackend.available) func aMonthWithOnlyCarriedOverCompletionsIsChased(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let header = "case_id,unit,item,category,kind,received_at,completed_at,promised_days,rating,scope,channel\n"
            let dir = try Fixtures.tempDir()
            func ingest(_ name: String, _ rows: String) async throws {
                let file = dir.appendingPathComponent(name)
                try Data((header + rows).utf8).write(to: file)
                _ = try await CaseIngester(store: web.store, district: "yubei", change: Change(actor: "t", source: "t"))
                    .run([file.path])
            }
            _ = try await Importer(store: web.store, district: "yubei", change: Change(actor: "t", source: "t")).run(
                files: [
                    PackageFile(
                        name: "units.csv",
                        data: Data(
                            "code,name,tier,window,groups,aliases,ranked,order\nZ01,区新设单位,center,,,,yes,99\n".utf8))
                ])
            // August's export, read again in September: B1 was completed on 09-01; nothing received in September.
            try await ingest(
                "aug.csv",
                "B1,区税务局,办税,审批,承诺,2021-08-30 09:00:00,2021-09-01 15:00:00,3,,,窗口\n"
                    + "Z1,区新设单位,服务,服务,即办,2021-07-20 09:00:00,2021-07-20 10:00:00,0,,,窗口\n")
            let admin = try await web.signedIn("admin")
            func lists() async throws -> (chased: [String], idle: [String]) {
                let page = try await admin.get("/dashboard/2021-09").text
                let idle =
                    page.components(separatedBy: "<p>无业务单位：").dropFirst().first.map {
                        $0.components(separatedBy: "</p>")[0].split(separator: " ").map(String.init)
                    } ?? []
                guard let list = page.components(separatedBy: "<ul class=\"missing\">").dropFirst().first else {
                    return ([], idle)
                }
                let names = list.components(separatedBy: "</ul>")[0].components(separatedBy: "</a>").dropLast()
                    .compactMap { $0.components(separatedBy: ">").last }
                return (names, idle)
            }
            let before = try await lists()
            #expect(before.chased.contains("区税务局"))
            // 区财政局 sent monthly figures (July's) and none for September: chased, and not also listed as a unit
            // without business, as it was beside every unit without figures.
            #expect(before.chased.contains("区财政局") && !before.idle.contains("区财政局"), "\(before)")
            // A unit known only from case records (July's), with none in August or September, is in the month's
            // export with nothing: no business, not chased.
            #expect(before.idle == ["区新设单位"] && !before.chased.contains("区新设单位"), "\(before)")
            try await ingest("sep.csv", "B2,区税务局,办税,服务,即办,2021-09-02 09:00:00,2021-09-02 09:20:00,0,,,窗口\n")
            let after = try await lists()
            #expect(!after.chased.contains("区税务局") && after.chased.contains("区财政局"), "\(after)")
        }
    }

    @Test(arguments: TestBackend.available) func overdueAndUnfavourableListsWithFollowUp(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let file = try Fixtures.tempDir().appendingPathComponent("aug.csv")
            try Data((Self.export + "A4,区税务局,办税,审批,承诺,2021-08-03 09:00:00,,2,,,窗口\n").utf8).write(to: file)
            _ = try await CaseIngester(store: web.store, district: "yubei", change: Change(actor: "t", source: "t"))
                .run([file.path])
            let admin = try await web.signedIn("admin")

            // A4: received Tue 08-03 with 2 working days, due Thu 08-05, open: 超期 on 08-06, 临期 on 08-04.
            let late = try await admin.get("/lists/overdue/2021-08?as_of=2021-08-06")
            #expect(late.status == .ok && late.text.contains("<td>超期</td><td>区税务局</td><td>A4</td>"), "\(late.text)")
            let soon = try await admin.get("/lists/overdue/2021-08?as_of=2021-08-04&unit=C06")
            #expect(soon.text.contains("<td>临期</td>"))
            let csv = try await admin.get("/lists/overdue/2021-08?as_of=2021-08-06&format=csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8" && csv.text.contains("A4,办税,承诺"))

            let bad = try await admin.get("/lists/unfavourable/2021-08")
            #expect(bad.text.contains("A2") && bad.text.contains("待整改") && bad.text.contains("整改率 0%"))
            let saved = try await admin.post(
                "/lists/unfavourable/2021-08/followup", ["case_id": "A2", "state": "已整改", "note": "已回访并道歉"])
            #expect(saved.status == .seeOther)
            let after = try await admin.get("/lists/unfavourable/2021-08")
            #expect(after.text.contains("整改率 100%") && after.text.contains("已回访并道歉"))
            let audit = try await web.store.auditEntries(district: "yubei", table: "case_followups")
            #expect(audit.last?.key == "A2" && audit.last?.new == "已整改：已回访并道歉" && audit.last?.actor == "admin")

            let reporter = try await web.signedIn("rep1")
            #expect(try await reporter.get("/lists/unfavourable/2021-08").status == .forbidden)

            // The same lists in the API.
            let h = try await APITests.token(web, "admin")
            let api = try await web.browser().request(
                .get, "/api/v1/periods/2021-08/overdue?asOf=2021-08-06", headers: h)
            #expect(api.status == .ok && api.text.contains("\"caseId\"") && api.text.contains("A4"), "\(api.text)")
            let json = try JSONSerialization.jsonObject(with: Data(api.text.utf8)) as? [String: Any]
            let first = (json?["cases"] as? [[String: Any]])?.first
            #expect(first?["level"] as? String == "超期" && first?["overdueWorkdays"] as? Int == 1)
            let bad2 = try await web.browser().request(.get, "/api/v1/periods/2021-08/unfavourable", headers: h)
            #expect(bad2.text.contains("已回访并道歉") && bad2.text.contains("\"rectificationRate\""))
            let forbidden = try await web.browser().request(
                .get, "/api/v1/periods/2021-08/overdue", headers: try await APITests.token(web, "rep1"))
            #expect(forbidden.status == .forbidden)
        }
    }

    @Test func theHolidayPageAddsADistrictDayAndRecountsTheCases() async throws {
        try await Web.run(.sqlite) { web in
            let file = try Fixtures.tempDir().appendingPathComponent("aug.csv")
            try Data(Self.export.utf8).write(to: file)
            _ = try await CaseIngester(store: web.store, district: "yubei", change: Change(actor: "t", source: "t"))
                .run([file.path])
            let admin = try await web.signedIn("admin")
            let missing = try await admin.get("/calendar/2027")
            #expect(missing.status == .ok && missing.text.contains("没有 2027 年的节假日安排"))
            let y2021 = try await admin.get("/calendar/2021")
            #expect(y2021.text.contains("2021-10-09</td><td>上班</td><td>国庆节调休"))

            // District holidays Thu 08-05 to Mon 08-09 move A2's deadline (five working days after Mon 08-02) from
            // 08-09 to 08-12: done 08-12, it is on time now, and the ingested totals are counted again.
            let before = try await web.store.load(district: "yubei", period: Period(year: 2021, month: 8)).recordStats
            #expect(before.first { $0.unit == "C06" }?.onTime == 2)
            let saved = try await admin.post(
                "/calendar/2021", ["day": "2021-08-05..2021-08-09", "kind": "放假", "note": "本区防汛"])
            #expect(saved.status == .seeOther)
            #expect(
                try await admin.get("/calendar/2021").text.contains("2021-08-06</td><td>放假</td><td>本区防汛</td><td>本区"))
            let audit = try await web.store.auditEntries(district: "yubei", table: "calendar_days")
            #expect(audit.contains { $0.key == "2021-08-06" && $0.new == "放假 本区防汛" && $0.actor == "admin" })
            let stats = try await web.store.load(district: "yubei", period: Period(year: 2021, month: 8)).recordStats
            #expect(stats.first { $0.unit == "C06" }?.onTime == 3, "A2 is on time with the district's holidays")
            #expect(try await web.signedIn("viewer").get("/calendar/2021").status == .forbidden)
        }
    }
}
