import Foundation

/// A zip's entries read from its central directory, and their data taken out by Tongbao itself: ZIPFoundation's
/// inflating loop spins for ever on a deflate stream that does not end before the file does (found by fuzzing:
/// an 8 KB upload held a server thread at full CPU). ZIPFoundation still lists the entries; their bytes come from
/// here, bounded in size, and a damaged entry is an error instead of a hang.
public enum ZipCheck {
    /// One entry of the central directory: where its data lies and how it is stored.
    public struct Entry: Sendable {
        public var name: String
        public var method: Int
        public var flags: Int
        public var dataStart: UInt64
        public var compressedSize: UInt64
        public var uncompressedSize: UInt64
        public var crc32: UInt32
    }

    /// The name of the first entry whose data does not fit in `bytes`, or nil when every entry fits (or when the
    /// file has no central directory, which the zip reader itself refuses).
    public static func entryPastTheEnd(_ bytes: Data) -> String? {
        guard case .failure(let name) = entries(bytes) else { return nil }
        return name.name
    }

    struct Bad: Error { var name: String }

    /// The entries in central-directory order; the name of the first whose data does not lie inside the file.
    /// Success with no entries when the file has no end record.
    static func entries(_ bytes: Data) -> Result<[Entry], Bad> {
        let b = [UInt8](bytes)
        let n = b.count
        func u16(_ i: Int) -> Int? { i >= 0 && i + 2 <= n ? Int(b[i]) | Int(b[i + 1]) << 8 : nil }
        func u32(_ i: Int) -> UInt64? {
            guard i >= 0, i + 4 <= n else { return nil }
            return UInt64(b[i]) | UInt64(b[i + 1]) << 8 | UInt64(b[i + 2]) << 16 | UInt64(b[i + 3]) << 24
        }
        func u64(_ i: Int) -> UInt64? {
            guard let lo = u32(i), let hi = u32(i + 4) else { return nil }
            return lo | hi << 32
        }
        // The end record: its signature within the last 64 KB + 22 bytes, searched backwards.
        var eocd = -1
        var i = n - 22
        while i >= max(0, n - 22 - 65_535) {
            if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 0x05, b[i + 3] == 0x06 {
                eocd = i
                break
            }
            i -= 1
        }
        guard eocd >= 0, var count = u16(eocd + 10), let cdOffset32 = u32(eocd + 16) else { return .success([]) }
        var cd = cdOffset32
        // ZIP64: the locator just before the end record points at the ZIP64 end record.
        if count == 0xFFFF || cdOffset32 == 0xFFFF_FFFF, u32(eocd - 20) == 0x0706_4b50,
            let z = u64(eocd - 12), z < UInt64(n), u32(Int(z)) == 0x0606_4b50
        {
            count = Int(min(u64(Int(z) + 32) ?? 0, 1_000_000))
            cd = u64(Int(z) + 48) ?? cd
        }
        guard cd < UInt64(n) else { return .failure(Bad(name: "（中央目录）")) }
        var p = Int(cd)
        var out: [Entry] = []
        for _ in 0..<count {
            guard u32(p) == 0x0201_4b50, let flags = u16(p + 8), let method = u16(p + 10), let crc = u32(p + 16),
                var compressed = u32(p + 20),
                var uncompressed = u32(p + 24), let nameLength = u16(p + 28), let extraLength = u16(p + 30),
                let commentLength = u16(p + 32), var offset = u32(p + 42)
            else { return .success(out) }
            let uncompressed32 = uncompressed
            let name = String(decoding: b[min(n, p + 46)..<min(n, p + 46 + nameLength)], as: UTF8.self)
            // ZIP64 sizes and offset, in the order the 32-bit fields are saturated.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd, let id = u16(e), let size = u16(e + 2) {
                if id == 0x0001 {
                    var f = e + 4
                    if uncompressed32 == 0xFFFF_FFFF, let v = u64(f) {
                        uncompressed = v
                        f += 8
                    }
                    if compressed == 0xFFFF_FFFF, let v = u64(f) {
                        compressed = v
                        f += 8
                    }
                    if offset == 0xFFFF_FFFF, let v = u64(f) { offset = v }
                }
                e += 4 + size
            }
            // The entry's data starts after its local header, whose own name and extra lengths count.
            guard offset < UInt64(n), u32(Int(offset)) == 0x0403_4b50, let localName = u16(Int(offset) + 26),
                let localExtra = u16(Int(offset) + 28)
            else { return .failure(Bad(name: name)) }
            let start = offset + 30 + UInt64(localName) + UInt64(localExtra)
            if start + compressed > UInt64(n) { return .failure(Bad(name: name)) }
            out.append(
                Entry(
                    name: name, method: method, flags: flags, dataStart: start, compressedSize: compressed,
                    uncompressedSize: uncompressed, crc32: UInt32(crc)))
            p = extraEnd + commentLength
        }
        return .success(out)
    }

    /// The entries of a zip whose every entry lies inside the file; an error naming the first that does not.
    public static func list(_ bytes: Data) throws -> [Entry] {
        switch entries(bytes) {
        case .success(let list): return list
        case .failure(let bad): throw ExtractError.pastTheEnd(bad.name)
        }
    }

    public enum ExtractError: Error, Equatable {
        case pastTheEnd(String)
        case unsupportedMethod(Int)
        case encrypted, corrupt, tooLarge, checksum
    }

    /// The bytes of `entry`, at most `limit` of them: stored, or deflated (zlib, stopping where its input ends),
    /// checked against the entry's CRC-32.
    public static func extract(_ entry: Entry, from bytes: Data, limit: Int) throws(ExtractError) -> Data {
        guard entry.flags & 1 == 0 else { throw .encrypted }
        let start = bytes.startIndex + Int(entry.dataStart)
        let raw = bytes[start..<(start + Int(entry.compressedSize))]
        let out: Data
        switch entry.method {
        case 0:
            guard raw.count <= limit else { throw .tooLarge }
            out = Data(raw)
        case 8:
            do { out = try Inflate.raw(Data(raw), limit: limit) } catch {
                throw error == .tooLarge ? .tooLarge : .corrupt
            }
        default: throw .unsupportedMethod(entry.method)
        }
        guard Inflate.crc32(out) == entry.crc32 else { throw .checksum }
        return out
    }
}
