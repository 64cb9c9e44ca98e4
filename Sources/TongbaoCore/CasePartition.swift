import Foundation

/// The stored form of one partition (the cases received on one day): a compact binary list of ``CaseState``.
///
/// Layout: `TBC1`, a count, then per case its strings (case id, unit, item, scope, channel) as length-prefixed
/// UTF-8, a flags byte, and received time, completion delay, promised days and rating as variable-length integers.
public enum CasePartition {
    static let magic: [UInt8] = Array("TBC1".utf8)
    /// A day's cases are kept in this many partitions, by a hash of the case id, so a partition stays small
    /// enough to merge in memory even for a city's day.
    public static let buckets = 16

    /// The bucket of a case id.
    public static func bucket(_ id: UnsafeBufferPointer<UInt8>) -> Int { Int(IDTable.hash(id) >> 60) }

    public static func encode(_ cases: [CaseState]) -> [UInt8] {
        var records: [UInt8] = []
        records.reserveCapacity(cases.count * 56)
        for c in cases {
            var (id, unit, item, scope, channel) = (c.caseID, c.unit, c.item, c.scope, c.channel)
            id.withUTF8 { id in
                unit.withUTF8 { unit in
                    item.withUTF8 { item in
                        scope.withUTF8 { scope in
                            channel.withUTF8 { channel in
                                appendRecord(
                                    id: id, unit: Array(unit), item: item, scope: scope, channel: channel,
                                    approval: c.approval, immediate: c.immediate, received: c.received,
                                    completed: c.completed, promisedDays: c.promisedDays, rating: c.rating,
                                    into: &records)
                            }
                        }
                    }
                }
            }
        }
        return block(records, count: cases.count)
    }

    /// A partition (or spilled block) of `count` records already in record form.
    public static func block(_ records: [UInt8], count: Int) -> [UInt8] {
        var out = magic
        out.reserveCapacity(records.count + 14)
        varint(UInt64(count), &out)
        out += records
        return out
    }

    /// Appends one case in record form.
    public static func appendRecord(
        id: UnsafeBufferPointer<UInt8>, unit: [UInt8], item: UnsafeBufferPointer<UInt8>,
        scope: UnsafeBufferPointer<UInt8>, channel: UnsafeBufferPointer<UInt8>, approval: Bool, immediate: Bool,
        received: Int, completed: Int?, promisedDays: Int, rating: Int?, into out: inout [UInt8]
    ) {
        varint(UInt64(id.count), &out)
        out.append(contentsOf: id)
        varint(UInt64(unit.count), &out)
        out.append(contentsOf: unit)
        for b in [item, scope, channel] {
            varint(UInt64(b.count), &out)
            out.append(contentsOf: b)
        }
        let flags: UInt8 =
            (approval ? 1 : 0) | (immediate ? 2 : 0) | (completed != nil ? 4 : 0) | (rating != nil ? 8 : 0)
        out.append(flags)
        varint(zigzag(received), &out)
        if let done = completed { varint(zigzag(done - received), &out) }
        varint(UInt64(max(0, promisedDays)), &out)
        if let r = rating { out.append(UInt8(r)) }
    }

    public struct Corrupt: Error {
        public init() {}
    }

    public static func decode(_ bytes: [UInt8]) throws(Corrupt) -> [CaseState] {
        var i = 0
        func byte() throws(Corrupt) -> UInt8 {
            guard i < bytes.count else { throw Corrupt() }
            defer { i += 1 }
            return bytes[i]
        }
        func number() throws(Corrupt) -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
                guard shift < 64 else { throw Corrupt() }
            }
        }
        func string() throws(Corrupt) -> String {
            let n = Int(try number())
            guard n >= 0, i + n <= bytes.count else { throw Corrupt() }
            defer { i += n }
            return String(decoding: bytes[i..<(i + n)], as: UTF8.self)
        }
        guard bytes.starts(with: magic) else { throw Corrupt() }
        i = magic.count
        let count = Int(try number())
        var out: [CaseState] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let (id, unit, item, scope, channel) = (
                try string(), try string(), try string(), try string(), try string()
            )
            let flags = try byte()
            let received = unzigzag(try number())
            let completed = flags & 4 != 0 ? received + unzigzag(try number()) : nil
            let promised = Int(try number())
            let rating = flags & 8 != 0 ? Int(try byte()) : nil
            out.append(
                CaseState(
                    caseID: id, unit: unit, item: item, approval: flags & 1 != 0, immediate: flags & 2 != 0,
                    received: received, completed: completed, promisedDays: promised, rating: rating, scope: scope,
                    channel: channel))
        }
        return out
    }

    static func varint(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func zigzag(_ v: Int) -> UInt64 { UInt64(bitPattern: Int64((v << 1) ^ (v >> 63))) }
    static func unzigzag(_ v: UInt64) -> Int { Int(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))) }
}
