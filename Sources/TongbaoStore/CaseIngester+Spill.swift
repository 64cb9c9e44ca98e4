import Foundation
import TongbaoCore

/// Good rows waiting for phase 2, in record form by day received: held in memory, and appended to one
/// temporary file per day when too many are held, so memory does not grow with the export.
final class Spill: @unchecked Sendable {
    /// The record bytes one receive day may hold: a day is merged in memory, so this bounds the merge's memory.
    /// A district's busiest day is some tens of thousands of cases (a few MB); 32 MB is several hundred thousand.
    static let maxDayBytes = 32 << 20
    let dir: URL
    private var buffers: [Int: (records: [UInt8], count: Int)] = [:]
    private var dayBytes: [Int: Int] = [:]
    private var held = 0
    private var heldBytes = 0
    /// Record bytes held in memory before they go to the day files, whatever the rows' count.
    static let maxHeldBytes = 64 << 20
    private(set) var days: [Int] = []
    private var known: Set<Int> = []
    /// Each good row's (case id hash, day).
    let index: IndexSpill

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        index = try IndexSpill(in: dir)
    }

    /// Adds records (one after another, in record form) received on `day`, with the hash of each one's case id:
    /// every way into the merge gives the case index its entries here.
    func add(_ records: [UInt8], ids: [UInt64], day: Int, every: Int) throws {
        let count = ids.count
        dayBytes[day, default: 0] += records.count
        if dayBytes[day]! > Self.maxDayBytes {
            throw ImportFailed([
                Issue(
                    .ingestTooLarge,
                    value: "受理日 \(CaseState.day(number: day)) 的办件超过 \(Self.maxDayBytes >> 20) MB（数十万件），超出一天的上限；"
                        + "请检查导出是否把同一批办件重复了多次，或是否多个区县的导出混在一起")
            ])
        }
        if known.insert(day).inserted { days.append(day) }
        index.add(ids.map { CaseIndex.Entry(hash: $0, day: day) })
        buffers[day, default: ([], 0)].records += records
        buffers[day]!.count += count
        held += count
        heldBytes += records.count
        if held >= every || heldBytes >= Self.maxHeldBytes { try flush() }
        try index.flushIfFull()
    }

    /// Appends every held day's records to its file as one length-prefixed block.
    func flush() throws {
        for (day, held) in buffers where held.count > 0 {
            let url = file(day)
            if !FileManager.default.fileExists(atPath: url.path) {
                _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            let block = CasePartition.block(held.records, count: held.count)
            var length = UInt32(block.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &length, count: 4) + Data(block))
        }
        buffers.removeAll(keepingCapacity: true)
        held = 0
        heldBytes = 0
        days.sort()
        try index.flush()
    }

    /// The blocks spilled for `day`, each in ``CasePartition`` form.
    func blocks(_ day: Int) throws -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: file(day).path) else { return [] }
        let bytes = [UInt8](data)
        var out: [[UInt8]] = []
        var i = 0
        while i + 4 <= bytes.count {
            let n = Int(
                UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            i += 4
            guard i + n <= bytes.count else { throw CasePartition.Corrupt() }
            out.append(Array(bytes[i..<(i + n)]))
            i += n
        }
        return out
    }

    func file(_ day: Int) -> URL { dir.appendingPathComponent("\(day).bin") }
    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// Incoming (id hash, day) entries by index slot: held in memory, and appended to one temporary file per slot
/// when too many are held, so memory does not grow with the export.
final class IndexSpill: @unchecked Sendable {
    /// Entries held in memory before they go to the slot files (16 bytes each).
    static let maxHeld = 1 << 20
    let dir: URL
    private var held: [CaseIndex.Entry] = []
    private var written: Set<Int> = []

    init(in parent: URL) throws {
        dir = parent.appendingPathComponent("index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func add(_ entries: [CaseIndex.Entry]) { held += entries }
    func add(_ e: CaseIndex.Entry) { held.append(e) }

    func flushIfFull() throws { if held.count >= Self.maxHeld { try flush() } }

    /// Appends the held entries to their slots' files: counted by slot, then each slot's run written at once.
    func flush() throws {
        guard !held.isEmpty else { return }
        var count = [Int](repeating: 0, count: CaseIndex.slots + 1)
        for e in held { count[CaseIndex.slot(e.hash) + 1] += 1 }
        for k in 1...CaseIndex.slots { count[k] += count[k - 1] }
        var bySlot = [CaseIndex.Entry](repeating: CaseIndex.Entry(hash: 0, day: 0), count: held.count)
        var next = count
        for e in held {
            let k = CaseIndex.slot(e.hash)
            bySlot[next[k]] = e
            next[k] += 1
        }
        held.removeAll(keepingCapacity: true)
        var bytes: [UInt8] = []
        for slot in 0..<CaseIndex.slots where count[slot + 1] > count[slot] {
            bytes.removeAll(keepingCapacity: true)
            CaseIndex.append(bySlot[count[slot]..<count[slot + 1]], to: &bytes)
            let url = file(slot)
            if written.insert(slot).inserted { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
        }
    }

    /// Slots holding entries (after ``flush()``), in order.
    var slots: [Int] { written.sorted() }

    /// The entries written for `slot`, in the order they came.
    func entries(_ slot: Int) throws -> [CaseIndex.Entry] {
        guard let data = FileManager.default.contents(atPath: file(slot).path) else { return [] }
        return try CaseIndex.decode([UInt8](data), from: 0)
    }

    func file(_ slot: Int) -> URL { dir.appendingPathComponent("\(slot).idx") }
    func remove() { try? FileManager.default.removeItem(at: dir) }
}
