import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoReport
import TongbaoServer
import TongbaoStore

/// `tongbao bulletin-template`: the bulletin's structure and wording as a text file (docs/templates.md).
struct BulletinTemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulletin-template", abstract: "通报模板：查看、检查、保存和选用通报的结构与措辞（见 docs/templates.md）。",
        subcommands: [List.self, Show.self, Check.self, Save.self, Use.self])

    /// A template file as text: UTF-8 or GB18030, at most 64 KB (a template is written, not generated).
    static func read(_ path: String) throws -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw ValidationError("找不到模板文件 \(path)") }
        guard size <= TemplateLimits.maxBytes else { throw ValidationError("模板文件 \(path) 超过 64 KB") }
        guard let data = FileManager.default.contents(atPath: path),
            case .success(let (text, _)) = TextDecoding.decode(data)
        else { throw ValidationError("模板文件 \(path) 不是 UTF-8 或 GBK 编码的文本") }
        return text
    }

    /// Every mistake of a template file, one line each with the file's name (no usage lines after it).
    struct Mistakes: Error, LocalizedError, CustomStringConvertible {
        var description: String
        var errorDescription: String? { description }
    }

    /// The template parsed, or every mistake in it with the file's name.
    static func parse(_ text: String, name: String, file: String, saving: Bool = false) throws -> BulletinTemplate {
        do {
            return try BulletinTemplate(name: name, version: 0, text: text)
        } catch {
            throw Mistakes(
                description: "\(file) \(error.summary)\(saving ? "，未保存" : "")：\n"
                    + error.problems.map { "  \(file) \($0)" }.joined(separator: "\n"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "列出系统自带的和本区县保存的模板，以及正在使用的一个。")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try options.existingDatabase()
            try await SQLStore.with(options.db) { store in
                let district = try await options.district(in: store)
                let choice = try await store.templateChoice(district: district)
                let current = try await Publishing(store: store).template(district: district)
                print(
                    "正在使用：\(current.stamp.label)"
                        + (choice.chosenBy.map { $0 == district ? "" : "（由 \($0) 统一设置）" } ?? ""))
                for t in BulletinTemplate.shipped { print("系统自带  \(t.name)") }
                for t in try await store.templates(owner: district) {
                    print("本区县    \(t.name)  第\(t.version)版  \(t.savedBy)  \(ChinaTime.display(t.savedAt))")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "打印模板的文本（可另存为文件修改）。")
        @Argument(help: "模板名称：系统自带的“标准通报”“市级月报示例”，或已保存的名称；省略时为正在使用的模板。") var name: String?
        @Option(help: "数据库（显示已保存的模板时需要）。") var db: String?
        @Option(help: "区县编码。") var district: String?
        @Option(name: .customLong("template-version"), help: "模板的版本号；省略时为最新版。") var version: Int?

        func run() async throws {
            if let name, db == nil, let t = BulletinTemplate.shipped.first(where: { $0.name == name }) {
                print(t.text)
                return
            }
            guard let db else { throw ValidationError("请用 --db 给出数据库，或给出系统自带模板的名称：标准通报、市级月报示例") }
            let text = try await SQLStore.with(db) { store -> String in
                let options = try StoreOptions.parse(["--db", db] + (district.map { ["--district", $0] } ?? []))
                let code = try await options.district(in: store)
                guard let name else { return try await Publishing(store: store).template(district: code).text }
                if let s = try await store.template(owner: code, name: name, version: version) { return s.body }
                if let t = BulletinTemplate.shipped.first(where: { $0.name == name }) { return t.text }
                throw ValidationError("区县“\(code)”没有名为“\(name)”的模板" + (version.map { "第\($0)版" } ?? ""))
            }
            print(text)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "检查模板文件；给出数据库和月份时，按它生成该月通报的 Markdown 预览。")
        @Argument(help: "模板文件（UTF-8 或 GBK 文本）。") var file: String
        @Option(help: "数据库（预览时需要）。") var db: String?
        @Option(help: "区县编码。") var district: String?
        @Option(help: "预览的月份，YYYY-MM。") var period: String?

        func validate() throws {
            if (db == nil) != (period == nil) { throw ValidationError("预览需要同时给出 --db 和 --period") }
        }

        func run() async throws {
            let template = try BulletinTemplateCommand.parse(
                try BulletinTemplateCommand.read(file), name: file, file: file)
            guard let db, let period else {
                print("\(file)：没有发现错误。")
                return
            }
            if !SQLStore.isPostgresLocation(db), !FileManager.default.fileExists(atPath: db) {
                throw ValidationError("数据库文件 \(db) 不存在")
            }
            guard let p = Period(parsing: period) else { throw ValidationError("月份格式应为 YYYY-MM，实际为“\(period)”") }
            let md = try await SQLStore.with(db) { store -> String in
                let options = try StoreOptions.parse(["--db", db] + (district.map { ["--district", $0] } ?? []))
                let code = try await options.district(in: store)
                guard let b = try await Publishing(store: store).bulletin(district: code, period: p) else {
                    throw ValidationError("\(period) 没有任何数据")
                }
                return MarkdownWriter.render(try template.view(b))
            }
            print(md)
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "save", abstract: "把模板文件保存为本区县（或城市）模板的新版本；有错误时不保存。")
        @OptionGroup var options: StoreOptions
        @Argument(help: "模板文件。") var file: String
        @Option(help: "模板名称，如“区县通报”。") var name: String
        @Flag(help: "保存后即选用它。") var use = false
        @OptionGroup var who: OperatorOption

        func validate() throws {
            guard let problem = TemplateLimits.nameProblem(name) else { return }
            throw ValidationError(problem)
        }

        func run() async throws {
            let text = TemplateLimits.normalized(try BulletinTemplateCommand.read(file))
            let template = try BulletinTemplateCommand.parse(text, name: name, file: file, saving: true)
            try options.existingDatabase()
            let version = try await SQLStore.with(options.db) { store in
                let district = try await options.district(in: store)
                let change = Change(actor: who.user, source: "cli bulletin-template")
                let publishing = Publishing(store: store)
                // Rendered once with the newest month first: a template too large for the data is not kept.
                do {
                    try await publishing.trial(template, district: district)
                } catch let errors as TemplateErrors {
                    throw Mistakes(
                        description: "\(file) \(errors.summary)，未保存：\n"
                            + errors.problems.map { "  \($0)" }.joined(separator: "\n"))
                }
                return try await store.transaction(district: district) {
                    let saved = try await store.saveTemplate(owner: district, name: name, body: text, change: change)
                    if use {
                        _ = try await publishing.useTemplate(
                            name, version: saved.version, district: district, change: change)
                    }
                    return saved
                }
            }
            print(
                (version.saved ? "已保存模板“\(name)”第\(version.version)版" : "内容与“\(name)”第\(version.version)版相同，未另存")
                    + (use ? "，并已选用" : "；正在使用的版本不变，用 tongbao bulletin-template use \(name) 选用"))
        }
    }

    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "use", abstract: "选用模板：本区县以后生成的通报都按它（已发布的月份不变）；对城市设置时，其下未自选模板的区县都用它。")
        @OptionGroup var options: StoreOptions
        @Argument(help: "模板名称；“标准通报”恢复系统自带的标准模板。") var name: String
        @Option(name: .customLong("template-version"), help: "选用的版本；省略时为最新版。") var version: Int?
        @OptionGroup var who: OperatorOption

        func run() async throws {
            try options.existingDatabase()
            try await SQLStore.with(options.db) { store in
                let district = try await options.district(in: store)
                let city = try await store.districts(ofCity: district).map(\.code)
                let change = Change(actor: who.user, source: "cli bulletin-template")
                guard
                    try await Publishing(store: store).useTemplate(
                        name, version: version, district: district, change: change)
                else {
                    let names = try await store.templates(owner: district).map(\.name)
                    throw ValidationError(
                        names.contains(name) && version != nil
                            ? "模板“\(name)”没有第\(version!)版；用 tongbao bulletin-template list 查看"
                            : "没有名为“\(name)”的模板；可选："
                                + (BulletinTemplate.shipped.map(\.name) + names).joined(separator: "、"))
                }
                print("区县“\(district)”已选用模板“\(name)”" + (city.isEmpty ? "" : "；其下未自选模板的\(city.count)个区县也用它"))
            }
        }
    }
}
