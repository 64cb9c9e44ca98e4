import ArgumentParser
import Foundation
import TongbaoStore

/// `--db`, or the environment variable `TONGBAO_DB` without it: a PostgreSQL URL holds a password, which on a
/// command line every user of the machine can read (`ps`, /proc); the systemd unit (deploy/) gives it this way.
struct DatabaseOption: ParsableArguments {
    static let variable = "TONGBAO_DB"

    @Option(
        name: .customLong("db"),
        help: "数据库：SQLite 文件，或 postgres://用户:密码@主机/库；省略时读环境变量 TONGBAO_DB（密码不必出现在命令行上）。")
    var given: String?

    /// The environment's database; an empty variable is none.
    static var fromEnvironment: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The database `--db` names, else the environment's.
    var location: String { given ?? Self.fromEnvironment ?? "" }

    /// ``location``, refused when it names an SQLite file that does not exist: for commands that only read or
    /// change what is there (a typo must not create an empty database and report "no such account").
    var existing: String {
        get throws {
            let db = location
            // An empty file is no database yet either (SQLite would write its schema into it).
            let size = (try? FileManager.default.attributesOfItem(atPath: db))?[.size] as? Int ?? 0
            guard SQLStore.isPostgresLocation(db) || size > 0 else {
                throw StoreOptionsError.noDatabase(db)
            }
            return db
        }
    }

    func validate() throws {
        guard given != nil || Self.fromEnvironment != nil else {
            throw ValidationError("缺少数据库：请用 --db 给出（SQLite 文件或 postgres://…），或设置环境变量 \(Self.variable)")
        }
    }
}
