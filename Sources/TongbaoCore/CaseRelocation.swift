import Foundation

/// Cases found under more than one received day (stored under one day, arriving with another, or arriving with
/// two): which day keeps each, so that a case is held and counted once.
///
/// Fed the records of the suspect hashes (``CaseIndex/union(stored:incoming:)``) from every day that may hold
/// them, stored partitions and incoming blocks alike; ``resolve()`` then picks each case's winner by the merge's
/// own order (``CasePartition/RecordView/rank``, the first seen on a tie, stored before incoming), so the result
/// does not depend on the order of the exports.
public struct CaseRelocation: Sendable {
    /// More cases than this changing their day in one ingest is refused: each is held in memory while resolved.
    public static let limit = 200_000

    /// One record of a suspect case; the id and unit are indexes into ``ids`` and ``units`` (a moved case is
    /// held twice or more, so each record stays a few dozen bytes).
    struct Candidate: Sendable {
        var id: Int32
        var unit: Int32
        var day: Int32
        var stored: Bool
        var order: Int
        var rank: (Int, Int, Int, Int)
    }

    let suspects: Set<UInt64>
    /// Ids and units as their bytes, as the merge compares them (Swift's `String` would take two spellings of one
    /// letter, composed and decomposed, for one id).
    var ids: [[UInt8]] = []
    var idIndex: [[UInt8]: Int32] = [:]
    var unitIndex: [[UInt8]: Int32] = [:]
    var candidates: [Candidate] = []

    public init(suspects: Set<UInt64>) { self.suspects = suspects }

    /// Keeps the records of a partition or block whose id hash is a suspect.
    public mutating func add(_ bytes: [UInt8], day: Int, stored: Bool) throws(CasePartition.Corrupt) {
        var views: [CasePartition.RecordView] = []
        try bytes.withUnsafeBufferPointer { (b) throws(CasePartition.Corrupt) in
            try CasePartition.scan(b, into: &views)
            for v in views {
                let raw = UnsafeBufferPointer(rebasing: b[v.id])
                guard suspects.contains(IDTable.hash(raw)) else { continue }
                let id = Array(raw)
                let unit = Array(UnsafeBufferPointer(rebasing: b[v.unit]))
                let i = idIndex[id] ?? Int32(ids.count)
                if i == ids.count {
                    ids.append(id)
                    idIndex[id] = i
                }
                let u = unitIndex[unit] ?? Int32(unitIndex.count)
                unitIndex[unit] = u
                candidates.append(
                    Candidate(
                        id: i, unit: u, day: Int32(truncatingIfNeeded: day), stored: stored,
                        order: stored ? day : Int.max / 2 + candidates.count, rank: v.rank))
            }
        }
    }

    /// What the merge of each day must do.
    public struct Outcome: Sendable {
        /// Ids to remove from a day's partition and from its incoming records: the case is kept under another day.
        public var drop: [Int: Set<[UInt8]>] = [:]
        /// Cases stored under one day whose incoming state won under another: updates, not additions.
        public var moved = 0
        /// Cases arriving under another received day whose stored state stayed (it ranks higher): not moved.
        public var kept = 0
        /// Cases arriving under a unit other than the one they are stored under.
        public var crossUnit = 0
        /// The suspect hashes, and the index entries they have once the merge is done (where each case is held).
        public var hashes: Set<UInt64> = []
        public var entries: [CaseIndex.Entry] = []

        public init() {}
    }

    public func resolve() -> Outcome {
        var out = Outcome()
        out.hashes = suspects
        // Each case's records together, in the order they were added.
        let sorted = candidates.indices.sorted { (candidates[$0].id, $0) < (candidates[$1].id, $1) }
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, candidates[sorted[end]].id == candidates[sorted[start]].id { end += 1 }
            let group = sorted[start..<end].map { candidates[$0] }
            start = end
            let id = ids[Int(group[0].id)]
            var winner = group[0]
            for c in group.dropFirst() where c.rank > winner.rank || (c.rank == winner.rank && c.order < winner.order) {
                winner = c
            }
            let h = id.withUnsafeBufferPointer { IDTable.hash($0) }
            out.entries.append(CaseIndex.Entry(hash: h, day: Int(winner.day)))
            let stored = group.filter(\.stored)
            if group.contains(where: { c in !c.stored && stored.contains { $0.unit != c.unit } }) { out.crossUnit += 1 }
            for c in group where c.day != winner.day { out.drop[Int(c.day), default: []].insert(id) }
            if !winner.stored, !stored.isEmpty, !stored.contains(where: { $0.day == winner.day }) { out.moved += 1 }
            if winner.stored, group.contains(where: { !$0.stored && $0.day != winner.day }) { out.kept += 1 }
        }
        return out
    }
}
