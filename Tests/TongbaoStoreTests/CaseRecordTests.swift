import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// Case records aggregate into the monthly figures, and give the rates only they can give.
@Suite struct CaseRecordTests {
    static let files = [
        PackageFile(name: "units.csv", data: Data("code,name,tier\nA,区甲局,center\n".utf8)),
        PackageFile(
            name: "case_records.csv",
            data: Data(
                """
                case_id,unit,category,kind,received_at,completed_at,promised_days,rating,scope
                R1,A,审批,即办,2021-07-01 09:00,2021-07-01 10:00,0,满意,
                R2,A,服务,承诺,2021-07-02 09:00,2021-07-06 09:00,3,不满意,
                R3,A,审批,承诺,2021-07-30T09:00:00,2021-08-02 09:00,5,,
                R4,A,审批,即办,2021-07-03 09:00,,0,,
                R5,A,服务,承诺,2021-07-10 09:00,2021-07-12 09:00,10,,跨省通办
                """.utf8)),
    ]

    @Test(arguments: TestBackend.available) func recordsBecomeMonthlyFiguresAndRates(_ backend: TestBackend)
        async throws
    {
        try await Fixtures.withImported(Self.files, backend: backend) { store, report in
            #expect(report.periods == [Period(year: 2021, month: 7), Period(year: 2021, month: 8)])
            let july = Period(year: 2021, month: 7)
            let b = BulletinBuilder(data: try await store.load(district: "yubei", period: july), period: july).build()
            let a = try #require(b.centerTable.rows.first).counts
            #expect([a.recvImmediate, a.recvPromised, a.doneImmediate, a.donePromised] == [2, 3, 1, 2])
            #expect(a.ytdDone == nil, "no January and no reported balance: the year to date is unknown")
            #expect(b.overview.centerApproval == 1 && b.overview.centerService == 2)
            let rates = Dictionary(uniqueKeysWithValues: b.overview.rates.map { ($0.key, Numbers.rate($0.value)) })
            // In working days R2 (Fri 07-02 + 3: due Wed 07-07) was done on time on 07-06; in calendar days it
            // would have been late.
            #expect(rates["all.ontime_rate"] == "100")
            #expect(rates["all.satisfaction_rate"] == "50")
            #expect(b.tongban?.rows.first?.month == [1])

            let august = Period(year: 2021, month: 8)
            let c = BulletinBuilder(data: try await store.load(district: "yubei", period: august), period: august)
                .build()
            #expect(c.centerTable.rows.first?.counts.donePromised == 1)
            #expect(c.overview.rates.first { $0.key == "all.ontime_rate" }.map { Numbers.rate($0.value) } == "100")
        }
    }

    @Test(arguments: [
        // Fri 07-30 + 5 working days: Aug 2–6.
        ("2021-07-30T09:00:00", 5, CaseRecord.Kind.promised, "2021-08-06"),
        // Thu 12-30 + 5: Dec 31, then Jan 1–3 rest (元旦), Jan 4–7.
        ("2021-12-30T09:00:00", 5, .promised, "2022-01-07"),
        ("2024-02-27T09:00:00", 2, .promised, "2024-02-29"),
        ("2021-07-03T09:00:00", 4, .immediate, "2021-07-03"),
    ])
    func dueDatesCountWorkingDays(received: String, days: Int, kind: CaseRecord.Kind, due: String) throws {
        let d = try WorkCalendar.china.deadline(
            received: try #require(CaseTime.seconds(received)), immediate: kind == .immediate, limit: days,
            unit: .workday)
        #expect(CaseState.day(number: d.day).description == due)
    }

    @Test func completedBeforeReceivedIsRefused() {
        let bad = PackageFile(
            name: "case_records.csv",
            data: Data(
                "case_id,unit,category,kind,received_at,completed_at\nR9,A,审批,即办,2021-07-05 09:00,2021-07-04 09:00\n"
                    .utf8))
        let (_, issues) = PackageParser(existingUnits: [OrgUnit(code: "A", name: "区甲局", tier: .center)]).parse([bad])
        #expect(issues.map(\.code) == [.completedBeforeReceived])
        #expect(issues.first?.line == 2 && issues.first?.columnNumber == 6)
    }
}
