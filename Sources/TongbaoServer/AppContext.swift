import Hummingbird
import TongbaoCore

/// The request context: who is asking (from the session cookie or an API token) and the session's CSRF token.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var account: Account?
    /// The session's CSRF token; nil for API token requests, which carry no cookie.
    public var csrf: String?
    public var sessionHash: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// A whole data package (a month of case records zipped) fits.
    public var maxUploadSize: Int { 512 << 20 }

    /// The signed-in account, or ``WebError/unauthenticated``.
    func requireAccount() throws -> Account {
        guard let account else { throw WebError.unauthenticated }
        return account
    }

    /// The signed-in account when it may import packages (an admin, or a reporter for their own unit's rows).
    func requireImporter() throws -> Account {
        let account = try requireAccount()
        guard account.role == .admin || account.role == .reporter else {
            throw WebError.forbidden("查阅账号不能导入数据")
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
