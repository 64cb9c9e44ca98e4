import Foundation
import HTTPTypes
import NIOCore
import TongbaoCore
import TongbaoReport
import TongbaoStore

/// Errors of the web application and the API, each with its HTTP status and a Chinese message for the user.
public enum WebError: Error, Sendable {
    case unauthenticated
    /// An API token that is unknown, expired, revoked, or of a disabled account.
    case badToken
    case forbidden(String)
    case notFound(String)
    case badRequest(String)
    case csrf
    case conflict(String)
    /// A change to a published month (E020): a conflict with the month's state, its issue in the body.
    case frozen(TongbaoCore.Issue)
    case tooManyAttempts(retryAfter: Int)
    case invalid([TongbaoCore.Issue])
    /// The server's or the database's state; `retryAfter` seconds when waiting may help (sent as Retry-After).
    case unavailable(String, retryAfter: Int? = nil)
    /// An upload past the limit, in bytes.
    case tooLarge(limit: Int)
    /// A path that exists, asked with a method it does not answer.
    case methodNotAllowed(String)

    var status: HTTPResponse.Status {
        switch self {
        case .unauthenticated, .badToken: return .unauthorized
        case .forbidden, .csrf: return .forbidden
        case .notFound: return .notFound
        case .badRequest: return .badRequest
        case .conflict, .frozen: return .conflict
        case .tooManyAttempts: return .tooManyRequests
        case .invalid: return .unprocessableContent
        case .unavailable: return .serviceUnavailable
        case .tooLarge: return .contentTooLarge
        case .methodNotAllowed: return .methodNotAllowed
        }
    }

    var userMessage: String {
        switch self {
        case .unauthenticated: return "请先登录"
        case .badToken: return "API 令牌无效、已过期或已被吊销：请向管理员申请新的令牌（tongbao user token）或在“我的账号”中生成"
        case .forbidden(let why): return why
        case .notFound(let what): return "找不到\(what)"
        case .badRequest(let why): return why
        case .csrf: return "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试"
        case .conflict(let why): return why
        case .frozen(let issue): return issue.message
        case .tooManyAttempts(let s): return "登录失败次数过多，请 \(s) 秒后再试"
        case .invalid(let issues): return "数据未通过校验（\(issues.errorCount) 处错误），未保存任何数据"
        case .unavailable(let why, _): return why
        case .methodNotAllowed(let m): return "此地址不接受 \(m) 请求"
        case .tooLarge(let limit):
            let size = limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(max(1, limit >> 10)) KB"
            return "上传的内容超过 \(size) 的上限，未保存任何数据；请拆分后分批上传"
        }
    }

    /// Maps the errors of the layers below to what the user is told; anything unexpected is a 500 whose detail
    /// goes to the log only.
    static func from(_ error: any Error) -> WebError? {
        switch error {
        case let e as WebError: return e
        case let e as ImportFailed:
            // A frozen month is a state conflict, not bad input: the same figures are accepted once reopened.
            if let frozen = e.issues.first(where: { $0.code == .periodPublished }) { return .frozen(frozen) }
            return .invalid(e.issues)
        case let e as StoreError:
            switch e {
            // The save of a published month carries its issue (E020), as the import of one does.
            case .periodFrozen(let p): return .frozen(TongbaoCore.Issue(.periodPublished, period: p))
            case .versionConflict, .alreadyPublished, .notPublished, .userExists, .tooManyTemplates:
                return .conflict(e.errorDescription ?? "")
            case .unknownDistrict: return .notFound("该区县的数据")
            // The database's state, not the request's: lost, locked by another program, not writable, or not
            // there (an SQLite file deleted under the server).
            case .connectionLost, .busy: return .unavailable(e.errorDescription ?? "", retryAfter: 10)
            case .readOnly, .cannotOpen: return .unavailable(e.errorDescription ?? "")
            case .corruptRow: return nil
            }
        case let e as NIOTooManyBytesError:
            // A form or JSON body past the limit it is read to.
            return .tooLarge(limit: e.maxBytes ?? (1 << 20))
        case let e as PDFError:
            // Chromium missing or failing is the server's state, named so the administrator can install it.
            return .unavailable(e.errorDescription ?? "")
        default: return nil
        }
    }
}
