import Foundation
import SQLKit
import TongbaoCore

extension SQLStore {
    /// The directory as it stands now: each unit's latest version (``units(district:asOf:)`` for a month's).
    public func units(district: String) async throws -> [OrgUnit] {
        try await reading {
            try await db.raw("SELECT * FROM units WHERE district = \(bind: district) ORDER BY sort_order, seq").all()
                .map(Self.orgUnit)
        }
    }

    public func rubric(district: String) async throws -> [Criterion] {
        try await reading {
            try await db.raw("SELECT * FROM rubric WHERE district = \(bind: district) ORDER BY sort_order, seq").all()
                .map {
                    r in
                    Criterion(
                        code: try r.decode(column: "code", as: String.self),
                        section: try r.decode(column: "section", as: String?.self),
                        name: try r.decode(column: "name", as: String.self),
                        max: Decimal(string: try r.decode(column: "max", as: String.self)) ?? 0,
                        order: try r.decode(column: "sort_order", as: Int.self))
                }
        }
    }

    /// Everything a bulletin of `period` reads (``DistrictData/window(for:)``).
    public func load(district code: String, period: Period) async throws -> DistrictData {
        try await load(district: code, period: period, unit: nil)
    }

    /// ``load(district:period:)``, or with `unit` that unit's own rows only (its directory entry, monthly rows,
    /// 通办 and case records in the window): what the checks of one unit's report read, a small fraction of the
    /// district's window.
    public func load(district code: String, period: Period, unit: String?) async throws -> DistrictData {
        try await reading(snapshot: true) {
            guard let directory = try await directory(district: code) else { throw StoreError.unknownDistrict(code) }
            let window = DistrictData.window(for: period)
            let (from, to) = (window.lowerBound.description, window.upperBound.description)
            // Tables of district figures (ancillary, figures) have no unit column: only a unit's rows are filtered.
            func inWindow(_ table: String, unit: String? = nil) async throws -> [any SQLRow] {
                let ofUnit: SQLQueryString = unit.map { "AND unit = \(bind: $0)" } ?? ""
                return try await db.raw(
                    "SELECT * FROM \(ident: table) WHERE district = \(bind: code) \(ofUnit) AND period >= \(bind: from) AND period <= \(bind: to) ORDER BY seq"
                ).all()
            }
            var data = DistrictData(
                district: directory.district, units: directory.units(asOf: period, only: unit),
                rubric: directory.rubric)
            data.cases = try await inWindow("cases", unit: unit).map { try Self.caseRow($0) }
            data.tongban = try await inWindow("tongban", unit: unit).map { try Self.tongbanRow($0) }
            guard let unit else { return try await districtWindow(data, from: from, to: to, inWindow: inWindow) }
            try await addRecordAggregates(to: &data, from: from, to: to, unit: unit)
            return data
        }
    }

    /// The district-wide rest of ``load(district:period:unit:)``, after its monthly rows and 通办.
    private func districtWindow(
        _ data: DistrictData, from: String, to: String, inWindow: (String, String?) async throws -> [any SQLRow]
    ) async throws -> DistrictData {
        var data = data
        let code = data.district.code
        let p = Self.period
        data.ancillary = try await inWindow("ancillary", nil).map { r in
            AncillaryRow(
                period: try p(r), service: try r.decode(column: "service", as: String.self),
                count: try r.decode(column: "count", as: Int?.self), ytd: try r.decode(column: "ytd", as: Int?.self)
            )
        }
        data.evaluation = try await inWindow("evaluation", nil).map { r in
            Score(
                period: try p(r), unit: try r.decode(column: "unit", as: String.self),
                criterion: try r.decode(column: "criterion", as: String.self),
                score: Decimal(string: try r.decode(column: "score", as: String.self)) ?? 0)
        }
        data.figures = try await inWindow("figures", nil).compactMap { r -> Figure? in
            guard let key = FigureKey(parsing: try r.decode(column: "key", as: String.self)) else { return nil }
            return Figure(
                period: try p(r), key: key,
                value: try r.decode(column: "value", as: String?.self).flatMap { Decimal(string: $0) },
                note: try r.decode(column: "note", as: String?.self))
        }
        data.meta = try await db.raw(
            "SELECT * FROM meta WHERE district = \(bind: code) AND period <= \(bind: to) ORDER BY period"
        ).all().map { r in
            Meta(
                period: try p(r), title: try r.decode(column: "title", as: String?.self),
                issue: try r.decode(column: "issue", as: Int?.self),
                issuer: try r.decode(column: "issuer", as: String?.self),
                date: try r.decode(column: "date", as: String?.self).flatMap { Day(parsing: $0) },
                lead: try r.decode(column: "lead", as: String?.self),
                excellent: try r.decode(column: "excellent", as: Int?.self))
        }
        for r in try await db.raw(
            """
            SELECT period, issue FROM publications WHERE district = \(bind: code) AND state = 'published'
            AND period >= \(bind: from) AND period <= \(bind: to)
            """
        ).all() {
            data.publishedIssues[try p(r)] = try r.decode(column: "issue", as: Int.self)
        }
        if let required = try await setting(district: code, .required) {
            let codes = required.split(separator: ",").map(String.init)
            data.requiredUnits = codes == ["*"] ? Set(data.units.map(\.code)) : Set(codes)
        }
        data.events = try await db.raw(
            "SELECT * FROM events WHERE district = \(bind: code) AND date >= \(bind: from + "-01") AND date <= \(bind: to + "-31") ORDER BY seq"
        ).all().compactMap { r -> Event? in
            guard let day = Day(parsing: try r.decode(column: "date", as: String.self)) else { return nil }
            return Event(date: day, text: try r.decode(column: "text", as: String.self))
        }
        try await addRecordAggregates(to: &data, from: from, to: to, unit: nil)
        return data
    }
}

extension SQLStore {
    /// The latest month with monthly figures, case records, 通办, scores or a bulletin header, nil for none.
    public func latestPeriod(district: String) async throws -> Period? {
        try await reading {
            let row = try await db.raw(
                """
                SELECT MAX(p) AS p FROM (
                    SELECT MAX(period) AS p FROM cases WHERE district = \(bind: district)
                    UNION ALL SELECT MAX(period) AS p FROM tongban WHERE district = \(bind: district)
                    UNION ALL SELECT MAX(period) AS p FROM evaluation WHERE district = \(bind: district)
                    UNION ALL SELECT MAX(period) AS p FROM meta WHERE district = \(bind: district)
                    UNION ALL SELECT MAX(substr(received_at, 1, 7)) AS p FROM case_records WHERE district = \(bind: district)
                ) AS latest
                """
            ).first()
            return try row?.decode(column: "p", as: String?.self).flatMap(Period.init(parsing:))
        }
    }
}

extension SQLStore {
    static func period(_ r: any SQLRow) throws -> Period {
        let s = try r.decode(column: "period", as: String.self)
        guard let v = Period(parsing: s) else { throw StoreError.corruptRow(table: "period", key: s) }
        return v
    }

    /// A cases row; `bounded` (the default) refuses counts past E038's bound (see ``count(_:_:table:key:bounded:)``).
    static func caseRow(_ r: any SQLRow, bounded: Bool = true) throws -> CaseRow {
        let (p, unit) = (try period(r), try r.decode(column: "unit", as: String.self))
        func n(_ column: String) throws -> Int? {
            try count(r, column, table: "cases", key: "\(p) \(unit)", bounded: bounded)
        }
        return CaseRow(
            period: p, unit: unit, recvImmediate: try n("recv_immediate"), recvPromised: try n("recv_promised"),
            doneImmediate: try n("done_immediate"), donePromised: try n("done_promised"), ytdRecv: try n("ytd_recv"),
            ytdDone: try n("ytd_done"), proxy: try n("proxy"))
    }

    static func tongbanRow(_ r: any SQLRow, bounded: Bool = true) throws -> TongbanRow {
        let (p, unit) = (try period(r), try r.decode(column: "unit", as: String.self))
        let scope = try r.decode(column: "scope", as: String.self)
        func n(_ column: String) throws -> Int? {
            try count(r, column, table: "tongban", key: "\(p) \(unit) \(scope)", bounded: bounded)
        }
        return TongbanRow(period: p, unit: unit, scope: scope, count: try n("count"), ytd: try n("ytd"))
    }

    /// A stored count within the bound new ones are held to (E038). One stored before that bound existed (a
    /// 19-digit 报送数) overflowed every sum of its month and stopped the whole server; it is now an unreadable
    /// row, named in the log. What loads a window holding it fails (the month's pages and the following months')
    /// until the cell is saved again. The report API and the unit's own web form read its rows unbounded (no
    /// sums), so that the value can be seen and corrected there; other units' forms read their own rows only.
    static func count(_ r: any SQLRow, _ column: String, table: String, key: String, bounded: Bool) throws -> Int? {
        let v = try r.decode(column: column, as: Int?.self)
        if bounded, let v, v > RowReader.maxCount || v < -RowReader.maxCount {
            throw StoreError.corruptRow(table: table, key: "\(key) \(column) = \(v)")
        }
        return v
    }

    /// One unit-month as reported (cases.csv and 通办 rows), without loading the district's window: what a
    /// report form or the API shows. Nil row when the unit has not reported that month by cases.csv.
    public func reportRows(district: String, unit: String, period: Period) async throws -> (CaseRow?, [TongbanRow]) {
        try await reportRows(district: district, unit: unit, period: period, snapshot: true)
    }

    /// ``reportRows(district:unit:period:)``, in one read transaction when `snapshot` (a caller that reads a version
    /// first needs none: see ``EditableReport``).
    func reportRows(district: String, unit: String, period: Period, snapshot: Bool) async throws -> (
        CaseRow?, [TongbanRow]
    ) {
        try await reading(snapshot: snapshot) {
            let row = try await db.raw(
                """
                SELECT * FROM cases
                WHERE district = \(bind: district) AND period = \(bind: period.description) AND unit = \(bind: unit)
                """
            ).first().map { try Self.caseRow($0, bounded: false) }
            let tongban = try await db.raw(
                """
                SELECT * FROM tongban
                WHERE district = \(bind: district) AND period = \(bind: period.description) AND unit = \(bind: unit)
                ORDER BY seq
                """
            ).all().map { try Self.tongbanRow($0, bounded: false) }
            return (row, tongban)
        }
    }
}
