import Foundation
import Testing
import TongbaoCore

@Suite struct LedgerTests {
    static let units = [
        OrgUnit(code: "A", name: "区甲局", tier: .center, window: "常设窗口", order: 1),
        OrgUnit(code: "B", name: "区乙局", tier: .center, window: "常设窗口", order: 2),
        OrgUnit(code: "S", name: "某分中心", tier: .subcenter, order: 3),
        OrgUnit(code: "T", name: "某街道", tier: .town, order: 4),
    ]
    static func p(_ m: Int, _ y: Int = 2021) -> Period { Period(year: y, month: m) }
    static func row(_ u: String, _ m: Int, done: Int, recv: Int? = nil, ytdRecv: Int? = nil, ytdDone: Int? = nil)
        -> CaseRow
    {
        CaseRow(
            period: p(m), unit: u, recvImmediate: recv ?? done, recvPromised: 0, doneImmediate: done,
            donePromised: 0, ytdRecv: ytdRecv, ytdDone: ytdDone)
    }

    @Test func yearToDateChainsFromJanuary() {
        let data = DistrictData(
            district: .init(code: "d", name: "测试区"), units: Self.units,
            cases: [Self.row("A", 1, done: 10), Self.row("A", 2, done: 20), Self.row("A", 4, done: 5)])
        let l = Ledger(data)
        #expect(l.unitYTDDone("A", Self.p(1)) == 10)
        #expect(l.unitYTDDone("A", Self.p(2)) == 30)
        #expect(l.unitYTDDone("A", Self.p(4)) == 35, "a month without data adds nothing")
        #expect(l.warnings.isEmpty)
    }

    @Test func brokenChainStartsFromTheReportedBalance() {
        let data = DistrictData(
            district: .init(code: "d", name: ""), units: Self.units,
            cases: [Self.row("A", 6, done: 100, ytdDone: 900), Self.row("A", 7, done: 50, ytdDone: 999)])
        let l = Ledger(data)
        #expect(l.unitYTDDone("A", Self.p(6)) == 900)
        #expect(l.unitYTDDone("A", Self.p(7)) == 950)
        let w = l.warnings.filter { $0.code == .reportedYTDDiffers }
        #expect(w.count == 1 && w[0].value == "999" && w[0].computed == "950" && w[0].unit == "区甲局")
    }

    @Test func yearToDateDoesNotCrossTheYear() {
        let data = DistrictData(
            district: .init(code: "d", name: ""), units: Self.units,
            cases: [Self.row("A", 12, done: 100, ytdDone: 1200), Self.row("A", 1, done: 7, y: 2022)].map { $0 })
        let l = Ledger(data)
        #expect(l.unitYTDDone("A", Period(year: 2022, month: 1)) == 7)
    }

    @Test func tierTotalsComeFromUnitsElseFromFigures() {
        let data = DistrictData(
            district: .init(code: "d", name: ""), units: Self.units,
            cases: [Self.row("A", 7, done: 10), Self.row("B", 7, done: 5)],
            figures: [
                Figure(period: Self.p(7), key: FigureKey(.center, .done), value: 16),
                Figure(period: Self.p(7), key: FigureKey(.subcenter, .done), value: 100),
                Figure(period: Self.p(7), key: FigureKey(.town, .done), value: 30),
            ])
        let l = Ledger(data)
        #expect(l.total(.center, .done, Self.p(7)) == 15)
        #expect(l.total(.all, .done, Self.p(7)) == 145)
        let w = l.warnings.filter { $0.code == .reportedDiffers }
        #expect(w.count == 1 && w[0].key == "center.done" && w[0].value == "16" && w[0].computed == "15")
    }

    @Test func reportedFigureIsUsedWhenNothingFinerExists() {
        let data = DistrictData(
            district: .init(code: "d", name: ""), units: Self.units,
            figures: [Figure(period: Self.p(6), key: FigureKey(.all, .done), value: 292750)])
        let l = Ledger(data)
        #expect(l.total(.all, .done, Self.p(6)) == 292750)
        #expect(l.warnings.isEmpty)
    }
}

extension LedgerTests {
    static func row(_ u: String, _ m: Int, done: Int, y: Int) -> CaseRow {
        CaseRow(period: p(m, y), unit: u, recvImmediate: done, recvPromised: 0, doneImmediate: done, donePromised: 0)
    }
}
