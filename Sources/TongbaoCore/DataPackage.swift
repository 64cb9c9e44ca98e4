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
    /// Columns a row's file did not have, by table and row key (`2021-07 C06`): stored values of those columns are
    /// left as they are. An empty cell in a present column means "not reported" and is stored as such.
    public var absent: [PackageTable: [String: Set<String>]] = [:]
    /// The month unit changes take effect from, per unit code, when units.csv has a `from` (生效月份) column.
    public var unitsFrom: [String: Period] = [:]

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
        s.formUnion(recordUnitMonths.map(\.period))
        return s
    }

    /// The unit-months the case records touch (received or completed in the month).
    public var recordUnitMonths: Set<UnitMonth> {
        var out = Set<UnitMonth>()
        for r in caseRecords where r.status != .void {
            for t in [r.receivedAt, r.completedAt].compactMap({ $0 }) {
                if let p = CaseTime.period(t) { out.insert(UnitMonth(period: p, unit: r.unit)) }
            }
        }
        return out
    }

    /// The unit-months of the monthly rows (cases.csv).
    public var caseUnitMonths: Set<UnitMonth> { Set(cases.map { UnitMonth(period: $0.period, unit: $0.unit) }) }

    /// Row counts per table, for summaries.
    public var counts: [(PackageTable, Int)] {
        [
            (.units, units.count), (.cases, cases.count), (.caseRecords, caseRecords.count), (.tongban, tongban.count),
            (.ancillary, ancillary.count), (.rubric, rubric.count), (.evaluation, evaluation.count),
            (.events, events.count), (.figures, figures.count), (.meta, meta.count),
        ]
    }
}

/// One unit in one month: the grain of the monthly figures.
public struct UnitMonth: Hashable, Comparable, Sendable {
    public var period: Period
    public var unit: String
    public init(period: Period, unit: String) {
        self.period = period
        self.unit = unit
    }
    public static func < (a: UnitMonth, b: UnitMonth) -> Bool { (a.period, a.unit) < (b.period, b.unit) }
}

/// One file of a package: its name (as in the folder or zip) and bytes.
public struct PackageFile: Sendable {
    public var name: String
    public var data: Data
    /// Set when the file is one sheet of an Excel workbook, converted to CSV text whose line N is row N.
    public var origin: SheetOrigin?
    /// Set when the file is in a folder or zip but holds no data (Thumbs.db, a read-me): why it is not read.
    public var ignored: String?

    public init(name: String, data: Data, origin: SheetOrigin? = nil, ignored: String? = nil) {
        self.name = name
        self.data = data
        self.origin = origin
        self.ignored = ignored
    }
}

/// Where a file converted from a worksheet came from, so issues name the workbook, sheet, row and column.
public struct SheetOrigin: Sendable, Equatable {
    public var workbook: String
    public var sheet: String
    /// The table the sheet's name stands for; nil (`Sheet1`) when its columns must tell.
    public var table: PackageTable?

    public init(workbook: String, sheet: String, table: PackageTable?) {
        self.workbook = workbook
        self.sheet = sheet
        self.table = table
    }
}

/// Date-times of case records.
public enum CaseTime {
    /// Normalises `YYYY-MM-DD[ T]HH:MM[:SS]` (or a bare date; `/` also separates the date) to
    /// `YYYY-MM-DDTHH:MM:SS`; nil when malformed. Reads the bytes: it runs once per case record.
    public static func normalise(_ text: String) -> String? {
        let t = text.trimmed
        let u = t.utf8
        let n = u.count
        guard n == 10 || n == 16 || n == 19, let y = digits(u, 0..<4), let mo = digits(u, 5..<7),
            let d = digits(u, 8..<10), (1...12).contains(mo), d >= 1, d <= Day.daysIn(year: y, month: mo)
        else { return lenient(t) }
        let sep1 = u[u.index(u.startIndex, offsetBy: 4)]
        let sep2 = u[u.index(u.startIndex, offsetBy: 7)]
        guard sep1 == sep2, sep1 == 0x2D || sep1 == 0x2F else { return nil }
        let day = Day(year: y, month: mo, day: d)
        if n == 10 { return "\(day)T00:00:00" }
        let sep = u[u.index(u.startIndex, offsetBy: 10)]
        let colon = u[u.index(u.startIndex, offsetBy: 13)]
        guard sep == 0x20 || sep == 0x54, colon == 0x3A, let h = digits(u, 11..<13), let m = digits(u, 14..<16),
            h < 24, m < 60
        else { return nil }
        var s = 0
        if n == 19 {
            guard u[u.index(u.startIndex, offsetBy: 16)] == 0x3A, let sec = digits(u, 17..<19), sec < 61 else {
                return nil
            }
            s = sec
        }
        return "\(day)T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2))"
    }

    /// Single-digit fields as Excel writes them: `2021/7/1 9:05`.
    static func lenient(_ t: String) -> String? {
        let parts = t.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
        guard date.count == 3, date[0] >= 1000, (1...12).contains(date[1]), date[2] >= 1,
            date[2] <= Day.daysIn(year: date[0], month: date[1])
        else { return nil }
        let time = parts.count == 2 ? parts[1].split(separator: ":").map { Int($0) } : [0, 0]
        guard (2...3).contains(time.count), let h = time[0], let m = time[1], h < 24, m < 60 else { return nil }
        let sec = time.count == 3 ? time[2] : 0
        guard let sec, sec < 61 else { return nil }
        return "\(Day(year: date[0], month: date[1], day: date[2]))T\(pad(h, 2)):\(pad(m, 2)):\(pad(sec, 2))"
    }

    /// The month of a normalised date-time.
    public static func period(_ normalised: String) -> Period? {
        guard normalised.utf8.count >= 7, let y = digits(normalised.utf8, 0..<4),
            let m = digits(normalised.utf8, 5..<7), (1...12).contains(m)
        else { return nil }
        return Period(year: y, month: m)
    }

    public static func day(_ normalised: String) -> Day? { Day(parsing: String(normalised.prefix(10))) }
}

extension CaseTime {
    /// Seconds since 1970 of a normalised date-time (`YYYY-MM-DDTHH:MM:SS`, the export's local time).
    public static func seconds(_ normalised: String) -> Int? {
        guard let d = day(normalised) else { return nil }
        let t = normalised.split(separator: "T").last?.split(separator: ":").compactMap { Int($0) } ?? []
        guard t.count == 3 else { return nil }
        return DayNumber.from(d) * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]
    }
}
