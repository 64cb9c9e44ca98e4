import Foundation

extension BulletinBuilder {
    /// Sums a column, nil when no row has a value.
    static func sum(_ values: [Int?]) -> Int? {
        let present = values.compactMap { $0 }
        return present.isEmpty ? nil : present.reduce(0, +)
    }

    static func plus(_ a: Int?, _ b: Int?) -> Int? { a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0) }

    /// The units of a tier in table order: centre units grouped by window type in order of first appearance.
    func tableUnits(_ tier: Tier) -> [OrgUnit] {
        let units = ledger.directory.units(in: tier)
        guard tier == .center else { return units }
        var windows: [String] = []
        for u in units where !windows.contains(u.window ?? "") { windows.append(u.window ?? "") }
        return windows.flatMap { w in units.filter { ($0.window ?? "") == w } }
    }

    /// 通办 scopes of a tier's units this period, in order of first appearance.
    func scopes(of tier: Tier) -> [String] {
        let members = Set(ledger.directory.units(in: tier).map(\.code))
        var out: [String] = []
        for t in ledger.tongbanRows(period) where members.contains(t.unit) && !out.contains(t.scope) {
            out.append(t.scope)
        }
        return out
    }

    func unitTable(_ tier: Tier) -> UnitTable {
        let p = period
        let scopes = tier == .town ? scopes(of: .town) : []
        let tongban = ledger.tongbanRows(p)
        let rows: [UnitTable.Row] = tableUnits(tier).map { u in
            let r = ledger.row(u.code, p)
            let counts = CaseCounts(
                recvImmediate: r?.recvImmediate, recvPromised: r?.recvPromised,
                recvTotal: r.flatMap { Self.plus($0.recvImmediate, $0.recvPromised) },
                doneImmediate: r?.doneImmediate, donePromised: r?.donePromised,
                doneTotal: r.flatMap { Self.plus($0.doneImmediate, $0.donePromised) },
                ytdRecv: r == nil ? nil : ledger.unitYTDRecv(u.code, p),
                ytdDone: r == nil ? nil : ledger.unitYTDDone(u.code, p), proxy: r?.proxy,
                tongban: scopes.map { s in tongban.first { $0.unit == u.code && $0.scope == s }?.count })
            return UnitTable.Row(unit: u.code, name: u.name, window: u.window, counts: counts)
        }
        let c = rows.map(\.counts)
        let scope = FigureKey.Scope(tier)
        let total = CaseCounts(
            recvImmediate: Self.sum(c.map(\.recvImmediate)), recvPromised: Self.sum(c.map(\.recvPromised)),
            recvTotal: Self.sum(c.map(\.recvTotal)), doneImmediate: Self.sum(c.map(\.doneImmediate)),
            donePromised: Self.sum(c.map(\.donePromised)), doneTotal: Self.sum(c.map(\.doneTotal)),
            ytdRecv: ledger.tierYTDTotal(tier, done: false, p), ytdDone: ledger.tierYTDTotal(tier, done: true, p),
            proxy: tier == .town ? ledger.tierProxy(tier, p) : nil,
            tongban: scopes.map { ledger.tongbanTotal(scope, $0, p, ytd: false) })
        if let t = total.recvTotal { _ = ledger.check(t, FigureKey(scope, .recv), p) }
        let ytd = CaseCounts(
            recvImmediate: ledger.tierYTD(tier, .ytdRecvImmediate, p),
            recvPromised: ledger.tierYTD(tier, .ytdRecvPromised, p),
            recvTotal: total.ytdRecv, doneImmediate: ledger.tierYTD(tier, .ytdDoneImmediate, p),
            donePromised: ledger.tierYTD(tier, .ytdDonePromised, p), doneTotal: total.ytdDone, ytdRecv: nil,
            ytdDone: nil, proxy: tier == .town ? ledger.tierYTD(tier, .ytdProxy, p) : nil,
            tongban: scopes.map { ledger.tongbanTotal(scope, $0, p, ytd: true) })
        return UnitTable(tier: tier, rows: rows, scopes: scopes, total: total, yearToDate: ytd)
    }

    // MARK: - 配套服务, 跨区域通办

    func ancillaryTable() -> AncillaryTable? {
        let rows = ledger.ancillaryRows(period)
        guard !rows.isEmpty else { return nil }
        let out = rows.map { AncillaryTable.Row(service: $0.service, count: $0.count, ytd: ledger.ancillaryYTD($0)) }
        let ytds = out.map(\.ytd)
        return AncillaryTable(
            rows: out, totalCount: Self.sum(out.map(\.count)),
            totalYTD: Numbers.sumOfAll(ytds))
    }

    func tongbanTable() -> TongbanTable? {
        let members = ledger.units(of: .departments)
        let rows = ledger.tongbanRows(period).filter { members.contains($0.unit) }
        guard !rows.isEmpty else { return nil }
        var scopes: [String] = []
        var units: [String] = []
        for r in rows {
            if !scopes.contains(r.scope) { scopes.append(r.scope) }
            if !units.contains(r.unit) { units.append(r.unit) }
        }
        let out = units.map { code in
            let mine = rows.filter { $0.unit == code }
            let cells = scopes.map { s in mine.first { $0.scope == s } }
            return TongbanTable.Row(
                unit: code, name: ledger.directory.unit(code)?.name ?? code, month: cells.map { $0?.count },
                ytd: cells.map { $0.flatMap { ledger.tongbanYTD($0) } })
        }
        return TongbanTable(
            scopes: scopes, rows: out,
            totalMonth: scopes.map { ledger.tongbanTotal(.departments, $0, period, ytd: false) },
            totalYTD: scopes.map { ledger.tongbanTotal(.departments, $0, period, ytd: true) })
    }

    // MARK: - 部门测评

    func evaluationTable() -> EvaluationTable? {
        let scores = data.evaluation.filter { $0.period == period }
        guard !scores.isEmpty else { return nil }
        let criteria = data.rubric.sorted { ($0.order, $0.code) < ($1.order, $1.code) }
        var units: [String] = []
        for s in scores where !units.contains(s.unit) { units.append(s.unit) }
        let rows = units.map { code in
            let mine = scores.filter { $0.unit == code }
            let cells = criteria.map { c in mine.first { $0.criterion == c.code }?.score }
            return EvaluationTable.Row(
                unit: code, name: ledger.directory.unit(code)?.name ?? code, scores: cells,
                total: mine.reduce(Decimal(0)) { $0 + $1.score })
        }
        let sorted = rows.enumerated().sorted { a, b in
            a.element.total != b.element.total ? a.element.total > b.element.total : a.offset < b.offset
        }.map(\.element)
        let unscored = ledger.directory.units(in: .center).filter { $0.ranked && !units.contains($0.code) }.map(\.name)
        return EvaluationTable(criteria: criteria, rows: sorted, unscored: unscored)
    }
}
