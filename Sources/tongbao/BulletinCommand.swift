import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoReport
import TongbaoStore

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case md, html, json
}

struct BulletinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulletin", abstract: "生成某月的运行通报（Markdown、HTML 或 JSON）。")

    @OptionGroup var options: StoreOptions
    @Option(help: "月份，YYYY-MM。") var period: String
    @Option(help: "格式：md、html、json。") var format: OutputFormat = .md
    @Option(help: "输出文件；省略时打印到标准输出。") var out: String?

    func validate() throws {
        guard Period(parsing: period) != nil else { throw ValidationError("月份格式应为 YYYY-MM，实际为“\(period)”") }
    }

    func run() async throws {
        let p = Period(parsing: period)!
        let bulletin = try await Rendering.bulletin(
            db: options.db, district: options.district, period: p, settings: options.settings)
        let text = try Rendering.render(bulletin, format: format)
        if let out {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } else {
            print(text)
        }
    }
}

enum Rendering {
    static func bulletin(
        db: String, district: String, period: Period, settings: BulletinSettings = BulletinSettings()
    ) async throws -> Bulletin {
        let data = try await SQLStore.with(db) { try await $0.load(district: district, period: period) }
        let builder = BulletinBuilder(data: data, period: period, settings: settings)
        guard builder.hasData else { throw RenderingError.noData(district: district, period: period) }
        return builder.build()
    }

    static func render(_ b: Bulletin, format: OutputFormat) throws -> String {
        switch format {
        case .md: return MarkdownWriter.render(BulletinView(b))
        case .html: return try HTMLWriter.render(BulletinView(b))
        case .json: return try JSONWriter.render(b)
        }
    }
}

enum RenderingError: Error, LocalizedError {
    case noData(district: String, period: Period)

    var errorDescription: String? {
        switch self {
        case .noData(let district, let period):
            return "区县“\(district)”在 \(period) 没有任何数据：请先导入该月的数据包"
        }
    }
}
