import Foundation
import Hummingbird
import TongbaoCore
import TongbaoStore

/// A city's (or province's) view of one month: every district's total and tiers side by side, whether its
/// bulletin is published, and the city total. Only for `city` accounts, which cannot write anything.
struct CityController {
    let store: any Store
    let config: ServerConfig
    let views: Views

    struct Row: Codable, Sendable {
        var code: String
        var name: String
        var total: Int?
        var tiers: [Int?]
        var published: Bool
        var issue: Int?
        var missing: Int
    }
    struct Overview: Codable, Sendable {
        var period: String
        var districts: [Row]
        var total: Int?
        var tiers: [Int?]
        var tierNames: [String]
    }
    struct Page: Sendable {
        var chrome: Chrome
        var months: MonthNav
        var city: Overview
    }

    func register(_ router: Router<AppContext>) {
        router.get(SiteURL.city.pattern) { _, context -> Response in
            let period = try Self.requireCity(context)
            let overview = try await Self.overview(store, config, period, city: try context.requireAccount().district)
            return try views.page(
                "city",
                Page(
                    chrome: Chrome(context, title: "\(period) 全市概览", active: "全市概览", period: period),
                    months: MonthNav(period) { SiteURL.city.link($0) }, city: overview))
        }
        router.get(SiteURL.apiCity.pattern) { _, context -> Response in
            let period = try Self.requireCity(context)
            return try JSON.response(
                try await Self.overview(store, config, period, city: try context.requireAccount().district))
        }
    }

    static func requireCity(_ context: AppContext) throws -> Period {
        let account = try context.requireAccount()
        guard account.role == .city else { throw WebError.forbidden("全市概览只对市级账号开放") }
        return try context.parameters.require("period").period()
    }

    /// Every district of the city with units, in code order, and the sums over those that reported.
    static func overview(_ store: any Store, _ config: ServerConfig, _ period: Period, city: String) async throws
        -> Overview
    {
        var rows: [Row] = []
        for district in try await store.districts(ofCity: city) {
            let data = try await store.load(district: district.code, period: period)
            guard !data.units.isEmpty else { continue }
            let builder = BulletinBuilder(data: data, period: period, settings: config.settings)
            let b = builder.hasData ? builder.build(detail: false) : nil
            let publication = try await store.publication(district: district.code, period: period)
            rows.append(
                Row(
                    code: district.code, name: district.name.isEmpty ? district.code : district.name,
                    total: b?.overview.total,
                    tiers: Tier.allCases.map { t in b?.overview.tiers.first { $0.tier == t }?.done },
                    published: publication?.isFrozen ?? false, issue: publication?.issue,
                    missing: Workbench.missingReports(data, period).count))
        }
        func sum(_ values: [Int?]) -> Int? {
            let known = values.compactMap { $0 }
            return known.isEmpty ? nil : known.reduce(0, +)
        }
        return Overview(
            period: period.description, districts: rows, total: sum(rows.map(\.total)),
            tiers: Tier.allCases.indices.map { i in sum(rows.map { $0.tiers[i] }) },
            tierNames: Tier.allCases.map(\.chineseName))
    }

    /// The latest month any district of the city has data for.
    static func latestPeriod(_ store: any Store, _ config: ServerConfig, city: String) async throws -> Period {
        var latest: Period?
        for d in try await store.districts(ofCity: city) {
            if let p = try await store.latestPeriod(district: d.code), latest.map({ p > $0 }) ?? true { latest = p }
        }
        return latest ?? Period(containing: config.now())
    }
}
