import Foundation
import HTTPTypes
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

/// Issue 14: a changed password or a disabled account ends every session and API token of the account.
@Suite struct AccountShutTests {
    @Test(arguments: TestBackend.available) func aNewPasswordEndsSessionsAndTokens(_ backend: TestBackend) async throws
    {
        try await Web.run(backend) { web in
            let admin = try await web.signedIn("admin")
            let token = try await APITests.token(web, "admin")
            #expect(try await admin.get("/audit").status == .ok)
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: token).status == .ok)

            try await web.store.setPassword("admin", passwordHash: Secrets.hashPassword("a-new-password-9", cost: 4))

            #expect(try await admin.get("/audit").status != .ok, "the old session is over")
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: token).status == .unauthorized)
            #expect(try await web.browser().login("admin", "a-new-password-9").status == .found)
        }
    }

    @Test(arguments: TestBackend.available) func aNameDifferingOnlyInCaseIsTheSameName(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let refused = await #expect(throws: StoreError.self) {
                try await web.store.addUser(
                    Account(name: "Admin", district: "yubei", role: .viewer), passwordHash: "x", at: Date(), change: nil
                )
            }
            #expect(refused?.errorDescription == "用户“admin”已存在")
            // Full-width, other case, or the same letters composed otherwise: the same name.
            for name in ["ＡＤＭＩＮ", "ａｄｍｉｎ", "Rep1", "REP２"] {
                await #expect(throws: StoreError.self, "\(name)") {
                    try await web.store.addUser(
                        Account(name: name, district: "yubei", role: .viewer), passwordHash: "x", at: Date(),
                        change: nil)
                }
            }
            try await web.store.addUser(
                Account(name: "admín", district: "yubei", role: .viewer), passwordHash: "x", at: Date(), change: nil)
            await #expect(throws: StoreError.self) {
                try await web.store.addUser(
                    Account(name: "admi\u{301}n", district: "yubei", role: .viewer), passwordHash: "x", at: Date(),
                    change: nil)
            }
        }
    }

    @Test(arguments: TestBackend.available) func aDisabledAccountSignsInNowhere(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let viewer = try await web.signedIn("viewer")
            let token = try await APITests.token(web, "viewer")
            try await web.store.setDisabled("viewer", true)
            #expect(try await viewer.get("/dashboard/2021-07").status != .ok)
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: token).status == .unauthorized)
            #expect(try await web.browser().login("viewer", Web.password).status == .unauthorized)
            try await web.store.setDisabled("viewer", false)
            #expect(try await web.browser().login("viewer", Web.password).status == .found)
        }
    }

    /// Every account change through the web is in the audit log: who made it, on which account, old and new
    /// value; a password only as 已更改, a token by its id.
    @Test func accountChangesAreAudited() async throws {
        try await Web.run(.sqlite) { web in
            let admin = try await web.signedIn("admin")
            let made = try await admin.post(
                "/accounts", ["name": "newperson1", "role": "viewer", "password": "a-long-password-1"])
            #expect(made.status == .seeOther)
            #expect(
                try await admin.post("/accounts/password", ["name": "viewer", "password": "another-password-2"]).status
                    == .seeOther)
            #expect(try await admin.post("/accounts/state", ["name": "rep1", "action": "disable"]).status == .seeOther)
            #expect(try await admin.post("/accounts/state", ["name": "rep1", "action": "enable"]).status == .seeOther)
            #expect(
                try await admin.post("/accounts/state", ["name": "newperson1", "action": "delete"]).status == .seeOther)
            let me = try await web.signedIn("rep2")
            #expect(try await me.post("/me/tokens", ["action": "create", "days": "30"]).status == .ok)

            let log = try await web.store.auditEntries(district: "yubei", table: "users")
            let lines = log.map { "\($0.actor) \($0.key) \($0.column) \($0.old ?? "-") \($0.new ?? "-")" }
            #expect(lines.contains("admin newperson1 role - viewer"))
            #expect(lines.contains("admin viewer password - 已更改"))
            #expect(lines.contains("admin rep1 disabled 否 是"))
            #expect(lines.contains("admin rep1 disabled 是 否"))
            #expect(lines.contains("admin newperson1 * 账号 -"))
            #expect(log.contains { $0.actor == "rep2" && $0.column == "token" && $0.new?.count == 8 })
            #expect(!log.contains { ($0.new ?? "").hasPrefix("$2") }, "no password hash in the log")
        }
    }

    @Test func passwordRulesHoldOnEveryPath() async throws {
        #expect(Account.passwordProblem("short-9", name: "li") != nil)
        #expect(Account.passwordProblem("          ", name: "li") != nil)
        #expect(Account.passwordProblem("zhang-admin", name: "ZHANG-ADMIN") != nil)
        #expect(Account.passwordProblem("long-enough", name: "li") == nil)
        try await Web.run(.sqlite) { web in
            let admin = try await web.signedIn("admin")
            for bad in ["nine-char", "           ", "newperson1"] {
                let r = try await admin.post("/accounts", ["name": "newperson1", "role": "viewer", "password": bad])
                #expect(r.status == .unprocessableContent, "\(bad)")
            }
            #expect(try await web.store.account("newperson1") == nil)
            let reset = try await admin.post("/accounts/password", ["name": "viewer", "password": "short"])
            #expect(reset.status == .unprocessableContent)
        }
    }

    @Test func ownPasswordNeedsTheOldOneAndEndsEverySession() async throws {
        try await Web.run(.sqlite) { web in
            let rep = try await web.signedIn("rep1")
            let other = try await web.signedIn("rep1")
            let token = try await APITests.token(web, "rep1")
            let me = try await rep.get("/me")
            #expect(me.status == .ok && me.text.contains("修改密码"))
            let wrong = try await rep.post(
                "/me/password", ["old": "not-it", "password": "a-new-password-9", "again": "a-new-password-9"])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("原密码不正确"))
            let mismatch = try await rep.post(
                "/me/password", ["old": Web.password, "password": "a-new-password-9", "again": "another-one-9"])
            #expect(mismatch.status == .unprocessableContent)
            let done = try await rep.post(
                "/me/password", ["old": Web.password, "password": "a-new-password-9", "again": "a-new-password-9"])
            #expect(done.status == .seeOther && done.location == "/login")
            #expect(try await other.get("/report/C01/2021-07").location?.hasPrefix("/login") == true)
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: token).status == .unauthorized)
            #expect(try await web.browser().login("rep1", "a-new-password-9").status == .found)
        }
    }

    @Test func tokensExpireAndAreListedAndRevoked() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("viewer")
            let made = try await b.post("/me/tokens", ["action": "create", "days": "30"])
            #expect(made.status == .ok)
            let token = try #require(
                made.text.range(of: #"<code>[A-Za-z0-9_-]{43}</code>"#, options: .regularExpression).map {
                    String(made.text[$0].dropFirst(6).dropLast(7))
                })
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: auth).status == .ok)
            let listed = try await web.store.tokens(user: "viewer")
            #expect(listed.count == 1 && listed[0].id == APIToken.id(ofHash: Secrets.sha256(token)))
            #expect(try await b.get("/me").text.contains(listed[0].id))
            // After 30 days it no longer opens the API.
            web.clock.advance(31 * 86400)
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: auth).status == .unauthorized)
            // Revoked from the page: gone.
            let again = try await web.signedIn("viewer")
            let second = try await again.post("/me/tokens", ["action": "create", "days": "90"])
            let id = try #require(
                try await web.store.tokens(user: "viewer").first { $0.expires > web.clock.read() }?.id)
            #expect(second.status == .ok)
            #expect(try await again.post("/me/tokens", ["action": "revoke", "id": id]).status == .seeOther)
            #expect(try await web.store.tokens(user: "viewer").allSatisfy { $0.id != id })
            #expect(try await again.post("/me/tokens", ["action": "revoke", "id": id]).status == .notFound)
        }
    }

    @Test func aSessionEndsAfterThirtyIdleMinutes() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("viewer")
            web.clock.advance(20 * 60)
            #expect(try await b.get("/dashboard/2021-07").status == .ok, "used within the idle time")
            web.clock.advance(20 * 60)
            #expect(try await b.get("/dashboard/2021-07").status == .ok, "20 minutes after the last use")
            web.clock.advance(31 * 60)
            #expect(try await b.get("/dashboard/2021-07").location?.hasPrefix("/login") == true, "idle too long")
        }
    }

    @Test func adminsDisableEnableDeleteAndUnlockFromThePage() async throws {
        try await Web.run(.sqlite) { web in
            let admin = try await web.signedIn("admin")
            let viewer = try await web.signedIn("viewer")
            #expect(
                try await admin.post("/accounts/state", ["name": "viewer", "action": "disable"]).status == .seeOther)
            #expect(try await viewer.get("/dashboard/2021-07").status != .ok)
            #expect(try await admin.get("/accounts").text.contains("已停用"))
            #expect(
                try await admin.post("/accounts/state", ["name": "viewer", "action": "enable"]).status == .seeOther)
            #expect(try await web.browser().login("viewer", Web.password).status == .found)
            // Locked by wrong passwords from one address, lifted by the admin.
            for _ in 0..<3 { _ = try await web.browser().login("rep2", "wrong-password") }
            #expect(try await web.browser().login("rep2", Web.password).status == .tooManyRequests)
            #expect(try await admin.post("/accounts/state", ["name": "rep2", "action": "unlock"]).status == .seeOther)
            #expect(try await web.browser().login("rep2", Web.password).status == .found)
            // Deleted: gone with its sessions; an admin keeps their own account.
            let rep = try await web.signedIn("rep2")
            #expect(try await admin.post("/accounts/state", ["name": "rep2", "action": "delete"]).status == .seeOther)
            #expect(try await web.store.accountExists("rep2") == false)
            #expect(try await rep.get("/report/C02/2021-07").location?.hasPrefix("/login") == true)
            let own = try await admin.post("/accounts/state", ["name": "admin", "action": "delete"])
            #expect(own.status == .unprocessableContent)
            #expect(
                try await viewer.post("/accounts/state", ["name": "rep1", "action": "delete"]).status == .forbidden)
        }
    }
}
