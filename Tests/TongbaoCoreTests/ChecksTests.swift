import Foundation
import Testing
import TongbaoCore

/// The plausibility checks of bulletin.md "Validation".
@Suite struct ChecksTests {
    static let units = [
        OrgUnit(code: "A", name: "区甲局", tier: .center, order: 1),
        OrgUnit(code: "B", name: "区乙局", tier: .center, order: 2),
    ]
    static let june = Period(year: 2021, month: 6)
    static let july = Period(year: 2021, month: 7)

    static func row(_ u: String, _ p: Period, recv: Int, done: Int, ytdRecv: Int? = nil, ytdDone: Int? = nil) -> CaseRow
    {
        CaseRow(
            period: p, unit: u, recvImmediate: recv, recvPromised: 0, doneImmediate: done, donePromised: 0,
            ytdRecv: ytdRecv, ytdDone: ytdDone)
    }

    static func warnings(_ rows: [CaseRow], figures: [Figure] = [], settings: BulletinSettings = .init())
        -> [TongbaoCore.Issue]
    {
        let data = DistrictData(district: .init(code: "d", name: "测试区"), units: units, cases: rows, figures: figures)
        return BulletinBuilder(data: data, period: july, settings: settings).build().warnings
    }

    @Test func largeChangeAgainstLastMonthIsFlaggedByTheConfiguredFactor() {
        let rows = [
            Self.row("A", Self.june, recv: 100, done: 100, ytdRecv: 600, ytdDone: 600),
            Self.row("A", Self.july, recv: 400, done: 400),
            Self.row("B", Self.june, recv: 10, done: 10, ytdRecv: 60, ytdDone: 60),
            Self.row("B", Self.july, recv: 40, done: 40),
        ]
        let flagged = Self.warnings(rows).filter { $0.code == .largeChange }
        // Completed and received each jumped fourfold: both are flagged.
        #expect(flagged.map(\.unit) == ["区甲局", "区甲局"], "区乙局 stays below the floor of 50")
        #expect(flagged.map(\.key) == ["办结量", "接件量"])
        #expect(flagged.first?.value == "400" && flagged.first?.computed == "100")
        // A tenfold jump in 接件 alone is flagged like one in 办结.
        let receivedOnly = [
            Self.row("A", Self.june, recv: 100, done: 100, ytdRecv: 600, ytdDone: 600),
            Self.row("A", Self.july, recv: 1000, done: 100),
        ]
        let alone = Self.warnings(receivedOnly).filter { $0.code == .largeChange }
        #expect(alone.map(\.key) == ["接件量"] && alone.first?.value == "1000")
        #expect(alone.first?.message.contains("接件量由上月 100 件变为 1000 件") == true)
        #expect(Self.warnings(rows, settings: .init(changeFactor: 5)).filter { $0.code == .largeChange }.isEmpty)
    }

    @Test func aUnitThatReportedLastMonthAndNotThisMonthIsFlagged() {
        let rows = [
            Self.row("A", Self.june, recv: 1, done: 1), Self.row("B", Self.june, recv: 1, done: 1),
            Self.row("A", Self.july, recv: 1, done: 1),
        ]
        #expect(Self.warnings(rows).filter { $0.code == .missingReport }.map(\.unit) == ["区乙局"])
    }

    @Test func completedBeyondReceivedPlusBacklogIsFlagged() {
        // June leaves 20 open (ytd 120 received, 100 completed): July may complete up to 50 + 20.
        let ok = [
            Self.row("A", Self.june, recv: 60, done: 50, ytdRecv: 120, ytdDone: 100),
            Self.row("A", Self.july, recv: 50, done: 70),
        ]
        #expect(Self.warnings(ok).filter { $0.code == .doneExceedsReceived }.isEmpty)
        let tooMany = [ok[0], Self.row("A", Self.july, recv: 50, done: 71)]
        let w = Self.warnings(tooMany).filter { $0.code == .doneExceedsReceived }
        #expect(w.count == 1 && w.first?.value == "71" && w.first?.computed == "70")
    }

    @Test func partsThatDoNotAddUpAreFlagged() {
        let rows = [Self.row("A", Self.july, recv: 10, done: 10)]
        let figures = [
            Figure(period: Self.july, key: FigureKey(.center, .approval), value: 6),
            Figure(period: Self.july, key: FigureKey(.center, .service), value: 5),
        ]
        let w = Self.warnings(rows, figures: figures).filter { $0.code == .partsDoNotAddUp }
        #expect(w.count == 1 && w.first?.value == "10" && w.first?.computed == "11")
    }

    @Test func yearToDateBelowTheMonthIsFlagged() {
        let rows = [Self.row("A", Self.july, recv: 10, done: 10, ytdRecv: 5, ytdDone: 10)]
        let w = Self.warnings(rows).filter { $0.code == .ytdBelowMonth }
        #expect(w.count == 1 && w.first?.value == "5" && w.first?.computed == "10")
    }

    @Test func everyCodeHasAChineseMessage() {
        for code in IssueCode.allCases {
            let message = TongbaoCore.Issue(code, period: "2021-07", unit: "区甲局", key: "k", value: "1", computed: "2")
                .message
            #expect(!message.isEmpty)
            #expect(message.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(code)")
        }
    }
}
