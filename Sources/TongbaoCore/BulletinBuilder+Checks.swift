import Foundation

extension BulletinBuilder {
    /// Resolves one figures.csv key of the period, so that a reported value Tongbao can compute is compared.
    func resolve(_ key: FigureKey) {
        let p = period
        let tiers = key.scope.tiers
        func each(_ f: (Tier) -> Int?) -> Int? {
            Numbers.sumOfAll(tiers.map(f))
        }
        switch key.measure {
        case .done, .recv: _ = ledger.total(key.scope, key.measure, p)
        case .ytdRecvImmediate, .ytdRecvPromised, .ytdDoneImmediate, .ytdDonePromised, .ytdProxy:
            let v = each { ledger.tierYTD($0, key.measure, p) }
            if tiers.count > 1 { _ = ledger.check(v, key, p) }
        case .approval, .service:
            let v = each { ledger.category($0, approval: key.measure == .approval, p) }
            if tiers.count > 1 { _ = ledger.check(v, key, p) }
        case .proxy:
            let v = each { ledger.tierProxy($0, p) }
            if tiers.count > 1 { _ = ledger.check(v, key, p) }
        case .tongban(let s): _ = ledger.tongbanTotal(key.scope, s, p, ytd: false)
        case .ytdTongban(let s): _ = ledger.tongbanTotal(key.scope, s, p, ytd: true)
        case .ontimeRate, .accuracyRate, .satisfactionRate: _ = ledger.rate(key.measure, p)
        }
    }

    /// Plausibility and consistency checks of bulletin.md "Validation" beyond reported-vs-computed.
    func runChecks() {
        let p = period
        guard ledger.hasUnitData(p) else { return }
        for u in ledger.directory.units {
            let prev = ledger.row(u.code, p.previous)
            guard let row = ledger.row(u.code, p) else {
                if prev != nil { ledger.warn(Issue(.missingReport, period: p.description, unit: u.name)) }
                continue
            }
            if noExport(u.code, row) { ledger.warn(Issue(.missingReport, period: p.description, unit: u.name)) }
            if let prev {
                checkBacklog(u, row, prev)
                checkChange(u, row, prev)
            }
            // 村居代办 is a town's: a figure there for a department is a shifted column more often than not.
            if u.tier != .town, let proxy = data.cases.first(where: { $0.period == p && $0.unit == u.code })?.proxy,
                proxy > 0
            {
                ledger.warn(Issue(.proxyOutsideTowns, period: p.description, unit: u.name, value: "\(proxy)"))
            }
        }
        for tier in Tier.allCases {
            guard let a = ledger.category(tier, approval: true, p), let s = ledger.category(tier, approval: false, p),
                let done = ledger.total(.init(tier), .done, p), a + s != done
            else { continue }
            ledger.warn(
                Issue(
                    .partsDoNotAddUp, period: p.description, key: "\(tier.chineseName)办件量（审批类+服务类）",
                    value: "\(done)", computed: "\(a + s)"))
        }
    }

    /// Completed more than received plus the open backlog left at the end of last month (W103).
    func checkBacklog(_ u: OrgUnit, _ row: CaseRow, _ prev: CaseRow) {
        let p = period
        guard let recv = ledger.unitYTDRecv(u.code, p.previous), let done = ledger.unitYTDDone(u.code, p.previous)
        else { return }
        let backlog = Swift.max(0, recv - done)
        if row.done > row.recv + backlog {
            ledger.warn(
                Issue(
                    .doneExceedsReceived, period: p.description, unit: u.name, value: "\(row.done)",
                    computed: "\(row.recv + backlog)"))
        }
    }

    /// A month that changes by more than the change factor against last month (W104); small counts are ignored.
    /// Received and completed are each checked: a jump in 接件 alone is as suspicious as one in 办结.
    func checkChange(_ u: OrgUnit, _ row: CaseRow, _ prev: CaseRow) {
        for (measure, now, before) in [("办结量", row.done, prev.done), ("接件量", row.recv, prev.recv)] {
            let (a, b) = (Double(now), Double(before))
            guard Swift.max(a, b) >= Double(settings.changeFloor) else { continue }
            let changeFactor = settings.changeFactor
            if a > b * changeFactor || a * changeFactor < b {
                ledger.warn(
                    Issue(
                        .largeChange, period: period.description, unit: u.name, key: measure, value: "\(now)",
                        computed: "\(before)"))
            }
        }
    }

    /// Units that reported last month (monthly rows or case records), or are marked as required, and have nothing
    /// this month: 未报送. A unit whose figures come from case records and that received cases last month but
    /// none this month is missing too: its month then holds only completions of cases received before, which an
    /// earlier export brought, so this month's export was not loaded.
    func missingUnits() -> [OrgUnit] {
        let p = period
        guard ledger.hasUnitData(p) || ledger.hasUnitData(p.previous) else { return [] }
        let required = data.requiredUnits ?? []
        return ledger.directory.units.filter {
            guard let now = ledger.row($0.code, p) else {
                return ledger.row($0.code, p.previous) != nil || required.contains($0.code)
            }
            return noExport($0.code, now)
        }
    }

    /// Whether the unit's month, from case records, holds no receipt where last month's did: only completions of
    /// cases received before, so this month's export was not loaded.
    func noExport(_ unit: String, _ now: CaseRow) -> Bool {
        now.recv == 0 && ledger.fromRecords(unit, period.previous) && (ledger.row(unit, period.previous)?.recv ?? 0) > 0
    }
}
