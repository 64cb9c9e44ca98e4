import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoOffice
import TongbaoStore

struct GenCasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen-cases",
        abstract: "生成模拟的办件明细导出（case_records.csv），供测试和性能测试使用；同一种子得到同样的文件。")

    @Option(help: "行数（办件数）。") var rows: Int
    @Option(help: "随机种子。") var seed: UInt64 = 1
    @Option(help: "受理日期从哪天开始，YYYY-MM-DD。") var from: String = "2021-07-01"
    @Option(help: "覆盖多少天。") var days: Int = 31
    @Option(help: "输出文件；省略时写到标准输出。") var out: String?
    @Option(name: .customLong("id-prefix"), help: "办件编号前缀；前缀不同的导出不会有相同编号。") var idPrefix = "GC"

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows 不能为负数") }
        guard Day(parsing: from) != nil else { throw ValidationError("--from 应为 YYYY-MM-DD，实际为“\(from)”") }
        guard days >= 1 else { throw ValidationError("--days 应至少为 1") }
    }

    func run() async throws {
        var generator = CaseGenerator(
            units: try Self.sampleProfiles(), seed: seed, from: Day(parsing: from)!, days: days)
        generator.idPrefix = idPrefix
        let handle: FileHandle
        if let out {
            do { handle = try OutputFile.open(out) } catch { throw ValidationError("无法创建文件 \(out)") }
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer = Array((CaseGenerator.header + "\n").utf8)
        buffer.reserveCapacity(1 << 20)
        let progress = TerminalProgress(total: rows, label: "生成")
        for i in 0..<rows {
            generator.next(into: &buffer)
            if buffer.count >= 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
                progress.update(i + 1)
            }
        }
        handle.write(Data(buffer))
        progress.finish(rows)
        if out != nil { try handle.close() }
    }

    /// The bundled sample's units weighted by the cases they received in July 2021.
    static func sampleProfiles() throws -> [CaseGenerator.UnitProfile] {
        guard let sample = Bundle.module.url(forResource: "Sample/yubei-2021-07", withExtension: nil) else {
            throw DemoError.sampleMissing
        }
        let files = try PackageReader.read(sample.path).filter { ["units.csv", "cases.csv"].contains($0.name) }
        let (pkg, _) = PackageParser().parse(files)
        let names = Dictionary(pkg.units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        return pkg.cases.compactMap { c in
            let immediate = Double(c.recvImmediate ?? 0)
            let total = immediate + Double(c.recvPromised ?? 0)
            guard total > 0, let name = names[c.unit] else { return nil }
            return CaseGenerator.UnitProfile(name: name, weight: total, immediateShare: immediate / total)
        }
    }
}

/// A progress line on standard error when it is a terminal: count, rate and time left. Updated from one task
/// at a time (hence unchecked Sendable).
final class TerminalProgress: @unchecked Sendable {
    let total: Int
    let label: String
    let start = Date()
    let enabled = isatty(STDERR_FILENO) == 1
    var last = Date.distantPast

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        guard enabled, Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * done / total : 100
        FileHandle.standardError.write(
            Data(
                String(format: "\r%@ %3d%%  %d/%d 行  %.0f 行/秒  剩余 %.0f 秒 ", label, percent, done, total, rate, left)
                    .utf8))
    }

    func finish(_ done: Int) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(
            Data(String(format: "\r%@ 完成：%d 行，%.1f 秒%@\n", label, done, elapsed, "          ").utf8))
    }
}
