import Foundation

/// The lists a clerk acts on, from ingested cases: open cases past their deadline (超期预警) and unfavourable
/// ratings to follow up (差评整改).
public enum CaseLists {
    /// Cases still open at the end of `asOf` (a day number) whose last on-time day has passed, most overdue first.
    public static func overdue(_ cases: [CaseState], asOf day: Int) -> [CaseState] {
        cases.filter { c in c.receivedDay <= day && (c.completedDay.map { $0 > day } ?? true) && c.dueDay < day }
            .sorted { ($0.dueDay, $0.caseID) < ($1.dueDay, $1.caseID) }
    }

    /// Cases completed in `period` and rated 不满意 or 非常不满意, in order of completion.
    public static func unfavourable(_ cases: [CaseState], in period: Period) -> [CaseState] {
        cases.filter { c in
            guard let r = c.rating, r >= 3, let done = c.completedDay else { return false }
            return CaseState.period(day: done) == period
        }.sorted { ($0.completed ?? 0, $0.caseID) < ($1.completed ?? 0, $1.caseID) }
    }

    /// The list as CSV (Chinese headers, as a clerk opens it in Excel), grouped by unit in `units` order, with
    /// `asOf` giving the days overdue.
    public static func csv(_ cases: [CaseState], units: [OrgUnit], asOf day: Int? = nil) -> String {
        let order = Dictionary(units.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sorted = cases.enumerated().sorted { a, b in
            (order[a.element.unit] ?? Int.max, a.offset) < (order[b.element.unit] ?? Int.max, b.offset)
        }.map(\.element)
        var lines = ["单位,办件编号,事项名称,办件类型,受理时间,承诺时限,应办结日期,办结时间,评价,超期天数,渠道"]
        for c in sorted {
            let fields = [
                names[c.unit] ?? c.unit, c.caseID, c.item, c.immediate ? "即办" : "承诺", CaseState.timestamp(c.received),
                String(c.promisedDays), CaseState.day(number: c.dueDay).description,
                c.completed.map(CaseState.timestamp) ?? "", c.rating.map { CaseRecord.ratings[$0] } ?? "",
                day.map { String(max(0, $0 - c.dueDay)) } ?? "", c.channel,
            ]
            lines.append(fields.map(CSVTable.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

}
