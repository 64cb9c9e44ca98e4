import Foundation
import Testing
import TongbaoCore

@Suite struct NumbersTests {
    @Test(arguments: [
        (16305, 292750, "5.57"), (25667, 26773, "95.87"), (21339, 26773, "79.7"), (26773, 26773, "100"),
        (1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.5"), (1, 200, "0.5"), (1, 400, "0.25"), (1, 800, "0.13"),
        (-12783, 321838, "3.97"),
    ])
    func percentRoundsHalfUpAndDropsTrailingZeros(part: Int, whole: Int, expected: String) {
        #expect(Numbers.percent(part, of: whole) == expected)
    }

    @Test func sumOfAllNeedsEveryValue() {
        #expect(Numbers.sumOfAll([1, 2, 3]) == 6)
        #expect(Numbers.sumOfAll([1, nil]) == nil)
        #expect(Numbers.sumOfAll([]) == nil)
    }

    @Test func percentOfZeroIsUndefined() {
        #expect(Numbers.percent(5, of: 0) == nil)
    }

    @Test(arguments: [
        (309055, 292750, "增加16305件，增长5.57%"), (309055, 321838, "减少12783件，下降3.97%"), (10, 10, "持平"),
        (5, 0, "增加5件"),
    ])
    func changeWordingFlipsWithTheSign(current: Int, previous: Int, expected: String) {
        #expect(Numbers.change(current, from: previous) == expected)
    }

    @Test func comparisonNamesTheMonth() {
        #expect(Numbers.comparison(26773, from: 25247, label: "6月") == "比6月增加1526件，增长6.04%")
        #expect(Numbers.comparison(7, from: 7, label: "6月") == "与6月持平")
    }

    @Test(arguments: [("21.01", "21.01"), ("15", "15"), ("3.20", "3.2"), ("99.010", "99.01"), ("0", "0")])
    func decimalsPrintAsEntered(text: String, expected: String) {
        #expect(Numbers.decimal(Decimal(string: text)!) == expected)
    }

    @Test func topNBreaksTiesByInputOrder() {
        let items = [("A", 5), ("B", 9), ("C", 5), ("D", 9), ("E", 1)].map { (n: String, c: Int) in
            NamedCount(name: n, count: c)
        }
        #expect(BulletinBuilder.topN(items, 3).map(\.name) == ["B", "D", "A"])
        #expect(BulletinBuilder.topN(items, 10).map(\.name) == ["B", "D", "A", "C", "E"])
    }

    @Test(arguments: ["2021-07", "2021-7", "2021/07"])
    func periodsParse(text: String) {
        #expect(Period(parsing: text) == Period(year: 2021, month: 7))
    }

    @Test(arguments: ["2021-13", "21-07", "2021", "July", "2021-07-01", ""])
    func malformedPeriodsAreRejected(text: String) {
        #expect(Period(parsing: text) == nil)
    }
}

@Suite struct CaseTimeTests {
    @Test(arguments: [
        ("2021-07-01 09:05:07", "2021-07-01T09:05:07"), ("2021-07-01T09:05", "2021-07-01T09:05:00"),
        ("2021-07-01", "2021-07-01T00:00:00"), ("2021/07/01 09:05", "2021-07-01T09:05:00"),
        ("2021/7/1 9:05", "2021-07-01T09:05:00"), (" 2021-7-31 23:59:59 ", "2021-07-31T23:59:59"),
    ])
    func dateTimesNormalise(text: String, expected: String) {
        #expect(CaseTime.normalise(text) == expected)
    }

    @Test(arguments: ["2021-02-30 09:00", "2021-07-01 24:00", "2021-13-01", "昨天", "2021-07-01 9", "2021-07/01 09:00"])
    func malformedDateTimesAreRejected(text: String) {
        #expect(CaseTime.normalise(text) == nil)
    }
}

@Suite struct ChinaTimeTests {
    @Test func storedTimesAreShownInChinaStandardTime() {
        #expect(ChinaTime.display("2021-08-01T00:00:00Z") == "2021-08-01 08:00")
        #expect(ChinaTime.display("2021-12-31T16:30:00Z") == "2022-01-01 00:30")
        #expect(ChinaTime.display("not a time") == "not a time")
    }

    @Test func theMonthOfADateIsTakenInChinaStandardTime() {
        // 2021-07-31 16:00 UTC is already August in Chongqing.
        #expect(Period(containing: Date(timeIntervalSince1970: 1_627_747_200)) == Period(year: 2021, month: 8))
    }
}
