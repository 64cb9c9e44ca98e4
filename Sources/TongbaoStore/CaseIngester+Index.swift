import Foundation
import TongbaoCore

/// The index stage of an ingest, between reading and merging: finds the cases that arrive under another received
/// day than the one they are held under (or under two), decides which day keeps each (``CaseRelocation``), and
/// keeps ``CaseIndex`` current. Input: the spill of phase 1, with its (id hash, day) entries. Output: what each
/// day's merge must drop. Runs inside the ingest's transaction.
extension CaseIngester {
    /// Adds the incoming entries to the stored index and resolves the cases held under more than one day.
    func relocate(_ spill: Spill) async throws -> CaseRelocation.Outcome {
        if try await store.caseIndexMissing(district: district) { try await buildIndex() }
        var suspects: Set<UInt64> = []
        var days: Set<Int> = []
        let slots = spill.index.slots
        // Some sixteen slots a statement: a full export touches every slot, a day's export too.
        for start in stride(from: 0, to: slots.count, by: 16) {
            let batch = Array(slots[start..<min(start + 16, slots.count)])
            let stored = try await store.caseIndex(district: district, slots: batch)
            var changed: [(slot: Int, entries: [CaseIndex.Entry])] = []
            for slot in batch {
                let old = stored[slot] ?? []
                let (entries, found) = CaseIndex.union(stored: old, incoming: try spill.index.entries(slot))
                for e in found {
                    suspects.insert(e.hash)
                    days.insert(Int(e.day))
                }
                if entries != old { changed.append((slot, entries)) }
            }
            try await store.writeCaseIndex(district: district, changed)
            if suspects.count > maxMoves { throw tooManyMoves(suspects.count) }
        }
        guard !suspects.isEmpty else { return CaseRelocation.Outcome() }
        var relocation = CaseRelocation(suspects: suspects)
        for day in days.sorted() {
            for (bucket, bytes) in try await store.casePartitions(district: district, day: day) {
                do { try relocation.add(bytes, day: day, stored: true) } catch {
                    throw StoreError.corruptRow(table: "case_partitions", key: "\(district) \(day)/\(bucket)")
                }
            }
        }
        for day in spill.days where days.contains(day) {
            do { for block in try spill.blocks(day) { try relocation.add(block, day: day, stored: false) } } catch {
                throw StoreError.corruptRow(table: "case_partitions", key: "\(district) \(day)")
            }
        }
        return relocation.resolve()
    }

    /// After the merge: the entries of the moved cases' hashes say exactly where they are now.
    func settleIndex(_ outcome: CaseRelocation.Outcome) async throws {
        let moved = Dictionary(grouping: outcome.entries) { CaseIndex.slot($0.hash) }
        let slots = Set(outcome.hashes.map(CaseIndex.slot)).sorted()
        for start in stride(from: 0, to: slots.count, by: 16) {
            let batch = Array(slots[start..<min(start + 16, slots.count)])
            let stored = try await store.caseIndex(district: district, slots: batch)
            var changed: [(slot: Int, entries: [CaseIndex.Entry])] = []
            for slot in batch {
                var entries = (stored[slot] ?? []).filter { !outcome.hashes.contains($0.hash) }
                entries += Set(moved[slot] ?? [])
                entries.sort()
                changed.append((slot, entries))
            }
            try await store.writeCaseIndex(district: district, changed)
        }
    }

    /// The index of a district ingested before it was kept: every stored case's entry, from its partitions.
    func buildIndex() async throws {
        let index = try IndexSpill(in: FileManager.default.temporaryDirectory)
        defer { index.remove() }
        for day in try await store.casePartitionDays(district: district) {
            for (bucket, bytes) in try await store.casePartitions(district: district, day: day) {
                var views: [CasePartition.RecordView] = []
                do {
                    try bytes.withUnsafeBufferPointer { (b) throws(CasePartition.Corrupt) in
                        try CasePartition.scan(b, into: &views)
                        for v in views {
                            index.add(
                                CaseIndex.Entry(hash: CaseIndex.hash(UnsafeBufferPointer(rebasing: b[v.id])), day: day))
                        }
                    }
                } catch {
                    throw StoreError.corruptRow(table: "case_partitions", key: "\(district) \(day)/\(bucket)")
                }
                try index.flushIfFull()
            }
        }
        try index.flush()
        for start in stride(from: 0, to: index.slots.count, by: 16) {
            let batch = index.slots[start..<min(start + 16, index.slots.count)]
            try await store.writeCaseIndex(
                district: district,
                try batch.map { slot in (slot, CaseIndex.union(stored: [], incoming: try index.entries(slot)).entries) }
            )
        }
    }

    func tooManyMoves(_ n: Int) -> ImportFailed {
        ImportFailed([
            Issue(
                .ingestTooLarge,
                value: "超过 \(maxMoves) 件办件（已发现 \(n) 件）的受理日期与已存的或同批的不同，超出一次导入的上限；"
                    + "请检查导出的受理时间是否整体偏移（例如时区或日期格式），或分批导入")
        ])
    }
}
