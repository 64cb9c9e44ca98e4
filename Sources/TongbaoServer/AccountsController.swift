import Foundation
import Hummingbird
import TongbaoCore
import TongbaoStore

/// The admin's accounts page: the district's accounts, a new account, a new password.
struct AccountsController {
    let store: any Store
    let config: ServerConfig
    let views: Views
    let throttle: LoginThrottle

    struct Row: Sendable {
        var name: String
        var role: String
        var unit: String
        var disabled: Bool
        var isSelf: Bool
    }
    struct UnitOption: Sendable {
        var code: String
        var name: String
    }
    struct Page: Sendable {
        var chrome: Chrome
        var rows: [Row]
        var units: [UnitOption]
        var error: String?
        var action: String
        var passwordAction: String
        var stateAction: String
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.accounts.pattern) { request, context -> Response in
            try await page(context, error: nil, flash: request.uri.queryParameters.get("done"))
        }
        router.post(SiteURL.accounts.pattern) { request, context -> Response in
            let admin = try context.requireAdmin()
            let form = try await Forms.fields(request, context: context)
            let name = (form["name"] ?? "").trimmed
            let unit = (form["unit"] ?? "").trimmed
            // A district's admin creates accounts of that district only; city accounts come from `tongbao user add`.
            guard let role = Role(rawValue: form["role"] ?? ""), role != .city else {
                throw WebError.badRequest("角色无效")
            }
            let units = try await store.units(district: admin.district)
            var error: String?
            if !Account.isValidName(name) {
                // As `tongbao user add` refuses them (docs/security.md): such a name could never sign in.
                error = Account.nameRule
            } else if let problem = Account.passwordProblem(form["password"] ?? "", name: name) {
                error = problem
            } else if role == .reporter && !units.contains(where: { $0.code == unit }) {
                error = "填报员须选择所属单位"
            }
            if let error { return try await page(context, error: error, flash: nil, status: .unprocessableContent) }
            do {
                try await store.addUser(
                    Account(name: name, district: admin.district, role: role, unit: role == .reporter ? unit : nil),
                    passwordHash: try await Secrets.hashPasswordInPool(form["password"] ?? "", cost: config.bcryptCost),
                    at: config.now(), change: Change(actor: admin.name, source: "web", at: config.now()))
            } catch StoreError.userExists {
                return try await page(context, error: "用户“\(name)”已存在", flash: nil, status: .conflict)
            }
            return .redirect(to: SiteURL.accounts.link() + "?done=1", type: .normal)
        }
        router.post(SiteURL.accountPassword.pattern) { request, context -> Response in
            let admin = try context.requireAdmin()
            let form = try await Forms.fields(request, context: context)
            let name = form["name"] ?? ""
            guard let (account, _) = try await store.account(name), account.district == admin.district else {
                throw WebError.notFound("账号 \(name)")
            }
            if let problem = Account.passwordProblem(form["password"] ?? "", name: name) {
                return try await page(context, error: problem, flash: nil, status: .unprocessableContent)
            }
            try await store.setPassword(
                name,
                passwordHash: try await Secrets.hashPasswordInPool(form["password"] ?? "", cost: config.bcryptCost),
                change: Change(actor: admin.name, source: "web", at: config.now()))
            return .redirect(to: SiteURL.accounts.link() + "?done=1", type: .normal)
        }
        // Disable, enable or delete an account of the admin's district (not their own: an office keeps an admin).
        router.post(SiteURL.accountState.pattern) { request, context -> Response in
            let admin = try context.requireAdmin()
            let form = try await Forms.fields(request, context: context)
            let name = form["name"] ?? ""
            guard try await store.users(district: admin.district).contains(where: { $0.name == name }) else {
                throw WebError.notFound("账号 \(name)")
            }
            guard name != admin.name else {
                return try await page(
                    context, error: "不能停用或删除自己的账号", flash: nil, status: .unprocessableContent)
            }
            let change = Change(actor: admin.name, source: "web", at: config.now())
            switch form["action"] {
            case "disable": try await store.setDisabled(name, true, change: change)
            case "enable": try await store.setDisabled(name, false, change: change)
            case "delete": try await store.deleteUser(name, change: change)
            case "unlock": await throttle.clear(name)
            default: throw WebError.badRequest("操作无效")
            }
            return .redirect(to: SiteURL.accounts.link() + "?done=1", type: .normal)
        }
    }

    func page(_ context: AppContext, error: String?, flash: String?, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let admin = try context.requireAdmin()
        let units = try await store.units(district: admin.district)
        let names = Dictionary(units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row] = []
        for user in try await store.users(district: admin.district) {
            rows.append(
                Row(
                    name: user.name, role: user.role.label, unit: user.unit.map { names[$0] ?? $0 } ?? "",
                    disabled: try await store.account(user.name) == nil, isSelf: user.name == admin.name))
        }
        let page = Page(
            chrome: Chrome(context, title: "账号", active: "账号", period: nil, flash: flash.map { _ in "已保存" }),
            rows: rows, units: units.map { UnitOption(code: $0.code, name: $0.name) }, error: error,
            action: SiteURL.accounts.link(), passwordAction: SiteURL.accountPassword.link(),
            stateAction: SiteURL.accountState.link())
        return try views.page("accounts", page, status: status)
    }
}
