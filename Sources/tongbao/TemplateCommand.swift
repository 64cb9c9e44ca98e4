import ArgumentParser
import Foundation
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoStore

struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template", abstract: "为一个单位生成某月的 Excel 报表（预填单位和上月数字），填好后可直接导入。")

    @OptionGroup var options: StoreOptions
    @Option(help: "单位编码、名称或别名。") var unit: String
    @Option(help: "月份，YYYY-MM。") var period: String
    @Option(help: "输出的 .xlsx 文件；省略时为 报表-单位编码-月份.xlsx。") var out: String?

    func validate() throws {
        guard Period(parsing: period) != nil else { throw ValidationError("月份格式应为 YYYY-MM，实际为“\(period)”") }
    }

    func run() async throws {
        let p = Period(parsing: period)!
        try options.existingDatabase()
        let book = try await SQLStore.with(options.db) { store -> Workbook in
            let district = try await options.district(in: store)
            let directory = UnitDirectory(try await store.units(district: district))
            guard let code = directory.resolve(unit), let u = directory.unit(code) else {
                let near = directory.closest(unit)
                throw ValidationError(
                    "区县“\(district)”没有单位“\(unit)”"
                        + (near.isEmpty ? "" : "；是否应为“" + near.joined(separator: "”或“") + "”？"))
            }
            let current = try await store.reportRows(district: district, unit: u.code, period: p)
            let previous = try await store.reportRows(district: district, unit: u.code, period: p.previous)
            return ReportTemplate.workbook(unit: u, period: p, current: current, previous: previous)
        }
        let path = out ?? "报表-\(unit)-\(p).xlsx"
        try OutputFile.write(XLSXWriter.write(book), to: path)
        print("已生成 \(path)")
    }
}
