import Foundation
import TongbaoCore

extension BulletinView {
    static let caseColumns = ["即办", "承诺", "合计", "即办", "承诺", "合计", "接件", "办结"]

    static func caseCells(_ c: CaseCounts) -> [String] {
        [
            c.recvImmediate, c.recvPromised, c.recvTotal, c.doneImmediate, c.donePromised, c.doneTotal, c.ytdRecv,
            c.ytdDone,
        ].map(n)
    }

    static func ytdCells(_ c: CaseCounts, dash: String) -> [String] {
        [c.recvImmediate, c.recvPromised, c.recvTotal, c.doneImmediate, c.donePromised, c.doneTotal].map(n) + [
            dash, dash,
        ]
    }

    static func centerTable(_ t: UnitTable, district: String) -> TableView {
        var g = GridBuilder(width: 10)
        g.add([("窗口类型", 1, 2), ("单位", 1, 2), ("接件数量（件）", 3, 1), ("办结数量（件）", 3, 1), ("本年累计", 2, 1)])
        g.add(texts: caseColumns, numericFrom: 0)
        let header = g.build()
        var body = GridBuilder(width: 10)
        var i = 0
        while i < t.rows.count {
            let window = t.rows[i].window ?? ""
            var j = i
            while j < t.rows.count, (t.rows[j].window ?? "") == window { j += 1 }
            let group = t.rows[i..<j]
            if group.count == 1, group.first!.name == window {
                body.add([(window, 2, 1)] + caseCells(group.first!.counts).map { ($0, 1, 1) }, numericFrom: 2)
            } else {
                for (k, row) in group.enumerated() {
                    let lead: [(String, Int, Int)] = k == 0 ? [(window, 1, group.count)] : []
                    body.add(lead + [(row.name, 1, 1)] + caseCells(row.counts).map { ($0, 1, 1) }, numericFrom: 2)
                }
            }
            i = j
        }
        body.add([("合计", 2, 1)] + caseCells(t.total).map { ($0, 1, 1) }, numericFrom: 2)
        body.add([("今年累计", 2, 1)] + ytdCells(t.yearToDate, dash: "——").map { ($0, 1, 1) }, numericFrom: 2)
        let rows = body.build(total: [body.rows.count - 2, body.rows.count - 1])
        return TableView(title: "\(district)行政服务中心接办件情况统计表", header: header, body: rows)
    }

    static func subcenterTable(_ t: UnitTable) -> TableView {
        var g = GridBuilder(width: 9)
        g.add([("分中心名称", 1, 2), ("接件数量（件）", 3, 1), ("办结数量（件）", 3, 1), ("本年累计数量（件）", 2, 1)])
        g.add(texts: caseColumns, numericFrom: 0)
        var body = GridBuilder(width: 9)
        for row in t.rows { body.add(texts: [row.name] + caseCells(row.counts), numericFrom: 1) }
        body.add(texts: ["本月合计"] + caseCells(t.total), numericFrom: 1)
        body.add(texts: ["全年累计"] + ytdCells(t.yearToDate, dash: "——"), numericFrom: 1)
        return TableView(
            title: "分中心接办件情况统计表", header: g.build(),
            body: body.build(total: [body.rows.count - 2, body.rows.count - 1]))
    }

    static func townTable(_ t: UnitTable) -> TableView {
        let width = 10 + t.scopes.count
        var g = GridBuilder(width: width)
        var top: [(String, Int, Int)] = [
            ("镇街", 1, 2), ("接件数量（件）", 3, 1), ("办结数量（件）", 3, 1), ("本年累计", 2, 1), ("村居代办量", 1, 2),
        ]
        if !t.scopes.isEmpty { top.append(("通办事项数", t.scopes.count, 1)) }
        g.add(top)
        g.add(texts: caseColumns + t.scopes, numericFrom: 0)
        var body = GridBuilder(width: width)
        func cells(_ c: CaseCounts, _ first: [String]) -> [String] { first + [n(c.proxy)] + c.tongban.map(n) }
        for row in t.rows { body.add(texts: cells(row.counts, [row.name] + caseCells(row.counts)), numericFrom: 1) }
        body.add(texts: cells(t.total, ["本月累计"] + caseCells(t.total)), numericFrom: 1)
        body.add(texts: cells(t.yearToDate, ["今年累计"] + ytdCells(t.yearToDate, dash: "—")), numericFrom: 1)
        return TableView(
            title: "镇街公共服务中心接办件情况统计表", header: g.build(),
            body: body.build(total: [body.rows.count - 2, body.rows.count - 1]))
    }

    static func ancillaryTable(_ t: AncillaryTable) -> TableView {
        var g = GridBuilder(width: 3)
        g.add(texts: ["事项名称", "咨询服务量(人次)", "本年累计"], numericFrom: 9)
        var body = GridBuilder(width: 3)
        for r in t.rows { body.add(texts: [r.service, n(r.count), n(r.ytd)], numericFrom: 1) }
        body.add(texts: ["合计", n(t.totalCount), n(t.totalYTD)], numericFrom: 1)
        return TableView(
            title: "中心配套服务窗口咨询服务情况统计表", header: g.build(), body: body.build(total: [body.rows.count - 1]))
    }

    static func tongbanTable(_ t: TongbanTable, _ p: Period) -> TableView {
        let width = 1 + 2 * t.scopes.count
        var g = GridBuilder(width: width)
        g.add([("部门名称", 1, 2)] + t.scopes.map { ($0, 2, 1) })
        g.add(texts: t.scopes.flatMap { _ in ["\(p.month)月", "全年"] }, numericFrom: 0)
        var body = GridBuilder(width: width)
        func pairs(_ m: [Int?], _ y: [Int?]) -> [String] { zip(m, y).flatMap { [n($0), n($1)] } }
        for r in t.rows { body.add(texts: [r.name] + pairs(r.month, r.ytd), numericFrom: 1) }
        body.add(texts: ["合计"] + pairs(t.totalMonth, t.totalYTD), numericFrom: 1)
        return TableView(title: "“跨区域通办”窗口服务情况统计表", header: g.build(), body: body.build(total: [body.rows.count - 1]))
    }

    static func evaluationTable(_ t: EvaluationTable, _ p: Period) -> TableView {
        let width = 2 + t.criteria.count
        func label(_ c: Criterion) -> String { "\(c.name) (\(Numbers.decimal(c.max))分)" }
        var top: [(String, Int, Int)] = [("窗口", 1, 2)]
        var second: [String] = []
        var i = 0
        while i < t.criteria.count {
            let section = t.criteria[i].section ?? ""
            var j = i + 1
            if !section.isEmpty { while j < t.criteria.count, t.criteria[j].section == section { j += 1 } }
            if section.isEmpty {
                top.append((label(t.criteria[i]), 1, 2))
            } else {
                top.append((section, j - i, 1))
                second += t.criteria[i..<j].map(label)
            }
            i = j
        }
        top.append(("总分", 1, 2))
        var g = GridBuilder(width: width)
        g.add(top)
        g.add(texts: second, numericFrom: 0)
        var body = GridBuilder(width: width)
        for r in t.rows {
            body.add(
                texts: [r.name] + r.scores.map { $0.map(Numbers.decimal) ?? "" } + [Numbers.decimal(r.total)],
                numericFrom: 1)
        }
        let note = t.unscored.isEmpty ? nil : "注：\(t.unscored.joined(separator: "、"))未列入。"
        return TableView(
            title: "\(p.year)年\(p.month)月部门行政审批服务工作测评情况表", header: g.build(), body: body.build(), note: note)
    }
}
