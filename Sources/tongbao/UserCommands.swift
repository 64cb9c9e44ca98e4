import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoServer
import TongbaoStore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "管理账号。",
        subcommands: [
            UserAdd.self, UserToken.self, UserPassword.self, UserDisable.self, UserEnable.self, UserDelete.self,
        ])
}

extension Role: ExpressibleByArgument {}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "新建账号（密码以 bcrypt 散列保存）。")

    @Argument(help: "用户名。") var name: String
    @Option(help: "角色：admin（管理员）、reporter（填报员）、viewer（查阅）、city（市级查阅，属于市的编码）。") var role: Role
    @Option(help: "填报员所属单位编码。") var unit: String?
    @Option(help: "密码；省略时在终端输入。") var password: String?
    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "区县编码；数据库中只有一个区县时可省略。") var district: String?
    @Option(name: .customLong("district-name"), help: "区县名称（区县不存在时创建）。") var districtName: String?

    func validate() throws {
        if role == .reporter && unit == nil { throw ValidationError("填报员须用 --unit 指定所属单位") }
        if role != .reporter && unit != nil { throw ValidationError("只有填报员（reporter）属于某个单位") }
        guard Account.isValidName(name) else { throw ValidationError(Account.nameRule) }
    }

    func run() async throws {
        let secret = try password ?? Passwords.prompt()
        if let problem = Account.passwordProblem(secret, name: name) { throw ValidationError(problem) }
        let created: String? = try await SQLStore.with(database.location) { store in
            // A city's account reads the districts of the city's own code, which holds no units: never the only
            // district's, which is what leaving --district out would give.
            if role == .city && self.district == nil {
                throw ValidationError("市级账号须用 --district 给出市的编码（tongbao city 所设的市，不是区县的编码）")
            }
            // Without --district: the only district of the store (an account in a new empty one sees nothing).
            var chosen = self.district
            if chosen == nil {
                let all = try await store.dataDistricts()
                guard all.count <= 1 else { throw StoreOptionsError.district(all) }
                chosen = all.first?.code
            }
            let district = chosen ?? "default"
            try await checkNewCode(district, in: store)
            try await checkDistrictKind(district, store)
            let isNew = try await store.district(district) == nil
            try await store.ensureDistrict(district, name: districtName)
            if let unit, !(try await store.units(district: district).contains { $0.code == unit }) {
                throw ValidationError("区县“\(district)”中没有单位 \(unit)；请先导入机构目录（units.csv）")
            }
            try await store.addUser(
                Account(name: name, district: district, role: role, unit: unit),
                passwordHash: Secrets.hashPassword(secret), at: Date(), change: AccountChange.change)
            return isNew ? district : nil
        }
        print("已新建账号 \(name)（\(role.label)\(unit.map { "，单位 \($0)" } ?? "")）")
        if let created {
            // A code typed wrong makes a new, empty district or city: said, so that it is seen.
            print(
                role == .city
                    ? "注意：原来没有编码为“\(created)”的市，已新建；请用 tongbao city \(created) 区县编码… 设定其所辖区县（如是笔误，请用 tongbao user delete \(name) 删除该账号）"
                    : "注意：原来没有编码为“\(created)”的区县，已新建（如是笔误，请用 tongbao user delete \(name) 删除该账号）")
        }
    }

    /// A city account belongs to a city's code, every other account to a district's: a city account in a
    /// district's code would read nothing, and an admin in a city's code could import into it, turning the city
    /// into a district of its own.
    private func checkDistrictKind(_ code: String, _ store: SQLStore) async throws {
        if role == .city {
            if let held = try await districtHolding(code, store) {
                throw ValidationError(
                    "“\(code)”\(held)，不是市；市级账号须用市的编码（先用 tongbao city 市编码 区县编码… 设定所辖区县）")
            }
        } else if try await store.isCity(code) {
            let districts = try await store.districts(ofCity: code).map(\.code)
            throw ValidationError(
                "“\(code)”是市的编码\(districts.isEmpty ? "" : "（所辖 \(districts.joined(separator: "、"))）")，\(role.label)账号须用区县的编码"
            )
        }
    }
}

struct UserToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "为账号生成 API 令牌（只显示这一次），或列出、吊销其令牌。",
        discussion: "令牌默认 90 天后失效。列出的只是令牌编号（其散列的前 8 位），不是令牌本身。")
    @Argument(help: "用户名。") var name: String
    @OptionGroup var database: DatabaseOption
    @Option(help: "有效天数（默认 90）。") var days: Int = 90
    @Flag(help: "列出该账号的令牌（编号、生成时间、失效时间）。") var list = false
    @Option(help: "吊销编号为此的令牌。") var revoke: String?

    func validate() throws {
        guard (1...3650).contains(days) else { throw ValidationError("--days 须在 1 到 3650 之间") }
        if list && revoke != nil { throw ValidationError("--list 与 --revoke 不能同时使用") }
    }

    func run() async throws {
        try await SQLStore.with(try database.existing) { store in
            guard try await store.accountExists(name) else { throw ValidationError("没有账号 \(name)") }
            if list {
                let tokens = try await store.tokens(user: name)
                if tokens.isEmpty { print("\(name) 没有 API 令牌") }
                for t in tokens {
                    let state = t.expires > Date() ? "" : "（已失效）"
                    print("\(t.id)  生成 \(ChinaTime.display(t.created))  失效 \(ChinaTime.display(t.expires))\(state)")
                }
            } else if let revoke {
                guard try await store.revokeToken(user: name, id: revoke, change: AccountChange.change) else {
                    throw ValidationError("\(name) 没有编号为 \(revoke) 的令牌；用 --list 查看")
                }
                print("已吊销 \(name) 的令牌 \(revoke.lowercased())")
            } else {
                guard try await store.account(name) != nil else { throw ValidationError("账号 \(name) 已停用") }
                let token = Secrets.token()
                let now = Date()
                try await store.addToken(
                    tokenHash: Secrets.sha256(token), user: name, at: now,
                    expires: now.addingTimeInterval(TimeInterval(days) * 86400), change: AccountChange.change)
                print(token)
            }
        }
    }
}

struct UserPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "password", abstract: "重设账号密码。")
    @Argument(help: "用户名。") var name: String
    @Option(help: "新密码；省略时在终端输入。") var password: String?
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        try await SQLStore.with(try database.existing) { store in
            // The account first: no one types a password twice to learn the name was wrong.
            guard try await store.account(name) != nil else { throw ValidationError("没有账号 \(name)") }
            let secret = try password ?? Passwords.prompt()
            if let problem = Account.passwordProblem(secret, name: name) { throw ValidationError(problem) }
            try await store.setPassword(name, passwordHash: Secrets.hashPassword(secret), change: AccountChange.change)
        }
        print("已重设 \(name) 的密码；该账号原有的登录和 API 令牌已全部失效")
    }
}

/// `tongbao user disable|enable|delete NAME`: one change to an existing account, said back in one line.
enum AccountChange {
    /// Who the audit log names for a change from the command line: the system user.
    static var change: Change {
        Change(actor: ProcessInfo.processInfo.environment["USER"] ?? "cli", source: "cli user")
    }

    static func run(_ db: String, _ name: String, done: String, _ body: @Sendable (SQLStore) async throws -> Void)
        async throws
    {
        try await SQLStore.with(db) { store in
            guard try await store.accountExists(name) else { throw ValidationError("没有账号 \(name)") }
            try await body(store)
        }
        print(done)
    }
}

/// `tongbao user disable NAME`: the account signs in nowhere; its sessions and API tokens end.
struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "停用账号：不能再登录，已有的登录和 API 令牌立即失效。")
    @Argument(help: "用户名。") var name: String
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        try await AccountChange.run(try database.existing, name, done: "已停用账号 \(name)；其登录和 API 令牌已全部失效") { [name] in
            try await $0.setDisabled(name, true, change: AccountChange.change)
        }
    }
}

/// `tongbao user enable NAME`: a disabled account may sign in again (with a new login and new tokens).
struct UserEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "重新启用停用的账号。")
    @Argument(help: "用户名。") var name: String
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        try await AccountChange.run(try database.existing, name, done: "已重新启用账号 \(name)") { [name] in
            try await $0.setDisabled(name, false, change: AccountChange.change)
        }
    }
}

/// `tongbao user delete NAME`: the account is gone with its sessions and tokens; its changes stay in the audit
/// log under its name.
struct UserDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "删除账号：其登录和 API 令牌立即失效；审计日志中的记录保留。")
    @Argument(help: "用户名。") var name: String
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        try await AccountChange.run(try database.existing, name, done: "已删除账号 \(name)") { [name] in
            try await $0.deleteUser(name, change: AccountChange.change)
        }
    }
}

enum Passwords {
    /// Reads a password twice from the terminal without echo.
    static func prompt() throws -> String {
        guard let first = getpass("密码："), let second = getpass("再输入一次：") else {
            throw ValidationError("无法读取密码；请用 --password 给出")
        }
        let (a, b) = (String(cString: first), String(cString: second))
        guard a == b else { throw ValidationError("两次输入的密码不一致") }
        return a
    }
}

/// What makes `code` a district's rather than a city's, in Chinese (“是有 52 个单位的区县”), or nil: units, or
/// accounts other than city accounts. A city account and `tongbao city` both need a code without either.
func districtHolding(_ code: String, _ store: SQLStore) async throws -> String? {
    let units = try await store.units(district: code)
    if !units.isEmpty { return "是有 \(units.count) 个单位的区县" }
    let accounts = try await store.users(district: code).filter { $0.role != .city }.map(\.name)
    if !accounts.isEmpty {
        return "已有区县的账号（\(accounts.prefix(3).joined(separator: "、"))\(accounts.count > 3 ? " 等" : "")）"
    }
    return nil
}

/// `tongbao city CITY [DISTRICT ...]`: the districts a city's accounts read (given: the new list; none: the list).
struct CityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "city", abstract: "设置或查看市（省）所辖的区县：市级账号只能看到这些区县。")
    @Argument(help: "市的编码（市级账号所属的编码）。") var city: String
    @Argument(help: "所辖区县的编码；给出时取代原有列表，省略时列出现有列表。") var districts: [String] = []
    @Option(name: .customLong("name"), help: "市的名称（不存在时创建）。") var name: String?
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        try await SQLStore.with(try database.existing) { store in
            if districts.isEmpty {
                let list = try await store.districts(ofCity: city)
                print(list.isEmpty ? "\(city) 尚未设置所辖区县" : list.map { "\($0.code)\t\($0.name)" }.joined(separator: "\n"))
                return
            }
            if let held = try await districtHolding(city, store) {
                throw ValidationError("“\(city)”\(held)，不能作为市的编码；请另取一个编码作为市")
            }
            guard !self.districts.contains(city) else { throw ValidationError("市的编码 \(city) 不能同时是它所辖的区县") }
            try await checkNewCode(city, in: store)
            // Listed once each; a city is no district of another.
            let districts = self.districts.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            for d in districts {
                if try await store.isCity(d) { throw ValidationError("“\(d)”是市的编码，不是区县，不能归入市 \(city)") }
            }
            var moved: [String] = []
            for d in districts {
                if let was = try await store.city(of: d), was != city { moved.append("\(d) 原属 \(was)") }
            }
            do {
                // One transaction: a refused list leaves no row for the city behind.
                try await store.transaction {
                    _ = try await store.ensureDistrict(city, name: name)
                    try await store.setCity(city, districts: districts)
                }
            } catch StoreError.unknownDistrict(let d) {
                let near = lookAlike(d, try await store.districts())
                throw ValidationError("没有区县 \(d)\(near.map { "（是否是“\($0.code)”？）" } ?? "")；先导入该区县的数据")
            }
            print("\(city) 所辖区县：\(districts.joined(separator: "、"))")
            if !moved.isEmpty { print("注意：\(moved.joined(separator: "，"))，现改属 \(city)") }
        }
    }
}
