import Foundation
import Testing
import TongbaoCore
import TongbaoTestSupport

/// The header vocabulary (docs/columns.md) and the rules that read files as offices make them.
@Suite struct HeaderVocabularyTests {
    /// Every name docs/columns.md lists under a column maps to that column, and every synonym in the code is listed.
    @Test func docsListExactlyTheVocabulary() throws {
        let doc = try String(contentsOf: Fixtures.root.appendingPathComponent("docs/columns.md"), encoding: .utf8)
        var table: PackageTable? = nil
        var listed = 0
        for line in doc.split(separator: "\n").map(String.init) {
            if line.hasPrefix("### ") {
                let name = line.dropFirst(4).split(separator: " ").first.map(String.init) ?? ""
                table = PackageTable(rawValue: name)
                #expect(table != nil, "unknown table \(name)")
                continue
            }
            guard let table, line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmed }
            let column = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let names = [column, cells[2]] + cells[3].split(separator: "、").map(String.init)
            for name in names where !name.isEmpty {
                #expect(HeaderVocabulary.role(name, in: table) == .field(column), "\(table) \(name)")
                listed += 1
            }
            let col = try #require(table.columns.first { $0.name == column })
            #expect(
                Set(HeaderVocabulary.names(of: col, in: table)) == Set(names.filter { !$0.isEmpty }),
                "\(table).\(column)")
        }
        #expect(listed > 150)
    }

    @Test(arguments: [
        ("即办接件", ColumnRole.field("recv_immediate")), ("接件即办", .field("recv_immediate")),
        ("受理即办件（件）", .field("recv_immediate")), ("即办\n接件\n（件）", .field("recv_immediate")),
        ("接件数量（件）即办", .field("recv_immediate")), ("办结数量(件)承诺", .field("done_promised")),
        ("本年累计接件", .field("ytd_recv")), ("累计办结", .field("ytd_done")), ("本年累计办结", .field("ytd_done")),
        ("村居代办量（件）", .field("proxy")), ("代办量", .field("proxy")),
        ("接件合计", .total(["recv_immediate", "recv_promised"])),
        ("接件数量（件）", .total(["recv_immediate", "recv_promised"])),
        ("办结数量合计", .total(["done_immediate", "done_promised"])), ("办件合计", .total([])),
        ("序号", .ignored), ("备 注", .ignored), ("统计月份", .field("period")), ("单 位", .field("unit")),
        ("ＲＥＣＶ＿ＩＭＭＥＤＩＡＴＥ", .field("recv_immediate")), (" Recv_Immediate ", .field("recv_immediate")),
    ])
    func casesHeadersReadByTheirWords(header: String, role: ColumnRole) {
        #expect(HeaderVocabulary.role(header, in: .cases) == role)
    }

    @Test(arguments: ["其他指标即办", "即办接建", "接件备注", "12"])
    func headersOfNoKnownWordsAreUnknown(header: String) {
        #expect(HeaderVocabulary.role(header, in: .cases) == nil)
    }

    @Test func closestNamesForDidYouMean() {
        #expect(HeaderVocabulary.closest("即办接建", among: ["即办接件", "承诺接件", "即办办结"]).first == "即办接件")
        #expect(HeaderVocabulary.closest("区税务", among: ["区税务局", "区商务委", "区财政局"]).first == "区税务局")
        #expect(HeaderVocabulary.closest("毫不相干的名字", among: ["区税务局"]).isEmpty)
    }

    @Test func unitNamesMatchThroughWidthsSpacesAndCase() {
        let units = [
            OrgUnit(code: "C06", name: "区税务局", tier: .center),
            OrgUnit(code: "C30", name: "区行政服务中心（税务）", tier: .center, aliases: ["税务窗口(一)"]),
        ]
        let directory = UnitDirectory(units)
        for reference in ["c06", " C06 ", "区　税务局", "区 税务局", "区行政服务中心(税务)", "区行政服务中心（税务）", "税务窗口（一）", "税务窗口 (一)"] {
            #expect(directory.resolve(reference) != nil, "\(reference)")
        }
        #expect(directory.resolve("区税务") == nil)
        #expect(directory.closest("区税务") == ["区税务局"])
    }

    @Test(arguments: [
        ("2021-07", "2021-07"), ("2021/7", "2021-07"), ("2021.7", "2021-07"), ("2021年7月", "2021-07"),
        ("2021年07月", "2021-07"), ("２０２１-０７", "2021-07"), ("2021-07-01", "2021-07"), (" 2021/07 ", "2021-07"),
    ])
    func monthsAsOfficesWriteThem(text: String, period: String) {
        #expect(Period(cell: text)?.description == period)
    }

    @Test(arguments: ["2021-07-15", "2021年13月", "7月", "2021", "21-07"])
    func notAMonth(text: String) { #expect(Period(cell: text) == nil) }

    @Test func aTwoRowMergedHeaderIsFoundBelowItsTitle() throws {
        let rows = [
            ["渝北区2021年7月办件统计表", "", "", "", "", "", ""],
            ["序号", "单位名称", "接件数量（件）", "", "", "办结数量（件）", ""],
            ["", "", "即办", "承诺", "合计", "即办", "承诺"],
            ["1", "区税务局", "12", "3", "15", "12", "3"],
        ]
        let layout = try #require(TableLayout.find(rows, named: nil))
        #expect(layout.table == .cases && layout.headerStart == 1 && layout.headerDepth == 2)
        #expect(layout.headers[2] == "接件数量（件）／即办" && layout.roles[4] == .total(["recv_immediate", "recv_promised"]))
        #expect(
            layout.index == [
                "unit": 1, "recv_immediate": 2, "recv_promised": 3, "done_immediate": 5, "done_promised": 6,
            ])
        #expect(layout.missing.map(\.name) == ["period"], "the month is a column of 办件月报")
    }

    @Test func figuresAreCleanedAndMarksMeanNotReported() {
        let layout = TableLayout(
            table: .cases, headerStart: 0, headerDepth: 1, headers: ["月份", "单位", "即办接件", "承诺接件"],
            roles: [.field("period"), .field("unit"), .field("recv_immediate"), .field("recv_promised")], named: true)
        let grid = [
            CSVTable.Record(line: 1, cells: ["月份", "单位", "即办接件", "承诺接件"]),
            CSVTable.Record(line: 2, cells: ["2021-07", "区甲局", "１，２３４", " 1,234 "]),
            CSVTable.Record(line: 3, cells: ["2021-07", "区乙局", "—", "无"]),
            CSVTable.Record(line: 4, cells: ["2021-07", "区丙局", "12,34", "12abc"]),
            CSVTable.Record(line: 5, cells: ["", "合　计", "1235", "1234"]),
            CSVTable.Record(line: 6, cells: ["填报人：张三", "", "", ""]),
        ]
        let (rows, issues) = layout.dataRows(grid, file: "f.csv")
        #expect(
            rows.map(\.cells) == [
                ["2021-07", "区甲局", "1234", "1234"], ["2021-07", "区乙局", "", ""], ["2021-07", "区丙局", "12,34", "12abc"],
            ])
        let total = issues.filter { $0.code == .totalDiffers }
        #expect(total.map(\.line) == [5] && total.first?.columnNumber == 3)
        #expect(total.first?.value == "1235" && total.first?.computed == "1234")
        let how = issues.first { $0.code == .howRead }?.message ?? ""
        #expect(how.contains("2 格按未报送处理") && how.contains("签名和说明 1 行") && how.contains("合计/小计行 1 行"))
    }
}
