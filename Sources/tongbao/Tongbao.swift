import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoStore

@main
struct Tongbao: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongbao",
        abstract: "通报：行政审批服务运行通报的数据导入、校验与生成。",
        version: Tongbao.version,
        subcommands: [
            DemoCommand.self, ImportCommand.self, ValidateCommand.self, BulletinCommand.self, ServeCommand.self,
            UserCommand.self, MigrateCommand.self, TemplateCommand.self, GenCasesCommand.self, IngestCommand.self,
            CasesCommand.self, PublishCommand.self, ReopenCommand.self, AuditCommand.self, CalendarCommand.self,
            SettingsCommand.self, BulletinTemplateCommand.self, CityCommand.self, BackupCommand.self,
            RestoreCommand.self, RenderBenchCommand.self,
        ])

    /// The release, as `tongbao --version` prints it.
    static let version = "tongbao 0.10.0"

    /// ArgumentParser's own `main`, with its English headings and messages put into Chinese.
    static func main() async {
        do {
            var command = try parseAsRoot()
            do {
                if var command = command as? AsyncParsableCommand {
                    try await command.run()
                } else {
                    try command.run()
                }
            } catch let error as ValidationError {
                // Found while running (no such account, a file in use): the command line was right, so no usage.
                FileHandle.standardError.write(Data("错误：\(error.message)\n".utf8))
                Foundation.exit(1)
            }
        } catch {
            let code = exitCode(for: error)
            let text = ChineseHelp.translate(fullMessage(for: error))
            if code == .success {
                if !text.isEmpty { print(text) }
            } else {
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// ArgumentParser writes its help headings and errors in English and offers no way to localise them; they are
/// replaced here, where it prints them.
enum ChineseHelp {
    static let phrases: [(String, String)] = [
        ("OVERVIEW: ", "说明："), ("USAGE: ", "用法："), ("ARGUMENTS:", "参数："), ("OPTIONS:", "选项："),
        ("SUBCOMMANDS:", "子命令："), ("Show help information.", "显示帮助信息。"), ("Show the version.", "显示版本号。"),
        ("Show subcommand help information.", "显示子命令的帮助信息。"),
        ("  See 'tongbao help <subcommand>' for detailed help.", "  用“tongbao help 子命令”查看各子命令的详细说明。"),
        ("(default: ", "（默认："), ("(values: ", "（可选值："), ("Error: ", "错误："), ("Usage: ", "用法："),
        ("Help: ", "帮助："), ("Missing expected argument", "缺少参数"), ("Unknown option", "未知选项"),
        ("Unexpected argument", "多余的参数"), ("Missing value for option", "选项缺少取值"), ("Missing value for ", "缺少取值："),
        ("The value", "取值"), ("is invalid for", "不适用于"), ("Unknown subcommand", "未知子命令"),
        ("Did you mean", "是否应为"), ("See 'tongbao ", "用“tongbao "), ("' for more information.", "”查看说明。"),
        ("unexpected arguments:", "个多余的参数："), ("Please provide one of the following:", "请给出以下之一："),
        ("Missing expected argument", "缺少参数"), ("Show the version.", "显示版本号。"),
        ("  See 'tongbao help ", "  用“tongbao help "), ("' for detailed help.", "”查看详细说明。"),
    ]

    static func translate(_ text: String) -> String {
        var out = text
        for (english, chinese) in phrases { out = out.replacingOccurrences(of: english, with: chinese) }
        // “（默认：md)” closes with the full-width bracket it opened with.
        return out.replacingOccurrences(of: #"（(默认|可选值)：([^)\n]*)\)"#, with: "（$1：$2）", options: .regularExpression)
    }
}

/// A code about to name a new district or city (`--district`, `tongbao city`): one of the kind ``District/codeProblem(_:)``
/// allows, and not one that differs from an existing code only in case or width (`CQ` beside `cq`: another
/// tenant that looks the same). An existing code passes as it is.
func checkNewCode(_ code: String, in store: SQLStore) async throws {
    let all = try await store.districts()
    guard !all.contains(where: { $0.code == code }) else { return }
    if let problem = District.codeProblem(code) { throw ValidationError(problem) }
    if let near = lookAlike(code, all) {
        throw ValidationError("编码“\(code)”与已有的“\(near.code)”只差大小写或全角半角，会被看成同一个；请用“\(near.code)”")
    }
}

/// The district or city among `all` whose code differs from `code` only in case or width, to name in a message.
func lookAlike(_ code: String, _ all: [District]) -> District? {
    all.first { Account.nameKey($0.code) == Account.nameKey(code) }
}

/// Who a command that writes acts as, for the audit log: `--user`, else the login's `$USER`.
struct OperatorOption: ParsableArguments {
    @Option(help: "操作人（写入审计日志）。") var user: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"
}

/// Flags every data command shares.
struct StoreOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOption
    /// The database: `--db`, or `TONGBAO_DB`.
    var db: String { database.location }

    @Option(name: .customLong("district"), help: "区县编码：一个数据库可保存多个区县；数据库中只有一个区县时可省略。")
    var districtOption: String?

    @Option(name: .customLong("district-name"), help: "区县名称，如 渝北区（用于标题和表名）。")
    var districtName: String?

    @Option(name: .customLong("change-factor"), help: "单位办件量较上月变化超过此倍数时提示（W104）。")
    var changeFactor: Double = 3

    @Option(name: .customLong("top"), help: "通报列出办件量前几位的部门。")
    var topCount: Int = 10

    func validate() throws {
        guard changeFactor > 1 else { throw ValidationError("--change-factor 应大于 1") }
        guard topCount >= 1 else { throw ValidationError("--top 应至少为 1") }
    }

    var settings: BulletinSettings { BulletinSettings(topCount: topCount, changeFactor: changeFactor) }

    /// The district `--district` names or, without it, the only district the store holds. Writing into a store
    /// with none creates `default`; reading one with none, or with several, is an error that lists them.
    func district(in store: SQLStore, writing: Bool = false) async throws -> String {
        if let districtOption {
            if writing {
                try await checkNewCode(districtOption, in: store)
            } else if try await store.district(districtOption) == nil {
                // A setting saved for a code typed wrong failed on a foreign key, in English.
                throw StoreOptionsError.unknown(districtOption, try await store.dataDistricts())
            }
            // A city's code holds no data: its districts do (an import there made it a district nobody could manage).
            if writing, try await store.isCity(districtOption) {
                let members = try await store.districts(ofCity: districtOption).map(\.code)
                throw StoreOptionsError.city(districtOption, members)
            }
            return districtOption
        }
        let all = try await store.dataDistricts()
        if all.count == 1 { return all[0].code }
        if all.isEmpty, writing { return "default" }
        throw StoreOptionsError.district(all)
    }

    /// Runs `body`, and when the SQLite file did not exist before, removes it again if `body` throws: a refused
    /// import or ingest leaves no new empty database behind.
    func removingIfNew<T>(_ body: () async throws -> T) async throws -> T {
        let fresh = !SQLStore.isPostgresLocation(db) && !FileManager.default.fileExists(atPath: db)
        do {
            return try await body()
        } catch {
            if fresh {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            }
            throw error
        }
    }

    /// Refuses a SQLite path that does not exist, for commands that only read (a typo must not create an empty
    /// database and report "no data").
    func existingDatabase() throws { _ = try database.existing }
}

enum StoreOptionsError: Error, LocalizedError {
    case district([District])
    case noDatabase(String)
    case city(String, [String])
    case unknown(String, [District])

    var errorDescription: String? {
        switch self {
        case .district(let all) where all.isEmpty: return "数据库中还没有任何区县：请先用 tongbao import 导入数据包"
        case .district(let all):
            return "数据库中有 \(all.count) 个区县，请用 --district 指定其中一个："
                + all.map { $0.name.isEmpty ? $0.code : "\($0.code)（\($0.name)）" }.joined(separator: "、")
        case .unknown(let code, let all):
            let near = lookAlike(code, all).map { "（是否是“\($0.code)”？）" }
            return "数据库中没有区县“\(code)”\(near ?? "")"
                + (all.isEmpty
                    ? ""
                    : "；已有：" + all.map { $0.name.isEmpty ? $0.code : "\($0.code)（\($0.name)）" }.joined(separator: "、"))
        case .city(let code, let members):
            return "“\(code)”是市的编码\(members.isEmpty ? "" : "（所辖 \(members.joined(separator: "、"))）")，"
                + "市不保存自己的数据：请用 --district 指定区县"
        case .noDatabase(let path):
            return "数据库文件“\(path)”不存在；请检查 --db 路径，或先用 tongbao import 导入数据包创建它"
        }
    }
}
