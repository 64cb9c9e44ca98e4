import Foundation
import Hummingbird
import TongbaoCore
import TongbaoReport
import TongbaoStore

/// The director's view of a month: the district total and the three tiers against last month and last year, the
/// rates, the charts, the month's warnings and the 催报 list of units that have not reported.
struct Dashboard: Codable, Sendable {
    struct Card: Codable, Sendable {
        var label: String
        var value: Int?
        var previous: Int?
        var lastYear: Int?
        var monthChange: String?
        var yearChange: String?
    }
    struct Rate: Codable, Sendable {
        var name: String
        var value: String
    }
    /// What only case records tell of one unit this month: completed, on-time and satisfaction rates, and how
    /// many calendar days cases took (average, 90th percentile).
    struct UnitRecords: Codable, Sendable {
        var name: String
        var completed: Int
        var onTimeRate: String?
        var satisfactionRate: String?
        var averageDays: String?
        var p90Days: Int?
        /// 提前办结率, 平均办结时间 in working days, 评议率, 差评 count, 网办率, 不予受理 and 退件 (spec "Deadlines").
        var earlyRate: String?
        var averageWorkDays: String?
        var ratedRate: String?
        var unfavourable: Int
        var onlineRate: String?
        var rejected: Int
        var returned: Int
    }
    struct Missing: Codable, Sendable {
        var code: String
        var name: String
        var tier: String
        var link: String
    }
    var district: String
    var period: String
    var published: Bool
    var issue: Int?
    var total: Card
    var tiers: [Card]
    var rates: [Rate]
    var warnings: [IssueView]
    var missing: [Missing]
    var records: [UnitRecords]
    /// Units with no case at all this month (无业务单位), from case records.
    var idle: [String]

    static func make(_ b: Bulletin?, data: DistrictData, period: Period, publication: Publication?) -> Dashboard {
        func card(_ label: String, _ v: Int?, _ prev: Int?, _ lastYear: Int?) -> Card {
            Card(
                label: label, value: v, previous: prev, lastYear: lastYear,
                monthChange: v.flatMap { v in prev.map { Numbers.comparison(v, from: $0, label: "上月") } },
                yearChange: v.flatMap { v in lastYear.map { Numbers.comparison(v, from: $0, label: "去年同期") } })
        }
        let o = b?.overview
        let missing = Workbench.missingReports(data, period, bulletinMissing: b?.missing ?? [])
        let chased = Set(missing.map(\.name))
        return Dashboard(
            district: data.district.name, period: period.description, published: publication?.isFrozen ?? false,
            issue: publication?.issue ?? b?.issue,
            total: card("全区办件量", o?.total, o?.previousTotal, o?.lastYearTotal),
            tiers: (o?.tiers ?? []).map { card($0.tier.chineseName, $0.done, $0.previousDone, $0.lastYearDone) },
            rates: (o?.rates ?? []).map { Rate(name: $0.name, value: Numbers.rate($0.value) + "%") },
            warnings: (b?.warnings ?? []).map(IssueView.init),
            missing: missing.map {
                Missing(
                    code: $0.code, name: $0.name, tier: $0.tier.chineseName, link: SiteURL.report.link($0.code, period))
            },
            // A unit to chase is not also one without business.
            records: records(data, period), idle: idleUnits(data, period).filter { !chased.contains($0) })
    }

    /// Units that received and completed nothing this month while case records are in use (无业务单位).
    static func idleUnits(_ data: DistrictData, _ period: Period) -> [String] {
        let stats = data.recordStats.filter { $0.period == period }
        guard !stats.isEmpty else { return [] }
        let busy = Set(stats.filter { $0.received + $0.completed + $0.rejected + $0.returned > 0 }.map(\.unit))
            .union(data.cases.filter { $0.period == period && ($0.recv + $0.done) > 0 }.map(\.unit))
        return data.units.filter { !busy.contains($0.code) }.map(\.name)
    }

    static func records(_ data: DistrictData, _ period: Period) -> [UnitRecords] {
        let stats = Dictionary(
            data.recordStats.filter { $0.period == period && $0.completed + $0.rejected + $0.returned > 0 }.map {
                ($0.unit, $0)
            },
            uniquingKeysWith: { a, _ in a })
        return data.units.compactMap { u in
            guard let s = stats[u.code] else { return nil }
            return UnitRecords(
                name: u.name, completed: s.completed,
                onTimeRate: Numbers.percent(s.onTime, of: s.completed).map { $0 + "%" },
                satisfactionRate: Numbers.percent(s.satisfied, of: s.rated).map { $0 + "%" },
                averageDays: s.averageDays.map { String(format: "%.1f", $0) }, p90Days: s.p90Days,
                earlyRate: s.earlyRate.map { $0 + "%" },
                averageWorkDays: s.averageWorkDays.map { String(format: "%.1f", $0) },
                ratedRate: s.ratedRate.map { $0 + "%" }, unfavourable: s.unfavourable,
                onlineRate: s.onlineRate.map { $0 + "%" }, rejected: s.rejected, returned: s.returned)
        }
    }
}

struct DashboardController {
    let views: Views
    let workbench: Workbench

    struct Page: Sendable {
        struct Chart: Sendable {
            var title: String
            var svg: String
        }
        var chrome: Chrome
        var months: MonthNav
        var dashboard: Dashboard
        var hasData: Bool
        var charts: [Chart]
        var hasWarnings: Bool
        var hasMissing: Bool
        var hasRecords: Bool
        var bulletinLink: String
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.dashboard.pattern) { _, context -> Response in
            let (account, period) = try context.requireReader()
            let (dashboard, bulletin) = try await workbench.dashboard(account, period)
            let charts = bulletin.map { BulletinView($0).sections.flatMap(\.blocks).compactMap(\.chart) } ?? []
            let page = Page(
                chrome: Chrome(context, title: "\(period) 运行概览", active: "概览", period: period),
                months: MonthNav(period) { SiteURL.dashboard.link($0) }, dashboard: dashboard,
                hasData: bulletin != nil, charts: charts.map { Page.Chart(title: $0.title, svg: $0.svg) },
                hasWarnings: !dashboard.warnings.isEmpty, hasMissing: !dashboard.missing.isEmpty,
                hasRecords: !dashboard.records.isEmpty,
                bulletinLink: SiteURL.bulletin.link(period))
            return try views.page("dashboard", page)
        }
    }
}
