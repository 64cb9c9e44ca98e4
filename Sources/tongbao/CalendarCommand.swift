import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoStore

/// `tongbao calendar`: the holidays and 调休 working days deadlines count with.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "节假日安排：期限按工作日计算所用的放假和调休上班日。",
        subcommands: [Show.self, Import.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "列出某年的放假日和调休上班日（内置的国务院安排加本区县的调整）。")
        @OptionGroup var options: StoreOptions
        @Argument(help: "年份，如 2021。") var year: Int

        func run() async throws {
            try options.existingDatabase()
            let calendar = try await SQLStore.with(options.db) { store in
                try await store.workCalendar(district: try await options.district(in: store))
            }
            guard calendar.years.contains(year) else {
                throw ValidationError(WorkCalendar.MissingYear(year: year).message)
            }
            let days = calendar.entries.filter { $0.day.year == year }
            let weekdaysOff = days.filter { !$0.working && DayOfWeek.isWeekday($0.day) }.count
            print("\(year) 年：工作日放假 \(weekdaysOff) 天，调休上班 \(days.filter(\.working).count) 天")
            for e in days { print("\(e.day)  \(e.working ? "上班" : "放假")  \(e.note)") }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "导入本区县的放假或上班日（每行“日期[..日期] 放假|上班 名称”），可补充新的一年；记入审计日志。")
        @OptionGroup var options: StoreOptions
        @Argument(help: "节假日文件（UTF-8 或 GB18030 文本）。") var file: String
        @OptionGroup var who: OperatorOption

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file),
                case .success(let (text, _)) = TextDecoding.decode(data)
            else { throw ValidationError("无法读取“\(file)”：应为 UTF-8 或 GB18030 文本") }
            let (entries, issues) = WorkCalendar.parse(text)
            guard issues.isEmpty else {
                throw ValidationError(issues.map { "\(file) 第\($0.line)行：\($0.reason)" }.joined(separator: "\n"))
            }
            guard !entries.isEmpty else { throw ValidationError("“\(file)”中没有任何日期") }
            // A district's days: its database must be there (a typo must not make a new, empty one).
            try options.existingDatabase()
            let (changed, months) = try await SQLStore.with(options.db) { store in
                let district = try await options.district(in: store, writing: true)
                try await store.ensureDistrict(district, name: options.districtName)
                let change = Change(actor: who.user, source: "calendar import")
                return try await store.transaction {
                    let n = try await store.saveCalendarDays(entries, district: district, change: change)
                    // Ingested cases are counted again with the new days (published months stay as published).
                    let months = try await store.recomputeCaseTotals(
                        district: district, calendar: try await store.workCalendar(district: district), change: change)
                    return (n, months)
                }
            }
            let years = Set(entries.map(\.day.year)).sorted().map(String.init).joined(separator: "、")
            print("已导入 \(entries.count) 天（\(years) 年），其中 \(changed) 天有变化；已记入审计日志。")
            if !months.isEmpty {
                print("已按新的安排重新计算办件明细的按时办结等数字：" + months.map(\.description).joined(separator: "、"))
            }
        }
    }
}
