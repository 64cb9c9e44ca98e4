import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoServer
import TongbaoStore

extension BulletinFormat: ExpressibleByArgument {}

struct BulletinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulletin", abstract: "生成某月的运行通报（Markdown、HTML、JSON、Word、Excel 或 PDF）。")

    @OptionGroup var options: StoreOptions
    @Option(help: "月份，YYYY-MM。") var period: String
    @Option(help: "格式：md、html、json、docx、xlsx、pdf（PDF 需要 Debian 软件包 chromium 和 fonts-noto-cjk）。")
    var format: BulletinFormat = .md
    @Option(help: "输出文件；省略时文本格式打印到标准输出，docx、xlsx、pdf 写入标准输出的字节流。") var out: String?

    func validate() throws {
        guard Period(parsing: period) != nil else { throw ValidationError("月份格式应为 YYYY-MM，实际为“\(period)”") }
    }

    func run() async throws {
        let p = Period(parsing: period)!
        try options.existingDatabase()
        let (data, missing) = try await SQLStore.with(options.db) { store -> (Data, [String]?) in
            let district = try await options.district(in: store)
            let publishing = Publishing(store: store, settings: options.settings)
            // A published month comes from its published copy, byte for byte.
            guard let data = try await publishing.document(district: district, period: p, format: format),
                let b = try await publishing.bulletin(district: district, period: p)
            else { throw RenderingError.noData(district: district, period: p) }
            return (data, b.missing)
        }
        if let missing {
            FileHandle.standardError.write(
                Data("警告：截至生成时，尚有\(missing.count)个单位未报送：\(missing.joined(separator: "、"))\n".utf8))
        }
        if let out {
            try OutputFile.write(data, to: out)
        } else if format.isText {
            print(String(decoding: data, as: UTF8.self))
        } else {
            FileHandle.standardOutput.write(data)
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
