import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

@testable import TongbaoServer

/// Issue 14's findings on uploads, HTTP methods and caching, PDF rendering and data integrity, each through the
/// application's router.
@Suite struct BoundsTests {
    static let boundary = "----tongbao-bounds"

    /// A multipart body of `parts` (name, file name or nil, content), in that order.
    static func multipart(_ parts: [(String, String?, String)]) -> ByteBuffer {
        var body = ""
        for (name, file, content) in parts {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let file { body += "; filename=\"\(file)\"" }
            body += "\r\n\r\n\(content)\r\n"
        }
        return ByteBuffer(string: body + "--\(boundary)--\r\n")
    }

    static func spooled() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: Spool.root.path).count) ?? 0
    }

    @Test func theUploadFormIsCheckedBeforeAnyByteOfTheFileIsKept() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("admin")
            let csv = "period,unit,recv_immediate\n2021-07,C01,5\n"
            let type = "multipart/form-data; boundary=\(Self.boundary)"
            // The token after the file, a wrong token, no token: refused as CSRF.
            for parts in [
                [("file", "cases.csv", csv), ("_csrf", nil, b.csrf)],
                [("_csrf", nil, "forged"), ("file", "cases.csv", csv)],
                [("file", "cases.csv", csv)],
            ] as [[(String, String?, String)]] {
                let r = try await b.request(.post, "/upload", body: Self.multipart(parts), type: type)
                #expect(r.status == .forbidden, "\(parts.map(\.0))")
            }
            // Names no file can have: 400.
            for name in ["/", ".", "..", String(repeating: "长", count: 300) + ".csv", "a\u{01}.csv"] {
                let r = try await b.request(
                    .post, "/upload", body: Self.multipart([("_csrf", nil, b.csrf), ("file", name, csv)]), type: type)
                #expect(r.status == .badRequest, "\(name.prefix(10))")
            }
            let api = try await APITests.token(web, "admin")
            let bad = try await b.request(
                .post, "/api/v1/packages?name=%2F", body: ByteBuffer(string: csv), headers: api)
            #expect(bad.status == .badRequest)
            #expect(try await web.caseRow("C01")?.recvImmediate != 5)
        }
    }

    @Test func previewsAreCappedPerAccountAndExpire() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("admin")
            var ids: [String] = []
            for n in 1...4 {
                let r = try await b.upload(
                    "/upload", file: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,C01,\(n)\n".utf8))
                #expect(r.status == .ok)
                ids.append(try #require(Browser.hidden("id", r.text)))
            }
            // Three kept per account: the first is gone.
            #expect(try await b.post("/upload/confirm", ["id": ids[0]]).status == .notFound)
            #expect(try await b.post("/upload/confirm", ["id": ids[3]]).status == .seeOther)
            #expect(try await web.caseRow("C01")?.recvImmediate == 4)
            // Half an hour later the rest have expired.
            web.clock.advance(31 * 60)
            let again = try await web.signedIn("admin")
            #expect(try await again.post("/upload/confirm", ["id": ids[2]]).status == .notFound)
        }
    }

    @Test func anUploadPastTheLimitIs413AndSavesNothing() async throws {
        try await Web.run(.sqlite, configure: { $0.uploadLimit = 1 << 10 }, Self.uploadPastTheLimit)
    }

    @Sendable static func uploadPastTheLimit(_ web: Harness) async throws {
        let b = try await web.signedIn("admin")
        let rows = (0..<200).map { _ in "2021-07,C01,7" }.joined(separator: "\n")
        let r = try await b.upload(
            "/upload", file: "cases.csv", data: Data(("period,unit,recv_immediate\n" + rows).utf8))
        #expect(r.status == .contentTooLarge)
        #expect(r.text.contains("上限"))
        let api = try await APITests.token(web, "admin")
        let big = try await b.request(
            .post, "/api/v1/packages?name=cases.csv", body: ByteBuffer(string: "period,unit\n" + rows),
            headers: api)
        #expect(big.status == .contentTooLarge)
        // A form field is read up to 1 MB, not more.
        let form = try await b.post(
            "/events/2021-07", ["date": "2021-07-30", "text": String(repeating: "x", count: 2 << 20)])
        #expect(form.status == .contentTooLarge || form.status == .badRequest, "\(form.status)")
    }

    @Test func headIsAnsweredLikeGetAndOtherMethodsGet405() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("admin")
            let get = try await b.get("/dashboard/2021-07")
            let head = try await b.request(.head, "/dashboard/2021-07")
            #expect(head.status == .ok && head.data.isEmpty)
            #expect(head.headers[.contentType] == get.headers[.contentType])
            let api = try await APITests.token(web, "admin")
            for (method, path) in [
                (HTTPRequest.Method.delete, "/api/v1/units"), (.put, "/api/v1/periods/2021-07/dashboard"),
                (.post, "/api/v1/units"), (.delete, "/api/v1/reports/C01/2021-07"),
            ] {
                let r = try await b.request(method, path, headers: api)
                #expect(r.status == .methodNotAllowed, "\(method) \(path)")
                #expect(r.headers[.init("Allow")!]?.contains("GET") == true, "\(method) \(path)")
            }
            #expect(try await b.request(.get, "/api/v1/no-such-thing", headers: api).status == .notFound)
            // Every declared method is routed (none of them gives 405).
            for url in SiteURL.allCases where url.isAPI {
                let path = url.link("C01", "2021-07").replacingOccurrences(of: ":period", with: "2021-07")
                for method in url.methods {
                    let r = try await b.request(method, path, headers: api)
                    #expect(r.status != .methodNotAllowed, "\(method) \(path)")
                }
            }
        }
    }

    @Test func pagesAndDocumentsAreNotCached() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("admin")
            for path in [
                "/dashboard/2021-07", "/bulletin/2021-07/document/md", "/bulletin/2021-07/document/xlsx", "/me",
            ] {
                #expect(try await b.get(path).headers[.cacheControl] == "no-store", "\(path)")
            }
            let api = try await APITests.token(web, "admin")
            #expect(
                try await b.request(.get, "/api/v1/periods/2021-07/bulletin", headers: api).headers[.cacheControl]
                    == "no-store")
            #expect(try await b.get("/assets/style.css").headers[.cacheControl] == "max-age=3600")
        }
    }

    @Test func atMostTwoRendersRunAndAFullQueueGets503() async throws {
        let gate = RenderGate(width: 2, queue: 2)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    (try? await gate.run { try await Task.sleep(for: .milliseconds(200)) }) != nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(await gate.peak == 2)
        #expect(results.filter { $0 }.count == 4, "two running, two waiting")
        #expect(results.filter { !$0 }.count == 2, "the rest refused")
        // Refused with 503 and a Chinese message.
        let full = RenderGate(width: 1, queue: 0)
        async let busy: Void = full.run { try await Task.sleep(for: .milliseconds(300)) }
        try await Task.sleep(for: .milliseconds(50))
        let refused = await #expect(throws: WebError.self) { try await full.run { () } }
        // Told when to come back (Retry-After), as a client waiting for a database lock is too.
        if case .unavailable(_, let retry) = refused {
            #expect(retry == 5)
        } else {
            Testing.Issue.record("\(String(describing: refused))")
        }
        if case .unavailable(_, let retry) = WebError.from(StoreError.busy) {
            #expect(retry == 10)
        } else {
            Testing.Issue.record("busy is not 503")
        }
        try await busy
    }

    @Test func anImportMovesTheVersionSoAnOlderSaveIsRefused() async throws {
        try await Web.run(.sqlite) { web in
            let rep = web.browser()
            let h = try await APITests.token(web, "rep1")
            let report = try APITests.json(try await rep.request(.get, "/api/v1/reports/C01/2021-07", headers: h).text)
            let version = try #require(report["version"] as? Int)
            // The admin imports a file that changes C01.
            let admin = try await web.signedIn("admin")
            let up = try await admin.upload(
                "/upload", file: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,C01,999\n".utf8))
            #expect(
                try await admin.post("/upload/confirm", ["id": Browser.hidden("id", up.text) ?? ""]).status == .seeOther
            )
            let stale = try JSONSerialization.data(withJSONObject: [
                "version": version, "cases": ["recv_immediate": "5"],
            ])
            let put = try await rep.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: stale), headers: h)
            #expect(put.status == .conflict)
            #expect(try await web.caseRow("C01")?.recvImmediate == 999)
            // An import that changes nothing leaves the version where it was.
            let now = try await web.store.reportVersion(
                district: "yubei", period: Period(year: 2021, month: 7), unit: "C01")
            _ = try await Importer(store: web.store, district: "yubei", change: Change(actor: "a", source: "t")).run(
                files: [
                    PackageFile(name: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,C01,999\n".utf8))
                ])
            #expect(
                try await web.store.reportVersion(district: "yubei", period: Period(year: 2021, month: 7), unit: "C01")
                    .version == now.version)
        }
    }

    @Test func aReporterCannotInventA通办ScopeAndSeesOnlyTheirOwnWarnings() async throws {
        try await Web.run(.sqlite) { web in
            let rep = web.browser()
            let h = try await APITests.token(web, "rep1")
            let invented = try JSONSerialization.data(withJSONObject: [
                "version": 1, "cases": [String: String](), "tongban": ["火星通办": ["count": "3"]],
            ])
            let r = try await rep.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: invented), headers: h)
            #expect(r.status == .forbidden && r.text.contains("火星通办"))
            let known = try #require(try await web.store.tongbanScopes(district: "yubei").sorted().first)
            let ok = try JSONSerialization.data(withJSONObject: [
                "version": 1, "cases": [String: String](), "tongban": [known: ["count": "3"]],
            ])
            let saved = try await rep.request(
                .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: ok), headers: h)
            #expect(saved.status == .ok, "\(saved.text)")
            // The reporter's upload preview: no district-wide warning (missing units, totals), only C01's.
            let b = try await web.signedIn("rep1")
            let preview = try await b.upload(
                "/upload", file: "cases.csv", data: Data("period,unit,recv_immediate\n2021-08,C01,5\n".utf8))
            #expect(preview.status == .ok)
            #expect(!preview.text.contains("未报送"), "\(preview.text)")
            let adminPreview = try await (try await web.signedIn("admin")).upload(
                "/upload", file: "cases.csv", data: Data("period,unit,recv_immediate\n2021-08,C01,5\n".utf8))
            #expect(adminPreview.text.contains("未报送"))
        }
    }

    @Test func deletingAnEventThatIsNotThereChangesNothing() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("admin")
            let before = try await web.store.auditEntries(district: "yubei", table: nil).count
            let r = try await b.post("/events/2021-07/delete", ["date": "2021-07-30", "text": "从未有过的动态"])
            #expect(r.status == .notFound)
            #expect(try await web.store.auditEntries(district: "yubei", table: nil).count == before)
        }
    }

    @Test func unitCodesWithSpacesAndChineseWorkInEveryURL() async throws {
        try await Web.run(.sqlite) { web in
            _ = try await Importer(store: web.store, district: "yubei", change: Change(actor: "a", source: "t")).run(
                files: [
                    PackageFile(name: "units.csv", data: Data("code,name,tier\n区 01,区测试窗口,center\n".utf8)),
                    PackageFile(name: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,区 01,6\n".utf8)),
                ])
            let b = try await web.signedIn("admin")
            let path = SiteURL.report.link("区 01", "2021-07")
            #expect(path == "/report/%E5%8C%BA%2001/2021-07")
            let page = try await b.get(path)
            #expect(page.status == .ok && page.text.contains("区测试窗口"))
            #expect(try await b.get(path + "/template.xlsx").status == .ok)
            let api = try await APITests.token(web, "admin")
            let json = try await b.request(.get, "/api/v1/reports/%E5%8C%BA%2001/2021-07", headers: api)
            #expect(json.status == .ok)
            #expect(try APITests.json(json.text)["unit"] as? String == "区 01")
        }
    }

    @Test func theMarkdownBulletinEscapesWhatUsersTyped() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("admin")
            let text = "<script>alert(1)</script>[点我](javascript:alert(1))"
            #expect(try await b.post("/events/2021-07", ["date": "2021-07-29", "text": text]).status == .seeOther)
            let md = try await b.get("/bulletin/2021-07/document/md").text
            #expect(!md.contains("<script>") && md.contains("&lt;script&gt;"))
            #expect(md.contains("\\[点我\\]"))
        }
    }
}
