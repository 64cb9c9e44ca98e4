import ArgumentParser
import Foundation
import Hummingbird
import TongbaoCore
import TongbaoServer
import TongbaoStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "启动网页服务（填报、审核、发布、概览）和 /api/v1 接口。")

    @Option(name: .long, help: "数据库：SQLite 文件，或 postgres://用户:密码@主机/库。") var db: String
    @Option(help: "监听地址。") var host: String = "127.0.0.1"
    @Option(help: "端口。") var port: Int = 8080
    @Flag(name: .customLong("secure-cookies"), help: "经 HTTPS（反向代理）提供服务时加上，使会话 Cookie 仅经 HTTPS 发送。")
    var secureCookies = false

    func run() async throws {
        try await Serving.run(db: db, config: ServerConfig(host: host, port: port, secureCookies: secureCookies))
    }
}

enum Serving {
    static func run(db: String, config: ServerConfig, banner: String? = nil) async throws {
        let store = try await SQLStore.open(db)
        do {
            let app = try await buildApplication(store: store, config: config)
            print("通报网页服务：http://\(config.host):\(config.port)/  （Ctrl-C 停止）")
            if let banner { print(banner) }
            fflush(nil)
            try await app.runService()
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "管理账号。",
        subcommands: [UserAdd.self, UserToken.self, UserPassword.self, UserDisable.self, UserEnable.self])
}

extension Role: ExpressibleByArgument {}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "新建账号（密码以 bcrypt 散列保存）。")

    @Argument(help: "用户名。") var name: String
    @Option(help: "角色：admin（管理员）、reporter（填报员）、viewer（查阅）、city（市级查阅，属于市的编码）。") var role: Role
    @Option(help: "填报员所属单位编码。") var unit: String?
    @Option(help: "密码；省略时在终端输入。") var password: String?
    @Option(name: .long, help: "数据库文件。") var db: String
    @Option(name: .long, help: "区县编码；数据库中只有一个区县时可省略。") var district: String?
    @Option(name: .customLong("district-name"), help: "区县名称（区县不存在时创建）。") var districtName: String?

    func validate() throws {
        if role == .reporter && unit == nil { throw ValidationError("填报员须用 --unit 指定所属单位") }
        if role != .reporter && unit != nil { throw ValidationError("只有填报员（reporter）属于某个单位") }
        guard Account.isValidName(name) else { throw ValidationError("用户名不能为空、不超过64个字符、不含控制字符") }
    }

    func run() async throws {
        let secret = try password ?? Passwords.prompt()
        guard secret.count >= 8 else { throw ValidationError("密码至少 8 个字符") }
        try await SQLStore.with(db) { store in
            // Without --district: the only district of the store (an account in a new empty one sees nothing).
            var chosen = self.district
            if chosen == nil {
                let all = try await store.districts()
                guard all.count <= 1 else { throw StoreOptionsError.district(all) }
                chosen = all.first?.code
            }
            let district = chosen ?? "default"
            try await store.ensureDistrict(district, name: districtName)
            if let unit, !(try await store.units(district: district).contains { $0.code == unit }) {
                throw ValidationError("区县“\(district)”中没有单位 \(unit)；请先导入机构目录（units.csv）")
            }
            try await store.addUser(
                Account(name: name, district: district, role: role, unit: unit),
                passwordHash: Secrets.hashPassword(secret), at: Date())
        }
        print("已新建账号 \(name)（\(role.label)\(unit.map { "，单位 \($0)" } ?? "")）")
    }
}

struct UserToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "为账号生成 API 令牌（只显示这一次）。")
    @Argument(help: "用户名。") var name: String
    @Option(name: .long, help: "数据库文件。") var db: String

    func run() async throws {
        let token = Secrets.token()
        try await SQLStore.with(db) { store in
            guard try await store.account(name) != nil else { throw ValidationError("没有账号 \(name)") }
            try await store.addToken(tokenHash: Secrets.sha256(token), user: name, at: Date())
        }
        print(token)
    }
}

struct UserPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "password", abstract: "重设账号密码。")
    @Argument(help: "用户名。") var name: String
    @Option(help: "新密码；省略时在终端输入。") var password: String?
    @Option(name: .long, help: "数据库文件。") var db: String

    func run() async throws {
        let secret = try password ?? Passwords.prompt()
        guard secret.count >= 8 else { throw ValidationError("密码至少 8 个字符") }
        try await SQLStore.with(db) { store in
            guard try await store.account(name) != nil else { throw ValidationError("没有账号 \(name)") }
            try await store.setPassword(name, passwordHash: Secrets.hashPassword(secret))
        }
        print("已重设 \(name) 的密码；该账号原有的登录和 API 令牌已全部失效")
    }
}

/// `tongbao user disable NAME`: the account signs in nowhere; its sessions and API tokens end.
struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "停用账号：不能再登录，已有的登录和 API 令牌立即失效。")
    @Argument(help: "用户名。") var name: String
    @Option(name: .long, help: "数据库文件。") var db: String

    func run() async throws {
        try await SQLStore.with(db) { store in
            guard try await store.accountExists(name) else { throw ValidationError("没有账号 \(name)") }
            try await store.setDisabled(name, true)
        }
        print("已停用账号 \(name)；其登录和 API 令牌已全部失效")
    }
}

/// `tongbao user enable NAME`: a disabled account may sign in again (with a new login and new tokens).
struct UserEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "重新启用停用的账号。")
    @Argument(help: "用户名。") var name: String
    @Option(name: .long, help: "数据库文件。") var db: String

    func run() async throws {
        try await SQLStore.with(db) { store in
            guard try await store.accountExists(name) else { throw ValidationError("没有账号 \(name)") }
            try await store.setDisabled(name, false)
        }
        print("已重新启用账号 \(name)")
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
