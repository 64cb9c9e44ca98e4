import Foundation
import TongbaoCore
import TongbaoOffice

extension XLSXBulletinWriter {
    /// The 概况 sheet that opens the Excel bulletin: the units still missing, the district total and the three
    /// tiers against last month and last year, the rates, the top ten departments' sum and share with the top
    /// three, the figures of the charts, and every figure the template names, all as numbers a clerk can compute
    /// with.
    static func overviewSheet(_ v: BulletinView) -> Sheet {
        let b = v.source
        let o = b.overview
        var rows: [[SheetCell]] = [[.text("\(b.title)概况（\(b.period.year)年\(b.period.month)月）", .title)]]
        func blank() { rows.append([]) }
        if let missing = b.missing {
            rows.append([.text("未报送单位", .header), number(missing.count), .text(missing.joined(separator: "、"), .text)])
            blank()
        }
        rows.append(
            ["指标", "本月", "上月", "比上月增减", "比上月增减（%）", "去年同期", "比去年同期增减", "比去年同期增减（%）"].map {
                .text($0, .header)
            })
        func change(_ label: String, _ now: Int?, _ previous: Int?, _ lastYear: Int?) {
            rows.append(
                [.text(label, .text), number(now), number(previous), difference(now, previous), percent(now, previous)]
                    + [number(lastYear), difference(now, lastYear), percent(now, lastYear)])
        }
        change("全区办件量", o.total, o.previousTotal, o.lastYearTotal)
        for t in o.tiers { change("\(t.tier.chineseName)办件量", t.done, t.previousDone, t.lastYearDone) }
        if !o.rates.isEmpty {
            blank()
            rows.append([.text("比率", .header), .text("数值（%）", .header), .text("说明", .header)])
            for r in o.rates {
                rows.append(
                    [.text(r.name, .text), .number(NSDecimalNumber(decimal: r.value).doubleValue, .number)]
                        + (r.note.map { [.text($0, .text)] } ?? []))
            }
        }
        if let top = b.topDepartments {
            blank()
            rows.append([
                .text("排名", .header), .text("办件量", .header), .text("占区行政服务中心（%）", .header), .text("单位", .header),
            ])
            rows.append(
                [
                    .text("前\(top.units.count)位部门合计", .text), number(top.sum), share(top.share),
                    .text(top.units.map(\.name).joined(separator: "、"), .text),
                ])
            rows.append(
                [
                    .text("前三位部门合计", .text), number(top.topThreeSum), share(top.topThreeShare),
                    .text(top.topThree.joined(separator: "、"), .text),
                ])
        }
        for chart in v.sections.flatMap({ $0.blocks.compactMap(\.chart) }) {
            blank()
            rows.append([.text(chart.title, .header)] + chart.data.categories.map { .text($0, .header) })
            for s in chart.data.series { rows.append([.text(s.name, .text)] + s.values.map(number)) }
        }
        if !v.figures.isEmpty {
            blank()
            let name = b.template.map { "模板\($0.label)中的数字" } ?? "模板中的数字"
            rows.append([.text(name, .header), .text("数值", .header)])
            for f in v.figures {
                rows.append([
                    .text(f.name, .text), Double(f.value).map { .number($0, .number) } ?? .text(f.value, .text),
                ])
            }
        }
        let width = rows.map(\.count).max() ?? 1
        return Sheet(
            name: "概况", rows: rows, merges: [CellRange(top: 1, left: 1, bottom: 1, right: max(2, width))],
            columnWidths: [24] + Array(repeating: 12, count: max(1, width - 1)), frozenRows: 1)
    }

    static func number(_ v: Int?) -> SheetCell { v.map { .number(Double($0), .number) } ?? SheetCell(.empty, .number) }

    static func difference(_ a: Int?, _ b: Int?) -> SheetCell {
        guard let a, let b else { return SheetCell(.empty, .number) }
        return .number(Double(a - b), .number)
    }

    /// The change in percent, two decimals; empty without a base.
    static func percent(_ a: Int?, _ b: Int?) -> SheetCell {
        guard let a, let b, b != 0 else { return SheetCell(.empty, .number) }
        return .number((Double(a - b) / Double(b) * 10_000).rounded() / 100, .number)
    }

    /// A share printed as `43.66%` (or a bare number) as a number.
    static func share(_ text: String?) -> SheetCell {
        guard let text, let v = Double(text.replacingOccurrences(of: "%", with: "")) else {
            return SheetCell(.empty, .number)
        }
        return .number(v, .number)
    }
}
