import Foundation
import SQLKit
import TongbaoCore

/// The unit directory with its history: every version of a unit by the month it takes effect from.
extension SQLStore {
    /// `from_period` of a version valid since ever (units stored before the directory had history).
    static let sinceEver = "0000-00"

    /// The directory as it was in `period`: each unit's latest version from that month or before; units that
    /// did not exist yet are left out (``DirectoryState/units(asOf:only:)``, on the versions held).
    public func units(district: String, asOf period: Period) async throws -> [OrgUnit] {
        try await directory(district: district)?.units(asOf: period) ?? []
    }

    /// Every version of every unit, oldest first per unit.
    func unitVersions(district: String) async throws -> [String: [(from: String, unit: OrgUnit, seq: Int)]] {
        let rows = try await db.raw(
            "SELECT * FROM unit_versions WHERE district = \(bind: district) ORDER BY code, from_period"
        ).all()
        var out: [String: [(from: String, unit: OrgUnit, seq: Int)]] = [:]
        for r in rows {
            let unit = try Self.orgUnit(r)
            out[unit.code, default: []].append(
                (try r.decode(column: "from_period", as: String.self), unit, try r.decode(column: "seq", as: Int.self)))
        }
        return out
    }

    /// Writes changes to units, each effective from its month (`from[code]`, else `defaultFrom`, else since ever).
    ///
    /// Columns the input did not have (`absent`) keep the unit's values as of that month. A renamed unit keeps its
    /// old name as an alias. A new unit without an order goes after the last unit of its tier and window. A
    /// change reaches the unit's later versions too, for the columns it changed. `units` is left holding each
    /// unit's latest version. Every changed value is audited under `units`, keyed `C06` (since ever) or
    /// `C06 自2021-08起`. A change that would reach a `frozen` (published) month is refused (E020): its
    /// directory never changes.
    public func writeUnits(
        _ units: [OrgUnit], absent: [String: Set<String>], from: [String: Period], defaultFrom: Period?,
        frozen: [Period], district: String, change: Change
    ) async throws -> TableWrite {
        try await serialized {
            var result = TableWrite(table: "units")
            var versions = try await unitVersions(district: district)
            var seq = try await nextSeq("unit_versions", district: district)
            var audit: [(key: String, column: String, old: String?, new: String?)] = []
            var refused: [Issue] = []
            for input in units {
                let month = (from[input.code] ?? defaultFrom)?.description ?? Self.sinceEver
                let history = versions[input.code] ?? []
                let base = history.last { $0.from <= month }
                var unit = Self.merge(input, over: base?.unit, absent: absent[input.code] ?? [])
                if base == nil, absent[input.code]?.contains("order") ?? true {
                    unit.order = Self.orderAfterLast(of: unit, in: versions.values.compactMap { $0.last?.unit })
                }
                if let base, base.unit == unit {
                    result.unchanged += 1
                    continue
                }
                if let hit = frozen.filter({ $0.description >= month }).min() {
                    var issue = Issue(.periodPublished, file: PackageTable.units.fileName, period: hit.description)
                    issue.unit = unit.code
                    issue.hint = "机构目录的修改须从已发布月份之后生效：请把生效月份（from 列或 --effective）改为 \(hit.next) 或以后"
                    refused.append(issue)
                    continue
                }
                if base == nil { result.inserted += 1 } else { result.updated += 1 }
                let key = month == Self.sinceEver ? unit.code : "\(unit.code) 自\(month)起"
                for (column, old, new) in Self.differences(base?.unit, unit) { audit.append((key, column, old, new)) }
                var updated = history.filter { $0.from != month }
                let rowSeq = history.first { $0.from == month }?.seq ?? seq
                if rowSeq == seq { seq += 1 }
                updated.append((month, unit, rowSeq))
                // Later versions take the columns this change changed.
                updated = updated.sorted { $0.from < $1.from }.map { v in
                    guard v.from > month, let old = base?.unit else { return v }
                    return (v.from, Self.carry(from: old, to: unit, into: v.unit), v.seq)
                }
                versions[unit.code] = updated
                try await saveVersions(updated, code: unit.code, district: district)
            }
            if !refused.isEmpty { throw ImportFailed(refused) }
            for a in audit {
                try await appendAudit(
                    district: district, change: change, table: "units", key: a.key, column: a.column, old: a.old,
                    new: a.new)
            }
            result.changes = audit.prefix(TableWrite.listedChanges).map {
                AuditEntry(
                    at: Self.timestamp(change.at), actor: change.actor, source: change.source, table: "units",
                    key: $0.key, column: $0.column, old: $0.old, new: $0.new)
            }
            return result
        }
    }

    /// Replaces a unit's versions and sets `units` to the latest.
    func saveVersions(_ versions: [(from: String, unit: OrgUnit, seq: Int)], code: String, district: String)
        async throws
    {
        try await bumpDirectoryStamp(district: district)
        try await db.raw("DELETE FROM unit_versions WHERE district = \(bind: district) AND code = \(bind: code)").run()
        for v in versions {
            let c = Self.columns(v.unit)
            try await db.raw(
                """
                INSERT INTO unit_versions
                    (district, code, from_period, name, tier, "window", groups, aliases, ranked, sort_order, seq)
                VALUES (\(bind: district), \(bind: code), \(bind: v.from), \(bind: c.name), \(bind: c.tier),
                    \(bind: c.window), \(bind: c.groups), \(bind: c.aliases), \(bind: c.ranked), \(bind: c.order),
                    \(bind: v.seq))
                """
            ).run()
        }
        guard let latest = versions.last else { return }
        let row = StoredRow(
            table: "units", key: [("code", .text(code))],
            values: [
                ("name", .text(latest.unit.name)), ("tier", .text(latest.unit.tier.rawValue)),
                ("window", .text(latest.unit.window)), ("groups", .text(Self.columns(latest.unit).groups)),
                ("aliases", .text(Self.columns(latest.unit).aliases)), ("ranked", .int(latest.unit.ranked ? 1 : 0)),
                ("sort_order", .int(latest.unit.order)),
            ])
        try await upsert([(row, latest.seq)], spec: TableSpec.all["units"]!, district: district)
    }

    // MARK: - Values

    static func columns(_ u: OrgUnit) -> (
        name: String, tier: String, window: String?, groups: String?, aliases: String?, ranked: Int, order: Int
    ) {
        (
            u.name, u.tier.rawValue, u.window, u.groups.isEmpty ? nil : u.groups.joined(separator: ";"),
            u.aliases.isEmpty ? nil : u.aliases.joined(separator: ";"), u.ranked ? 1 : 0, u.order
        )
    }

    /// The input over the stored version: absent columns keep the stored values; a new name keeps the old one and
    /// every alias the unit had as aliases (files of earlier months still name it so: a second rename must not
    /// forget the first name).
    static func merge(_ input: OrgUnit, over base: OrgUnit?, absent: Set<String>) -> OrgUnit {
        guard let base else { return input }
        var u = input
        if absent.contains("window") { u.window = base.window }
        if absent.contains("groups") { u.groups = base.groups }
        if absent.contains("aliases") { u.aliases = base.aliases }
        if absent.contains("ranked") { u.ranked = base.ranked }
        if absent.contains("order") { u.order = base.order }
        if u.name != base.name {
            for old in base.aliases + [base.name] where old != u.name && !u.aliases.contains(old) {
                u.aliases.append(old)
            }
        }
        return u
    }

    /// A later version with the columns that changed from `old` to `new` carried over.
    static func carry(from old: OrgUnit, to new: OrgUnit, into later: OrgUnit) -> OrgUnit {
        var u = later
        if old.name != new.name { u.name = new.name }
        if old.tier != new.tier { u.tier = new.tier }
        if old.window != new.window { u.window = new.window }
        if old.groups != new.groups { u.groups = new.groups }
        if old.aliases != new.aliases { u.aliases = Array(Set(u.aliases).union(new.aliases)).sorted() }
        if old.ranked != new.ranked { u.ranked = new.ranked }
        if old.order != new.order { u.order = new.order }
        return u
    }

    /// After the last unit of the same tier and window (else of the tier, else of all).
    static func orderAfterLast(of unit: OrgUnit, in directory: [OrgUnit]) -> Int {
        let group = directory.filter { $0.tier == unit.tier && $0.window == unit.window && $0.code != unit.code }
        let tier = directory.filter { $0.tier == unit.tier && $0.code != unit.code }
        let pool = group.isEmpty ? (tier.isEmpty ? directory : tier) : group
        return (pool.map(\.order).max() ?? 0) + 1
    }

    /// Changed columns as audit entries: column, old text, new text.
    static func differences(_ old: OrgUnit?, _ new: OrgUnit) -> [(String, String?, String?)] {
        let n = columns(new)
        let o = old.map(columns)
        let pairs: [(String, String?, String?)] = [
            ("name", o?.name, n.name), ("tier", o?.tier, n.tier), ("window", o?.window ?? nil, n.window),
            ("groups", o?.groups ?? nil, n.groups), ("aliases", o?.aliases ?? nil, n.aliases),
            ("ranked", o.map { String($0.ranked) }, String(n.ranked)),
            ("sort_order", o.map { String($0.order) }, String(n.order)),
        ]
        return pairs.filter { $0.1 != $0.2 }
    }

    /// A unit from a row of `units` or `unit_versions`.
    static func orgUnit(_ r: any SQLRow) throws -> OrgUnit {
        let tierText = try r.decode(column: "tier", as: String.self)
        guard let tier = Tier(rawValue: tierText) else { throw StoreError.corruptRow(table: "units", key: tierText) }
        func list(_ c: String) throws -> [String] {
            (try r.decode(column: c, as: String?.self) ?? "").split(separator: ";").map(String.init)
        }
        return OrgUnit(
            code: try r.decode(column: "code", as: String.self), name: try r.decode(column: "name", as: String.self),
            tier: tier, window: try r.decode(column: "window", as: String?.self), groups: try list("groups"),
            aliases: try list("aliases"), ranked: try r.decode(column: "ranked", as: Int.self) != 0,
            order: try r.decode(column: "sort_order", as: Int.self))
    }
}
