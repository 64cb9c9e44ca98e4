import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoTestSupport

@testable import TongbaoServer
@testable import TongbaoStore

/// What the attacker's probe of issue 15's saves found, one test each.
@Suite struct SaveProbeTests {
    static func put(_ b: Browser, _ h: HTTPFields, version: Int, _ cases: [String: String], query: String = "")
        async throws -> (status: HTTPResponse.Status, body: [String: Any], text: String)
    {
        let body = try JSONSerialization.data(withJSONObject: ["version": version, "cases": cases])
        let r = try await b.request(
            .put, "/api/v1/reports/C01/2021-07" + query, body: ByteBuffer(bytes: body), headers: h)
        return (r.status, (try? APITests.json(r.text)) ?? [:], r.text)
    }

    static func version(_ b: Browser, _ h: HTTPFields) async throws -> Int? {
        try APITests.json(try await b.request(.get, "/api/v1/reports/C01/2021-07", headers: h).text)["version"] as? Int
    }

    /// A count of 19 digits was stored, then overflowed the bulletin's sums: every later page, check and command
    /// of that month crashed the process. Counts are bounded where they are read.
    @Test func aHugeCountIsRefusedAndTheMonthStillRenders() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let (rep, admin) = (try await APITests.token(web, "rep1"), try await APITests.token(web, "admin"))
            for huge in ["9223372036854775807", "1000000000", "1e15", "0x1F"] {
                let r = try await Self.put(b, rep, version: 1, ["recv_immediate": huge, "recv_promised": "1"])
                #expect(r.status == .unprocessableContent, "\(huge): \(r.text)")
                #expect(r.text.contains(huge.hasPrefix("0x") ? "E006" : "E038"), "\(huge): \(r.text)")
            }
            #expect(try await web.caseRow("C01")?.recvImmediate != 1_000_000_000)
            let fine = try await Self.put(b, rep, version: 1, ["recv_immediate": "999999999", "recv_promised": "12.0"])
            #expect(fine.status == .ok, "\(fine.text)")
            #expect(try await web.caseRow("C01")?.recvPromised == 12)
            for page in ["dashboard", "bulletin"] {
                let r = try await b.request(.get, "/api/v1/periods/2021-07/\(page)", headers: admin)
                #expect(r.status == .ok, "\(page)")
            }
        }
    }

    /// A count stored before E038 bounded them (19 digits) overflowed its month's sums and stopped the server. Read
    /// back it is a named unreadable row: that month's pages fail alone, the report form still shows the value, and
    /// saving the cell again mends the month.
    @Test func aHugeCountStoredBeforeTheBoundFailsItsMonthNotTheServer() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let (rep, admin) = (try await APITests.token(web, "rep1"), try await APITests.token(web, "admin"))
            try await web.store.raw(
                "UPDATE cases SET recv_immediate = 9223372036854775807 WHERE unit = 'C01' AND period = '2021-07'")
            let broken = try await b.request(.get, "/api/v1/periods/2021-07/dashboard", headers: admin)
            #expect(broken.status == .internalServerError, "\(broken.text.prefix(200))")
            // The body says the same status as the answer (it said 400).
            #expect(try APITests.json(broken.text)["status"] as? Int == 500)
            #expect(try await b.request(.get, "/api/v1/periods/2021-06/dashboard", headers: admin).status == .ok)
            let form = try await b.request(.get, "/api/v1/reports/C01/2021-07", headers: rep)
            #expect(form.status == .ok && form.text.contains("9223372036854775807"), "\(form.text.prefix(200))")
            // The web form reads its own unit's rows: another unit's form opens, with its figures and the
            // district's 通办 scopes; C01's own shows the stored value to be mended.
            let page = web.browser()
            #expect(try await page.login("admin", Web.password).status == .found)
            let other = try await page.get("/report/C02/2021-07")
            #expect(other.status == .ok, "\(other.text.prefix(300))")
            let scopes = try await web.store.tongbanScopes(district: "yubei", period: Period(year: 2021, month: 7))
            #expect(!scopes.isEmpty && scopes.allSatisfy { other.text.contains($0) })
            let own = try await page.get("/report/C01/2021-07")
            #expect(own.status == .ok && own.text.contains("9223372036854775807"), "\(own.text.prefix(300))")
            // The month's bulletin page says its data cannot be read, not that it has none.
            let bulletin = try await page.get("/bulletin/2021-07")
            #expect(bulletin.status == .ok && bulletin.text.contains("无法读取"), "\(bulletin.text.prefix(300))")
            #expect(!bulletin.text.contains("本月尚无数据"))
            let version = try #require(try await Self.version(b, rep))
            let mended = try await Self.put(b, rep, version: version, ["recv_immediate": "12", "recv_promised": "1"])
            #expect(mended.status == .ok, "\(mended.text)")
            #expect(try await b.request(.get, "/api/v1/periods/2021-07/dashboard", headers: admin).status == .ok)
        }
    }

    /// A dry run answered the version its rolled-back save would have had: a client saving with it later would
    /// overwrite whoever saved in between without a conflict.
    @Test func aDryRunAnswersTheVersionItReadAndMovesNone() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let rep = try await APITests.token(web, "rep1")
            let read = try #require(try await Self.version(b, rep))
            for query in ["?dryRun=true", ""] {
                var cases = ["recv_immediate": "111"]
                var body: [String: Any] = ["version": read, "cases": cases]
                if query.isEmpty { body["dryRun"] = true }
                let data = try JSONSerialization.data(withJSONObject: body)
                let r = try await b.request(
                    .put, "/api/v1/reports/C01/2021-07" + query, body: ByteBuffer(bytes: data), headers: rep)
                let answer = try APITests.json(r.text)
                #expect(r.status == .ok && answer["dryRun"] as? Bool == true, "\(query): \(r.text)")
                #expect(answer["version"] as? Int == read, "\(query)")
                #expect(try await Self.version(b, rep) == read)
                #expect(try await web.caseRow("C01")?.recvImmediate != 111)
                cases["recv_immediate"] = "1"
            }
            // Someone saves; a save naming the version a dry run answered is then a conflict.
            #expect(try await Self.put(b, rep, version: read, ["recv_immediate": "222"]).status == .ok)
            #expect(try await Self.put(b, rep, version: read, ["recv_immediate": "333"]).status == .conflict)
            #expect(try await web.caseRow("C01")?.recvImmediate == 222)
            let bad = try await Self.put(b, rep, version: read + 1, ["recv_immediate": "4"], query: "?dryRun=maybe")
            #expect(bad.status == .badRequest && bad.text.contains("dryRun"))
            #expect(try await web.caseRow("C01")?.recvImmediate == 222)
        }
    }

    /// A reporter's record of a case held under another unit was refused only when it would win the merge; when
    /// it lost it was dropped and answered "unchanged", which told the reporter that the case exists.
    @Test func aRecordOfAnotherUnitsCaseIsRefusedEvenWhenItWouldLose() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let (admin, rep) = (try await APITests.token(web, "admin"), try await APITests.token(web, "rep1"))
            let header = ProbeFindingsTests.header
            // Two days on: no case may be completed after now.
            web.clock.advance(2 * 86_400)
            let theirs = header + "GC-9,C02,事项,审批,承诺,2021-08-01 09:00:00,2021-08-02 10:00:00,5\n"
            let up = try await b.request(
                .post, "/api/v1/packages?name=case_records.csv", body: ByteBuffer(string: theirs), headers: admin)
            #expect(up.status == .ok, "\(up.text)")
            let before = try await web.store.caseTotals(district: "yubei")
            // Still open: an earlier state than the stored completed one, so it would lose the merge.
            let open = header + "GC-9,C01,事项,审批,承诺,2021-08-01 09:00:00,,5\n"
            let r = try await b.request(
                .post, "/api/v1/packages?name=case_records.csv", body: ByteBuffer(string: open), headers: rep)
            #expect(r.status == .unprocessableContent, "\(r.text)")
            #expect(r.text.contains("E036") && !r.text.contains("unchanged"))
            #expect(try await web.store.caseTotals(district: "yubei") == before)
        }
    }

    /// 63 case records of a megabyte each went in through one upload (62 MB stored, 14 s of the server's time).
    @Test func anUploadedCaseRecordPast16KBIsRefused() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let rep = try await APITests.token(web, "rep1")
            let big =
                ProbeFindingsTests.header
                + "GC-7,C01,\(String(repeating: "项", count: 7000)),审批,承诺,2021-08-01 09:00:00,,5\n"
            let before = try await web.store.caseTotals(district: "yubei")
            let r = try await b.request(
                .post, "/api/v1/packages?name=case_records.csv", body: ByteBuffer(string: big), headers: rep)
            #expect(
                r.status == .unprocessableContent && r.text.contains("E012") && r.text.contains("16 KB"), "\(r.text)")
            #expect(try await web.store.caseTotals(district: "yubei") == before)
        }
    }

    /// The re-probe: figures.csv had no bound (a 19-digit 报送数 crashed every render), a rubric maximum of 165
    /// nines made a unit's score NaN; and an empty, repeated or misspelt `dryRun` saved for real.
    @Test func figuresAndMaximaAreBoundedAndDryRunIsOnlyEverExplicit() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let admin = try await APITests.token(web, "admin")
            for (name, csv) in [
                ("figures.csv", "period,key,value,note\n2021-07,all.done,9223372036854775807,\n"),
                ("rubric.csv", "code,name,max\nK9,测试,\(String(repeating: "9", count: 165))\n"),
            ] {
                let r = try await b.request(
                    .post, "/api/v1/packages?name=\(name)", body: ByteBuffer(string: csv), headers: admin)
                #expect(r.status == .unprocessableContent && r.text.contains("E038"), "\(name): \(r.text)")
            }
            #expect(try await b.request(.get, "/api/v1/periods/2021-07/dashboard", headers: admin).status == .ok)
            let csv = ByteBuffer(string: "period,unit,recv_immediate\n2021-07,C01,1\n")
            for query in ["dryRun=", "dryRun", "dryrun=true", "dryRun=false&dryRun=true", "name=c.csv&x=1"] {
                let r = try await b.request(.post, "/api/v1/packages?\(query)", body: csv, headers: admin)
                #expect(r.status == .badRequest, "\(query): \(r.text)")
                let rep = try await APITests.token(web, "rep1")
                let put = try await Self.put(b, rep, version: 1, ["recv_immediate": "1"], query: "?" + query)
                #expect(put.status == .badRequest, "PUT \(query): \(put.text)")
            }
            #expect(try await web.caseRow("C01")?.recvImmediate != 1)
        }
    }
}
