import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoStore

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "导入审批平台的办件明细导出（case_records.csv，可为 .csv.gz），按办件编号去重，生成月度数字和各项比率。")

    @OptionGroup var options: StoreOptions
    @OptionGroup var who: OperatorOption
    @Argument(help: "办件明细导出文件，一个或多个。") var files: [String]
    @Option(help: "列映射：内置名称（province：省级平台交换标准字段名）或映射文件路径（docs/cases.md）；省略时按通报的列名和同义名读取。")
    var profile: String?
    @Option(name: .customLong("skip-bad"), help: "把有错误的行连同原因写入此文件，其余照常导入；省略时任何一行有错误都不导入。")
    var skipBad: String?

    func run() async throws {
        let start = Date()
        let bar = TerminalProgress(total: 0, label: "导入")
        let report: IngestReport
        do {
            // A mistyped file name (`CaseIngester.run` checks them first) leaves no new, empty database behind.
            report = try await options.removingIfNew { try await ingest(bar) }
        } catch var failed as ImportFailed {
            failed.ingestWithoutSkipBad = skipBad == nil
            throw failed
        }
        bar.done()
        let seconds = Date().timeIntervalSince(start)
        print(
            "导入完成：读取 \(report.rows) 行（\(String(format: "%.1f", Double(report.bytes) / 1_048_576)) MB，\(String(format: "%.1f", seconds)) 秒）"
        )
        print(String(format: "其中读取和校验 %.1f 秒，合并和写入 %.1f 秒", report.readSeconds, report.writeSeconds))
        print("新增办件 \(report.added) 件，状态更新 \(report.updated) 件，重复未变 \(report.unchanged) 件；涉及 \(report.days) 个受理日")
        if report.moved > 0 { print("其中 \(report.moved) 件办件的受理日期有变，已从原受理日移到新的受理日，只计一次") }
        if report.keptDay > 0 {
            print(
                "另有 \(report.keptDay) 件办件以不同的受理日期再次出现，但状态不比已存的新（规则见 docs/cases.md），保留已存的受理日期")
        }
        if report.shortRows > 0 {
            print("注意：有 \(report.shortRows) 行的单元格比表头少，缺少的列按空白读取（如未办结、无评价）；如果不应如此，请检查导出文件")
        }
        for file in report.cutShort {
            print("注意：\(file) 的最后一行没有以换行结尾，且单元格比表头少，已按短行读取；如果文件是复制或下载中断的，请重新导出后再导入")
        }
        if report.skipped > 0, let skipBad { print("跳过有错误的行 \(report.skipped) 行，见 \(skipBad)") }
        if !report.periods.isEmpty { print("数字有变化的月份：" + report.periods.map(\.description).joined(separator: "、")) }
    }

    private func ingest(_ bar: TerminalProgress) async throws -> IngestReport {
        try await SQLStore.with(options.db) { store in
            var ingester = CaseIngester(
                store: store, district: try await options.district(in: store, writing: true),
                districtName: options.districtName,
                change: Change(
                    actor: who.user,
                    source: "ingest:" + files.map { ($0 as NSString).lastPathComponent }.joined(separator: ",")))
            ingester.skipBad = skipBad.map { URL(fileURLWithPath: $0) }
            ingester.profile = try profile.map(ExportProfiles.load)
            ingester.progress = { p in bar.show(p) }
            return try await ingester.run(files)
        }
    }
}

extension TerminalProgress {
    /// A one-line bar: phase, percent, rows, MB/s and time left.
    func show(_ p: IngestProgress) {
        guard enabled, Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let fraction = p.totalBytes > 0 ? min(1, Double(p.bytes) / Double(p.totalBytes)) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = p.phase == "读取" ? String(format: "%.1f MB/s", Double(p.bytes) / 1_048_576 / elapsed) : ""
        let left = fraction > 0.01 ? String(format: "剩余 %.0f 秒", elapsed / fraction * (1 - fraction)) : ""
        FileHandle.standardError.write(
            Data("\r\(p.phase) \(bar) \(Int(fraction * 100))%  \(p.rows) 行  \(rate)  \(left)   ".utf8))
    }

    func done() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(String(repeating: " ", count: 90))\r".utf8))
    }
}

/// Column profiles by name (shipped) or path.
enum ExportProfiles {
    static func load(_ nameOrPath: String) throws -> ExportProfile {
        do {
            if let text = ExportProfile.shipped[nameOrPath] { return try ExportProfile.parse(text, name: nameOrPath) }
            guard let data = FileManager.default.contents(atPath: nameOrPath) else {
                throw ValidationError(
                    "找不到列映射“\(nameOrPath)”：可用内置的 " + ExportProfile.shipped.keys.sorted().joined(separator: "、")
                        + "，或给出映射文件路径")
            }
            guard case .success(let (text, _)) = TextDecoding.decode(data) else {
                throw ValidationError("列映射文件“\(nameOrPath)”不是 UTF-8 或 GB18030 文本")
            }
            return try ExportProfile.parse(text, name: (nameOrPath as NSString).lastPathComponent)
        } catch let mistake as ExportProfile.Mistake {
            throw ValidationError(mistake.message)
        }
    }
}
