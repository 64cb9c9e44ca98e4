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

    /// The signed-in account when it may change `unit`'s figures (nil: district-wide tables); else 403.
    func requireEditor(of unit: String?) throws -> Account {
        let account = try requireAccount()
        guard account.mayEdit(unit: unit) else {
            throw WebError.forbidden(unit.map { "无权修改单位 \($0) 的数据" } ?? "只有管理员可以修改此项")
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
