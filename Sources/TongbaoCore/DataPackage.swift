import Foundation

/// The parsed, validated content of a data package, with unit references resolved to codes.
public struct DataPackage: Sendable {
    public var units: [OrgUnit] = []
    public var cases: [CaseRow] = []
    public var caseRecords: [CaseRecord] = []
    public var tongban: [TongbanRow] = []
    public var ancillary: [AncillaryRow] = []
    public var rubric: [Criterion] = []
    public var evaluation: [Score] = []
    public var events: [Event] = []
    public var figures: [Figure] = []
    public var meta: [Meta] = []

    public init() {}

    /// Every month the package holds figures for.
    public var periods: Set<Period> {
        var s = Set<Period>()
        s.formUnion(cases.map(\.period))
        s.formUnion(tongban.map(\.period))
        s.formUnion(ancillary.map(\.period))
        s.formUnion(evaluation.map(\.period))
        s.formUnion(figures.map(\.period))
        s.formUnion(meta.map(\.period))
        s.formUnion(events.map(\.date.period))
        for r in caseRecords {
            if let p = CaseTime.period(r.receivedAt) { s.insert(p) }
            if let c = r.completedAt, let p = CaseTime.period(c) { s.insert(p) }
        }
        return s
    }

    /// Row counts per table, for summaries.
    public var counts: [(PackageTable, Int)] {
        [
            (.units, units.count), (.cases, cases.count), (.caseRecords, caseRecords.count), (.tongban, tongban.count),
            (.ancillary, ancillary.count), (.rubric, rubric.count), (.evaluation, evaluation.count),
            (.events, events.count), (.figures, figures.count), (.meta, meta.count),
        ]
    }
}

/// One file of a package: its name (as in the folder or zip) and bytes.
public struct PackageFile: Sendable {
    public var name: String
    public var data: Data
    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// Date-times of case records.
public enum CaseTime {
    /// Normalises `YYYY-MM-DD[ T]HH:MM[:SS]` (or a bare date) to `YYYY-MM-DDTHH:MM:SS`; nil when malformed.
    public static func normalise(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let datePart = String(t.prefix(10))
        guard let day = Day(parsing: datePart), datePart.count == 10 else { return nil }
        var rest = t.dropFirst(10)
        if rest.isEmpty { return "\(day)T00:00:00" }
        guard rest.first == "T" || rest.first == " " else { return nil }
        rest = rest.dropFirst()
        let hms = rest.split(separator: ":")
        guard (2...3).contains(hms.count), let h = Int(hms[0]), let m = Int(hms[1]), (0..<24).contains(h),
            (0..<60).contains(m)
        else { return nil }
        var s = 0
        if hms.count == 3 {
            guard let sec = Int(hms[2].prefix(2)), (0..<61).contains(sec) else { return nil }
            s = sec
        }
        return String(format: "%@T%02d:%02d:%02d", day.description, h, m, s)
    }

    public static func period(_ normalised: String) -> Period? { Period(parsing: String(normalised.prefix(7))) }
    public static func day(_ normalised: String) -> Day? { Day(parsing: String(normalised.prefix(10))) }
}

extension CaseRecord {
    /// The last day on which completion counts as on time: the day received plus the promised calendar days
    /// (the same day for 即办).
    public var dueDate: Day {
        let received = CaseTime.day(receivedAt)!
        var days = kind == .immediate ? 0 : promisedDays
        var (y, m, d) = (received.year, received.month, received.day)
        while days > 0 {
            let left = Day.daysIn(year: y, month: m) - d
            if days <= left {
                d += days
                days = 0
            } else {
                days -= left + 1
                d = 1
                (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
            }
        }
        return Day(parsing: String(format: "%04d-%02d-%02d", y, m, d))!
    }
}
