import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = Date(timeIntervalSince1970: 1_627_776_000)  // 2021-08-01 00:00 UTC
    func read() -> Date { lock.withLock { now } }
    func advance(_ seconds: TimeInterval) { lock.withLock { now += seconds } }
}

/// The sample district (渝北区, July 2021) in a fresh in-memory store, with one account of each kind, served by
/// `buildApplication` through `app.test(.router)`.
enum Web {
    static let password = "correct-horse"
    static let period = "2021-07"

    static func run(
        _ backend: TestBackend, _ setup: TestingSetup = .router,
        configure: @Sendable (inout ServerConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        try await Fixtures.withStore(backend) { store in
            try await run(on: store, setup, configure: configure, body)
        }
    }

    /// The same on a store the caller opened (a primary with its standby, for instance) and closes.
    static func run(
        on store: SQLStore, _ setup: TestingSetup = .router,
        configure: @Sendable (inout ServerConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        let clock = TestClock()
        _ = try await Importer(
            store: store, district: "yubei", districtName: "渝北区",
            change: Change(actor: "setup", source: "test", at: clock.read().addingTimeInterval(-86400))
        ).run(files: try Fixtures.sampleFiles())
        let hash = Secrets.hashPassword(password, cost: 4)
        for account in [
            Account(name: "admin", district: "yubei", role: .admin),
            Account(name: "rep1", district: "yubei", role: .reporter, unit: "C01"),
            Account(name: "rep2", district: "yubei", role: .reporter, unit: "C02"),
            Account(name: "viewer", district: "yubei", role: .viewer),
        ] {
            try await store.addUser(account, passwordHash: hash, at: Date())
        }
        var config = ServerConfig(port: 0, bcryptCost: 4, now: { clock.read() })
        configure(&config)
        let app = try await buildApplication(store: store, config: config)
        try await app.test(setup) { client in
            try await body(Harness(client: client, store: store, clock: clock))
        }
    }
}

struct Harness: Sendable {
    let client: any TestClientProtocol
    let store: SQLStore
    let clock: TestClock

    func browser() -> Browser { Browser(client: client) }

    /// A browser signed in as `name`.
    func signedIn(_ name: String) async throws -> Browser {
        let b = browser()
        let r = try await b.login(name, Web.password)
        #expect(r.status == .found, "login of \(name)")
        return b
    }

    func caseRow(_ unit: String, _ period: String = Web.period) async throws -> CaseRow? {
        try await store.load(district: "yubei", period: Period(parsing: period)!).cases.first {
            $0.unit == unit && $0.period.description == period
        }
    }
}

/// A cookie-keeping client over the test framework, as a browser would be.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private let lock = NSLock()
    private var cookies: [String: String] = [:]
    private(set) var csrf = ""

    init(client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        /// The body's bytes, for downloads.
        var data = Data()
        var location: String? { headers[.location] }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, body: ByteBuffer? = nil, type: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Page {
        var headers = extra
        let cookieHeader = lock.withLock { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        if let type { headers[.contentType] = type }
        let r = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        lock.withLock {
            for set in r.headers[values: .setCookie] {
                let pair = set.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if pair[1].isEmpty || set.contains("Max-Age=0") {
                    cookies[pair[0]] = nil
                } else {
                    cookies[pair[0]] = pair[1]
                }
            }
        }
        let page = Page(
            status: r.status, headers: r.headers, text: String(buffer: r.body), data: Data(buffer: r.body))
        if let token = Self.csrfToken(page.text), uri != "/login" { lock.withLock { csrf = token } }
        return page
    }

    func get(_ uri: String) async throws -> Page { try await request(.get, uri) }

    /// Posts a form; `csrf: true` adds the session's token as a browser's form would.
    func post(_ uri: String, _ fields: [String: String], csrf withToken: Bool = true) async throws -> Page {
        var fields = fields
        if withToken { fields["_csrf"] = csrf }
        return try await request(
            .post, uri, body: ByteBuffer(string: Self.encode(fields)), type: "application/x-www-form-urlencoded")
    }

    func login(_ name: String, _ password: String) async throws -> Page {
        let form = try await get("/login")
        let token = Self.csrfToken(form.text) ?? ""
        let r = try await request(
            .post, "/login",
            body: ByteBuffer(string: Self.encode(["_csrf": token, "name": name, "password": password])),
            type: "application/x-www-form-urlencoded")
        if r.status == .found { _ = try await get("/dashboard/\(Web.period)") }
        if r.status == .found, csrf.isEmpty { _ = try await get("/upload") }
        return r
    }

    func cookie(_ name: String) -> String? { lock.withLock { cookies[name] } }
    func setCookie(_ name: String, _ value: String) { lock.withLock { cookies[name] = value } }

    static func csrfToken(_ html: String) -> String? {
        hidden("_csrf", html).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The value of the first input named `name` in a page.
    static func hidden(_ name: String, _ html: String) -> String? {
        guard let r = html.range(of: #"name="\#(name)" value="[^"]*""#, options: .regularExpression) else { return nil }
        return String(html[r].dropFirst("name=\"\(name)\" value=\"".count).dropLast())
    }

    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map {
            "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    /// A multipart body with one file field and the CSRF token.
    func upload(_ uri: String, file: String, data: Data, csrf withToken: Bool = true) async throws -> Page {
        let boundary = "----tongbao-test-boundary"
        var body = Data()
        func add(_ s: String) { body.append(Data(s.utf8)) }
        if withToken {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n")
        }
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file)\"\r\n")
        add("Content-Type: application/octet-stream\r\n\r\n")
        body.append(data)
        add("\r\n--\(boundary)--\r\n")
        return try await request(
            .post, uri, body: ByteBuffer(bytes: body), type: "multipart/form-data; boundary=\(boundary)")
    }
}
