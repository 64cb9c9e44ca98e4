import Foundation

/// Resolves every figure of a district: computed from unit data where possible, else as reported in figures.csv,
/// collecting a warning wherever a reported figure disagrees with the computed one.
///
/// Year-to-date values follow the chain rule of data-package.md: the year-to-date of the latest earlier month of
/// the same year plus this month (this month alone in January); where no earlier month is stored, the reported
/// year-to-date as it stands.
public final class Ledger {
    public let data: DistrictData
    public let directory: UnitDirectory
    private var cases: [Period: [String: CaseRow]] = [:]
    var statsByPeriod: [Period: [String: RecordStats]] = [:]
    private var tongban: [Period: [TongbanRow]] = [:]
    private var ancillary: [Period: [AncillaryRow]] = [:]
    private var figures: [Period: [FigureKey: Figure]] = [:]
    private var warned = Set<String>()
    /// Warnings in the order they were found.
    public private(set) var warnings: [Issue] = []

    public init(_ data: DistrictData) {
        self.data = data
        self.directory = UnitDirectory(data.units)
        for c in data.cases { cases[c.period, default: [:]][c.unit] = c }
        for s in data.recordStats { statsByPeriod[s.period, default: [:]][s.unit] = s }
        for t in data.tongban { tongban[t.period, default: []].append(t) }
        for a in data.ancillary { ancillary[a.period, default: []].append(a) }
        for f in data.figures { figures[f.period, default: [:]][f.key] = f }
    }

    // MARK: - Raw access

    public func row(_ unit: String, _ p: Period) -> CaseRow? { cases[p]?[unit] }
    public func rows(_ tier: Tier, _ p: Period) -> [CaseRow] {
        directory.units(in: tier).compactMap { cases[p]?[$0.code] }
    }
    public func figure(_ key: FigureKey, _ p: Period) -> Figure? { figures[p]?[key] }
    public func figures(in p: Period) -> [Figure] { data.figures.filter { $0.period == p } }
    public func tongbanRows(_ p: Period) -> [TongbanRow] { tongban[p] ?? [] }
    public func ancillaryRows(_ p: Period) -> [AncillaryRow] { ancillary[p] ?? [] }
    public func stats(_ p: Period) -> [RecordStats] { statsByPeriod[p].map { Array($0.values) } ?? [] }
    public func hasUnitData(_ p: Period) -> Bool { !(cases[p]?.isEmpty ?? true) }
    /// Whether the unit's figures of the month come from case records (an ingested export, case_records.csv).
    public func fromRecords(_ unit: String, _ p: Period) -> Bool { statsByPeriod[p]?[unit] != nil }

    func warn(_ issue: Issue) {
        let id = [issue.code.rawValue, issue.period ?? "", issue.unit ?? "", issue.key ?? ""].joined(separator: "|")
        if warned.insert(id).inserted { warnings.append(issue) }
    }

    /// Compares a computed count with the reported figure of `key`; returns the computed one.
    func check(_ computed: Int?, _ key: FigureKey, _ p: Period) -> Int? {
        let reported = figure(key, p).flatMap { Numbers.int($0.value) }
        guard let computed else { return reported }
        if let reported, reported != computed {
            warn(
                Issue(
                    .reportedDiffers, period: p.description, key: key.description,
                    value: "\(reported)", computed: "\(computed)"))
        }
        return computed
    }

    // MARK: - Year-to-date chain

    /// The chain rule for one series: `month(q)` is nil where the series has no row in q.
    public func chained(_ p: Period, month: (Period) -> Int?, reported: (Period) -> Int?) -> (
        value: Int?, computed: Bool
    ) {
        guard let m = month(p) else { return (nil, false) }
        if p.month == 1 { return (m, true) }
        var q = p.previous
        while q.year == p.year {
            if month(q) != nil {
                let prev = chained(q, month: month, reported: reported)
                return prev.value.map { ($0 + m, true) } ?? (reported(p), false)
            }
            q = q.previous
        }
        return (reported(p), false)
    }

    /// A chained year-to-date value, warning when a reported one differs from the computed one.
    func ytd(
        _ p: Period, unit: String, label: String, month: (Period) -> Int?, reported: (Period) -> Int?
    ) -> Int? {
        let r = chained(p, month: month, reported: reported)
        guard let v = r.value else { return nil }
        let unit = directory.unit(unit)?.name ?? unit
        if r.computed, let rep = reported(p), rep != v {
            warn(
                Issue(
                    .reportedYTDDiffers, period: p.description, unit: unit, key: label, value: "\(rep)",
                    computed: "\(v)"))
        }
        if let m = month(p), v < m {
            warn(Issue(.ytdBelowMonth, period: p.description, unit: unit, key: label, value: "\(v)", computed: "\(m)"))
        }
        return v
    }

    public func unitYTDRecv(_ unit: String, _ p: Period) -> Int? {
        ytd(p, unit: unit, label: "接件", month: { self.row(unit, $0)?.recv }, reported: { self.row(unit, $0)?.ytdRecv })
    }

    public func unitYTDDone(_ unit: String, _ p: Period) -> Int? {
        ytd(p, unit: unit, label: "办结", month: { self.row(unit, $0)?.done }, reported: { self.row(unit, $0)?.ytdDone })
    }

    /// Year-to-date of one field of a unit that has no reported year-to-date (kinds, proxy): chain only.
    public func unitYTD(_ unit: String, _ p: Period, _ field: KeyPath<CaseRow, Int?>) -> Int? {
        let r = chained(p, month: { q in self.row(unit, q).map { $0[keyPath: field] ?? 0 } }, reported: { _ in nil })
        return r.value
    }

    public func tongbanYTD(_ row: TongbanRow) -> Int? {
        func find(_ q: Period) -> TongbanRow? {
            tongban[q]?.first { $0.unit == row.unit && $0.scope == row.scope }
        }
        return ytd(
            row.period, unit: row.unit, label: row.scope, month: { find($0).map { $0.count ?? 0 } },
            reported: { find($0)?.ytd })
    }

    public func ancillaryYTD(_ row: AncillaryRow) -> Int? {
        func find(_ q: Period) -> AncillaryRow? { ancillary[q]?.first { $0.service == row.service } }
        return ytd(
            row.period, unit: row.service, label: "配套服务", month: { find($0).map { $0.count ?? 0 } },
            reported: { find($0)?.ytd })
    }
}
