import ArgumentParser
import Foundation
import TongbaoCore

@main
struct Tongbao: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongbao",
        abstract: "通报：行政审批服务运行通报的数据导入、校验与生成。",
        subcommands: [
            DemoCommand.self, ImportCommand.self, ValidateCommand.self, BulletinCommand.self, ServeCommand.self,
            UserCommand.self, MigrateCommand.self, TemplateCommand.self, GenCasesCommand.self, IngestCommand.self,
            CasesCommand.self,
        ])
}

/// Flags every data command shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "数据库：SQLite 文件（不存在时创建），或 PostgreSQL 地址 postgres://用户:密码@主机/库。")
    var db: String

    @Option(name: .long, help: "区县编码：一个数据库可保存多个区县。")
    var district: String = "default"

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
}
