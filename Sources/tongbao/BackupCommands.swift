import ArgumentParser
import Foundation
import TongbaoStore

/// `tongbao backup`: a consistent copy of a SQLite database, taken while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "备份 SQLite 数据库（服务运行中也可，得到一致的副本）。",
        discussion: "PostgreSQL 请用 pg_dump：pg_dump -Fc -f tongbao.dump 库名（见 docs/operations.md）。")
    @Option(name: .long, help: "要备份的数据库文件。") var db: String
    @Option(name: .long, help: "备份写到这个文件（不能已存在）。") var out: String

    func run() async throws {
        guard !db.hasPrefix("postgres") else {
            throw ValidationError("PostgreSQL 请用 pg_dump 备份：pg_dump -Fc -f tongbao.dump 库名（见 docs/operations.md）")
        }
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("数据库文件 \(db) 不存在") }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw ValidationError("\(out) 已存在：备份不覆盖已有文件，请换一个文件名")
        }
        try await SQLStore.with(db) { store in
            try await store.backup(to: out)
        }
        let check = try await SQLStore.with(out) { try await $0.quickCheck() }
        guard check == "ok" else { throw ValidationError("备份 \(out) 未通过完整性检查：\(check)") }
        let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
        print("已备份到 \(out)（\(size >> 10) KB，完整性检查通过）")
    }
}

/// `tongbao restore`: puts a backup in place of a database file (the server stopped).
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "用备份恢复 SQLite 数据库（请先停止服务）。",
        discussion: "备份先在旁边检查（完整性、数据库结构），通过后才替换目标文件；目标已存在时须加 --force。")
    @Option(name: .long, help: "备份文件（tongbao backup 的输出）。") var from: String
    @Option(name: .long, help: "恢复到这个数据库文件。") var db: String
    @Flag(help: "目标文件已存在时仍然替换。") var force = false

    func run() async throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: from) else { throw ValidationError("备份文件 \(from) 不存在") }
        if fm.fileExists(atPath: db), !force {
            throw ValidationError("\(db) 已存在：确认要用备份替换它时加 --force（请先停止 tongbao serve）")
        }
        // --force replaces a Tongbao database (a damaged one too), never another program's: a --db typed wrong.
        if let tables = await SQLStore.foreignTables(sqlite: db) {
            throw ValidationError(
                "\(db) 是另一个程序的数据库（其中有表 \(SQLStore.listed(tables))），"
                    + "不是 Tongbao 的，未做任何改动：请检查 --db；确要恢复到这个位置，请先自行移走该文件")
        }
        // A running server keeps the old file open and would answer saves into a file no one sees again.
        if await SQLStore.sqliteFileInUse(db) {
            throw ValidationError("\(db) 正被其他进程使用（tongbao serve 是否在运行？）：请先停止服务，再恢复")
        }
        // Checked as a copy beside the target, then moved in one rename: a failed restore leaves the target as it was.
        let staging = db + ".restoring"
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: staging + suffix) }
        try fm.copyItem(atPath: from, toPath: staging)
        let check: String
        do {
            check = try await SQLStore.with(staging) { try await $0.quickCheck() }
        } catch {
            try? fm.removeItem(atPath: staging)
            throw ValidationError("\(from) 不是可用的 Tongbao 备份：\(error.localizedDescription)")
        }
        guard check == "ok" else {
            try? fm.removeItem(atPath: staging)
            throw ValidationError("备份 \(from) 未通过完整性检查：\(check)")
        }
        for suffix in ["-wal", "-shm"] {
            try? fm.removeItem(atPath: staging + suffix)
            try? fm.removeItem(atPath: db + suffix)
        }
        guard rename(staging, db) == 0 else { throw ValidationError("无法替换 \(db)：\(String(cString: strerror(errno)))") }
        print("已从 \(from) 恢复到 \(db)")
    }
}
