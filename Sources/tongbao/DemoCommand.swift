import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoReport
import TongbaoServer
import TongbaoStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "用内置样例（渝北区 2021年7月）建立新的 SQLite 数据库，并生成各格式的通报。")

    @Option(help: "输出文件夹。") var out: String = "tongbao-demo"
    @Flag(help: "生成后在样例数据上启动网页服务，并打印演示账号。") var serve = false
    @Option(help: "网页服务端口（与 --serve 一起用）。") var port: Int = 8080

    func validate() throws { try Serving.check(port: port) }

    func run() async throws {
        guard let sample = Bundle.module.url(forResource: "Sample/yubei-2021-07", withExtension: nil) else {
            throw DemoError.sampleMissing
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let db = (out as NSString).appendingPathComponent("tongbao.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let report = try await SQLStore.with(db) { store in
            try await Importer(
                store: store, district: "yubei", districtName: "渝北区", change: Change(actor: "demo", source: "demo")
            )
            .run(sample.path)
        }
        print("样例数据已导入 \(db)")
        print(Summary.text(report, dryRun: false))
        let bulletin = try await Rendering.bulletin(db: db, district: "yubei", period: Period(year: 2021, month: 7))
        // PDF needs Chromium; the demo writes what Tongbao renders by itself.
        for format in BulletinFormat.allCases where format != .pdf {
            let path = (out as NSString).appendingPathComponent("bulletin-2021-07.\(format.rawValue)")
            try await format.render(bulletin).write(to: URL(fileURLWithPath: path), options: .atomic)
            print("通报（\(format.rawValue)）：\(path)")
        }
        if serve { try await serveDemo(db) }
    }

    /// Demo accounts with fresh random passwords (printed once): an admin, a reporter of the first unit, a viewer.
    func serveDemo(_ db: String) async throws {
        var lines = ["演示账号（密码每次随机生成）："]
        try await SQLStore.with(db) { store in
            let unit = try await store.units(district: "yubei").first
            let accounts = [
                Account(name: "admin", district: "yubei", role: .admin),
                Account(name: "reporter", district: "yubei", role: .reporter, unit: unit?.code),
                Account(name: "viewer", district: "yubei", role: .viewer),
            ]
            for account in accounts {
                let password = String(Secrets.token().prefix(12))
                try await store.addUser(account, passwordHash: Secrets.hashPassword(password, cost: 10), at: Date())
                lines.append(
                    "  \(account.name) / \(password)  \(account.role.label)\(account.unit.map { "（\(unit?.name ?? $0)）" } ?? "")"
                )
            }
        }
        try await Serving.run(db: db, config: ServerConfig(port: port), banner: lines.joined(separator: "\n"))
    }
}

enum DemoError: Error, LocalizedError {
    case sampleMissing
    var errorDescription: String? { "找不到内置样例数据（安装不完整）" }
}
