import Foundation
import Hummingbird
import TongbaoCore
import TongbaoStore

/// Every account's own page: a new password (the old one required) and its API tokens (new, list, revoke).
struct MeController {
    let store: any Store
    let config: ServerConfig
    let views: Views
    /// The login throttle: a wrong old password counts as a failed login of the account.
    let throttle: LoginThrottle

    struct TokenRow: Sendable {
        var id: String
        var created: String
        var expires: String
        var expired: Bool
    }
    struct Page: Sendable {
        var chrome: Chrome
        var error: String?
        var newToken: String?
        var tokens: [TokenRow]
        var passwordAction: String
        var tokensAction: String
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.me.pattern) { request, context -> Response in
            try await page(context, flash: request.uri.queryParameters.get("done").map { _ in "已保存" })
        }
        router.post(SiteURL.mePassword.pattern) { request, context -> Response in
            let account = try context.requireAccount()
            let form = try await Forms.fields(request, context: context)
            let new = form["password"] ?? ""
            let client = context.client(request, trustProxy: config.trustProxy)
            let wait = await throttle.attempt(name: account.name, client: client, now: config.now())
            if wait > 0 { throw WebError.tooManyAttempts(retryAfter: wait) }
            guard let (_, hash) = try await store.account(account.name),
                try await Secrets.verifyInPool(form["old"] ?? "", hash: hash)
            else {
                Operations.count(.loginFailures)
                return try await page(context, error: "原密码不正确", status: .unprocessableContent)
            }
            await throttle.succeeded(name: account.name, client: client, now: config.now())
            if try await Secrets.verifyInPool(new, hash: hash) {
                return try await page(context, error: "新密码不能与原密码相同", status: .unprocessableContent)
            }
            if let problem = Account.passwordProblem(new, name: account.name) {
                return try await page(context, error: problem, status: .unprocessableContent)
            }
            guard new == form["again"] else {
                return try await page(context, error: "两次输入的新密码不一致", status: .unprocessableContent)
            }
            // Every session ends with the old password, this one too: sign in again with the new one.
            try await store.setPassword(
                account.name, passwordHash: try await Secrets.hashPasswordInPool(new, cost: config.bcryptCost),
                change: Change(actor: account.name, source: "web", at: config.now()))
            return .redirect(to: SiteURL.login.link(), type: .normal)
        }
        router.post(SiteURL.meTokens.pattern) { request, context -> Response in
            let account = try context.requireAccount()
            let form = try await Forms.fields(request, context: context)
            switch form["action"] {
            case "create":
                guard let days = Int(form["days"] ?? "90"), (1...365).contains(days) else {
                    return try await page(context, error: "有效天数须在 1 到 365 之间", status: .unprocessableContent)
                }
                let token = Secrets.token()
                let now = config.now()
                try await store.addToken(
                    tokenHash: Secrets.sha256(token), user: account.name, at: now,
                    expires: now.addingTimeInterval(TimeInterval(days) * 86400),
                    change: Change(actor: account.name, source: "web", at: now))
                return try await page(context, newToken: token)
            case "revoke":
                guard
                    try await store.revokeToken(
                        user: account.name, id: form["id"] ?? "",
                        change: Change(actor: account.name, source: "web", at: config.now()))
                else {
                    throw WebError.notFound("该令牌")
                }
                return .redirect(to: SiteURL.me.link() + "?done=1", type: .normal)
            default:
                throw WebError.badRequest("操作无效")
            }
        }
    }

    func page(
        _ context: AppContext, error: String? = nil, flash: String? = nil, newToken: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let account = try context.requireAccount()
        let now = config.now()
        let tokens = try await store.tokens(user: account.name).map {
            TokenRow(
                id: $0.id, created: ChinaTime.display($0.created), expires: ChinaTime.display($0.expires),
                expired: $0.expires <= now)
        }
        return try views.page(
            "me",
            Page(
                chrome: Chrome(context, title: "我的账号", active: nil, period: nil, flash: flash), error: error,
                newToken: newToken, tokens: tokens, passwordAction: SiteURL.mePassword.link(),
                tokensAction: SiteURL.meTokens.link()),
            status: status)
    }
}
