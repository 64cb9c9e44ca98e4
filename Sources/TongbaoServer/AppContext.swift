import Foundation
import Hummingbird
import TongbaoCore

/// The request context: who is asking (from the session cookie or an API token) and the session's CSRF token.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var account: Account?
    /// The session's CSRF token; nil for API token requests, which carry no cookie.
    public var csrf: String?
    public var sessionHash: String?
    /// The peer's IP address (the reverse proxy's, behind one: see ``client(_:trustProxy:)``).
    public var peerAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// The client's address: the peer's, or behind a trusted reverse proxy the last address it added to
    /// `X-Forwarded-For` (earlier ones are the client's own claim).
    func client(_ request: Request, trustProxy: Bool) -> String {
        guard trustProxy, let forwarded = request.headers[values: .xForwardedFor].last,
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty,
            last.count <= 64
        else { return peerAddress }
        return last
    }

    /// Forms and JSON bodies are read whole up to this size; uploads are streamed to disk instead
    /// (``Spool``, bounded by ``ServerConfig/uploadLimit``).
    public var maxUploadSize: Int { 1 << 20 }

    /// A path parameter, percent-decoded (a unit code may hold spaces or Chinese characters).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else { throw WebError.badRequest("地址中的“\(name)”无效") }
        return decoded
    }

    /// The signed-in account, or ``WebError/unauthenticated``.
    func requireAccount() throws -> Account {
        guard let account else { throw WebError.unauthenticated }
        return account
    }

    /// The signed-in account when it may import packages (an admin, or a reporter for their own unit's rows).
    func requireImporter() throws -> Account {
        let account = try requireAccount()
        guard account.role == .admin || account.role == .reporter else {
            throw WebError.forbidden("\(account.role.label)账号不能导入数据")
        }
        return account
    }

    /// The signed-in account when it may read the district's dashboard and bulletins (not a reporter), and the
    /// request's month.
    func requireReader() throws -> (Account, Period) {
        let account = try requireAccount()
        switch account.role {
        case .admin, .viewer: return (account, try parameters.require("period").period())
        case .reporter: throw WebError.forbidden("填报员只能查看本单位的报表")
        case .city: throw WebError.forbidden("市级账号请在全市概览中查看各区县")
        }
    }

    func requireAdmin() throws -> Account {
        let account = try requireAccount()
        guard account.role == .admin else { throw WebError.forbidden("此操作需要管理员权限") }
        return account
    }
}
