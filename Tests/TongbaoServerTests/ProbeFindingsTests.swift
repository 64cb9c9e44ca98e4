import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

@testable import TongbaoServer

/// What the attacker's probe of issue 14 found after the first round of fixes, one test each.
@Suite struct ProbeFindingsTests {
    static let header = "case_id,unit,item,category,kind,received_at,completed_at,promised_days\n"

    @Test func aReporterCannotTakeOverAnotherUnitsCase() async throws {
        try await Web.run(.sqlite) { web in
            let admin = try await APITests.token(web, "admin")
            let rep = try await APITests.token(web, "rep1")
            let b = web.browser()
            let theirs = Self.header + "GC-1,C02,事项,审批,承诺,2021-08-01 09:00:00,,5\n"
            let up = try await b.request(
                .post, "/api/v1/packages?name=case_records.csv", body: ByteBuffer(string: theirs), headers: admin)
            #expect(up.status == .ok, "\(up.text)")
            let before = try await web.store.caseTotals(district: "yubei")
            let mine = Self.header + "GC-1,C01,事项,审批,承诺,2021-08-01 09:00:00,2021-08-01 10:00:00,5\n"
            let taken = try await b.request(
                .post, "/api/v1/packages?name=case_records.csv", body: ByteBuffer(string: mine), headers: rep)
            #expect(taken.status == .unprocessableContent, "\(taken.text)")
            #expect(taken.text.contains("E036") && taken.text.contains("其他单位"))
            #expect(!taken.text.contains("C02") && !taken.text.contains("区财政局"), "the other unit is not named")
            #expect(try await web.store.caseTotals(district: "yubei") == before)
            // Their own new case goes in.
            let own = Self.header + "GC-2,C01,事项,审批,承诺,2021-08-01 09:00:00,,5\n"
            let fine = try await b.request(
                .post, "/api/v1/packages?name=case_records.csv", body: ByteBuffer(string: own), headers: rep)
            #expect(fine.status == .ok, "\(fine.text)")
        }
    }

    @Test func dryRunIsYesNoOrRefused() async throws {
        try await Web.run(.sqlite) { web in
            let h = try await APITests.token(web, "admin")
            let b = web.browser()
            let csv = ByteBuffer(string: "period,unit,recv_immediate\n2021-07,C01,1\n")
            for value in ["1", "yes", "True", "on"] {
                let r = try await b.request(.post, "/api/v1/packages?name=c.csv&dryRun=\(value)", body: csv, headers: h)
                #expect(r.status == .ok && r.text.contains("\"dryRun\" : true"), "\(value)")
            }
            let bad = try await b.request(.post, "/api/v1/packages?name=c.csv&dryRun=maybe", body: csv, headers: h)
            #expect(bad.status == .badRequest && bad.text.contains("dryRun"))
            #expect(try await web.caseRow("C01")?.recvImmediate != 1)
        }
    }

    /// A misspelt field is refused by name, at any level: `dryrun` would otherwise save, `recv_promise` would
    /// silently keep the old figure.
    @Test func unknownJSONFieldsAreRefusedByName() async throws {
        try await Web.run(.sqlite) { web in
            let h = try await APITests.token(web, "rep1")
            let b = web.browser()
            let before = try await web.caseRow("C01")
            let bodies: [(Any, String)] = [
                (["version": 1, "cases": ["recv_promised": "77"], "dryrun": true], "dryrun"),
                (["version": 1, "cases": ["recv_promise": "77"]], "cases.recv_promise"),
                (["version": 1, "cases": [:], "tongban": ["全市通办": ["count": "3", "ytdd": "9"]]], "ytdd"),
            ]
            for (json, field) in bodies {
                let body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
                let r = try await b.request(.put, "/api/v1/reports/C01/2021-07", body: body, headers: h)
                #expect(r.status == .badRequest && r.text.contains("未知字段") && r.text.contains(field), "\(r.text)")
            }
            #expect(try await web.caseRow("C01") == before, "nothing saved")
        }
    }

    @Test func noMonthAfterThisOneAndReportersWithinAYear() async throws {
        try await Web.run(.sqlite) { web in
            let rep = try await APITests.token(web, "rep1")
            let admin = try await APITests.token(web, "admin")
            let b = web.browser()
            let body = try JSONSerialization.data(withJSONObject: ["version": 0, "cases": ["recv_immediate": "1"]])
            for (path, h) in [
                ("/api/v1/reports/C01/2099-01", rep), ("/api/v1/reports/C01/2019-01", rep),
                ("/api/v1/reports/C01/2021-09", admin),
            ] {
                let r = try await b.request(.put, path, body: ByteBuffer(bytes: body), headers: h)
                #expect(r.status == .unprocessableContent && r.text.contains("E037"), "\(path) \(r.status)")
            }
            // The admin may correct an old month; the current month is open to the reporter.
            #expect(
                try await b.request(.put, "/api/v1/reports/C01/2019-01", body: ByteBuffer(bytes: body), headers: admin)
                    .status == .ok)
            #expect(
                try await b.request(.put, "/api/v1/reports/C01/2021-08", body: ByteBuffer(bytes: body), headers: rep)
                    .status == .ok)
            #expect(try await web.store.latestPeriod(district: "yubei") == Period(year: 2021, month: 8))
        }
    }

    /// A reporter's case records too: none received before their 12 months (it would change last year's figures
    /// the bulletin compares with), and for everyone no case received or completed after now (and a day for clocks
    /// that differ). The clock here reads 2021-08-01 08:00 in China.
    @Test func caseRecordsThroughTheAPIAreBoundedInTime() async throws {
        try await Web.run(.sqlite) { web in
            var rep = try await APITests.token(web, "rep1")
            rep[.contentType] = "text/csv"
            var admin = try await APITests.token(web, "admin")
            admin[.contentType] = "text/csv"
            let b = web.browser()
            func post(_ received: String, _ completed: String, _ h: HTTPFields, dryRun: Bool = true) async throws
                -> Browser.Page
            {
                let csv =
                    "case_id,unit,category,kind,received_at,completed_at,promised_days\n"
                    + "K1,C01,审批,承诺,\(received),\(completed),3\n"
                return try await b.request(
                    .post, "/api/v1/packages?name=case_records.csv&dryRun=\(dryRun)", body: ByteBuffer(string: csv),
                    headers: h)
            }
            // (Completed in August: July's figures of C01 come from its monthly report, E019.)
            let old = try await post("2020-06-01 09:00", "2021-08-01 07:00", rep)
            #expect(old.status == .unprocessableContent && old.text.contains("E037") && old.text.contains("管理员"))
            #expect(try await post("2020-06-01 09:00", "2021-08-01 07:00", admin).status == .ok)
            for h in [rep, admin] {
                let later = try await post("2021-07-30 09:00", "2021-08-05 09:00", h)
                #expect(later.status == .unprocessableContent && later.text.contains("晚于现在"), "\(later.text)")
            }
            #expect(try await post("2021-08-01 07:00", "2021-08-01 07:30", rep).status == .ok)
            // Nor by moving a case stored under an old month: that month changes too.
            #expect(try await post("2020-06-01 09:00", "2021-08-01 07:00", admin, dryRun: false).status == .ok)
            let before = try await web.store.caseTotals(district: "yubei")
            let moved = try await post("2021-08-01 06:00", "2021-08-01 07:00", rep, dryRun: false)
            #expect(moved.status == .unprocessableContent && moved.text.contains("2020-06"), "\(moved.text)")
            #expect(try await web.store.caseTotals(district: "yubei") == before, "nothing saved")
        }
    }

    @Test func theOwnersUsualAddressIsNotLockedOutByOthers() async throws {
        try await Web.run(.sqlite, configure: { $0.trustProxy = true }, Self.usualAddress)
    }

    @Sendable static func usualAddress(_ web: Harness) async throws {
        #expect(try await LoginHardeningTests.login(web, "admin", Web.password, from: "192.168.1.5") == .found)
        for round in 0..<3 {
            for i in 0..<40 {
                _ = try await LoginHardeningTests.login(web, "admin", "wrong-password", from: "10.\(round).0.\(i)")
            }
            #expect(try await LoginHardeningTests.login(web, "admin", Web.password, from: "192.168.1.5") == .found)
            web.clock.advance(5)
        }
    }

    @Test func changingOnesPasswordIsThrottledAndMustChange() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("viewer")
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                statuses.append(
                    try await b.post(
                        "/me/password",
                        ["old": "guess-123456", "password": "x-new-password", "again": "x-new-password"]
                    )
                    .status)
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .unprocessableContent })
            #expect(statuses.last == .tooManyRequests)
            web.clock.advance(16 * 60)
            let again = try await web.signedIn("viewer")
            let same = try await again.post(
                "/me/password", ["old": Web.password, "password": Web.password, "again": Web.password])
            #expect(same.status == .unprocessableContent && same.text.contains("不能与原密码相同"))
        }
    }

    @Test func wrongMethodsAndPathsGet405And404BeforeCSRF() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let options = try await b.request(.options, "/login")
            #expect(options.status == .methodNotAllowed && options.headers[.init("Allow")!]?.contains("POST") == true)
            #expect(try await b.request(.delete, "/me").status == .methodNotAllowed)
            #expect(try await b.request(.delete, "/no-such-page").status == .notFound)
            #expect(try await b.post("/accounts", ["name": "x"], csrf: false).status == .forbidden, "CSRF still holds")
        }
    }

    @Test func aBadTokenIsSaidSoAndABigJSONBodyIs413() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let bad = try await b.request(.get, "/api/v1/units", headers: [.authorization: "Bearer nope"])
            #expect(bad.status == .unauthorized && bad.text.contains("令牌"))
            let h = try await APITests.token(web, "rep1")
            let big = ByteBuffer(
                string: "{\"version\":1,\"cases\":{\"x\":\"" + String(repeating: "1", count: 2 << 20) + "\"}}")
            #expect(
                try await b.request(.put, "/api/v1/reports/C01/2021-07", body: big, headers: h).status
                    == .contentTooLarge)
            let wrongVersion = ByteBuffer(string: "{\"version\":\"x\",\"cases\":{}}")
            let r = try await b.request(.put, "/api/v1/reports/C01/2021-07", body: wrongVersion, headers: h)
            #expect(r.status == .badRequest && r.text.contains("整数"))
        }
    }

    @Test func anIdleSessionEndsOnTimeAndAUsedOneDoesNot() async throws {
        try await Web.run(.sqlite, configure: { $0.idleTimeout = 60 }, Self.idleOneMinute)
    }

    @Sendable static func idleOneMinute(_ web: Harness) async throws {
        let used = try await web.signedIn("viewer")
        let unused = try await web.signedIn("admin")
        for _ in 0..<6 {
            web.clock.advance(20)
            #expect(try await used.get("/dashboard/2021-07").status == .ok)
        }
        #expect(try await unused.get("/dashboard/2021-07").location?.hasPrefix("/login") == true)
    }

    @Test func listsOpenedInExcelCannotRunAFormula() {
        #expect(CSVTable.spreadsheetField("=HYPERLINK(\"http://x\",\"点我\")").hasPrefix("\"'=HYPERLINK"))
        #expect(CSVTable.spreadsheetField("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVTable.spreadsheetField("-1+2") == "'-1+2")
        #expect(CSVTable.spreadsheetField("区住房城乡建委") == "区住房城乡建委")
    }
}
