import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TongbaoCore

/// A district's directory (every version of every unit), rubric and working calendar, as read at one stamp.
///
/// Every save reads them (to parse its rows, then to check them), and they change a few times a year. The store
/// keeps the last one read per district and reads the district's stamp (`districts.directory_stamp`) each time
/// instead: one statement instead of four, and no calendar rebuilt. Every write to `units`, `unit_versions`,
/// `rubric` or `calendar_days` moves the stamp in its own transaction (``bumpDirectoryStamp(district:)``), so
/// another process on the same database, or the standby, never pairs a new stamp with old rows or the reverse.
public struct DirectoryState: Sendable {
    public var stamp: Int
    public var district: District
    /// Each unit's latest version (``SQLStore/units(district:)``).
    public var units: [OrgUnit]
    /// Every version of every unit, by code then by the month it starts.
    var versions: [(code: String, from: String, unit: OrgUnit, seq: Int)]
    public var rubric: [Criterion]
    public var calendar: WorkCalendar
    /// ``units`` looked up by code, name and alias (what a package's rows are resolved against).
    public var directory: UnitDirectory

    /// ``SQLStore/units(district:asOf:only:)`` from the versions held.
    public func units(asOf period: Period, only: String? = nil) -> [OrgUnit] {
        let month = period.description
        var latest: [String: (OrgUnit, Int)] = [:]
        for v in versions where v.from <= month && (only == nil || v.code == only) {
            latest[v.code] = (v.unit, v.seq)
        }
        return latest.values.sorted { ($0.0.order, $0.1) < ($1.0.order, $1.1) }.map(\.0)
    }
}

/// The last ``DirectoryState`` read of each district.
final class DirectoryCache: Sendable {
    private let states = NIOLockedValueBox([String: DirectoryState]())

    func get(_ district: String, stamp: Int) -> DirectoryState? {
        states.withLockedValue { $0[district] }.flatMap { $0.stamp == stamp ? $0 : nil }
    }

    func put(_ state: DirectoryState) {
        states.withLockedValue { $0[state.district.code] = state }
    }
}

extension SQLStore {
    /// The district's directory, rubric and calendar: held ones when the district's stamp has not moved since
    /// they were read, else read now in one snapshot. Nil for a district the store does not have.
    public func directory(district: String) async throws -> DirectoryState? {
        try await reading {
            guard let head = try await districtStamp(district) else { return nil }
            if let held = directoryCache.get(district, stamp: head.stamp) { return held }
            return try await reading(snapshot: true) {
                // Inside a transaction already, this runs there; else in a read transaction of its own.
                guard let head = try await districtStamp(district) else { return nil }
                let calendarDays = try await calendarDays(district: district)
                let units = try await units(district: district)
                let state = DirectoryState(
                    stamp: head.stamp, district: head.district, units: units,
                    versions: try await unitVersions(district: district).values.flatMap { history in
                        history.map { (code: $0.unit.code, from: $0.from, unit: $0.unit, seq: $0.seq) }
                    },
                    rubric: try await rubric(district: district),
                    calendar: calendarDays.isEmpty ? .china : WorkCalendar.china.adding(calendarDays),
                    directory: UnitDirectory(units))
                // Only what is committed is held: a transaction's own state may still be rolled back, and its stamp
                // then taken by the next change (a dry run's checks read inside their transaction).
                if Self.inTransaction != ObjectIdentifier(self) { directoryCache.put(state) }
                return state
            }
        }
    }

    private func districtStamp(_ code: String) async throws -> (district: District, stamp: Int)? {
        guard
            let r = try await db.raw("SELECT code, name, directory_stamp FROM districts WHERE code = \(bind: code)")
                .first()
        else { return nil }
        return (try Self.district(r), try r.decode(column: "directory_stamp", as: Int.self))
    }

    /// Moves the district's directory stamp, inside the transaction that changed its units, rubric or calendar.
    func bumpDirectoryStamp(district: String) async throws {
        try await db.raw(
            "UPDATE districts SET directory_stamp = directory_stamp + 1 WHERE code = \(bind: district)"
        ).run()
    }
}
