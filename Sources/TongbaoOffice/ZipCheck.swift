import Foundation

/// Checks a zip's central directory against the file before anything is inflated: every entry's data must lie
/// inside the file. ZIPFoundation loops for ever on an entry whose compressed data runs past the end of the file
/// (found by fuzzing: an 8 KB upload held a server thread at full CPU), so such a zip is refused here first.
public enum ZipCheck {
    /// The name of the first entry whose data does not fit in `bytes`, or nil when every entry fits (or when the
    /// file has no central directory, which the zip reader itself refuses).
    public static func entryPastTheEnd(_ bytes: Data) -> String? {
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
        guard eocd >= 0, var count = u16(eocd + 10), let cdOffset32 = u32(eocd + 16) else { return nil }
        var cd = cdOffset32
        // ZIP64: the locator just before the end record points at the ZIP64 end record.
        if count == 0xFFFF || cdOffset32 == 0xFFFF_FFFF, u32(eocd - 20) == 0x0706_4b50,
            let z = u64(eocd - 12), z < UInt64(n), u32(Int(z)) == 0x0606_4b50
        {
            count = Int(min(u64(Int(z) + 32) ?? 0, 1_000_000))
            cd = u64(Int(z) + 48) ?? cd
        }
        guard cd < UInt64(n) else { return "（中央目录）" }
        var p = Int(cd)
        for _ in 0..<count {
            guard u32(p) == 0x0201_4b50, var compressed = u32(p + 20), let uncompressed32 = u32(p + 24),
                let nameLength = u16(p + 28), let extraLength = u16(p + 30), let commentLength = u16(p + 32),
                var offset = u32(p + 42)
            else { return nil }
            let name = String(decoding: b[min(n, p + 46)..<min(n, p + 46 + nameLength)], as: UTF8.self)
            // ZIP64 sizes and offset, in the order the 32-bit fields are saturated.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd, let id = u16(e), let size = u16(e + 2) {
                if id == 0x0001 {
                    var f = e + 4
                    if uncompressed32 == 0xFFFF_FFFF { f += 8 }
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
            else { return name }
            let start = offset + 30 + UInt64(localName) + UInt64(localExtra)
            if start + compressed > UInt64(n) { return name }
            p = extraEnd + commentLength
        }
        return nil
    }
}
