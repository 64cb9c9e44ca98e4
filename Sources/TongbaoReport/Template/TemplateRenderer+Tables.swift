import Foundation
import TongbaoCore

/// The tables and charts a template names: Tongbao's own, or a unit table of the template's columns.
extension TemplateRenderer {
    /// The table, nil when the month has nothing for it (the block is left out).
    mutating func table(_ t: TemplateCatalog.Table, _ o: TableOptions) throws -> TableView? {
        var view: TableView?
        switch t {
        case .center:
            if !b.centerTable.rows.isEmpty { view = BulletinView.centerTable(b.centerTable, district: b.districtName) }
        case .subcenters: if !b.subcenterTable.rows.isEmpty { view = BulletinView.subcenterTable(b.subcenterTable) }
        case .towns: if !b.townTable.rows.isEmpty { view = BulletinView.townTable(b.townTable) }
        case .ancillary: view = b.ancillary.map(BulletinView.ancillaryTable)
        case .tongban: view = b.tongban.map { BulletinView.tongbanTable($0, b.period) }
        case .evaluation: view = b.evaluation.map { BulletinView.evaluationTable($0, b.period) }
        case .units: view = try unitTable(o)
        }
        guard var v = view else { return nil }
        if let title = o.title, let s = try text(of: title) { v.title = s }
        return v
    }

    /// 单位办件表: one row per unit of the chosen list, the chosen columns, sorted and cut as asked.
    mutating func unitTable(_ o: TableOptions) throws -> TableView? {
        guard let list = o.list else { return nil }
        var items = list.read(b).filter {
            if case .unit(let u) = $0.payload { return u.now != nil } else { return false }
        }
        if let f = o.sort { items = Self.sorted(items, by: f) }
        if let n = o.limit { items = Array(items.prefix(n)) }
        guard !items.isEmpty else { return nil }
        let width = o.columns.count
        var header = GridBuilder(width: width)
        let numeric = o.columns.map { $0.field.kind.isNumber }
        header.add(texts: o.columns.map(\.header), numericFrom: Int.max)
        var body = GridBuilder(width: width)
        func cells(_ item: Item) -> [String] {
            o.columns.map { c in c.field.read(item, c.shift)?.printed ?? "" }
        }
        let first = numeric.firstIndex(of: true) ?? width
        for item in items {
            try step()
            body.add(texts: cells(item), numericFrom: first)
        }
        if o.total {
            let sums = o.columns.enumerated().map { i, c -> String in
                guard numeric[i], c.field.kind == .count else { return i == 0 ? "合计" : "" }
                let values = items.compactMap { item -> Decimal? in
                    guard case .number(let d, _)? = c.field.read(item, c.shift) else { return nil }
                    return d
                }
                return values.isEmpty ? "" : Numbers.rate(values.reduce(0, +))
            }
            body.add(texts: sums, numericFrom: first)
        }
        let rows = body.build(total: o.total ? [items.count] : [])
        return TableView(title: "单位办件情况表", header: header.build(), body: rows)
    }

    mutating func chart(_ c: TemplateCatalog.Chart, _ title: [Piece]?) throws -> ChartView? {
        let custom = try title.flatMap { try text(of: $0) }
        switch c {
        case .trend:
            guard b.trend.contains(where: { $0.total != nil }) else { return nil }
            return Charts.trend(b.trend, title: custom ?? "全区审批服务事项办件情况分析图")
        case .tiers:
            guard b.overview.tiers.contains(where: { $0.done != nil }) else { return nil }
            return Charts.tiers(b.overview.tiers, period: b.period, title: custom ?? "全区三级服务中心办件情况分析图")
        case .top:
            guard let top = b.topDepartments else { return nil }
            return Charts.top(top.units, title: custom ?? "区行政服务中心办件量前\(top.units.count)位部门办件情况分析图")
        }
    }
}
