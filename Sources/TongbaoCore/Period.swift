import Foundation

/// A calendar month, the unit of reporting (`YYYY-MM`).
public struct Period: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init(year: Int, month: Int) {
        precondition((1...12).contains(month), "month out of range")
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` (also accepts `YYYY-M` and `YYYY/MM`); nil when malformed.
    public init?(parsing text: String) {
        let parts = text.trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" })
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
            let y = Int(parts[0]), let m = Int(parts[1]), (1900...2999).contains(y), (1...12).contains(m)
        else { return nil }
        self.init(year: y, month: m)
    }

    /// A month as offices write it in a cell: `2021-07`, `2021/7`, `2021.7`, `2021年7月`, full-width digits, or the
    /// first day of the month (a month typed into Excel becomes the date 2021-07-01).
    public init?(cell text: String) {
        var s = HeaderVocabulary.halfWidth(text).trimmed
        if s.hasSuffix("月") { s = String(s.dropLast()) }
        s = s.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: ".", with: "-")
        if let day = Day(parsing: s), day.day == 1 {
            self = day.period
            return
        }
        guard s.count <= 7, let p = Period(parsing: s) else { return nil }
        self = p
    }

    /// The month containing `date` in China Standard Time, where the bulletins are made.
    public init(containing date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current
        let c = calendar.dateComponents([.year, .month], from: date)
        self.init(year: c.year ?? 2000, month: c.month ?? 1)
    }

    public var description: String { "\(pad(year, 4))-\(pad(month, 2))" }
    public var previous: Period {
        month == 1 ? Period(year: year - 1, month: 12) : Period(year: year, month: month - 1)
    }
    public var next: Period { month == 12 ? Period(year: year + 1, month: 1) : Period(year: year, month: month + 1) }
    public var sameMonthLastYear: Period { Period(year: year - 1, month: month) }
    public var january: Period { Period(year: year, month: 1) }
    /// Months between two periods, inclusive, in order.
    public static func range(_ from: Period, _ to: Period) -> [Period] {
        var out: [Period] = []
        var p = from
        while p <= to {
            out.append(p)
            p = p.next
        }
        return out
    }

    public static func < (a: Period, b: Period) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let p = Period(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "bad period \(text)"))
        }
        self = p
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A calendar day (`YYYY-MM-DD`).
public struct Day: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A day known to be valid.
    init(year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    public init?(parsing text: String) {
        let parts = text.trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" })
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]),
            let d = Int(parts[2]),
            (1...12).contains(m), d >= 1, d <= Day.daysIn(year: y, month: m)
        else { return nil }
        (year, month, day) = (y, m, d)
    }

    public var period: Period { Period(year: year, month: month) }
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = Day(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "bad day \(text)"))
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Times as people in the 政务办 read them: China Standard Time, `2021-08-01 08:00`.
public enum ChinaTime {
    /// An ISO 8601 timestamp as stored (UTC) in local time; the text unchanged when it does not parse.
    public static func display(_ iso: String) -> String {
        guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
        return display(date)
    }

    public static func display(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "zh_CN")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
