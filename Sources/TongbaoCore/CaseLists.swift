import Foundation

/// The lists a clerk acts on, from ingested cases: open cases past or at their deadline (超期预警) and unfavourable
/// ratings to follow up (差评整改).
public enum CaseLists {
    /// A case on the 超期预警 list: its deadline and how urgent it is.
    public struct Flagged: Sendable {
        public var state: CaseState
        public var due: Deadline
        public var level: Level
    }

    public enum Level: String, Sendable {
        /// The deadline has passed (red).
        case overdue = "超期"
        /// The deadline is the next working day (yellow).
        case dueNext = "临期"
    }

    /// Cases open at the end of `asOf` (a day number) whose deadline has passed (by that day's end, so a case due
    /// that day is overdue), or comes before the office works again (the next working day, or a holiday before
    /// it), whatever month they were received in: most overdue first. Deadlines count in `calendar`'s working days.
    public static func overdue(_ cases: [CaseState], asOf day: Int, calendar: WorkCalendar = .china) -> [Flagged] {
        let next = (try? calendar.workday(1, after: day)) ?? day + 1
        return cases.compactMap { c -> Flagged? in
            guard c.status == .normal, c.receivedDay <= day, c.completedDay.map({ $0 > day }) ?? true,
                let due = try? c.deadline(calendar)
            else { return nil }
            if Self.passed(due, asOf: day) { return Flagged(state: c, due: due, level: .overdue) }
            return due.day <= next ? Flagged(state: c, due: due, level: .dueNext) : nil
        }.sorted { ($0.due.day, $0.state.caseID) < ($1.due.day, $1.state.caseID) }
    }

    /// Whether a deadline has passed at the end of `day`.
    public static func passed(_ due: Deadline, asOf day: Int) -> Bool {
        due.second.map { $0 < (day + 1) * 86_400 } ?? (due.day <= day)
    }

    /// Cases completed in `period` and rated 不满意 or 非常不满意, in order of completion.
    public static func unfavourable(_ cases: [CaseState], in period: Period) -> [CaseState] {
        cases.filter { c in
            guard c.status == .normal, let r = c.rating, r >= 3, let done = c.completedDay else { return false }
            return CaseState.period(day: done) == period
        }.sorted { ($0.completed ?? 0, $0.caseID) < ($1.completed ?? 0, $1.caseID) }
    }

    /// The list as CSV (Chinese headers, as a clerk opens it in Excel), grouped by unit in `units` order, with
    /// `asOf` giving the level and the working days overdue.
    public static func csv(
        _ cases: [CaseState], units: [OrgUnit], asOf day: Int? = nil, calendar: WorkCalendar = .china
    ) -> String {
        let order = Dictionary(units.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sorted = cases.enumerated().sorted { a, b in
            (order[a.element.unit] ?? Int.max, a.offset) < (order[b.element.unit] ?? Int.max, b.offset)
        }.map(\.element)
        var lines = ["单位,办件编号,事项名称,办件类型,受理时间,承诺时限,应办结日期,办结时间,评价,预警,超期工作日,渠道"]
        for c in sorted { lines.append(row(c, unit: names[c.unit] ?? c.unit, asOf: day, calendar: calendar)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ c: CaseState, unit: String, asOf day: Int?, calendar: WorkCalendar) -> String {
        let t = Texts(c, asOf: day, calendar: calendar)
        let fields: [String] = [
            unit, c.caseID, c.item, c.immediate ? "即办" : "承诺", t.received, t.limit, t.due, t.completed, t.rating,
            t.level, t.late, c.channel,
        ]
        // Names and items come from the platform's export, which anyone may have typed into.
        return fields.map(CSVTable.spreadsheetField).joined(separator: ",")
    }

    /// A listed case as a clerk reads it, for the CSV and the pages alike: limit, deadline, and as of a day its
    /// level and the working days it is overdue (both empty without a day).
    public struct Texts: Sendable {
        public var received: String
        public var limit: String
        public var due: String
        public var completed: String
        public var rating: String
        public var level = ""
        public var late = ""

        public init(_ c: CaseState, asOf day: Int?, calendar: WorkCalendar) {
            let due = try? c.deadline(calendar)
            received = CaseState.timestamp(c.received)
            limit = c.immediate ? "即办" : "\(c.promisedDays)\(c.limitUnit.chineseName)"
            self.due = due.map { CaseState.day(number: $0.day).description } ?? ""
            completed = c.completed.map(CaseState.timestamp) ?? ""
            rating = c.rating.map { CaseRecord.ratings[$0] } ?? ""
            if let day, let due {
                let passed = CaseLists.passed(due, asOf: day)
                level = passed ? Level.overdue.rawValue : Level.dueNext.rawValue
                late = passed ? String((try? calendar.workdays(from: due.day, to: day)) ?? day - due.day) : "0"
            }
        }
    }
}
