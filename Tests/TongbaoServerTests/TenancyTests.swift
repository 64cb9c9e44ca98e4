import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

/// Districts are tenants: two districts in one store with the same unit codes; nobody of one district sees or
/// changes anything of the other, by any page or API route. A city account sees every district's month.
@Suite("Districts as tenants")
struct TenancyTests {
    static let marker = "97531"
    static let event = "江北专属动态"

    /// 江北区 gets the sample too, with one figure and one event of its own.
    static func addSecondDistrict(_ web: Harness) async throws {
        let change = Change(actor: "setup", source: "test", at: web.clock.read().addingTimeInterval(-3600))
        _ = try await Importer(store: web.store, district: "jb", districtName: "江北区", change: change)
            .run(files: try Fixtures.sampleFiles())
        let own = [
            PackageFile(name: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,C01,\(marker)\n".utf8)),
            PackageFile(name: "events.csv", data: Data("date,text\n2021-07-30,\(event)\n".utf8)),
        ]
        _ = try await Importer(store: web.store, district: "jb", change: change).run(files: own)
        let hash = Secrets.hashPassword(Web.password, cost: 4)
        try await web.store.addUser(
            Account(name: "jbadmin", district: "jb", role: .admin), passwordHash: hash, at: Date())
        try await web.store.ensureDistrict("cq", name: "重庆市")
        try await web.store.addUser(Account(name: "city", district: "cq", role: .city), passwordHash: hash, at: Date())
        try await web.store.setCity("cq", districts: ["yubei", "jb"])
    }

    static let pages = [
        "/", "/dashboard/2021-07", "/report/C01/2021-07", "/scores/2021-07", "/events/2021-07", "/ancillary/2021-07",
        "/bulletin/2021-07", "/bulletin/2021-07/document/md", "/bulletin/2021-07/document/json", "/audit?unit=C01",
        "/accounts", "/city/2021-07",
    ]
    static let api = [
        "/api/v1/units", "/api/v1/periods/2021-07/dashboard", "/api/v1/periods/2021-07/bulletin",
        "/api/v1/reports/C01/2021-07", "/api/v1/audit?unit=C01", "/api/v1/city/2021-07",
    ]

    @Test(arguments: TestBackend.available)
    func noRouteShowsAnotherDistrictsData(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            try await Self.addSecondDistrict(web)
            for name in ["admin", "rep1", "viewer"] {
                let b = try await web.signedIn(name)
                for path in Self.pages {
                    let page = try await b.get(path)
                    #expect(!page.text.contains(Self.marker), "\(name) \(path)")
                    #expect(!page.text.contains(Self.event), "\(name) \(path)")
                    #expect(!page.text.contains("江北区"), "\(name) \(path)")
                }
                let token = try await APITests.token(web, name)
                for path in Self.api {
                    let r = try await b.request(.get, path, headers: token)
                    #expect(!r.text.contains(Self.marker) && !r.text.contains(Self.event), "\(name) \(path)")
                }
            }
            // 江北区's own admin does see them.
            let jb = try await web.signedIn("jbadmin")
            #expect(try await jb.get("/report/C01/2021-07").text.contains("value=\"\(Self.marker)\""))
            #expect(try await jb.get("/events/2021-07").text.contains(Self.event))
        }
    }

    @Test(arguments: TestBackend.available)
    func writesStayInTheWritersDistrict(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            try await Self.addSecondDistrict(web)
            let jbBefore = try await web.store.load(district: "jb", period: Period(year: 2021, month: 7))
            let b = try await web.signedIn("admin")
            let row = try #require(try await web.caseRow("C01"))
            let save = try await b.post(
                "/report/C01/2021-07",
                ReportFormTests.fields(row, recvImmediate: "1").merging(["action": "save", "version": "1"]) { $1 })
            #expect(save.status == .seeOther)
            // 江北's event is not in 渝北: nothing to delete there.
            #expect(
                try await b.post("/events/2021-07/delete", ["date": "2021-07-30", "text": Self.event]).status
                    == .notFound)
            #expect(try await b.post("/bulletin/2021-07/publish", [:]).status == .seeOther)
            let token = try await APITests.token(web, "admin")
            let csv = ByteBuffer(string: "period,unit,recv_immediate\n2021-07,C02,2\n")
            var h = token
            h[.contentType] = "text/csv"
            _ = try await b.request(
                .post, "/api/v1/periods/2021-07/reopen", body: ByteBuffer(string: "{\"reason\":\"x\"}"), headers: token)
            _ = try await b.request(.post, "/api/v1/packages?name=cases.csv", body: csv, headers: h)
            let jbAfter = try await web.store.load(district: "jb", period: Period(year: 2021, month: 7))
            #expect(jbAfter.cases == jbBefore.cases)
            #expect(jbAfter.events == jbBefore.events)
            #expect(try await web.store.publication(district: "jb", period: Period(year: 2021, month: 7)) == nil)
            #expect(try await web.store.auditEntries(district: "jb", table: nil).allSatisfy { $0.actor == "setup" })
            // A district's admin cannot make a city account for itself.
            let escalate = try await b.post("/accounts", ["name": "x", "role": "city", "password": "long-enough"])
            #expect(escalate.status == .badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func aCityAccountSeesEveryDistrictAndWritesNothing(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            try await Self.addSecondDistrict(web)
            let c = try await web.signedIn("city")
            #expect(try await c.get("/").location == "/city/2021-07")
            let page = try await c.get("/city/2021-07")
            #expect(page.status == .ok)
            #expect(page.text.contains("渝北区") && page.text.contains("江北区"))
            #expect(!page.text.contains("重庆市</td>"))  // the city's own code has no units and is not a row
            let jb = try #require(
                BulletinBuilder(
                    data: try await web.store.load(district: "jb", period: Period(year: 2021, month: 7)),
                    period: Period(year: 2021, month: 7)
                ).build().overview.total)
            #expect(page.text.contains("<td class=\"num\">\(309055 + jb)</td>"))
            for path in ["/dashboard/2021-07", "/report/C01/2021-07", "/bulletin/2021-07", "/audit", "/accounts"] {
                #expect(try await c.get(path).status == .forbidden, "\(path)")
            }
            #expect(try await c.post("/events/2021-07", ["date": "2021-07-30", "text": "x"]).status == .forbidden)
            let token = try await APITests.token(web, "city")
            let api = try await c.request(.get, "/api/v1/city/2021-07", headers: token)
            let districts = try #require(try APITests.json(api.text)["districts"] as? [[String: Any]])
            #expect(districts.map { $0["code"] as? String } == ["jb", "yubei"])
            // District accounts do not get the city view.
            let admin = try await web.signedIn("admin")
            #expect(try await admin.get("/city/2021-07").status == .forbidden)
            // The city sees its own districts only, not every district of the store.
            try await web.store.setCity("cq", districts: ["jb"])
            let own = try await c.get("/city/2021-07")
            #expect(own.text.contains("江北区") && !own.text.contains("渝北区"))
            let ownAPI = try await c.request(.get, "/api/v1/city/2021-07", headers: token)
            #expect(try #require(try APITests.json(ownAPI.text)["districts"] as? [[String: Any]]).count == 1)
        }
    }
}
