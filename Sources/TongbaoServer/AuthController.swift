import Foundation
import HTTPTypes
import Hummingbird
import TongbaoCore
import TongbaoStore

/// Sign in and out. Sessions are random tokens in an HttpOnly, SameSite=Strict cookie; the store keeps only
/// their hashes, so a copy of the database does not let anyone in.
struct AuthController {
    let store: any Store
    let config: ServerConfig
    let views: Views
    let throttle: LoginThrottle
    let workbench: Workbench
    /// A hash of a random password at the configured cost, checked when the name is unknown.
    let decoyHash: String

    struct LoginPage: Sendable {
        var chrome: Chrome
        var loginCSRF: String
        var next: String
        var name: String
        var error: String?
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.home.pattern) { _, context in try await home(context) }
        router.get(SiteURL.login.pattern) { request, context -> Response in
            try loginPage(context, next: request.uri.queryParameters.get("next") ?? "", name: "", error: nil)
        }
        router.post(SiteURL.login.pattern) { request, context in try await login(request, context) }
        router.post(SiteURL.logout.pattern) { _, context -> Response in
            if let hash = context.sessionHash { try await store.deleteSession(tokenHash: hash) }
            var response = Response.redirect(to: SiteURL.login.link(), type: .found)
            response.setCookie(cookie(Cookies.session, "", maxAge: 0))
            return response
        }
    }

    func home(_ context: AppContext) async throws -> Response {
        let account = try context.requireAccount()
        if account.role == .city {
            return .redirect(
                to: SiteURL.city.link(try await CityController.latestPeriod(store, config, city: account.district)),
                type: .found)
        }
        let period = try await workbench.latestPeriod(account)
        if account.role == .reporter, let unit = account.unit {
            return .redirect(to: SiteURL.report.link(unit, period), type: .found)
        }
        return .redirect(to: SiteURL.dashboard.link(period), type: .found)
    }

    func loginPage(_ context: AppContext, next: String, name: String, error: String?, status: HTTPResponse.Status = .ok)
        throws -> Response
    {
        let token = Secrets.token()
        let page = LoginPage(
            chrome: Chrome(context, title: "登录", active: nil, period: nil), loginCSRF: token,
            next: Self.safeNext(next), name: name, error: error)
        var response = try views.page("login", page, status: status)
        response.setCookie(cookie(Cookies.loginCSRF, token, maxAge: 3600))
        return response
    }

    func login(_ request: Request, _ context: AppContext) async throws -> Response {
        let form = try await Forms.fields(request, context: context)
        let typed = form["name"] ?? ""
        let name = typed.trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let next = form["next"] ?? ""
        let now = config.now()
        // Refused before any work: a name no account can have (too long, control characters).
        guard name.count <= Account.maxNameLength,
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            return try loginPage(context, next: next, name: "", error: "用户名或密码错误", status: .badRequest)
        }
        let client = context.client(request, trustProxy: config.trustProxy)
        let wait = await throttle.attempt(name: name, client: client, now: now)
        if wait > 0 { throw WebError.tooManyAttempts(retryAfter: wait) }
        // An account made before names were checked may end in a space (`Account.isValidName`): it signs in as typed.
        var found = try await store.account(name)
        if found == nil, typed != name, typed.count <= Account.maxNameLength { found = try await store.account(typed) }
        // An unknown name costs the same bcrypt check as a wrong password, so timing does not tell names apart.
        let verified = try await Secrets.verifyInPool(password, hash: found?.passwordHash ?? decoyHash)
        guard let (account, _) = found, verified else {
            Operations.count(.loginFailures)
            return try loginPage(context, next: next, name: name, error: "用户名或密码错误", status: .unauthorized)
        }
        await throttle.succeeded(name: name, client: client, now: now)
        let token = Secrets.token()
        try await store.createSession(
            tokenHash: Secrets.sha256(token), user: account.name, csrf: Secrets.token(), created: now,
            expires: now.addingTimeInterval(config.sessionLifetime))
        var response = Response.redirect(to: Self.safeNext(next).isEmpty ? "/" : Self.safeNext(next), type: .found)
        response.setCookie(cookie(Cookies.session, token, maxAge: Int(config.sessionLifetime)))
        response.setCookie(cookie(Cookies.loginCSRF, "", maxAge: 0))
        return response
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: config.secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    /// Only a path on this site is followed after login (no open redirect): after percent-decoding (repeatedly,
    /// as a browser may), a single `/` not followed by `/` or `\`, and no backslash, white space or control
    /// character anywhere (`/%09/evil.example` would reach another site).
    static func safeNext(_ next: String) -> String {
        var decoded = next
        for _ in 0..<3 {
            guard let d = decoded.removingPercentEncoding, d != decoded else { break }
            decoded = d
        }
        let scalars = Array(decoded.unicodeScalars)
        guard scalars.first == "/", scalars.count == 1 || (scalars[1] != "/" && scalars[1] != "\\"),
            !scalars.contains(where: {
                $0 == "\\" || $0.properties.isWhitespace || $0.properties.generalCategory == .control
            }),
            decoded.removingPercentEncoding != nil || !decoded.contains("%")
        else { return "" }
        return next
    }
}
