import ArgumentParser
import Foundation
import TongbaoStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-db",
        abstract: "把区县的全部历史（数据、办件明细、审计日志、账号、发布记录）从一个数据库迁到另一个（如 SQLite 到 PostgreSQL），并逐表、逐月核对。")

    @Option(help: "源数据库（SQLite 文件或 postgres:// 地址）。") var from: String
    @Option(help: "目标数据库（postgres://用户@主机/库，或 SQLite 文件）。") var to: String
    @Option(help: "只迁移这些区县（可重复）；省略时迁移源数据库中的全部区县。") var district: [String] = []

    func run() async throws {
        // A source that is not there would be created empty, and "migrated": nothing.
        if !SQLStore.isPostgresLocation(from), !FileManager.default.fileExists(atPath: from) {
            throw ValidationError("源数据库文件“\(from)”不存在；请检查 --from")
        }
        try await SQLStore.with(from) { source in
            let codes = district.isEmpty ? try await source.districts().map(\.code) : district
            if codes.isEmpty { throw ValidationError("源数据库“\(from)”中没有任何区县，没有可迁移的数据") }
            try await SQLStore.with(to) { target in
                let mover = DistrictMover(from: source, to: target)
                for code in codes {
                    let copied = try await mover.move(district: code) { line in
                        FileHandle.standardError.write(Data((line + "\n").utf8))
                    }
                    let rows = copied.reduce(0) { $0 + $1.rows }
                    print("区县 \(code)：已迁移 \(rows) 行（\(copied.filter { $0.rows > 0 }.count) 个表），逐表行数与摘要一致，每月通报一致")
                }
            }
        }
    }
}
