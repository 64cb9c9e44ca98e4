import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoOffice
import TongbaoStore

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "从已导入的办件明细列出需要跟进的办件。",
        subcommands: [Overdue.self, Unfavourable.self])

    struct ListOptions: ParsableArguments {
        @OptionGroup var store: StoreOptions
        @Option(help: "月份，YYYY-MM。") var period: String
        @Option(help: "只列此单位（编码、名称或别名）。") var unit: String?
        @Option(help: "写入 CSV 文件；省略时打印到标准输出。") var out: String?

        func validate() throws {
            guard Period(parsing: period) != nil else { throw ValidationError("月份格式应为 YYYY-MM，实际为“\(period)”") }
        }
    }

    struct Overdue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "overdue", abstract: "超期预警：到该月最后一天仍未办结且已超过承诺时限的办件，按单位列出。")
        @OptionGroup var options: ListOptions
        @Option(name: .customLong("as-of"), help: "以哪天为准（YYYY-MM-DD），默认该月最后一天。") var asOf: String?

        func run() async throws {
            let p = Period(parsing: options.period)!
            let last = Day(parsing: "\(p)-\(Day.daysIn(year: p.year, month: p.month))")!
            guard let day = asOf.map({ Day(parsing: $0) }) ?? last else {
                throw ValidationError("--as-of 应为 YYYY-MM-DD")
            }
            let n = CaseState.day(day)
            try await CasesCommand.list(options, through: n, asOf: n) { cases, calendar in
                CaseLists.overdue(cases, asOf: n, calendar: calendar).map(\.state)
            }
        }
    }

    struct Unfavourable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unfavourable", abstract: "差评整改：该月办结、评价为“不满意”或“非常不满意”的办件，按单位列出。")
        @OptionGroup var options: ListOptions

        func run() async throws {
            let p = Period(parsing: options.period)!
            let last = CaseState.day(Day(parsing: "\(p)-\(Day.daysIn(year: p.year, month: p.month))")!)
            try await CasesCommand.list(options, through: last, asOf: nil) { cases, _ in
                CaseLists.unfavourable(cases, in: p)
            }
        }
    }

    /// Reads every partition received up to `through`, keeps what `pick` selects, prints or writes it.
    static func list(
        _ o: ListOptions, through: Int, asOf: Int?, _ pick: @Sendable ([CaseState], WorkCalendar) -> [CaseState]
    ) async throws {
        try o.store.existingDatabase()
        let (cases, units, calendar) = try await SQLStore.with(o.store.db) {
            store -> ([CaseState], [OrgUnit], WorkCalendar) in
            let district = try await o.store.district(in: store)
            let units = try await store.units(district: district)
            let calendar = try await store.workCalendar(district: district)
            var unitCode: String? = nil
            if let u = o.unit {
                guard let code = UnitDirectory(units).resolve(u) else { throw ValidationError("没有单位“\(u)”") }
                unitCode = code
            }
            // Picked day by day, so only the listed cases stay in memory; picked again over them all for the order.
            var picked: [CaseState] = []
            for day in try await store.casePartitionDays(district: district, in: (through - 800)...through) {
                let cases = try await store.casePartition(district: district, day: day)
                picked += pick(unitCode.map { code in cases.filter { $0.unit == code } } ?? cases, calendar)
            }
            return (pick(picked, calendar), units, calendar)
        }
        let text = CaseLists.csv(cases, units: units, asOf: asOf, calendar: calendar)
        if let out = o.out {
            // With a byte-order mark, so Excel on a Chinese Windows reads it as UTF-8.
            try OutputFile.write(Data(("\u{FEFF}" + text).utf8), to: out)
            var counts: [String: Int] = [:]
            for c in cases { counts[c.unit, default: 0] += 1 }
            print("共 \(cases.count) 件，已写入 \(out)")
            for u in units where counts[u.code] != nil { print("  \(u.name)：\(counts[u.code]!) 件") }
        } else {
            print(text, terminator: "")
        }
    }
}
