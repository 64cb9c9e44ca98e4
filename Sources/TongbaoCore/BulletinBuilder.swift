import Foundation

/// Computes the ``Bulletin`` of one period from a district's data (bulletin.md).
public struct BulletinBuilder {
    public let ledger: Ledger
    public let period: Period
    public let settings: BulletinSettings

    public init(data: DistrictData, period: Period, settings: BulletinSettings = BulletinSettings()) {
        self.ledger = Ledger(data)
        self.period = period
        self.settings = settings
    }

    var data: DistrictData { ledger.data }

    /// Whether anything of the period is stored: unit rows, figures, scores, events or meta.
    public var hasData: Bool { hasData(in: period) }

    func hasData(in p: Period) -> Bool {
        ledger.hasUnitData(p) || !ledger.figures(in: p).isEmpty || data.meta.contains { $0.period == p }
            || data.evaluation.contains { $0.period == p } || data.events.contains { $0.date.period == p }
            || !ledger.tongbanRows(p).isEmpty || !ledger.ancillaryRows(p).isEmpty
    }

    /// The bulletin; with `detail`, also every unit's figures for templates (``MonthDetail``), which an import's
    /// checks and the dashboard do not need.
    public func build(detail withDetail: Bool = true) -> Bulletin {
        let p = period
        let meta = data.meta.first { $0.period == p }
        let earlier = data.meta.filter { $0.period < p }.sorted { $0.period < $1.period }
        let title =
            meta?.title ?? earlier.last(where: { $0.title != nil })?.title
            ?? "\(data.district.name)行政审批服务运行通报"
        let center = unitTable(.center)
        let town = unitTable(.town)
        let evaluation = evaluationTable()
        var b = Bulletin(
            district: data.district, period: p, title: title, issue: meta?.issue ?? issueNumber(),
            issuer: meta?.issuer ?? earlier.last(where: { $0.issuer != nil })?.issuer, date: meta?.date,
            districtName: districtName(title: title), lead: meta?.lead, overview: overview(center),
            trend: [], trendNotes: [], centerTable: center, topDepartments: topDepartments(center),
            subcenterTable: unitTable(.subcenter), townTable: town, ancillary: ancillaryTable(),
            tongban: tongbanTable(), events: data.events.filter { $0.date.period == p }.sorted { $0.date < $1.date },
            excellent: Array((evaluation?.rows ?? []).prefix(meta?.excellent ?? 10).map(\.name)),
            evaluation: evaluation, warnings: [])
        (b.trend, b.trendNotes) = trend()
        for f in ledger.figures(in: p) { resolve(f.key) }
        runChecks()
        b.warnings = ledger.warnings.filter { $0.period == nil || $0.period == p.description }
        let missing = missingUnits().map(\.name)
        b.missing = missing.isEmpty ? nil : missing
        if withDetail { b.detail = detail() }
        return b
    }

    /// The issue number when meta gives none: on from the last numbered month of the same year (meta or a
    /// publication), counting the months with a bulletin (any data, ``hasData``) since; without one, the months
    /// of the year so far that have a bulletin (so a year's first bulletin is 第1期).
    func issueNumber() -> Int {
        var numbered = data.publishedIssues.filter { $0.key.year == period.year && $0.key < period }
        for m in data.meta where m.period.year == period.year && m.period < period {
            if let issue = m.issue { numbered[m.period] = issue }
        }
        guard let last = numbered.max(by: { $0.key < $1.key }) else {
            return Period.range(period.january, period).filter(hasData(in:)).count
        }
        return last.value + max(1, Period.range(last.key.next, period).filter(hasData(in:)).count)
    }

    func districtName(title: String) -> String {
        if !data.district.name.isEmpty { return data.district.name }
        let suffix = "行政审批服务运行通报"
        return title.hasSuffix(suffix) ? String(title.dropLast(suffix.count)) : ""
    }

    // MARK: - Section 一

    func overview(_ center: UnitTable) -> Overview {
        let p = period
        let tiers = Tier.allCases.map {
            TierFigure(
                tier: $0, done: ledger.total(.init($0), .done, p),
                previousDone: ledger.total(.init($0), .done, p.previous),
                lastYearDone: ledger.total(.init($0), .done, p.sameMonthLastYear))
        }
        return Overview(
            total: ledger.total(.all, .done, p), previousTotal: ledger.total(.all, .done, p.previous),
            lastYearTotal: ledger.total(.all, .done, p.sameMonthLastYear), tiers: tiers, rates: rates(p),
            centerApproval: ledger.category(.center, approval: true, p),
            centerService: ledger.category(.center, approval: false, p),
            centerImmediate: center.total.doneImmediate, centerPromised: center.total.donePromised,
            groups: groups(center))
    }

    /// The reported rates of section 一 (按时办结率, 办件准确率, 群众满意率) of month `p`.
    func rates(_ p: Period) -> [RateFigure] {
        let rateNames: [(FigureKey.Measure, String)] = [
            (.ontimeRate, "按时办结率"), (.accuracyRate, "办件准确率"), (.satisfactionRate, "群众满意率"),
        ]
        return rateNames.compactMap { m, name in
            ledger.rate(m, p).map {
                RateFigure(name: name, key: FigureKey(.all, m).description, value: $0.value, note: $0.note)
            }
        }
    }

    func groups(_ center: UnitTable) -> [NamedCount] {
        var order: [String] = []
        var sums: [String: Int] = [:]
        for u in ledger.directory.units(in: .center) {
            for g in u.groups where !order.contains(g) { order.append(g) }
            if let row = center.rows.first(where: { $0.unit == u.code }), let done = row.counts.doneTotal {
                for g in u.groups { sums[g, default: 0] += done }
            }
        }
        return order.compactMap { g in sums[g].map { NamedCount(name: g, count: $0) } }
    }

    func trend() -> ([TrendPoint], [String]) {
        let months = Period.range(Period(year: period.year - 1, month: 1), period)
        let points = months.map { TrendPoint(period: $0, total: ledger.total(.all, .done, $0)) }
        let notes = months.compactMap { ledger.figure(FigureKey(.all, .done), $0)?.note }
        return (points, notes)
    }

    // MARK: - Top departments

    func topDepartments(_ center: UnitTable) -> TopDepartments? {
        let rankedCodes = Set(ledger.directory.units(in: .center).filter(\.ranked).map(\.code))
        let ranked = center.rows.filter { rankedCodes.contains($0.unit) && $0.counts.doneTotal != nil }
        guard !ranked.isEmpty, let centerTotal = center.total.doneTotal else { return nil }
        let top = Self.topN(ranked.map { NamedCount(name: $0.name, count: $0.counts.doneTotal) }, settings.topCount)
        let three = Array(top.prefix(3))
        let sum = top.reduce(0) { $0 + ($1.count ?? 0) }
        let sum3 = three.reduce(0) { $0 + ($1.count ?? 0) }
        return TopDepartments(
            units: top, sum: sum, share: Numbers.percent(sum, of: centerTotal), topThree: three.map(\.name),
            topThreeSum: sum3, topThreeShare: Numbers.percent(sum3, of: centerTotal), centerTotal: centerTotal)
    }

    /// The first `n` by count, descending; ties keep their input (display) order.
    public static func topN(_ items: [NamedCount], _ n: Int) -> [NamedCount] {
        let sorted = items.enumerated().sorted { a, b in
            let (x, y) = (a.element.count ?? 0, b.element.count ?? 0)
            return x != y ? x > y : a.offset < b.offset
        }
        return Array(sorted.prefix(n).map(\.element))
    }
}
