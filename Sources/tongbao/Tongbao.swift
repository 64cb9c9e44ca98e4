import ArgumentParser
import Foundation

@main
struct Tongbao: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongbao",
        abstract: "通报：行政审批服务运行通报的数据导入、校验与生成。",
        subcommands: [DemoCommand.self, ImportCommand.self, ValidateCommand.self, BulletinCommand.self])
}

/// Flags every data command shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "数据库文件（SQLite），不存在时创建。")
    var db: String

    @Option(name: .long, help: "区县编码：一个数据库可保存多个区县。")
    var district: String = "default"

    @Option(name: .customLong("district-name"), help: "区县名称，如 渝北区（用于标题和表名）。")
    var districtName: String?
}
