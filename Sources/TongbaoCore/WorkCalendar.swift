import Foundation

/// Working days as the State Council's yearly notices set them (国务院办公厅关于部分节假日安排的通知): weekends
/// rest and weekdays work, except the public holidays (放假) and the make-up working days on a weekend (调休上班).
///
/// Deadlines count working days (行政许可法 §82), so a calendar must know every year it counts in: a day of a year
/// it does not know is an error naming the year (``MissingYear``), never a silent fallback to weekdays. The notices
/// of 2019 to 2026 ship with Tongbao (``china``); a district adds or overrides days (``adding(_:)``), a whole new
/// year included, before Tongbao ships it.
public struct WorkCalendar: Sendable {
    /// A day that differs from its week: a holiday on a weekday, or a working weekend day (or a district's own).
    public struct Entry: Sendable, Equatable {
        public var day: Day
        public var working: Bool
        public var note: String
        public init(day: Day, working: Bool, note: String) {
            self.day = day
            self.working = working
            self.note = note
        }
    }

    /// A day in a year the calendar does not know.
    public struct MissingYear: Error, Equatable, Sendable {
        public var year: Int
        public init(year: Int) { self.year = year }
        public var message: String {
            "没有 \(year) 年的节假日安排，无法按工作日计算期限：请用 tongbao calendar import 导入国务院办公厅 \(year) 年部分节假日安排"
                + "（每年 11 月前后发布），或在“节假日”页面添加"
        }
    }

    public private(set) var entries: [Entry]
    /// The years it knows.
    public private(set) var years: Set<Int>
    /// Day number → working, for days that differ from their week.
    private var special: [Int: Bool] = [:]
    /// Day number of the first day of the first known year, and per day since then how many working days came
    /// before it: the n-th working day after a day is found without walking the days.
    private var origin = 0
    private var index: [Int32] = []
    private var workdays: [Int32] = []
    /// Per day since `origin`: whether its year is known (years may have gaps; a day of one is an error).
    private var known: [Bool] = []

    public init(entries: [Entry], years: Set<Int>) {
        self.entries = entries
        self.years = years
        for e in entries { special[DayNumber.from(e.day)] = e.working }
        build()
    }

    /// Adds a district's days: later entries win, and their years become known.
    public func adding(_ more: [Entry]) -> WorkCalendar {
        var seen = Set<Day>()
        let merged = (more + entries).filter { seen.insert($0.day).inserted }.sorted { $0.day < $1.day }
        return WorkCalendar(entries: merged, years: years.union(more.map(\.day.year)))
    }

    private mutating func build() {
        guard let first = years.min(), let last = years.max() else { return }
        origin = DayNumber.from(Day(year: first, month: 1, day: 1))
        let end = DayNumber.from(Day(year: last, month: 12, day: 31))
        index.reserveCapacity(end - origin + 2)
        var count: Int32 = 0
        known.reserveCapacity(end - origin + 1)
        for d in origin...end {
            known.append(years.contains(DayNumber.civil(d).0))
            index.append(count)
            if isWorkingUnchecked(d) {
                workdays.append(Int32(d - origin))
                count += 1
            }
        }
        index.append(count)
    }

    private func isWorkingUnchecked(_ day: Int) -> Bool { special[day] ?? (DayNumber.weekday(day) < 5) }

    /// Whether the day (a day number) is a working day.
    public func isWorkday(_ day: Int) throws(MissingYear) -> Bool {
        try check(day)
        return isWorkingUnchecked(day)
    }

    /// Runs once or twice per ingested case: a bounds check and a table look-up, the year computed only to name
    /// it in the error.
    @inline(__always)
    func check(_ day: Int) throws(MissingYear) {
        let offset = day - origin
        guard offset >= 0, offset < known.count, known[offset] else { throw MissingYear(year: DayNumber.civil(day).0) }
    }

    /// The `n`-th working day after `day` (not counting `day` itself); `day` for n = 0.
    public func workday(_ n: Int, after day: Int) throws(MissingYear) -> Int {
        guard n > 0 else { return day }
        try check(day)
        let k = Int(index[day - origin + 1]) + n - 1  // working days up to and including `day`, then n more
        guard k < workdays.count else {
            throw MissingYear(year: DayNumber.civil(origin + index.count - 2).0 + 1)
        }
        return origin + Int(workdays[k])
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    public func workdays(from: Int, to: Int) throws(MissingYear) -> Int {
        guard to > from else { return 0 }
        try check(from)
        try check(to)
        return Int(index[to - origin + 1] - index[from - origin + 1])
    }
}

/// Weekdays of calendar days.
public enum DayOfWeek {
    /// Monday to Friday.
    public static func isWeekday(_ day: Day) -> Bool { DayNumber.weekday(DayNumber.from(day)) < 5 }
}

extension WorkCalendar {
    /// The shipped notices, 2019 to 2026.
    public static let china: WorkCalendar = {
        let (entries, issues) = parse(chinaNotices)
        precondition(issues.isEmpty, "the shipped holiday calendar does not parse: \(issues)")
        return WorkCalendar(entries: entries, years: Set(2019...2026))
    }()

    /// Reads lines `2021-10-01..2021-10-07 放假 国庆节` or `2021-10-09 上班 国庆节调休` (also `holiday`/`workday`, or
    /// as CSV `2021-10-09,上班,国庆节调休`); `#` starts a comment. Returns the entries and, per bad line, its number
    /// and what is wrong.
    public static func parse(_ text: String) -> ([Entry], [(line: Int, reason: String)]) {
        var entries: [Entry] = []
        var issues: [(Int, String)] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            guard parts.count >= 2 else {
                issues.append((n + 1, "应为“日期 放假|上班 名称”"))
                continue
            }
            let range = parts[0].components(separatedBy: "..")
            guard let from = Day(parsing: range[0]), let to = Day(parsing: range.count > 1 ? range[1] : range[0]),
                from <= to, DayNumber.from(to) - DayNumber.from(from) < 60
            else {
                issues.append((n + 1, "日期“\(parts[0])”应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD（不超过60天）"))
                continue
            }
            let working: Bool
            switch parts[1].lowercased() {
            case "放假", "休息", "holiday", "休": working = false
            case "上班", "调休上班", "workday", "班": working = true
            default:
                issues.append((n + 1, "“\(parts[1])”应为“放假”或“上班”"))
                continue
            }
            let note = parts.dropFirst(2).joined(separator: " ")
            for d in DayNumber.from(from)...DayNumber.from(to) {
                let (y, m, day) = DayNumber.civil(d)
                entries.append(Entry(day: Day(year: y, month: m, day: day), working: working, note: note))
            }
        }
        return (entries, issues)
    }

    static let chinaNotices = """
        # 国务院办公厅关于部分节假日安排的通知：法定节假日（放假）与调休上班日，2019—2026 年。
        # 每行：日期或日期范围、放假/上班、名称。周末不另列：未列出的周六、周日休息，未列出的周一至周五上班。
        2019-01-01 放假 元旦
        2019-02-04..2019-02-10 放假 春节
        2019-02-02 上班 春节调休
        2019-02-03 上班 春节调休
        2019-04-05..2019-04-07 放假 清明节
        2019-05-01..2019-05-04 放假 劳动节
        2019-04-28 上班 劳动节调休
        2019-05-05 上班 劳动节调休
        2019-06-07..2019-06-09 放假 端午节
        2019-09-13..2019-09-15 放假 中秋节
        2019-10-01..2019-10-07 放假 国庆节
        2019-09-29 上班 国庆节调休
        2019-10-12 上班 国庆节调休
        2020-01-01 放假 元旦
        2020-01-24..2020-02-02 放假 春节（国办发明电〔2020〕1号延长至2月2日）
        2020-01-19 上班 春节调休
        2020-04-04..2020-04-06 放假 清明节
        2020-05-01..2020-05-05 放假 劳动节
        2020-04-26 上班 劳动节调休
        2020-05-09 上班 劳动节调休
        2020-06-25..2020-06-27 放假 端午节
        2020-06-28 上班 端午节调休
        2020-10-01..2020-10-08 放假 国庆节、中秋节
        2020-09-27 上班 国庆节调休
        2020-10-10 上班 国庆节调休
        2021-01-01..2021-01-03 放假 元旦
        2021-02-11..2021-02-17 放假 春节
        2021-02-07 上班 春节调休
        2021-02-20 上班 春节调休
        2021-04-03..2021-04-05 放假 清明节
        2021-05-01..2021-05-05 放假 劳动节
        2021-04-25 上班 劳动节调休
        2021-05-08 上班 劳动节调休
        2021-06-12..2021-06-14 放假 端午节
        2021-09-19..2021-09-21 放假 中秋节
        2021-09-18 上班 中秋节调休
        2021-10-01..2021-10-07 放假 国庆节
        2021-09-26 上班 国庆节调休
        2021-10-09 上班 国庆节调休
        2022-01-01..2022-01-03 放假 元旦
        2022-01-31..2022-02-06 放假 春节
        2022-01-29 上班 春节调休
        2022-01-30 上班 春节调休
        2022-04-03..2022-04-05 放假 清明节
        2022-04-02 上班 清明节调休
        2022-04-30..2022-05-04 放假 劳动节
        2022-04-24 上班 劳动节调休
        2022-05-07 上班 劳动节调休
        2022-06-03..2022-06-05 放假 端午节
        2022-09-10..2022-09-12 放假 中秋节
        2022-10-01..2022-10-07 放假 国庆节
        2022-10-08 上班 国庆节调休
        2022-10-09 上班 国庆节调休
        2023-01-01..2023-01-02 放假 元旦
        2023-01-21..2023-01-27 放假 春节
        2023-01-28 上班 春节调休
        2023-01-29 上班 春节调休
        2023-04-05 放假 清明节
        2023-04-29..2023-05-03 放假 劳动节
        2023-04-23 上班 劳动节调休
        2023-05-06 上班 劳动节调休
        2023-06-22..2023-06-24 放假 端午节
        2023-06-25 上班 端午节调休
        2023-09-29..2023-10-06 放假 中秋节、国庆节
        2023-10-07 上班 国庆节调休
        2023-10-08 上班 国庆节调休
        2024-01-01 放假 元旦
        2024-02-10..2024-02-17 放假 春节
        2024-02-04 上班 春节调休
        2024-02-18 上班 春节调休
        2024-04-04..2024-04-06 放假 清明节
        2024-04-07 上班 清明节调休
        2024-05-01..2024-05-05 放假 劳动节
        2024-04-28 上班 劳动节调休
        2024-05-11 上班 劳动节调休
        2024-06-10 放假 端午节
        2024-09-15..2024-09-17 放假 中秋节
        2024-09-14 上班 中秋节调休
        2024-10-01..2024-10-07 放假 国庆节
        2024-09-29 上班 国庆节调休
        2024-10-12 上班 国庆节调休
        2025-01-01 放假 元旦
        2025-01-28..2025-02-04 放假 春节
        2025-01-26 上班 春节调休
        2025-02-08 上班 春节调休
        2025-04-04..2025-04-06 放假 清明节
        2025-05-01..2025-05-05 放假 劳动节
        2025-04-27 上班 劳动节调休
        2025-05-31..2025-06-02 放假 端午节
        2025-10-01..2025-10-08 放假 国庆节、中秋节
        2025-09-28 上班 国庆节调休
        2025-10-11 上班 国庆节调休
        2026-01-01..2026-01-03 放假 元旦
        2026-01-04 上班 元旦调休
        2026-02-15..2026-02-23 放假 春节
        2026-02-14 上班 春节调休
        2026-02-28 上班 春节调休
        2026-04-04..2026-04-06 放假 清明节
        2026-05-01..2026-05-05 放假 劳动节
        2026-05-09 上班 劳动节调休
        2026-06-19..2026-06-21 放假 端午节
        2026-09-25..2026-09-27 放假 中秋节
        2026-09-20 上班 中秋节调休
        2026-10-01..2026-10-07 放假 国庆节
        2026-10-10 上班 国庆节调休
        """
}
