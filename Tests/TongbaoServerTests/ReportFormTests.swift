import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

@Suite("Report form, upload, scores, events, ancillary")
struct ReportFormTests {
    @Test(arguments: TestBackend.available) func reporterSeesOwnFormWithPreviousMonthsAndSaves(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("rep1")
            let home = try await b.get("/")
            #expect(home.location == "/report/C01/2021-07")
            let form = try await b.get("/report/C01/2021-07")
            #expect(form.status == .ok)
            #expect(form.text.contains("区住房城乡建委"))
            #expect(form.text.contains("2021-06"))  // previous months beside the form
            #expect(form.text.contains("name=\"version\" value=\"1\""))
            let before = try #require(try await web.caseRow("C01"))
            let save = try await b.post(
                "/report/C01/2021-07",
                Self.fields(before, recvImmediate: "4321").merging(["action": "save", "version": "1"]) { $1 })
            #expect(save.status == .seeOther)
            #expect(try await web.caseRow("C01")?.recvImmediate == 4321)
            let audit = try await web.store.auditEntries(district: "yubei", table: "cases").last
            #expect(audit?.actor == "rep1")
            #expect(audit?.old == before.recvImmediate.map(String.init))
            #expect(audit?.new == "4321")
            #expect(try await b.get("/report/C01/2021-07").text.contains("name=\"version\" value=\"2\""))
        }
    }

    @Test(arguments: TestBackend.available) func checkShowsValidationBeforeSavingAndSavesNothing(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("rep1")
            let before = try #require(try await web.caseRow("C01"))
            let fingerprint = try await web.store.fingerprint()
            let bad = try await b.post(
                "/report/C01/2021-07",
                Self.fields(before, recvImmediate: "12a").merging(["action": "save", "version": "1"]) { $1 })
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("E006"))
            #expect(bad.text.contains("value=\"12a\""))  // what was typed is kept
            let check = try await b.post(
                "/report/C01/2021-07",
                Self.fields(before, recvImmediate: "99999").merging(["action": "check", "version": "1"]) { $1 })
            #expect(check.status == .ok)
            #expect(check.text.contains("校验通过"))
            // The unit's own warning is shown (it names the unit by its name, the account by its code).
            #expect(check.text.contains("W107"))
            #expect(try await web.store.fingerprint() == fingerprint)
            #expect(try await web.caseRow("C01") == before)
        }
    }

    /// Two people save the same unit-month from the same version at the same time: one wins, the other is told,
    /// sees what they typed, and the winner's figures are what is stored.
    /// Twenty units saved at once through the API: every save answered 200, every figure stored once, every
    /// unit-month one version on (on PostgreSQL also through pgbouncer in transaction pooling).
    @Test(arguments: TestBackend.concurrency) func manySavesAtOnceLoseNothing(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let h = try await APITests.token(web, "admin")
            let units = try await web.store.units(district: "yubei").prefix(20).map(\.code)
            let p = Period(year: 2021, month: 7)
            var versions: [String: Int] = [:]
            for u in units {
                versions[u] = try await web.store.reportVersion(district: "yubei", period: p, unit: u).version
            }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for (i, u) in units.enumerated() {
                    let body = try JSONSerialization.data(
                        withJSONObject: ["version": versions[u]!, "cases": ["recv_immediate": "\(7000 + i)"]])
                    group.addTask {
                        let r = try await web.browser().request(
                            .put, "/api/v1/reports/\(u)/2021-07", body: ByteBuffer(bytes: body), headers: h)
                        return Int(r.status.code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: units.count))
            let rows = try await web.store.load(district: "yubei", period: p).cases.filter { $0.period == p }
            for (i, u) in units.enumerated() {
                #expect(rows.filter { $0.unit == u }.map(\.recvImmediate) == [7000 + i], "\(u)")
                #expect(
                    try await web.store.reportVersion(district: "yubei", period: p, unit: u).version == versions[u]! + 1
                )
            }
        }
    }

    @Test(arguments: TestBackend.concurrency) func concurrentSavesOneWinsTheOtherIsTold(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let a = try await web.signedIn("admin")
            let r = try await web.signedIn("rep1")
            let row = try #require(try await web.caseRow("C01"))
            async let first = a.post(
                "/report/C01/2021-07",
                Self.fields(row, recvImmediate: "1111").merging(["action": "save", "version": "1"]) { $1 })
            async let second = r.post(
                "/report/C01/2021-07",
                Self.fields(row, recvImmediate: "2222").merging(["action": "save", "version": "1"]) { $1 })
            let results = try await [first, second]
            let won = results.filter { $0.status == .seeOther }
            let lost = results.filter { $0.status == .conflict }
            #expect(won.count == 1)
            #expect(lost.count == 1)
            let stored = try await web.caseRow("C01")?.recvImmediate
            let loserTyped = lost.first?.text.contains("value=\"1111\"") == true ? 1111 : 2222
            #expect(stored != loserTyped)
            #expect([1111, 2222].contains(stored))
            #expect(lost.first?.text.contains("请核对最新数据后重新提交") == true)
            #expect(lost.first?.text.contains("value=\"\(loserTyped)\"") == true)
            #expect(
                try await web.store.reportVersion(district: "yubei", period: Period(year: 2021, month: 7), unit: "C01")
                    .version == 2)
        }
    }

    @Test(arguments: TestBackend.available) func uploadPreviewsChangesThenConfirms(_ backend: TestBackend) async throws
    {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            let csv = "period,unit,recv_immediate,recv_promised,done_immediate,done_promised\n2021-07,C02,7,8,7,8\n"
            let preview = try await b.upload("/upload", file: "cases.csv", data: Data(csv.utf8))
            #expect(preview.status == .ok)
            // Named as the audit page names them: table, month, unit and figure in Chinese.
            #expect(
                preview.text.contains("<tr><td>办件月报</td><td class=\"num\">0</td><td class=\"num\">1</td>"),
                "\(preview.text)")
            #expect(
                preview.text.contains("<td>办件月报</td><td>2021-07</td><td>区财政局</td><td>即办接件</td><td class=\"old\">"),
                "\(preview.text)")
            #expect(preview.text.contains("<td class=\"new\">7</td>") && !preview.text.contains("recv_immediate"))
            #expect(try await web.caseRow("C02")?.recvImmediate != 7)  // nothing saved yet
            let id = try #require(Browser.hidden("id", preview.text))
            // Someone else cannot confirm this upload.
            let other = try await web.signedIn("rep1")
            #expect(try await other.post("/upload/confirm", ["id": id]).status == .notFound)
            #expect(try await b.post("/upload/confirm", ["id": id]).status == .seeOther)
            #expect(try await web.caseRow("C02")?.recvImmediate == 7)
            #expect(try await b.post("/upload/confirm", ["id": id]).status == .notFound)  // only once
            let broken = try await b.upload(
                "/upload", file: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,C02,x\n".utf8))
            #expect(broken.status == .unprocessableContent)
            #expect(broken.text.contains("E006"))
            #expect(broken.text.contains("cases.csv"))
        }
    }

    @Test(arguments: TestBackend.available) func reporterMayUploadOwnUnitOnly(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("rep1")
            let csv = "period,unit,recv_immediate\n2021-07,C01,5\n"
            let preview = try await b.upload("/upload", file: "cases.csv", data: Data(csv.utf8))
            #expect(preview.status == .ok)
            let id = try #require(Browser.hidden("id", preview.text))
            #expect(try await b.post("/upload/confirm", ["id": id]).status == .seeOther)
            #expect(try await web.caseRow("C01")?.recvImmediate == 5)
        }
    }

    @Test(arguments: TestBackend.available) func scoresGridEnforcesTheMaximum(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            let grid = try await b.get("/scores/2021-07")
            #expect(grid.text.contains("name=\"s|C01|K01\""))
            #expect(grid.text.contains("满分 15"))
            let over = try await b.post("/scores/2021-07", ["s|C01|K01": "16"])
            #expect(over.status == .unprocessableContent)
            #expect(over.text.contains("E009"))
            #expect(try await b.post("/scores/2021-07", ["s|C01|K01": "14.5"]).status == .seeOther)
            let data = try await web.store.load(district: "yubei", period: Period(year: 2021, month: 7))
            #expect(
                data.evaluation.first { $0.unit == "C01" && $0.criterion == "K01" }?.score == Decimal(string: "14.5"))
        }
    }

    @Test(arguments: TestBackend.available) func eventsAreAddedAndDeletedWithAudit(_ backend: TestBackend) async throws
    {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            #expect(try await b.post("/events/2021-07", ["date": "2021-07-30", "text": "召开推进会"]).status == .seeOther)
            #expect(try await b.get("/events/2021-07").text.contains("召开推进会"))
            let bad = try await b.post("/events/2021-07", ["date": "2021-07-32", "text": "x"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("E008"))
            #expect(
                try await b.post("/events/2021-07/delete", ["date": "2021-07-30", "text": "召开推进会"]).status == .seeOther)
            #expect(!(try await b.get("/events/2021-07").text.contains("召开推进会")))
            let log = try await web.store.auditEntries(district: "yubei", table: "events")
            #expect(log.last?.old == "召开推进会")
            #expect(log.last?.new == nil)
        }
    }

    @Test(arguments: TestBackend.available) func ancillaryServicesAreEdited(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            let page = try await b.get("/ancillary/2021-07")
            let service = try #require(Browser.hidden("svc0", page.text))
            #expect(
                try await b.post("/ancillary/2021-07", ["svc0": service, "cnt0": "123", "ytd0": ""]).status == .seeOther
            )
            let data = try await web.store.load(district: "yubei", period: Period(year: 2021, month: 7))
            #expect(
                data.ancillary.first { $0.service == service && $0.period == Period(year: 2021, month: 7) }?.count
                    == 123)
        }
    }

    @Test(arguments: TestBackend.available) func auditLogFiltersByUnitPeriodAndPerson(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let a = try await web.signedIn("admin")
            let r = try await web.signedIn("rep1")
            let row = try #require(try await web.caseRow("C01"))
            _ = try await r.post(
                "/report/C01/2021-07",
                Self.fields(row, recvImmediate: "777").merging(["action": "save", "version": "1"]) { $1 })
            let byPerson = try await a.get("/audit?actor=rep1")
            #expect(byPerson.text.contains("<td>777</td>") || byPerson.text.contains("class=\"new\">777<"))
            #expect(byPerson.text.contains("共 1 条"))
            let byUnit = try await a.get("/audit?unit=C01&period=2021-07&actor=")
            #expect(byUnit.text.contains("rep1"))
            let none = try await a.get("/audit?unit=C02&actor=rep1")
            #expect(none.text.contains("共 0 条"))
        }
    }

    static func fields(_ row: CaseRow, recvImmediate: String) -> [String: String] {
        func s(_ v: Int?) -> String { v.map(String.init) ?? "" }
        return [
            "recv_immediate": recvImmediate, "recv_promised": s(row.recvPromised),
            "done_immediate": s(row.doneImmediate),
            "done_promised": s(row.donePromised), "ytd_recv": s(row.ytdRecv), "ytd_done": s(row.ytdDone),
            "proxy": s(row.proxy),
        ]
    }
}

@Suite("Accounts page")
struct AccountsTests {
    @Test(arguments: TestBackend.available) func adminCreatesAReporterWhoCanSignInAndResetsAPassword(
        _ backend: TestBackend
    ) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            let list = try await b.get("/accounts")
            #expect(list.text.contains("rep1"))
            #expect(list.text.contains("区住房城乡建委"))
            let short = try await b.post(
                "/accounts", ["name": "rep3", "role": "reporter", "unit": "C03", "password": "short"])
            #expect(short.status == .unprocessableContent)
            let noUnit = try await b.post(
                "/accounts", ["name": "rep3", "role": "reporter", "unit": "", "password": "long-enough"])
            #expect(noUnit.status == .unprocessableContent)
            #expect(
                try await b.post(
                    "/accounts", ["name": "rep3", "role": "reporter", "unit": "C03", "password": "long-enough"]
                ).status == .seeOther)
            #expect(
                try await b.post("/accounts", ["name": "rep3", "role": "viewer", "password": "long-enough"]).status
                    == .conflict)
            let (account, hash) = try #require(try await web.store.account("rep3"))
            #expect(account == Account(name: "rep3", district: "yubei", role: .reporter, unit: "C03"))
            #expect(hash.hasPrefix("$2"))
            let rep3 = web.browser()
            #expect(try await rep3.login("rep3", "long-enough").status == .found)
            #expect(try await rep3.get("/").location == "/report/C03/2021-07")
            #expect(
                try await b.post("/accounts/password", ["name": "rep3", "password": "another-one"]).status == .seeOther)
            #expect(try await web.browser().login("rep3", "another-one").status == .found)
            #expect(
                try await b.post("/accounts/password", ["name": "nobody", "password": "another-one"]).status
                    == .notFound)
        }
    }
}
