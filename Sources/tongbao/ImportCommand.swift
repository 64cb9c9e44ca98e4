import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入数据包（文件夹、.zip、CSV 或 Excel 文件，可给多个）：全部成功或全部不写入。")

    @Argument(help: "数据包路径：文件夹、.zip、.csv、.xlsx/.xls/.et/.ods，可给多个，合为一个数据包。") var paths: [String]
    @OptionGroup var options: StoreOptions
    @OptionGroup var who: OperatorOption
    @Option(help: "机构目录的修改从哪个月起生效（YYYY-MM）；省略时为最后一个已发布月份的下一个月，units.csv 的“生效月份”列优先。")
    var effective: String?

    func validate() throws {
        if let effective, Period(parsing: effective) == nil {
            throw ValidationError("--effective 应为 YYYY-MM，实际为“\(effective)”")
        }
    }

    func run() async throws {
        let report = try await runImport(
            paths: paths, options: options, user: who.user, dryRun: false,
            effective: effective.flatMap(Period.init(parsing:)))
        print(Summary.text(report, dryRun: false))
    }
}

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "校验数据包并报告全部错误和提示，不写入数据库。")

    @Argument(help: "数据包路径：文件夹、.zip、.csv、.xlsx/.xls/.et/.ods，可给多个。") var paths: [String]
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try options.existingDatabase()
        let report = try await runImport(paths: paths, options: options, user: "validate", dryRun: true)
        print(Summary.text(report, dryRun: true))
    }
}

/// Runs an import or a dry run, printing progress on a terminal and the refusal's issues on failure.
func runImport(paths: [String], options: StoreOptions, user: String, dryRun: Bool, effective: Period? = nil)
    async throws -> ImportReport
{
    let terminal = isatty(STDERR_FILENO) != 0
    defer { if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
    return try await options.removingIfNew {
        try await importInto(
            paths: paths, options: options, user: user, dryRun: dryRun, effective: effective, terminal: terminal)
    }
}

private func importInto(
    paths: [String], options: StoreOptions, user: String, dryRun: Bool, effective: Period?, terminal: Bool
) async throws -> ImportReport {
    try await SQLStore.with(options.db) { store in
        let names = paths.map { ($0 as NSString).lastPathComponent }.joined(separator: " ")
        var importer = Importer(
            store: store, district: try await options.district(in: store, writing: true),
            districtName: options.districtName, change: Change(actor: user, source: "import \(names)"),
            progress: { line in
                FileHandle.standardError.write(
                    Data(((terminal ? "\r\u{1B}[K" : "") + line + (terminal ? "" : "\n")).utf8))
            })
        importer.settings = options.settings
        importer.effective = effective
        return try await importer.run(paths: paths, dryRun: dryRun)
    }
}

enum Summary {
    /// How many changed values an import lists.
    static let listedChanges = 20

    /// The values an import changed (not the new rows): the first ``listedChanges``, then how many more.
    static func changed(_ r: ImportReport) -> [String] {
        let changes = r.writes.flatMap(\.changes).filter { $0.old != nil }
        guard !changes.isEmpty else { return [] }
        let units = UnitDirectory(r.units)
        var lines = ["修改的数值："] + changes.prefix(listedChanges).map { "  " + $0.readable(units).line }
        if changes.count > listedChanges {
            lines.append("  ……另有 \(changes.count - listedChanges) 处修改（tongbao audit 可查看全部）")
        }
        return lines
    }

    static func text(_ r: ImportReport, dryRun: Bool) -> String {
        var lines: [String] = []
        lines.append(dryRun ? "校验通过（未写入数据库）。" : "导入完成。")
        let rows = r.rows.filter { $0.1 > 0 }.map { "\($0.0.chineseName) \($0.1) 行" }
        lines.append("数据包：" + (rows.isEmpty ? "无数据" : rows.joined(separator: "，")))
        if !r.periods.isEmpty { lines.append("月份：" + r.periods.map(\.description).joined(separator: "，")) }
        if !dryRun {
            let ins = r.writes.reduce(0) { $0 + $1.inserted }
            let upd = r.writes.reduce(0) { $0 + $1.updated }
            let same = r.writes.reduce(0) { $0 + $1.unchanged }
            lines.append("新增 \(ins) 行，修改 \(upd) 行，未变 \(same) 行；修改已记入审计日志。")
            if case .some(let from) = r.unitsFrom {
                lines.append(
                    from.map { "机构目录的修改自 \($0) 起生效（units.csv 的“生效月份”列另有规定的除外）。" }
                        ?? "机构目录的修改对所有月份生效（还没有已发布的月份）；如只应影响以后的月份，请用 --effective 或“生效月份”列。")
            }
            lines += changed(r)
        }
        let notes = r.notes.filter { $0.severity == .notice }
        if !notes.isEmpty {
            lines.append("读取说明 \(notes.count) 条：")
            lines += notes.map { "  " + $0.description }
        }
        let warnings = r.notes.filter { $0.severity == .warning } + r.warnings
        if warnings.isEmpty {
            lines.append("没有提示。")
        } else {
            lines.append("提示 \(warnings.count) 条：")
            lines += warnings.map { "  " + $0.description }
        }
        return lines.joined(separator: "\n")
    }
}
