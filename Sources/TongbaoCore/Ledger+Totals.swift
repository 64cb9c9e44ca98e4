import Foundation

extension FigureKey.Scope {
    init(_ tier: Tier) {
        switch tier {
        case .center: self = .center
        case .subcenter: self = .subcenter
        case .town: self = .town
        }
    }
}

extension Ledger {
    /// A month total (`.done` or `.recv`) of a scope: summed from unit rows (or the tiers' totals), else reported.
    public func total(_ scope: FigureKey.Scope, _ measure: FigureKey.Measure, _ p: Period) -> Int? {
        let key = FigureKey(scope, measure)
        let tiers = scope.tiers
        if tiers.count == 1 {
            let rows = rows(tiers[0], p)
            let computed = rows.isEmpty ? nil : rows.reduce(0) { $0 + (measure == .done ? $1.done : $1.recv) }
            // Rows of a few units only (a case record received in a month filed as totals) do not replace the
            // reported total: it stands, and the difference is a warning.
            let members = units(of: scope).count
            if let computed, rows.count * 2 < members,
                let reported = figure(key, p).flatMap({ Numbers.int($0.value) })
            {
                warn(
                    Issue(
                        .partialDetail, period: p.description, unit: "\(rows.count)/\(members)",
                        key: key.description, value: "\(reported)", computed: "\(computed)"))
                return reported
            }
            return check(computed, key, p)
        }
        let parts = tiers.map { total(FigureKey.Scope($0), measure, p) }
        let computed = Numbers.sumOfAll(parts)
        return check(computed, key, p)
    }

    /// A tier's year-to-date of one kind (`.ytdRecvImmediate` …): summed from the units' chains, else reported.
    public func tierYTD(_ tier: Tier, _ measure: FigureKey.Measure, _ p: Period) -> Int? {
        let field: KeyPath<CaseRow, Int?>
        switch measure {
        case .ytdRecvImmediate: field = \.recvImmediate
        case .ytdRecvPromised: field = \.recvPromised
        case .ytdDoneImmediate: field = \.doneImmediate
        case .ytdDonePromised: field = \.donePromised
        case .ytdProxy: field = \.proxy
        default: preconditionFailure("not a year-to-date measure: \(measure)")
        }
        let rows = rows(tier, p)
        let values = rows.map { unitYTD($0.unit, p, field) }
        let computed = Numbers.sumOfAll(values)
        return check(computed, FigureKey(.init(tier), measure), p)
    }

    /// A tier's year-to-date received (or completed) in all: the units' year-to-date summed, else the kinds' sum.
    public func tierYTDTotal(_ tier: Tier, done: Bool, _ p: Period) -> Int? {
        let rows = rows(tier, p)
        let values = rows.map { done ? unitYTDDone($0.unit, p) : unitYTDRecv($0.unit, p) }
        let byUnits = Numbers.sumOfAll(values)
        let kinds: [FigureKey.Measure] =
            done ? [.ytdDoneImmediate, .ytdDonePromised] : [.ytdRecvImmediate, .ytdRecvPromised]
        let parts = kinds.map { tierYTD(tier, $0, p) }
        let byKinds = Numbers.sumOfAll(parts)
        if let byUnits, let byKinds, byUnits != byKinds {
            warn(
                Issue(
                    .partsDoNotAddUp, period: p.description,
                    key: "\(tier.chineseName)本年累计\(done ? "办结" : "接件")（即办+承诺）", value: "\(byUnits)",
                    computed: "\(byKinds)"))
        }
        return byUnits ?? byKinds
    }

    /// A tier's village/community proxy cases this month.
    public func tierProxy(_ tier: Tier, _ p: Period) -> Int? {
        let values = rows(tier, p).compactMap(\.proxy)
        return check(values.isEmpty ? nil : values.reduce(0, +), FigureKey(.init(tier), .proxy), p)
    }

    /// Units of a scope, as a set of codes.
    func units(of scope: FigureKey.Scope) -> Set<String> {
        Set(directory.units.filter { scope.tiers.contains($0.tier) }.map(\.code))
    }

    /// 通办 of one scope for the units of a figure scope: this month, and year to date.
    public func tongbanTotal(_ scope: FigureKey.Scope, _ kind: String, _ p: Period, ytd: Bool) -> Int? {
        let members = units(of: scope)
        let rows = tongbanRows(p).filter { members.contains($0.unit) && $0.scope == kind }
        let computed: Int?
        if ytd {
            let values = rows.map { tongbanYTD($0) }
            computed = Numbers.sumOfAll(values)
        } else {
            computed = rows.isEmpty ? nil : rows.reduce(0) { $0 + ($1.count ?? 0) }
        }
        return check(computed, FigureKey(scope, ytd ? .ytdTongban(kind) : .tongban(kind)), p)
    }

    /// Completed cases by item category of a tier: from case records when every unit-month of the tier has them.
    public func category(_ tier: Tier, approval: Bool, _ p: Period) -> Int? {
        let rows = rows(tier, p)
        let s = statsByPeriod[p]
        let fromRecords = !rows.isEmpty && rows.allSatisfy { s?[$0.unit] != nil }
        let computed =
            fromRecords ? rows.reduce(0) { $0 + (approval ? s![$1.unit]!.approval : s![$1.unit]!.service) } : nil
        return check(computed, FigureKey(.init(tier), approval ? .approval : .service), p)
    }

    /// A district rate in percent with its note: from case records when present, else reported.
    public func rate(_ measure: FigureKey.Measure, _ p: Period) -> (value: Decimal, note: String?)? {
        let key = FigureKey(.all, measure)
        let reported = figure(key, p)
        let all = self.stats(p)
        var computed: Decimal? = nil
        if !all.isEmpty {
            let (num, den): (Int, Int)
            switch measure {
            case .ontimeRate: (num, den) = all.reduce((0, 0)) { ($0.0 + $1.onTime, $0.1 + $1.completed) }
            case .satisfactionRate: (num, den) = all.reduce((0, 0)) { ($0.0 + $1.satisfied, $0.1 + $1.rated) }
            default: (num, den) = (0, 0)
            }
            if den > 0 { computed = Decimal(string: Numbers.percent(num, of: den)!) }
        }
        guard let value = computed ?? reported?.value else { return nil }
        if let computed, let r = reported?.value, Numbers.rate(r) != Numbers.rate(computed) {
            warn(
                Issue(
                    .reportedDiffers, period: p.description, key: key.description,
                    value: Numbers.rate(r), computed: Numbers.rate(computed)))
        }
        return (value, computed == nil ? reported?.note : nil)
    }
}
