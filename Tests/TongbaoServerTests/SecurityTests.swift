import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

@Suite("Security: sign-in, sessions, CSRF, roles, escaping")
struct SecurityTests {
    /// Every page route with sample parameters, and the POST routes with the form fields they read.
    static let pages = [
        "/dashboard/2021-07", "/report/C01/2021-07", "/upload", "/scores/2021-07", "/events/2021-07",
        "/ancillary/2021-07", "/bulletin/2021-07", "/bulletin/2021-07/document/html", "/audit", "/accounts",
    ]
    static let posts: [(String, [String: String])] = [
        ("/report/C01/2021-07", ["action": "save", "version": "0", "recv_immediate": "1"]),
        ("/upload/confirm", ["id": "x"]),
        ("/scores/2021-07", ["s|C01|K01": "1"]),
        ("/events/2021-07", ["date": "2021-07-30", "text": "新动态"]),
        ("/events/2021-07/delete", ["date": "2021-07-30", "text": "x"]),
        ("/ancillary/2021-07", ["svc0": "新事项", "cnt0": "1"]),
        ("/bulletin/2021-07/publish", [:]),
        ("/bulletin/2021-07/reopen", ["reason": "x"]),
        ("/accounts", ["name": "new", "role": "viewer", "password": "long-enough"]),
        ("/accounts/password", ["name": "rep1", "password": "long-enough"]),
        ("/logout", [:]),
    ]

    @Test(arguments: TestBackend.available) func signedOutBrowserIsSentToLoginAndAPIGets401(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = web.browser()
            for path in Self.pages {
                let r = try await b.get(path)
                #expect(r.status == .found || r.status == .seeOther, "\(path)")
                #expect(r.location?.hasPrefix("/login?next=") == true, "\(path)")
            }
            for path in [
                "/api/v1/units", "/api/v1/periods/2021-07/dashboard", "/api/v1/reports/C01/2021-07", "/api/v1/audit",
            ] {
                let r = try await b.get(path)
                #expect(r.status == .unauthorized, "\(path)")
                #expect(r.text.contains("\"message\""))
            }
            let bad = try await b.request(.get, "/api/v1/units", headers: [.authorization: "Bearer not-a-token"])
            #expect(bad.status == .unauthorized)
        }
    }

    @Test(arguments: TestBackend.available) func sessionCookieIsHttpOnlyStrictAndLogoutEndsIt(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = web.browser()
            let form = try await b.get("/login")
            let token = Browser.csrfToken(form.text)!
            let r = try await b.request(
                .post, "/login",
                body: ByteBuffer(string: Browser.encode(["_csrf": token, "name": "admin", "password": Web.password])),
                type: "application/x-www-form-urlencoded")
            #expect(r.status == .found)
            let set = try #require(r.headers[values: .setCookie].first { $0.hasPrefix("tongbao_session=") })
            #expect(set.contains("HttpOnly"))
            #expect(set.contains("SameSite=Strict"))
            let session = try #require(b.cookie("tongbao_session"))
            // The store keeps a hash, not the token.
            #expect(try await web.store.session(tokenHash: session, now: web.clock.read(), idle: 1800) == nil)
            #expect(try await b.get("/dashboard/2021-07").status == .ok)
            #expect(try await b.post("/logout", [:]).status == .found)
            let stale = web.browser()
            stale.setCookie("tongbao_session", session)
            #expect(try await stale.get("/dashboard/2021-07").location?.hasPrefix("/login") == true)
        }
    }

    @Test(arguments: TestBackend.available) func passwordsAreStoredAsBcryptHashes(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let (_, hash) = try #require(try await web.store.account("admin"))
            #expect(hash.hasPrefix("$2"))
            #expect(!hash.contains(Web.password))
            #expect(Secrets.verify(Web.password, hash: hash))
            #expect(!Secrets.verify("wrong", hash: hash))
        }
    }

    /// Tokens and session ids are stored as SHA-256 in lower-case hex: what other tools (`bench/load.sh`,
    /// an administrator's script) write for them too. FIPS 180-2's test vectors.
    @Test func tokenHashesAreSHA256InLowerCaseHex() {
        #expect(Secrets.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secrets.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test(arguments: TestBackend.available) func wrongPasswordIsRefusedAndRepeatedFailuresAreSlowed(
        _ backend: TestBackend
    ) async throws {
        try await Web.run(backend) { web in
            let b = web.browser()
            for _ in 0..<3 {
                let r = try await b.login("admin", "wrong-password")
                #expect(r.status == .unauthorized)
                #expect(r.text.contains("用户名或密码错误"))
                #expect(b.cookie("tongbao_session") == nil)
            }
            let unknown = try await web.browser().login("nobody", Web.password)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("用户名或密码错误"))  // the same answer as a wrong password
            // After three failures even the right password must wait.
            let slowed = try await b.login("admin", Web.password)
            #expect(slowed.status == .tooManyRequests)
            #expect(Int(slowed.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(slowed.text.contains("登录失败次数过多"))
            web.clock.advance(60)
            #expect(try await b.login("admin", Web.password).status == .found)
            // Another name was never slowed.
            #expect(try await web.browser().login("viewer", Web.password).status == .found)
        }
    }

    @Test(arguments: TestBackend.available) func everyPostWithoutTheCSRFTokenIsRefusedAndChangesNothing(
        _ backend: TestBackend
    ) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            let before = try await web.store.fingerprint()
            for (path, fields) in Self.posts {
                let missing = try await b.post(path, fields, csrf: false)
                #expect(missing.status == .forbidden, "\(path)")
                var forged = fields
                forged["_csrf"] = "forged-token"
                let wrong = try await b.request(
                    .post, path, body: ByteBuffer(string: Browser.encode(forged)),
                    type: "application/x-www-form-urlencoded")
                #expect(wrong.status == .forbidden, "\(path)")
            }
            let upload = try await b.upload("/upload", file: "cases.csv", data: Data("period,unit\n".utf8), csrf: false)
            #expect(upload.status == .forbidden)
            #expect(try await web.store.fingerprint() == before)
            // The login form is checked against its own cookie.
            let fresh = web.browser()
            let r = try await fresh.request(
                .post, "/login", body: ByteBuffer(string: Browser.encode(["name": "admin", "password": Web.password])),
                type: "application/x-www-form-urlencoded")
            #expect(r.status == .forbidden)
        }
    }

    @Test(arguments: TestBackend.available) func everyFormCarriesTheSessionToken(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            for path in Self.pages where !path.contains("document") {
                let page = try await b.get(path)
                #expect(page.status == .ok, "\(path)")
                let forms = page.text.components(separatedBy: "<form").dropFirst().filter {
                    $0.contains("method=\"post\"")
                }
                #expect(!forms.isEmpty, "\(path)")
                for form in forms {
                    #expect(form.contains("name=\"_csrf\" value=\"\(b.csrf)\""), "\(path)")
                }
            }
        }
    }

    @Test(arguments: TestBackend.available) func reporterWritingAnotherUnitGets403AndNothingChanges(
        _ backend: TestBackend
    ) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("rep1")
            let before = try await web.store.fingerprint()
            #expect(try await b.get("/report/C02/2021-07").status == .forbidden)
            let save = try await b.post(
                "/report/C02/2021-07", ["action": "save", "version": "0", "recv_immediate": "1"])
            #expect(save.status == .forbidden)
            let csv = "period,unit,recv_immediate\n2021-07,C02,1\n"
            let upload = try await b.upload("/upload", file: "cases.csv", data: Data(csv.utf8))
            #expect(upload.status == .forbidden)
            for path in [
                "/dashboard/2021-07", "/bulletin/2021-07", "/audit", "/scores/2021-07", "/events/2021-07", "/accounts",
            ] {
                #expect(try await b.get(path).status == .forbidden, "\(path)")
            }
            #expect(try await b.post("/bulletin/2021-07/publish", [:]).status == .forbidden)
            #expect(
                try await b.post("/accounts/password", ["name": "admin", "password": "taken-over"]).status == .forbidden
            )
            #expect(
                try await b.post("/accounts", ["name": "x", "role": "admin", "password": "long-enough"]).status
                    == .forbidden)
            #expect(try await web.store.fingerprint() == before)
            #expect(try await web.browser().login("admin", Web.password).status == .found)
            // A viewer reads but writes nothing.
            let v = try await web.signedIn("viewer")
            #expect(try await v.get("/dashboard/2021-07").status == .ok)
            #expect(try await v.post("/report/C01/2021-07", ["action": "save", "version": "0"]).status == .forbidden)
            #expect(try await v.post("/events/2021-07", ["date": "2021-07-30", "text": "x"]).status == .forbidden)
            #expect(try await web.store.fingerprint() == before)
        }
    }

    @Test(arguments: TestBackend.available) func userTextIsEscapedEverywhere(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("admin")
            let evil = "<script>alert(1)</script>"
            let units = "code,name,tier\nC01,\"区住建委<img src=x onerror=alert(2)>\",center\n"
            let preview = try await b.upload("/upload", file: "units.csv", data: Data(units.utf8))
            #expect(preview.status == .ok)
            let idValue = try #require(Browser.hidden("id", preview.text))
            #expect(try await b.post("/upload/confirm", ["id": idValue]).status == .seeOther)
            #expect(try await b.post("/events/2021-07", ["date": "2021-07-30", "text": evil]).status == .seeOther)
            for path in [
                "/events/2021-07", "/dashboard/2021-07", "/scores/2021-07", "/report/C01/2021-07",
                "/bulletin/2021-07/document/html", "/audit",
            ] {
                let page = try await b.get(path)
                #expect(!page.text.contains("<script>"), "\(path)")
                #expect(!page.text.contains("<img src=x"), "\(path)")
            }
            #expect(try await b.get("/events/2021-07").text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(try await b.get("/report/C01/2021-07").text.contains("&lt;img src=x onerror=alert(2)&gt;"))
        }
    }

    @Test(arguments: TestBackend.available) func responsesCarrySecurityHeaders(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let r = try await web.browser().get("/login")
            #expect(r.headers[.contentSecurityPolicy]?.contains("script-src 'none'") == true)
            #expect(r.headers[.xContentTypeOptions] == "nosniff")
            let missing = try await web.browser().get("/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("找不到该页面"))
            let missingAPI = try await web.browser().get("/api/v1/nothing")
            #expect(missingAPI.status == .notFound)
            #expect(missingAPI.headers[.contentType]?.hasPrefix("application/json") == true)
            let css = try await web.browser().get("/assets/style.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
