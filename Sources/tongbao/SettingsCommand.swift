import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoStore

/// `tongbao settings`: a district's own choices for its platform's exports.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "区县设置：办件明细导出的默认列映射、哪些评价算满意。",
        subcommands: [Show.self, Profile.self, Satisfied.self, Required.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "显示区县设置。")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try options.existingDatabase()
            let (profile, satisfied) = try await SQLStore.with(options.db) { store in
                let district = try await options.district(in: store)
                return (
                    try await store.savedProfile(district: district),
                    try await store.satisfiedRatings(district: district)
                )
            }
            print("默认列映射：" + (profile.map(\.name) ?? "无（按通报的列名和同义名读取）"))
            print("算作满意的评价：" + satisfied.sorted().map { CaseRecord.ratings[$0] }.joined(separator: "、"))
        }
    }

    struct Profile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "profile", abstract: "保存本区县导入办件明细时默认使用的列映射（内置名称或映射文件）；--clear 取消。")
        @OptionGroup var options: StoreOptions
        @Argument(help: "内置名称（province）或映射文件路径。") var profile: String?
        @Flag(help: "取消默认列映射。") var clear = false
        @OptionGroup var who: OperatorOption

        func run() async throws {
            guard clear || profile != nil else { throw ValidationError("请给出列映射的名称或文件，或用 --clear 取消") }
            try options.existingDatabase()
            // Parsed now, so a mistake is told at once, and saved with its name on the first line.
            let value = try profile.map { p -> String in
                let parsed = try ExportProfiles.load(p)
                let text =
                    ExportProfile.shipped[p]
                    ?? (FileManager.default.contents(atPath: p).flatMap { try? TextDecoding.decode($0).get().0 } ?? "")
                return parsed.name + "\n" + text
            }
            try await SQLStore.with(options.db) { store in
                try await store.setSetting(
                    district: try await options.district(in: store), .profile, clear ? nil : value,
                    change: Change(actor: who.user, source: "cli settings"))
            }
            print(clear ? "已取消默认列映射。" : "已保存默认列映射；以后 tongbao ingest 不带 --profile 时使用它。")
        }
    }

    struct Satisfied: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "satisfied", abstract: "设置哪些评价算作满意（满意率的分子），如“非常满意,满意”；之后导入和重算时生效。")
        @OptionGroup var options: StoreOptions
        @Argument(help: "评价，用逗号或顿号分隔：非常满意、满意、基本满意、不满意、非常不满意。") var ratings: String
        @OptionGroup var who: OperatorOption

        func run() async throws {
            guard let set = CaseRecord.satisfiedSet(ratings) else {
                throw ValidationError("“\(ratings)”中有不是评价的词；可用：" + CaseRecord.ratings.joined(separator: "、"))
            }
            try options.existingDatabase()
            let months = try await SQLStore.with(options.db) { store in
                let district = try await options.district(in: store)
                let change = Change(actor: who.user, source: "cli settings")
                return try await store.transaction {
                    try await store.setSetting(
                        district: district, .satisfied,
                        set.sorted().map { CaseRecord.ratings[$0] }.joined(separator: ","),
                        change: change)
                    // The ingested cases are counted again with the new set (published months stay).
                    return try await store.recomputeCaseTotals(
                        district: district, calendar: try await store.workCalendar(district: district), change: change)
                }
            }
            print("已设置：" + set.sorted().map { CaseRecord.ratings[$0] }.joined(separator: "、") + " 算作满意。")
            if !months.isEmpty { print("已重新计算：" + months.map(\.description).joined(separator: "、")) }
        }
    }
}

extension SettingsCommand {
    /// `tongbao settings required`: the units that must report every month.
    struct Required: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "required",
            abstract: "标记每月必须报送的单位（编码、名称或别名，逗号分隔；* 表示全部）：本月没有数据即为未报送；--clear 取消。")
        @OptionGroup var options: StoreOptions
        @Argument(help: "单位，逗号分隔；* 表示全部单位。") var units: String?
        @Flag(help: "取消标记。") var clear = false
        @OptionGroup var who: OperatorOption

        func run() async throws {
            guard clear || units != nil else { throw ValidationError("请给出单位，或用 --clear 取消") }
            try options.existingDatabase()
            let saved = try await SQLStore.with(options.db) { store -> String? in
                let district = try await options.district(in: store)
                var value: String? = nil
                if !clear, let units {
                    if units.trimmed == "*" {
                        value = "*"
                    } else {
                        let directory = UnitDirectory(try await store.units(district: district))
                        var codes: [String] = []
                        for u in units.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" }).map({ $0.trimmed }
                        ) {
                            guard let code = directory.resolve(u) else { throw ValidationError("没有单位“\(u)”") }
                            codes.append(code)
                        }
                        value = codes.joined(separator: ",")
                    }
                }
                try await store.setSetting(
                    district: district, .required, value, change: Change(actor: who.user, source: "cli settings"))
                return value
            }
            print(saved.map { $0 == "*" ? "已标记全部单位为每月必报。" : "已标记每月必报的单位：\($0)" } ?? "已取消必报标记。")
        }
    }
}
