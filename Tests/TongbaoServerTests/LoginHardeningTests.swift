import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore

@testable import TongbaoServer

/// Issue 14's login findings: an open redirect after login, names of any length, a throttle that parallel tries
/// could slip past and that kept every name forever.
@Suite struct LoginHardeningTests {
    /// Logs in with `next` as the login form would post it; returns the redirect's target.
    static func loginRedirect(_ web: Harness, next: String) async throws -> String? {
        let b = web.browser()
        let form = try await b.get("/login")
        let token = Browser.csrfToken(form.text) ?? ""
        let r = try await b.request(
            .post, "/login",
            body: ByteBuffer(
                string: Browser.encode(["_csrf": token, "name": "admin", "password": Web.password, "next": next])),
            type: "application/x-www-form-urlencoded")
        #expect(r.status == .found)
        return r.location
    }

    @Test(arguments: [
        "/%09/evil.example/", "//evil.example/", "/\\evil.example", "/%2F/evil.example", "/%5Cevil.example",
        "https://evil.example/", "/%252F%252Fevil.example", " /dashboard", "/\t/evil.example", "/%0A/evil",
    ])
    func nextLeavingTheSiteIsIgnored(next: String) async throws {
        try await Web.run(.sqlite) { web in
            let target = try await Self.loginRedirect(web, next: next)
            #expect(target == "/", "\(next)")
        }
    }

    @Test func nextOnTheSiteIsFollowed() async throws {
        try await Web.run(.sqlite) { web in
            let target = try await Self.loginRedirect(web, next: "/bulletin/2021-07")
            #expect(target == "/bulletin/2021-07")
            #expect(AuthController.safeNext("/report/%E5%8C%BA/2021-07") == "/report/%E5%8C%BA/2021-07")
        }
    }

    @Test func aNameLongerThan64CharactersIsRefusedBeforeAnyWork() async throws {
        try await Web.run(.sqlite) { web in
            let b = web.browser()
            let started = ContinuousClock.now
            let r = try await b.login(String(repeating: "名", count: 65), "whatever-password")
            #expect(r.status == .badRequest)
            // Answered at once (generous for a loaded machine): refused before the throttle and bcrypt.
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await b.login("admin\u{07}", Web.password).status == .badRequest, "control characters")
        }
    }

    /// A name ending in a space could be made before names were checked; such an account still signs in as typed,
    /// and a name typed with a stray space still finds its account.
    @Test func anOldNameEndingInASpaceStillSignsIn() async throws {
        try await Web.run(.sqlite) { web in
            try await web.store.addUser(
                Account(name: "li ", district: "yubei", role: .viewer),
                passwordHash: Secrets.hashPassword("li-password-1", cost: 4), at: Date(), change: nil)
            #expect(try await web.browser().login("li ", "li-password-1").status == .found)
            #expect(try await web.browser().login("li", "li-password-1").status == .unauthorized)
            #expect(try await web.browser().login(" admin ", Web.password).status == .found)
        }
    }

    @Test func thirtyParallelTriesTestAtMostThreePasswords() async throws {
        try await Web.run(.sqlite) { web in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await web.browser().login("admin", "wrong-password").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let tested = statuses.filter { $0 == .unauthorized }.count
            #expect(tested <= 3, "\(tested) passwords tested: \(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 27)
        }
    }

    @Test func theThrottleForgetsOldNamesAndStaysBounded() async {
        let throttle = LoginThrottle(free: 3, capacity: 1_000)
        let now = Date()
        for i in 0..<20_000 {
            _ = await throttle.attempt(name: "attacker-\(i)", client: "10.0.\(i % 200).\(i / 200)", now: now)
        }
        #expect(await throttle.count <= 3_000)
        // Expired entries go first: a later failure sweeps the old ones.
        _ = await throttle.attempt(name: "late", client: "10.9.9.9", now: now.addingTimeInterval(16 * 60))
        #expect(await throttle.count == 3)
    }

    /// Logs in through the login form as a client at `address` (behind the trusted proxy).
    static func login(_ web: Harness, _ name: String, _ password: String, from address: String) async throws
        -> HTTPResponse.Status
    {
        let b = web.browser()
        let form = try await b.get("/login")
        return try await b.request(
            .post, "/login",
            body: ByteBuffer(
                string: Browser.encode([
                    "_csrf": Browser.csrfToken(form.text) ?? "", "name": name, "password": password,
                ])),
            type: "application/x-www-form-urlencoded", headers: [.init("X-Forwarded-For")!: "203.0.113.9, \(address)"]
        ).status
    }

    @Test func attackersFromManyAddressesDelayTheOwnerByAMinuteAtMost() async throws {
        try await Web.run(.sqlite, configure: { $0.trustProxy = true }, Self.manyAddresses)
    }

    @Sendable static func manyAddresses(_ web: Harness) async throws {
        // One client trying many names waits after 20.
        var statuses: [HTTPResponse.Status] = []
        for i in 0..<25 {
            statuses.append(try await Self.login(web, "name-\(i)", "wrong-password", from: "10.0.0.1"))
        }
        #expect(statuses.prefix(20).allSatisfy { $0 == .unauthorized })
        #expect(statuses.suffix(5).allSatisfy { $0 == .tooManyRequests })
        // Forty addresses, one wrong password each, against one name.
        for i in 0..<40 { _ = try await Self.login(web, "admin", "wrong-password", from: "10.1.0.\(i)") }
        let waited = try await Self.login(web, "admin", Web.password, from: "192.168.1.5")
        #expect(waited == .tooManyRequests || waited == .found)
        web.clock.advance(61)
        #expect(try await Self.login(web, "admin", Web.password, from: "192.168.1.5") == .found)
    }
}
