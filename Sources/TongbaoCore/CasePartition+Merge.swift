import Foundation

/// Merging and counting partitions on their bytes, without making a `CaseState` per case: an ingest of ten
/// million cases spends its time here.
extension CasePartition {
    /// Where one record's parts are in a buffer of records.
    public struct RecordView: Sendable {
        public var range: Range<Int>
        public var id: Range<Int>
        public var unit: Range<Int>
        public var item: Range<Int>
        public var scope: Range<Int>
        public var channel: Range<Int>
        public var approval: Bool
        public var immediate: Bool
        public var received: Int
        public var completed: Int?
        public var promisedDays: Int
        public var rating: Int?
        public var limitUnit: LimitUnit
        public var paused: Int
        public var status: CaseStatus
        /// Read from a partition written before unit, status and paused days were kept (`TBC1`).
        var v1 = false

        /// Whether the case has ended: completed, or refused, returned or void.
        var ended: Bool { completed != nil || status != .normal }

        /// The order of a case's states: ended beats open, rated beats not rated, then the later completion.
        /// Ingesting exports in any order keeps the same, latest, state.
        var rank: (Int, Int, Int, Int) { (ended ? 1 : 0, rating == nil ? 0 : 1, completed ?? 0, received) }
    }

    /// The records of a partition or block (after its magic and count): their views and the count it declares.
    public static func scan(_ b: UnsafeBufferPointer<UInt8>, into views: inout [RecordView]) throws(Corrupt) {
        var i = 0
        func byte() throws(Corrupt) -> UInt8 {
            guard i < b.count else { throw Corrupt() }
            defer { i += 1 }
            return b[i]
        }
        func number() throws(Corrupt) -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let x = try byte()
                v |= UInt64(x & 0x7F) << shift
                if x < 0x80 { return v }
                shift += 7
                guard shift < 64 else { throw Corrupt() }
            }
        }
        func bytes() throws(Corrupt) -> Range<Int> {
            let n = Int(try number())
            guard i + n <= b.count else { throw Corrupt() }
            defer { i += n }
            return i..<(i + n)
        }
        guard b.count >= 4, b[0] == magic[0], b[1] == magic[1], b[2] == magic[2], b[3] == magic[3] || b[3] == magicV1[3]
        else { throw Corrupt() }
        let v2 = b[3] == magic[3]
        i = 4
        let count = Int(try number())
        views.reserveCapacity(views.count + count)
        for _ in 0..<count {
            let start = i
            let id = try bytes()
            let unit = try bytes()
            let item = try bytes()
            let scope = try bytes()
            let channel = try bytes()
            let flags = try byte()
            let received = unzigzag(try number())
            let completed = flags & 4 != 0 ? received + unzigzag(try number()) : nil
            let promised = Int(try number())
            let paused = v2 ? Int(try number()) : 0
            let rating = flags & 8 != 0 ? Int(try byte()) : nil
            guard let limitUnit = LimitUnit(rawValue: Int(flags >> 4 & 3)) else { throw Corrupt() }
            views.append(
                RecordView(
                    range: start..<i, id: id, unit: unit, item: item, scope: scope, channel: channel,
                    approval: flags & 1 != 0,
                    immediate: flags & 2 != 0, received: received, completed: completed, promisedDays: promised,
                    rating: rating, limitUnit: limitUnit, paused: paused,
                    status: CaseStatus(rawValue: Int(flags >> 6 & 3))!, v1: !v2))
        }
    }

    /// The records of `blocks` sorted into ``buckets`` by case id, in their order: each bucket's records and count.
    public static func split(_ blocks: [[UInt8]]) throws(Corrupt) -> [(records: [UInt8], count: Int)] {
        var out = [(records: [UInt8], count: Int)](repeating: ([], 0), count: buckets)
        for block in blocks {
            var views: [RecordView] = []
            try block.withUnsafeBufferPointer { (b) throws(Corrupt) in
                try scan(b, into: &views)
                for v in views {
                    let k = bucket(UnsafeBufferPointer(rebasing: b[v.id]))
                    append(v, from: b, to: &out[k].records)
                    out[k].count += 1
                }
            }
        }
        return out
    }

    /// Merges blocks of incoming records into a stored partition (both in ``block(_:count:)`` form). A case id seen
    /// again keeps its later state. Returns the new partition, its case count, what the change adds to the
    /// monthly totals, how many cases were added or updated and how many incoming records changed nothing, and how
    /// many incoming records name a case already held under another unit (whichever state wins). The ids in
    /// `drop` are kept under another day (``CaseRelocation``): their stored records leave the partition (and its
    /// totals; counted as `removed`) and their incoming ones change nothing here.
    public static func merge(
        stored: [UInt8]?, incoming: [[UInt8]], calendar: WorkCalendar = .china,
        satisfied: Set<Int> = CaseRecord.defaultSatisfied, drop: Set<[UInt8]> = []
    ) throws(Corrupt)
        -> (
            partition: [UInt8], count: Int, delta: CaseTotals, added: Int, updated: Int, unchanged: Int,
            crossUnit: Int, removed: Int
        )
    {
        // One buffer holding every record, so a view is a range into it.
        var all: [UInt8] = []
        var views: [RecordView] = []
        var storedCount = 0
        for (k, block) in ((stored.map { [$0] } ?? []) + incoming).enumerated() {
            let offset = all.count
            let before = views.count
            all += block
            try all.withUnsafeBufferPointer { (b) throws(Corrupt) in
                try scan(UnsafeBufferPointer(rebasing: b[offset...]), into: &views)
            }
            for v in before..<views.count { views[v].shift(by: offset) }
            if k == 0 && stored != nil { storedCount = views.count }
        }
        return all.withUnsafeBufferPointer { b in
            var table = IDTable(capacity: views.count)
            var winners: [Int] = []  // index into views, per distinct case, in order of first appearance
            var totals = PartitionTotals(calendar: calendar, satisfied: satisfied)
            var (added, updated, unchanged, crossUnit, removed) = (0, 0, 0, 0, 0)
            for (v, view) in views.enumerated() {
                let id = UnsafeBufferPointer(rebasing: b[view.id])
                if !drop.isEmpty, drop.contains(Array(id)) {
                    if v < storedCount {
                        totals.add(view, in: b, sign: -1)
                        removed += 1
                    } else {
                        unchanged += 1
                    }
                    continue
                }
                if let w = table.find(id, in: b, views: views, winners: winners) {
                    let current = views[winners[w]]
                    if v >= storedCount && !b[view.unit].elementsEqual(b[current.unit]) { crossUnit += 1 }
                    if view.rank > current.rank {
                        if v >= storedCount {
                            totals.add(current, in: b, sign: -1)
                            totals.add(view, in: b, sign: 1)
                            updated += 1
                        }
                        winners[w] = v
                    } else if v >= storedCount {
                        unchanged += 1
                    }
                } else {
                    table.insert(id, winner: winners.count)
                    winners.append(v)
                    if v >= storedCount {
                        totals.add(view, in: b, sign: 1)
                        added += 1
                    }
                }
            }
            var records: [UInt8] = []
            records.reserveCapacity(all.count)
            for w in winners { append(views[w], from: b, to: &records) }
            return (
                block(records, count: winners.count), winners.count, totals.totals(), added, updated, unchanged,
                crossUnit, removed
            )
        }
    }
}

extension CasePartition {
    /// Appends a record in the current form: its bytes as they are, or re-encoded when read from a `TBC1` partition.
    static func append(_ v: RecordView, from b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard v.v1 else {
            out.append(contentsOf: b[v.range])
            return
        }
        func part(_ r: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[r]) }
        appendRecord(
            id: part(v.id), unit: Array(part(v.unit)), item: part(v.item), scope: part(v.scope),
            channel: part(v.channel), approval: v.approval, immediate: v.immediate, received: v.received,
            completed: v.completed, promisedDays: v.promisedDays, rating: v.rating, limitUnit: v.limitUnit,
            paused: v.paused, status: v.status, into: &out)
    }
}

extension CasePartition.RecordView {
    mutating func shift(by offset: Int) {
        range = (range.lowerBound + offset)..<(range.upperBound + offset)
        id = (id.lowerBound + offset)..<(id.upperBound + offset)
        unit = (unit.lowerBound + offset)..<(unit.upperBound + offset)
        item = (item.lowerBound + offset)..<(item.upperBound + offset)
        scope = (scope.lowerBound + offset)..<(scope.upperBound + offset)
        channel = (channel.lowerBound + offset)..<(channel.upperBound + offset)
    }
}

/// Open addressing from case id bytes to a position in the winners list.
struct IDTable {
    var slots: [Int32]
    var hashes: [UInt64]
    let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        hashes = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for x in b { h = (h ^ UInt64(x)) &* 0x100_0000_01B3 }
        return h ^ (h >> 29)
    }

    func find(
        _ id: UnsafeBufferPointer<UInt8>, in b: UnsafeBufferPointer<UInt8>, views: [CasePartition.RecordView],
        winners: [Int]
    ) -> Int? {
        let h = Self.hash(id)
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 {
            let w = Int(slots[i])
            if hashes[i] == h, UnsafeBufferPointer(rebasing: b[views[winners[w]].id]).elementsEqual(id) { return w }
            i = (i + 1) & mask
        }
        return nil
    }

    mutating func insert(_ id: UnsafeBufferPointer<UInt8>, winner: Int) {
        let h = Self.hash(id)
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(winner)
        hashes[i] = h
    }
}

/// Totals of one partition's changes, kept in flat arrays by unit and month (a partition's cases share their
/// day received, and complete within a few months of it), turned into ``CaseTotals`` at the end.
struct PartitionTotals {
    /// Deadlines count in its working days.
    let calendar: WorkCalendar
    /// Ratings (indexes into ``CaseRecord/ratings``) that count as satisfied for the 满意率.
    let satisfied: Set<Int>
    var units: [[UInt8]] = []
    var unitIndex: [UInt64: [Int]] = [:]
    var figures: [Int: CaseTotals.Figures] = [:]
    var days: [Int: Int] = [:]
    var scopes: [Int: [String: Int]] = [:]

    mutating func unit(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        let h = IDTable.hash(b)
        if let hit = unitIndex[h]?.first(where: { units[$0].elementsEqual(b) }) { return hit }
        units.append(Array(b))
        unitIndex[h, default: []].append(units.count - 1)
        return units.count - 1
    }

    static func month(_ day: Int) -> Int {
        let (y, m, _) = DayNumber.civil(day)
        return y * 12 + m - 1
    }

    /// Key of (month, unit): months as year × 12 + month − 1.
    static func key(_ month: Int, _ unit: Int) -> Int { month << 12 | unit }

    /// Channels that count as handled online (网办率), as bytes to compare without making a string per case.
    static let online: [[UInt8]] = CaseRecord.onlineChannels.map { Array($0.utf8) }

    mutating func add(_ v: CasePartition.RecordView, in b: UnsafeBufferPointer<UInt8>, sign: Int) {
        // 作废 and 撤回 count nowhere.
        guard v.status != .void else { return }
        let u = unit(UnsafeBufferPointer(rebasing: b[v.unit]))
        let receivedDay = v.received.floorDiv(86_400)
        let recv = Self.key(Self.month(receivedDay), u)
        var r = figures[recv, default: .init()]
        if v.immediate { r.recvImmediate += sign } else { r.recvPromised += sign }
        if !v.channel.isEmpty {
            let channel = UnsafeBufferPointer(rebasing: b[v.channel])
            if Self.online.contains(where: { $0.count == channel.count && channel.elementsEqual($0) }) {
                r.online += sign
            }
        }
        figures[recv] = r
        // 不予受理 and 退件 are counted apart, in the month decided (else received), never as 办结.
        if v.status != .normal {
            let key = Self.key(Self.month((v.completed ?? v.received).floorDiv(86_400)), u)
            if v.status == .rejected { figures[key, default: .init()].rejected += sign }
            if v.status == .returned { figures[key, default: .init()].returned += sign }
            return
        }
        guard let completed = v.completed else { return }
        let done = completed.floorDiv(86_400)
        let key = Self.key(Self.month(done), u)
        var f = figures[key, default: .init()]
        if v.immediate { f.doneImmediate += sign } else { f.donePromised += sign }
        if v.approval { f.approval += sign } else { f.service += sign }
        // Cases were checked against the calendar when read; one it cannot date counts as late.
        if let due = try? calendar.deadline(
            received: v.received, immediate: v.immediate, limit: v.promisedDays, unit: v.limitUnit, paused: v.paused)
        {
            if due.onTime(completed: completed) { f.onTime += sign }
            if due.early(completed: completed) { f.early += sign }
        }
        f.workDaysTotal += sign * ((try? calendar.workdays(from: receivedDay, to: done)) ?? (done - receivedDay))
        if let r = v.rating {
            f.rated += sign
            if satisfied.contains(r) { f.satisfied += sign }
            if r >= 3 { f.unfavourable += sign }
        }
        let took = done - receivedDay
        f.daysTotal += sign * took
        figures[key] = f
        days[key << 16 | min(took, 0xFFFF), default: 0] += sign
        if !v.scope.isEmpty {
            scopes[key, default: [:]][
                String(decoding: UnsafeBufferPointer(rebasing: b[v.scope]), as: UTF8.self), default: 0] +=
                sign
        }
    }

    func totals() -> CaseTotals {
        var t = CaseTotals()
        func k(_ key: Int) -> CaseTotals.Key {
            let month = key >> 12
            return CaseTotals.Key(
                period: Period(year: month / 12, month: month % 12 + 1),
                unit: String(decoding: units[key & 0xFFF], as: UTF8.self))
        }
        for (key, f) in figures { t.figures[k(key)] = f }
        for (key, n) in days { t.days[k(key >> 16), default: [:]][key & 0xFFFF, default: 0] += n }
        for (key, s) in scopes { t.scopes[k(key)] = s }
        return t
    }
}
