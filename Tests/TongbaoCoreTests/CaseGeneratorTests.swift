import Foundation
import Testing

@testable import TongbaoCore

@Suite struct CaseGeneratorTests {
    static let units = [
        CaseGenerator.UnitProfile(name: "社会保险中心", weight: 159_725, immediateShare: 0.99),
        CaseGenerator.UnitProfile(name: "区税务局", weight: 12_549, immediateShare: 1),
        CaseGenerator.UnitProfile(name: "区水利局", weight: 11, immediateShare: 0.2),
    ]

    static func generate(_ n: Int, seed: UInt64) -> [UInt8] {
        var g = CaseGenerator(units: units, seed: seed, from: Day(year: 2021, month: 7, day: 1), days: 31)
        var out: [UInt8] = []
        for _ in 0..<n { g.next(into: &out) }
        return out
    }

    @Test func theSameSeedGivesTheSameBytes() {
        #expect(Self.generate(2000, seed: 42) == Self.generate(2000, seed: 42))
        #expect(Self.generate(2000, seed: 42) != Self.generate(2000, seed: 43))
    }

    @Test func casesAreValidRecordsSkewedLikeTheSeed() throws {
        let text = String(decoding: Self.generate(50_000, seed: 1), as: UTF8.self)
        let csv = "units.csv"
        let units = "code,name,tier\nS,社会保险中心,subcenter\nT,区税务局,center\nW,区水利局,center\n"
        let files = [
            PackageFile(name: csv, data: Data(units.utf8)),
            PackageFile(name: "case_records.csv", data: Data((CaseGenerator.header + "\n" + text).utf8)),
        ]

        let (pkg, issues) = PackageParser().parse(files)

        #expect(issues.filter { $0.severity == .error }.isEmpty, "\(issues.prefix(3))")
        let records = pkg.caseRecords
        #expect(records.count == 50_000 && Set(records.map(\.caseID)).count == 50_000)
        let byUnit = Dictionary(grouping: records, by: \.unit).mapValues(\.count)
        #expect(byUnit["S", default: 0] > 40_000 && byUnit["T", default: 0] > 2_500 && byUnit["W", default: 0] < 50)
        // Received on working days in July, between 08:30 and 17:30.
        #expect(records.allSatisfy { $0.receivedAt >= "2021-07-01" && $0.receivedAt < "2021-08-01" })
        let hours = Set(records.map { $0.receivedAt.dropFirst(11).prefix(5) })
        #expect(hours.min()! >= "08:30" && hours.max()! <= "17:30")
        let weekend: Set<Substring> = ["2021-07-03", "2021-07-04", "2021-07-10", "2021-07-11"]
        #expect(!records.contains { weekend.contains($0.receivedAt.prefix(10)) })
        // Some promised cases are late, some still open at the export's end; a few ratings are unfavourable.
        let promised = records.filter { $0.kind == .promised }
        #expect(promised.contains { $0.completedAt == nil })
        #expect(
            promised.contains { r in
                guard let done = r.completedAt, let start = Day(parsing: String(r.receivedAt.prefix(10))),
                    let end = Day(parsing: String(done.prefix(10)))
                else { return false }
                return DayNumber.from(end) - DayNumber.from(start) > r.promisedDays
            })
        let rated = records.compactMap(\.rating)
        #expect(Double(rated.count) / 50_000 > 0.6)
        #expect(rated.contains("不满意") && rated.contains("非常不满意"))
        #expect(records.contains { $0.scope == "全渝通办" })
    }

    @Test func dayNumbersRoundTrip() {
        for d in [
            Day(year: 1970, month: 1, day: 1), Day(year: 2020, month: 2, day: 29), Day(year: 2021, month: 12, day: 31),
        ] {
            let (y, m, dd) = DayNumber.civil(DayNumber.from(d))
            #expect(Day(year: y, month: m, day: dd) == d)
        }
        #expect(DayNumber.weekday(DayNumber.from(Day(year: 2021, month: 7, day: 5))) == 0)  // a Monday
        #expect(
            DayNumber.timestamp(DayNumber.from(Day(year: 2021, month: 7, day: 5)) * 86_400 + 3_661)
                == "2021-07-05 01:01:01")
    }
}
