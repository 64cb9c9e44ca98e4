import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

@Suite("JSON API")
struct APITests {
    static func token(_ web: Harness, _ user: String) async throws -> HTTPFields {
        let token = Secrets.token()
        let now = web.clock.read()
        try await web.store.addToken(
            tokenHash: Secrets.sha256(token), user: user, at: now,
            expires: now.addingTimeInterval(APIToken.defaultLifetime))
        return [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: TestBackend.available) func reportsAreReadAndSavedWithAVersionCheck(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = web.browser()
            let h = try await Self.token(web, "rep1")
            let get = try await b.request(.get, "/api/v1/reports/C01/2021-07", headers: h)
            #expect(get.status == .ok)
            var report = try Self.json(get.text)
            #expect(report["version"] as? Int == 1)
            var cases = try #require(report["cases"] as? [String: String])
            cases["recv_immediate"] = "2468"
            let body = try JSONSerialization.data(withJSONObject: ["version": 1, "cases": cases])
            let put = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: body), headers: h)
            #expect(put.status == .ok)
            report = try Self.json(put.text)
            #expect(report["version"] as? Int == 2)
            #expect(try await web.caseRow("C01")?.recvImmediate == 2468)
            // The same stale version again: 409, nothing changed.
            cases["recv_immediate"] = "1"
            let stale = try JSONSerialization.data(withJSONObject: ["version": 1, "cases": cases])
            let conflict = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: stale), headers: h)
            #expect(conflict.status == .conflict)
            #expect(try await web.caseRow("C01")?.recvImmediate == 2468)
            // Another unit: 403.
            let other = try await b.request(
                .put, "/api/v1/reports/C02/2021-07", body: ByteBuffer(bytes: stale), headers: h)
            #expect(other.status == .forbidden)
            #expect(try await b.request(.get, "/api/v1/reports/C02/2021-07", headers: h).status == .forbidden)
            // Bad figures: 422 with the issue's code and column.
            cases["recv_immediate"] = "-3"
            let bad = try JSONSerialization.data(withJSONObject: ["version": 2, "cases": cases])
            let invalid = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: bad), headers: h)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("recv_immediate"))
            let malformed = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(string: "{"), headers: h)
            #expect(malformed.status == .badRequest)
        }
    }

    /// A save's checks run after the commit on the unit's own rows: the reporter is shown exactly the warnings of
    /// their unit that the whole district's checks give it (the admin's dry run of the same figures), no others.
    @Test(arguments: TestBackend.available) func aReporterIsShownTheirUnitsWarningsAndNoOthers(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = web.browser()
            let before = try #require(try await web.caseRow("C01"))
            // Far more cases than the year so far: W107 (year-to-date below the month) for 区住房城乡建委.
            let body = { (version: Int, dryRun: Bool) in
                try JSONSerialization.data(
                    withJSONObject: [
                        "version": version, "dryRun": dryRun,
                        "cases": ["recv_immediate": "\((before.recvImmediate ?? 0) * 10 + 5000)"],
                    ] as [String: Any])
            }
            func warnings(_ text: String) throws -> [String] {
                let list = try #require(try Self.json(text)["warnings"] as? [[String: Any]])
                return list.map { "\($0["code"] ?? "")|\($0["message"] ?? "")" }.sorted()
            }
            let admin = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: try body(1, true)),
                headers: try await Self.token(web, "admin"))
            #expect(admin.status == .ok, "\(admin.text)")
            let everyUnit = try warnings(admin.text)
            let own = everyUnit.filter { $0.contains("区住房城乡建委") }
            #expect(own.contains { $0.hasPrefix("W107|") }, "\(everyUnit)")
            #expect(own.count < everyUnit.count, "the district's checks warn about other units too")
            let put = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: try body(1, false)),
                headers: try await Self.token(web, "rep1"))
            #expect(put.status == .ok, "\(put.text)")
            #expect(try warnings(put.text) == own)
        }
    }

    @Test(arguments: TestBackend.available) func aPartialPutChangesOnlyTheFieldsItNames(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = web.browser()
            let h = try await Self.token(web, "rep1")
            let before = try #require(try await web.caseRow("C01"))
            let body = try JSONSerialization.data(withJSONObject: ["version": 1, "cases": ["recv_promised": "77"]])
            let put = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: body), headers: h)
            #expect(put.status == .ok, "\(put.text)")
            var expected = before
            expected.recvPromised = 77
            #expect(try await web.caseRow("C01") == expected, "the other figures keep their values")
            // An empty string clears a figure (not reported).
            let clear = try JSONSerialization.data(withJSONObject: ["version": 2, "cases": ["ytd_recv": ""]])
            let cleared = try await b.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: clear), headers: h)
            #expect(cleared.status == .ok)
            expected.ytdRecv = nil
            #expect(try await web.caseRow("C01") == expected)
        }
    }

    /// Case records are not audited one by one: an upload of them lists the monthly figures they change, as the
    /// audit log has them (it listed nothing).
    @Test func caseRecordUploadsListTheFiguresTheyChange() async throws {
        try await Web.run(.sqlite) { web in
            var h = try await Self.token(web, "rep1")
            h[.contentType] = "text/csv"
            let csv = ByteBuffer(
                string: "case_id,unit,category,kind,received_at,completed_at,promised_days,channel\n"
                    + "K1,C01,审批,承诺,2021-08-02 07:00,2021-08-02 07:30,3,网上\n")
            let dry = try await web.browser().request(
                .post, "/api/v1/packages?name=case_records.csv&dryRun=true", body: csv, headers: h)
            #expect(dry.status == .ok, "\(dry.text)")
            let changes = try #require(try Self.json(dry.text)["changes"] as? [[String: Any]])
            let listed = Set(
                changes.map { "\($0["table"] ?? "") \($0["key"] ?? "") \($0["column"] ?? "") \($0["new"] ?? "")" })
            #expect(
                listed.isSuperset(of: [
                    "case_totals 2021-08 C01 recv_promised 1", "case_totals 2021-08 C01 done_promised 1",
                    "case_totals 2021-08 C01 on_time 1", "case_totals 2021-08 C01 approval 1",
                    "case_totals 2021-08 C01 early 1", "case_totals 2021-08 C01 online 1",
                ]), "\(listed)")
            #expect(try await web.store.caseTotals(district: "yubei").figures.isEmpty, "a dry run keeps nothing")
            // Kept: the audit log has the same figures, each named in Chinese.
            let kept = try await web.browser().request(
                .post, "/api/v1/packages?name=case_records.csv", body: csv, headers: h)
            #expect(kept.status == .ok, "\(kept.text)")
            let units = UnitDirectory(try await web.store.units(district: "yubei"))
            let audited = try await web.store.auditEntries(district: "yubei", table: "case_totals")
            #expect(Set(audited.map(\.column)) == Set(changes.map { $0["column"] as? String ?? "" }))
            let names = audited.map { $0.readable(units).figure }
            #expect(names.allSatisfy { !$0.contains(where: \.isASCII) } && names.contains("审批类办结"), "\(names)")
            // The same case again with an earlier received day: kept as stored (no correction), and said so.
            let earlier = ByteBuffer(
                string: "case_id,unit,category,kind,received_at,completed_at,promised_days,channel\n"
                    + "K1,C01,审批,承诺,2021-08-01 07:00,2021-08-02 07:30,3,网上\n")
            let again = try await web.browser().request(
                .post, "/api/v1/packages?name=case_records.csv", body: earlier, headers: h)
            let answer = try Self.json(again.text)
            #expect(again.status == .ok && (answer["changes"] as? [Any])?.isEmpty == true, "\(again.text)")
            let notices = (answer["warnings"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "N204" }
            #expect((notices.first?["message"] as? String)?.hasPrefix("1 件办件以不同的受理日期再次出现") == true, "\(again.text)")
        }
    }

    @Test(arguments: TestBackend.available) func packagesDryRunListsChangesAndPublishFreezes(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = web.browser()
            let h = try await Self.token(web, "admin")
            var csvHeaders = h
            csvHeaders[.contentType] = "text/csv"
            let csv = ByteBuffer(string: "period,unit,recv_immediate\n2021-07,C02,9\n")
            let dry = try await b.request(
                .post, "/api/v1/packages?dryRun=true&name=cases.csv", body: csv, headers: csvHeaders)
            #expect(dry.status == .ok)
            let result = try Self.json(dry.text)
            #expect(result["dryRun"] as? Bool == true)
            let changes = try #require(result["changes"] as? [[String: Any]])
            #expect(changes.contains { $0["column"] as? String == "recv_immediate" && $0["new"] as? String == "9" })
            #expect(try await web.caseRow("C02")?.recvImmediate != 9)
            let publish = try await b.request(.post, "/api/v1/periods/2021-07/publish", headers: h)
            #expect(publish.status == .ok)
            #expect(try Self.json(publish.text)["issue"] as? Int == 7)
            let frozen = try await b.request(.post, "/api/v1/packages?name=cases.csv", body: csv, headers: csvHeaders)
            #expect(frozen.status == .conflict)
            // The refusal names its issue, as the README's list of codes says.
            let codes = (try Self.json(frozen.text)["issues"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(codes == ["E020"], "\(frozen.text)")
            // A save of the published month based on an old version is told the month is published, not to reload.
            let stale = try JSONSerialization.data(withJSONObject: ["version": 0, "cases": ["recv_immediate": "1"]])
            let frozenPut = try await b.request(
                .put, "/api/v1/reports/C02/2021-07", body: ByteBuffer(bytes: stale), headers: h)
            #expect(frozenPut.status == .conflict)
            let putCodes = (try Self.json(frozenPut.text)["issues"] as? [[String: Any]])?.compactMap {
                $0["code"] as? String
            }
            #expect(putCodes == ["E020"], "\(frozenPut.text)")
            let noReason = try await b.request(
                .post, "/api/v1/periods/2021-07/reopen", body: ByteBuffer(string: "{\"reason\":\"\"}"), headers: h)
            #expect(noReason.status == .badRequest)
            let reopen = try await b.request(
                .post, "/api/v1/periods/2021-07/reopen", body: ByteBuffer(string: "{\"reason\":\"更正\"}"), headers: h)
            #expect(reopen.status == .ok)
            #expect(
                try await b.request(.post, "/api/v1/packages?name=cases.csv", body: csv, headers: csvHeaders).status
                    == .ok)
            #expect(try await web.caseRow("C02")?.recvImmediate == 9)
            let audit = try await b.request(.get, "/api/v1/audit?unit=C02&period=2021-07", headers: h)
            #expect(audit.text.contains("\"new\" : \"9\""))
            #expect(Int(audit.headers[.init("X-Total-Count")!] ?? "") ?? 0 >= 1)
            // By the unit's name too, as the audit page and the command take it (区财政局 is C02).
            let byName = try await b.request(
                .get, "/api/v1/audit?unit=%E5%8C%BA%E8%B4%A2%E6%94%BF%E5%B1%80&period=2021-07", headers: h)
            #expect(byName.headers[.init("X-Total-Count")!] == audit.headers[.init("X-Total-Count")!])
            for bad in ["0", "10001", "many"] {
                let refused = try await b.request(.get, "/api/v1/audit?limit=\(bad)", headers: h)
                #expect(refused.status == .badRequest, "limit=\(bad)")
            }
            let one = try await b.request(.get, "/api/v1/audit?limit=1", headers: h).text
            #expect((try JSONSerialization.jsonObject(with: Data(one.utf8)) as? [Any])?.count == 1)
        }
    }

    @Test(arguments: TestBackend.available) func rolesAreEnforcedOnTheAPI(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let b = web.browser()
            let rep = try await Self.token(web, "rep1")
            let viewer = try await Self.token(web, "viewer")
            let units = try await b.request(.get, "/api/v1/units", headers: rep)
            #expect(units.status == .ok)
            #expect(units.text.contains("\"C01\""))
            #expect(!units.text.contains("\"C02\""))
            #expect(try await b.request(.get, "/api/v1/periods/2021-07/dashboard", headers: rep).status == .forbidden)
            #expect(try await b.request(.get, "/api/v1/audit", headers: viewer).status == .forbidden)
            #expect(try await b.request(.post, "/api/v1/periods/2021-07/publish", headers: viewer).status == .forbidden)
            let dashboard = try await b.request(.get, "/api/v1/periods/2021-07/dashboard", headers: viewer)
            #expect(dashboard.status == .ok)
            #expect(try Self.json(dashboard.text)["total"].flatMap { $0 as? [String: Any] }?["value"] as? Int == 309055)
            let bulletin = try await b.request(.get, "/api/v1/periods/2021-07/bulletin", headers: viewer)
            #expect(bulletin.status == .ok)
            #expect(bulletin.text.contains("\"overview\""))
            let upload = try await b.request(
                .post, "/api/v1/packages?name=cases.csv", body: ByteBuffer(string: "period,unit\n"), headers: viewer)
            #expect(upload.status == .forbidden)
        }
    }

    /// The OpenAPI document is valid JSON, public, and describes exactly the routes the API serves.
    @Test(arguments: TestBackend.available) func openAPIDocumentDescribesEveryRoute(_ backend: TestBackend) async throws
    {
        try await Web.run(backend) { web in
            let r = try await web.browser().get("/api/v1/openapi.json")
            #expect(r.status == .ok)
            let doc = try Self.json(r.text)
            #expect(doc["openapi"] as? String == "3.0.3")
            let paths = Set(try #require(doc["paths"] as? [String: Any]).keys)
            let served: Set<String> = [
                "/api/v1/openapi.json", "/api/v1/units", "/api/v1/periods/{period}/dashboard",
                "/api/v1/periods/{period}/bulletin", "/api/v1/periods/{period}/publish",
                "/api/v1/periods/{period}/reopen",
                "/api/v1/reports/{unit}/{period}", "/api/v1/packages", "/api/v1/audit", "/api/v1/city/{period}",
                "/api/v1/periods/{period}/overdue", "/api/v1/periods/{period}/unfavourable",
            ]
            #expect(paths == served)
            #expect(
                Set(
                    APIRoutes.patterns.map {
                        $0.replacingOccurrences(of: #":(\w+)"#, with: "{$1}", options: .regularExpression)
                    }) == served)
        }
    }
}
