import Foundation

/// Which day's partition holds each stored case: a case is filed under the day it was received, so the same case
/// id arriving with another received date would otherwise be held (and counted) twice.
///
/// Kept in ``slots`` blobs by the top bits of the id's hash, each a sorted list of (hash, day) entries: `TBX1`
/// then 12 bytes an entry (hash, day; little-endian). A hash may appear under several days (two ids sharing a
/// hash, or an entry left behind): an entry only says where to look, and the partition's own ids decide.
public enum CaseIndex {
    public static let slots = 256
    static let magic: [UInt8] = Array("TBX1".utf8)

    public struct Entry: Comparable, Hashable, Sendable {
        public var hash: UInt64
        public var day: Int32
        public init(hash: UInt64, day: Int) {
            self.hash = hash
            self.day = Int32(truncatingIfNeeded: day)
        }
        public static func < (a: Entry, b: Entry) -> Bool { (a.hash, a.day) < (b.hash, b.day) }
    }

    /// The hash of a case id (the one ``CasePartition`` buckets by).
    public static func hash(_ id: UnsafeBufferPointer<UInt8>) -> UInt64 { IDTable.hash(id) }

    /// The hash of the case id a record (``CasePartition/appendRecord``) starts with.
    public static func hash(record r: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var i = 0
        var n = 0
        var shift = 0
        while i < r.count {
            let x = r[i]
            i += 1
            n |= Int(x & 0x7F) << shift
            if x < 0x80 { break }
            shift += 7
        }
        return IDTable.hash(UnsafeBufferPointer(rebasing: r[i..<min(r.count, i + n)]))
    }

    public static func slot(_ hash: UInt64) -> Int { Int(hash >> 56) }

    public static func encode(_ entries: [Entry]) -> [UInt8] {
        var out = magic
        append(entries[...], to: &out)
        return out
    }

    /// Appends entries in the 12-byte form ``decode(_:from:)`` reads.
    public static func append(_ entries: ArraySlice<Entry>, to out: inout [UInt8]) {
        let start = out.count
        out += repeatElement(0, count: entries.count * 12)
        out.withUnsafeMutableBytes { raw in
            var i = start
            for e in entries {
                raw.storeBytes(of: e.hash.littleEndian, toByteOffset: i, as: UInt64.self)
                raw.storeBytes(of: e.day.littleEndian, toByteOffset: i + 8, as: Int32.self)
                i += 12
            }
        }
    }

    /// Entries packed by ``encode(_:)`` (or appended 12 bytes at a time, after `from`).
    public static func decode(_ bytes: [UInt8], from start: Int = 4) throws(CasePartition.Corrupt) -> [Entry] {
        guard start == 0 || bytes.starts(with: magic), (bytes.count - start) % 12 == 0 else {
            throw CasePartition.Corrupt()
        }
        var out: [Entry] = []
        out.reserveCapacity((bytes.count - start) / 12)
        bytes.withUnsafeBytes { raw in
            var i = start
            while i < raw.count {
                let hash = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let day = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: Int32.self))
                out.append(Entry(hash: hash, day: Int(day)))
                i += 12
            }
        }
        return out
    }

    /// The union of a slot's stored entries (sorted, without repeats, as ``decode(_:from:)`` returns what
    /// ``encode(_:)`` wrote) and incoming ones (any order, repeats allowed), sorted without repeats, and every
    /// incoming hash the union holds under more than one day: the entries of those hashes.
    public static func union(stored: [Entry], incoming: [Entry]) -> (entries: [Entry], suspects: [Entry]) {
        let incoming = incoming.sorted()
        var entries: [Entry] = []
        entries.reserveCapacity(stored.count + incoming.count)
        var suspects: [Entry] = []
        // One walk over both sorted lists, a hash's entries at a time.
        var (i, j) = (0, 0)
        while i < stored.count || j < incoming.count {
            let h = min(i < stored.count ? stored[i].hash : .max, j < incoming.count ? incoming[j].hash : .max)
            let first = entries.count
            var arriving = false
            while i < stored.count || j < incoming.count {
                let s = i < stored.count && stored[i].hash == h ? stored[i] : nil
                let n = j < incoming.count && incoming[j].hash == h ? incoming[j] : nil
                guard s != nil || n != nil else { break }
                let next: Entry
                if let s, n == nil || s <= n! {
                    next = s
                    i += 1
                } else {
                    next = n!
                    j += 1
                    arriving = true
                }
                if entries.count == first || entries.last != next { entries.append(next) }
            }
            if arriving, entries.count - first > 1 { suspects += entries[first...] }
        }
        return (entries, suspects)
    }
}
