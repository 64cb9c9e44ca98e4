import Foundation
import Testing
import TongbaoCore
import TongbaoTestSupport

/// Working days and deadlines (spec "Deadlines"), counted by hand around Mid-Autumn and National Day 2021.
@Suite struct WorkCalendarTests {
    static let china = WorkCalendar.china

    static func seconds(_ text: String) -> Int {
        let day = Day(parsing: String(text.prefix(10)))!
        let time = text.count > 10 ? text.dropFirst(11).split(separator: ":").compactMap { Int($0) } : [0, 0]
        return CaseState.day(day) * 86_400 + time[0] * 3600 + time[1] * 60
    }

    static func due(
        _ received: String, _ limit: Int, _ unit: LimitUnit = .workday, paused: Int = 0, immediate: Bool = false
    ) throws -> String {
        let d = try china.deadline(
            received: seconds(received), immediate: immediate, limit: limit, unit: unit, paused: paused)
        if let s = d.second { return CaseState.timestamp(s) }
        return CaseState.day(number: d.day).description
    }

    @Test(arguments: [
        // The day before National Day: Oct 1–7 rest, Oct 8 (Fri) is 1, Oct 9 (a 调休 Saturday) 2, Oct 11 3.
        ("2021-09-30 09:00", 3, LimitUnit.workday, 0, "2021-10-11"),
        // On a 调休 Saturday (Sep 18 works): Sep 19–21 rest (中秋), Sep 22 is 1, Sep 23 2.
        ("2021-09-18 10:00", 2, .workday, 0, "2021-09-23"),
        // On a holiday itself: the first working day after is Oct 8.
        ("2021-10-03 15:00", 1, .workday, 0, "2021-10-08"),
        // 自然日 counts every day; 0 days is the same day.
        ("2021-09-30 09:00", 3, .calendarDay, 0, "2021-10-03"), ("2021-09-30 09:00", 0, .workday, 0, "2021-09-30"),
        // 小时 from the moment received.
        ("2021-09-30 10:00", 24, .hour, 0, "2021-10-01 10:00:00"),
        // Paused two working days (补正) after Oct 11: Oct 12, Oct 13.
        ("2021-09-30 09:00", 3, .workday, 2, "2021-10-13"),
        // Spring Festival 2021: Feb 11–17 rest, Feb 20 (Sat) works.
        ("2021-02-10 09:00", 3, .workday, 0, "2021-02-20"),
    ])
    func deadlinesCountedByHand(received: String, limit: Int, unit: LimitUnit, paused: Int, due: String) throws {
        #expect(try Self.due(received, limit, unit, paused: paused) == due)
    }

    @Test func immediateIsDueTheSameDay() throws {
        #expect(try Self.due("2021-10-01 09:00", 5, immediate: true) == "2021-10-01")
    }

    @Test func aYearWithNoCalendarIsAnErrorNamingTheYear() throws {
        #expect(throws: WorkCalendar.MissingYear(year: 2027)) { try Self.due("2026-12-28 09:00", 5) }
        #expect(throws: WorkCalendar.MissingYear(year: 2027)) { try Self.due("2027-01-05 09:00", 1) }
        #expect(throws: WorkCalendar.MissingYear(year: 2018)) { try Self.due("2018-12-28 09:00", 1) }
        // Calendar days need no calendar.
        #expect(try Self.due("2027-01-05 09:00", 3, .calendarDay) == "2027-01-08")
        #expect(WorkCalendar.MissingYear(year: 2027).message.contains("2027 年"))
    }

    @Test func onTimeIsByTheEndOfTheDeadlineDay() {
        let d = Deadline(day: CaseState.day(Day(parsing: "2021-10-11")!))
        #expect(d.onTime(completed: Self.seconds("2021-10-11 23:59")))
        #expect(!d.onTime(completed: Self.seconds("2021-10-12 00:00")))
        #expect(
            d.early(completed: Self.seconds("2021-10-08 10:00"))
                && !d.early(completed: Self.seconds("2021-10-11 08:00")))
    }

    @Test func aDistrictAddsAYearAndOverridesADay() throws {
        let (entries, issues) = WorkCalendar.parse(
            "# 本区\n2027-01-01..2027-01-03 放假 元旦\n2021-10-11 放假 本区特别休息日\n2027-13-01 放假 错\n")
        #expect(issues.map(\.line) == [4])
        let district = Self.china.adding(entries)
        #expect(district.years.contains(2027))
        #expect(try !district.isWorkday(CaseState.day(Day(parsing: "2021-10-11")!)))
        let due = try district.deadline(
            received: Self.seconds("2021-09-30 09:00"), immediate: false, limit: 3, unit: .workday)
        #expect(CaseState.day(number: due.day).description == "2021-10-12")
        #expect(
            try district.workdays(
                from: CaseState.day(Day(parsing: "2026-12-31")!), to: CaseState.day(Day(parsing: "2027-01-05")!)) == 2)
    }

    /// The shipped notices against an independent public source: the PyPI package chinesecalendar, day by day.
    @Test func theShippedCalendarEqualsAnIndependentSource() async throws {
        let out = try await Tools.python(
            """
            import datetime, chinese_calendar as cc
            d = datetime.date(2019, 1, 1)
            while d.year <= 2026:
                print(d.isoformat(), 1 if cc.is_workday(d) else 0)
                d += datetime.timedelta(days=1)
            """)
        var checked = 0
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let day = Day(parsing: String(parts[0])) else { continue }
            #expect(try Self.china.isWorkday(CaseState.day(day)) == (parts[1] == "1"), "\(day)")
            checked += 1
        }
        #expect(checked == 2922)
    }
}
