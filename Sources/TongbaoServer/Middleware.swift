import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MultipartKit
import TongbaoCore
import TongbaoStore

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let allow = Self("Allow")!
}

enum Cookies {
    static let session = "tongbao_session"
    static let loginCSRF = "tongbao_login_csrf"
}

/// Outermost: turns errors into a Chinese page (or JSON under /api/), sends a signed-out browser to the login
/// page, and adds the security headers to every response.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let views: Views
    let logger = Logger(label: "tongbao.web")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        let api = request.uri.path.hasPrefix("/api/")
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            // The framework's own refusals: an unknown path (or a known one with another method), a body over the
            // size limit, a malformed request.
            if error.status == .notFound, let url = SiteURL.matching(request.uri.path),
                !url.methods.contains(request.method)
            {
                response = try errorResponse(
                    .methodNotAllowed(request.method.rawValue), status: .methodNotAllowed, api: api, context: context)
                response.headers[.allow] = url.methods.map(\.rawValue).joined(separator: ", ")
            } else {
                let web: WebError =
                    switch error.status {
                    case .notFound: .notFound("该页面")
                    case .contentTooLarge: .badRequest("上传的内容过大")
                    default: .badRequest("请求无效（\(error.status.code)）")
                    }
                response = try errorResponse(web, status: error.status, api: api, context: context)
            }
        } catch {
            if let web = WebError.from(error) {
                if case .unauthenticated = web, !api {
                    response = .redirect(to: SiteURL.login.link() + "?next=" + Self.encode(request.uri.path))
                } else {
                    response = try errorResponse(web, status: web.status, api: api, context: context)
                }
            } else {
                logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
                response = try errorResponse(
                    .badRequest("服务器内部错误，请稍后重试或联系管理员"), status: .internalServerError, api: api,
                    context: context)
            }
        }
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'; frame-ancestors 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "SAMEORIGIN"
        response.headers[.referrerPolicy] = "same-origin"
        // Pages and documents carry figures and names: no shared or browser cache keeps them (the style sheet may
        // be cached).
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    func errorResponse(_ error: WebError, status: HTTPResponse.Status, api: Bool, context: Context) throws -> Response {
        var response: Response
        if api {
            response = try JSON.response(APIError(error, status: status), status: status)
        } else {
            let page = ErrorPage(
                chrome: Chrome(context, title: "出错了", active: nil, period: nil), status: Int(status.code),
                message: status == .internalServerError ? "服务器内部错误，请稍后重试或联系管理员" : error.userMessage,
                issues: IssueView.list(error))
            response = try views.page("error", page, status: status)
        }
        if case .tooManyAttempts(let s) = error { response.headers[.retryAfter] = String(s) }
        if case .unavailable(_, let s?) = error { response.headers[.retryAfter] = String(s) }
        return response
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["/", "-"])) ?? "/"
    }
}

/// Who is asking: the session cookie for pages, `Authorization: Bearer` for the API.
struct IdentifyMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let store: any Store
    let config: ServerConfig

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if request.uri.path.hasPrefix("/api/") {
            if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") {
                let token = String(auth.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
                context.account = try await store.account(tokenHash: Secrets.sha256(token), now: config.now())
                // A token sent and not taken is said as such, not as "please sign in".
                if context.account == nil { throw WebError.badToken }
            }
        } else if let cookie = request.cookies[Cookies.session]?.value {
            let hash = Secrets.sha256(cookie)
            if let (account, csrf) = try await store.session(
                tokenHash: hash, now: config.now(), idle: config.idleTimeout)
            {
                context.account = account
                context.csrf = csrf
                context.sessionHash = hash
            }
        }
        return try await next(request, context)
    }
}

/// GET and HEAD requests only read: once the account is known (the session's last use is written to the primary
/// before this), their statements go to the standby of `tongbao serve --db-read`, when there is one.
struct ReplicaReadsMiddleware: RouterMiddleware {
    typealias Context = AppContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let reads = request.method == .get || request.method == .head
        return try await SQLStore.$preferReplica.withValue(reads) { try await next(request, context) }
    }
}

/// Every state-changing page request carries the session's CSRF token, in the form field `_csrf` (or the
/// `X-CSRF-Token` header). The login form, before any session exists, is checked against a cookie it set itself.
/// API requests authenticate with a bearer token, which a browser never sends by itself, and need none.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method != .get, request.method != .head, !request.uri.path.hasPrefix("/api/") else {
            return try await next(request, context)
        }
        // The upload form streams to disk: its `_csrf` field, first in the form, is checked there before any
        // byte of the file is written (``Spool/form(_:csrf:limit:)``).
        if request.uri.path == SiteURL.upload.rawValue, request.headers[.csrfToken] == nil,
            (request.headers[.contentType] ?? "").hasPrefix("multipart/form-data")
        {
            return try await next(request, context)
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let sent = try request.headers[.csrfToken] ?? Self.formToken(request, body: body)
        let expected =
            request.uri.path == SiteURL.login.rawValue ? request.cookies[Cookies.loginCSRF]?.value : context.csrf
        guard let sent, let expected, !expected.isEmpty, Secrets.equal(sent, expected) else {
            // A path or method no route answers changes nothing: it gets its 404 or 405 (ErrorMiddleware), not a
            // CSRF refusal. Checked after the token, so a route missing from SiteURL.methods stays protected.
            if SiteURL.matching(request.uri.path).map({ !$0.methods.contains(request.method) }) ?? true {
                throw HTTPError(.notFound)
            }
            throw WebError.csrf
        }
        return try await next(request, context)
    }

    struct Token: Decodable { var _csrf: String? }

    /// The value of the field `name` in a (small, already read) multipart body.
    static func field(_ name: String, in body: ByteBuffer, boundary: String) throws -> String? {
        let parser = MultipartParser(boundary: boundary)
        var disposition = ""
        var data: [UInt8] = []
        var found: String?
        parser.onHeader = { if $0.lowercased() == "content-disposition" { disposition = $1 } }
        parser.onBody = { data += $0.readableBytesView }
        parser.onPartComplete = {
            if found == nil, Forms.param(disposition, "name") == name { found = String(decoding: data, as: UTF8.self) }
            disposition = ""
            data = []
        }
        try parser.execute(body)
        return found
    }

    static func formToken(_ request: Request, body: ByteBuffer) throws -> String? {
        let type = request.headers[.contentType] ?? ""
        if type.hasPrefix("multipart/form-data") {
            guard let boundary = Forms.param(type, "boundary") else { return nil }
            return try? Self.field("_csrf", in: body, boundary: boundary)
        }
        return try? URLEncodedFormDecoder().decode(Token.self, from: String(buffer: body))._csrf
    }
}
