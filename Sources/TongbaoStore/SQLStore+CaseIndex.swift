import Foundation
import SQLKit
import TongbaoCore

/// Where each ingested case is held (``CaseIndex``): one blob per slot.
extension SQLStore {
    /// The stored entries of the `slots` asked for (one statement), by slot; a slot never written is absent.
    public func caseIndex(district: String, slots: [Int]) async throws -> [Int: [CaseIndex.Entry]] {
        guard !slots.isEmpty else { return [:] }
        var out: [Int: [CaseIndex.Entry]] = [:]
        let list = SQLList(slots.map { SQLBind($0) })
        for r in try await db.raw(
            "SELECT slot, data FROM case_index WHERE district = \(bind: district) AND slot IN (\(list))"
        ).all() {
            let slot = try r.decode(column: "slot", as: Int.self)
            do { out[slot] = try CaseIndex.decode([UInt8](try r.decode(column: "data", as: Data.self))) } catch {
                throw StoreError.corruptRow(table: "case_index", key: "\(district) \(slot)")
            }
        }
        return out
    }

    /// Whether the district has ingested cases but no index yet (ingested before the index was kept).
    public func caseIndexMissing(district: String) async throws -> Bool {
        let indexed = try await db.raw("SELECT slot FROM case_index WHERE district = \(bind: district) LIMIT 1")
            .first()
        guard indexed == nil else { return false }
        return try await db.raw("SELECT part FROM case_partitions WHERE district = \(bind: district) LIMIT 1")
            .first() != nil
    }

    /// Writes (inserts or replaces) index slots in one statement.
    public func writeCaseIndex(district: String, _ slots: [(slot: Int, entries: [CaseIndex.Entry])]) async throws {
        guard !slots.isEmpty else { return }
        let rows = slots.map { s -> SQLQueryString in
            "(\(bind: district), \(bind: s.slot), \(bind: Data(CaseIndex.encode(s.entries))))"
        }
        try await db.raw(
            """
            INSERT INTO case_index (district, slot, data) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (district, slot) DO UPDATE SET data = excluded.data
            """
        ).run()
    }

    /// Removes partitions of one day left with no case (every case moved to another day).
    public func deleteCasePartitions(district: String, day: Int, buckets: [Int]) async throws {
        guard !buckets.isEmpty else { return }
        let parts = SQLList(buckets.map { SQLBind(day * CasePartition.buckets + $0) })
        try await db.raw("DELETE FROM case_partitions WHERE district = \(bind: district) AND part IN (\(parts))").run()
    }
}
