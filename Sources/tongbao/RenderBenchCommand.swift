import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoReport
import TongbaoServer
import TongbaoStore

/// `tongbao bench-render`: one district-month rendered in every text format many times in this process, each
/// timed alone (the data loaded and the bulletin built once, outside the clock), for bench/render-inprocess.sh.
struct RenderBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-render", abstract: "（性能测试）在同一进程内反复生成一个月的通报，报告每种格式的耗时。",
        shouldDisplay: false)
    @Option(name: .long, help: "数据库文件。") var db: String
    @Option(name: .long, help: "区县编码。") var district: String
    @Option(name: .long, help: "月份 YYYY-MM。") var period: String
    @Option(help: "每种格式的次数。") var rounds: Int = 200

    func run() async throws {
        guard let month = Period(parsing: period) else { throw ValidationError("月份无效：\(period)") }
        try await SQLStore.with(db) { store in
            let publishing = Publishing(store: store)
            var timings: [(String, [Duration])] = []
            func time(_ name: String, _ body: () async throws -> Void) async rethrows {
                for _ in 0..<3 { try await body() }  // warm caches
                var d: [Duration] = []
                for _ in 0..<rounds {
                    let start = ContinuousClock.now
                    try await body()
                    d.append(ContinuousClock.now - start)
                }
                timings.append((name, d.sorted()))
            }
            guard let bulletin = try await publishing.bulletin(district: district, period: month) else {
                throw ValidationError("\(district) \(period) 没有数据")
            }
            try await time("load+build") { _ = try await publishing.bulletin(district: district, period: month) }
            // md, json and html in the words of the standard template (the view is made from it each time);
            // the municipal example in Markdown; a template's text parsed and checked (a saved one is, per render).
            for format in [BulletinFormat.md, .json, .html] {
                try await time(format.rawValue) { _ = try await format.render(bulletin) }
            }
            try await time("municipal") { _ = try await BulletinFormat.md.render(bulletin, template: .municipal) }
            let text = BulletinTemplate.standard.text
            try await time("parse") { _ = try BulletinTemplate(name: "bench", version: 1, text: text) }
            for (name, d) in timings {
                let ms = { (x: Duration) in Double(x.components.attoseconds) / 1e15 + Double(x.components.seconds) * 1e3
                }
                let median = ms(d[d.count / 2])
                let p95 = ms(d[min(d.count - 1, d.count * 95 / 100)])
                let goal = name == "load+build" ? "" : (p95 < 20 ? "  goal <20 ms: met" : "  goal <20 ms: NOT met")
                let label = name.padding(toLength: 10, withPad: " ", startingAt: 0)
                print(label + String(format: " median %7.2f ms  p95 %7.2f ms", median, p95) + goal)
            }
        }
    }
}
