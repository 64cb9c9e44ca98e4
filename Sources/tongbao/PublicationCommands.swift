import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoServer
import TongbaoStore

/// `tongbao publish`: what the bulletin page's 发布 button does, from the command line (same audit).
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "发布某月通报：分配期号、保存各格式的发布稿并冻结该月数据（与网页“发布”相同，记入审计日志）。")

    @OptionGroup var options: StoreOptions
    @Option(help: "月份，YYYY-MM。") var period: String
    @Option(name: .customLong("allow-missing"), help: "尚有单位未报送时仍然发布，须写明原因（记入审计日志）。")
    var allowMissing: String?
    @OptionGroup var who: OperatorOption

    func validate() throws {
        guard Period(parsing: period) != nil else { throw ValidationError("月份格式应为 YYYY-MM，实际为“\(period)”") }
    }

    func run() async throws {
        try options.existingDatabase()
        let p = try await SQLStore.with(options.db) { store in
            try await Publishing(store: store, settings: options.settings).publish(
                district: try await options.district(in: store), period: Period(parsing: period)!,
                allowMissing: allowMissing, change: Change(actor: who.user, source: "cli publish"))
        }
        print("已发布 \(p.period) 第\(p.issue)期；该月数据已冻结，各格式的发布稿已保存。")
    }
}

/// `tongbao reopen`: reopens a published month with a reason, as the bulletin page does.
struct ReopenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen", abstract: "撤回某月通报的发布，以便修改数据（须写明原因，记入审计日志）。")

    @OptionGroup var options: StoreOptions
    @Option(help: "月份，YYYY-MM。") var period: String
    @Option(help: "撤回原因。") var reason: String
    @OptionGroup var who: OperatorOption

    func validate() throws {
        guard Period(parsing: period) != nil else { throw ValidationError("月份格式应为 YYYY-MM，实际为“\(period)”") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("撤回发布必须写明原因") }
    }

    func run() async throws {
        try options.existingDatabase()
        try await SQLStore.with(options.db) { store in
            try await Publishing(store: store).reopen(
                district: try await options.district(in: store), period: Period(parsing: period)!, reason: reason,
                change: Change(actor: who.user, source: "cli reopen"))
        }
        print("已撤回 \(period) 的发布，可修改后重新发布。")
    }
}

/// `tongbao audit`: the audit log as a person reads it, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "查看审计日志：谁、何时（北京时间）、哪个单位哪个指标、原值 → 新值，最新的在前。")

    @OptionGroup var options: StoreOptions
    @Option(help: "只看这个月份（YYYY-MM）。") var period: String?
    @Option(help: "只看这个单位（编码、名称或别名）。") var unit: String?
    @Option(help: "只看这个操作人。") var user: String?
    @Option(help: "最多显示多少条。") var limit: Int = 200

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit 应为正整数") }
    }

    func run() async throws {
        try options.existingDatabase()
        let (lines, total) = try await SQLStore.with(options.db) { store -> ([String], Int) in
            let district = try await options.district(in: store)
            let directory = UnitDirectory(try await store.units(district: district))
            var code = unit ?? ""
            if let unit {
                guard let c = directory.resolve(unit) else { throw ValidationError("没有单位“\(unit)”") }
                code = c
            }
            let (entries, total) = try await store.recentAudit(
                district: district, unit: code, period: period ?? "", actor: user ?? "", limit: limit)
            return (entries.map { $0.readable(directory).line }, total)
        }
        if lines.isEmpty { print("没有符合条件的审计记录。") }
        for line in lines { print(line) }
        if total > lines.count { print("……共 \(total) 条，只显示最新 \(lines.count) 条（--limit 可调整）") }
    }
}
