import Foundation

/// The stored form of one partition (one of the ``buckets`` of the cases received on one day): a compact binary
/// list of ``CaseState``.
///
/// Layout: `TBC2`, a count, then per case its strings (case id, unit, item, scope, channel) as length-prefixed
/// UTF-8, a flags byte (approval, immediate, completed, rated; bits 4–5 the limit's unit, bits 6–7 the status),
/// and received time, completion delay, promised limit, paused days and rating as variable-length integers.
/// Partitions written before (`TBC1`: no unit, status or paused days) read as working days, normal, not paused.
public enum CasePartition {
    static let magic: [UInt8] = Array("TBC2".utf8)
    static let magicV1: [UInt8] = Array("TBC1".utf8)
    /// A day's cases are kept in this many partitions, by a hash of the case id, so a partition stays small
    /// enough to merge in memory even for a city's day.
    public static let buckets = 16

    /// The bucket of a case id.
    public static func bucket(_ id: UnsafeBufferPointer<UInt8>) -> Int { Int(IDTable.hash(id) >> 60) }

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
        received: Int, completed: Int?, promisedDays: Int, rating: Int?, limitUnit: LimitUnit = .workday,
        paused: Int = 0, status: CaseStatus = .normal, into out: inout [UInt8]
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
            | UInt8(limitUnit.rawValue) << 4 | UInt8(status.rawValue) << 6
        out.append(flags)
        varint(zigzag(received), &out)
        if let done = completed { varint(zigzag(done - received), &out) }
        varint(UInt64(max(0, promisedDays)), &out)
        varint(UInt64(max(0, paused)), &out)
        if let r = rating { out.append(UInt8(r)) }
    }

    public struct Corrupt: Error {
        public init() {}
    }

    /// The cases of a partition or block, read through ``scan(_:into:)``.
    public static func decode(_ bytes: [UInt8]) throws(Corrupt) -> [CaseState] {
        try bytes.withUnsafeBufferPointer { (b) throws(Corrupt) in
            var views: [RecordView] = []
            try scan(b, into: &views)
            func text(_ r: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
            }
            return views.map { v in
                CaseState(
                    caseID: text(v.id), unit: text(v.unit), item: text(v.item), approval: v.approval,
                    immediate: v.immediate, received: v.received, completed: v.completed, promisedDays: v.promisedDays,
                    rating: v.rating, scope: text(v.scope), channel: text(v.channel), limitUnit: v.limitUnit,
                    paused: v.paused, status: v.status)
            }
        }
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
