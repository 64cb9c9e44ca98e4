import Foundation
import TongbaoCore
import TongbaoOffice

/// Splits a byte stream into runs of whole lines; a line break inside a quoted field does not end a line.
struct LineSplitter {
    /// The longest line held while its end is looked for (a case record is well under 1 KB).
    static let maxLine = 1 << 20
    /// The longest record read: longer lines are refused as rows (E012), so that no field can fill the store.
    static let maxRecord = 16 << 10
    private var pending: [UInt8] = []
    private var quoted = false

    /// Bytes of the line not yet ended.
    var pendingBytes: Int { pending.count }

    /// The complete lines available after `chunk` (ending with LF); the partial line stays pending.
    mutating func feed(_ chunk: [UInt8]) -> [UInt8] {
        let scanFrom = pending.count
        pending += chunk
        let cut: Int? = pending.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, b.count > 0 else { return nil }
            if !quoted, memchr(base + scanFrom, 0x22, b.count - scanFrom) == nil {
                // No quote in the new bytes: the last line break ends the complete lines.
                var i = b.count - 1
                while i >= scanFrom - 1, i >= 0 {
                    if b[i] == 0x0A { return i }
                    i -= 1
                }
                return nil
            }
            var last: Int? = nil
            for i in scanFrom..<b.count {
                if b[i] == 0x22 { quoted.toggle() } else if b[i] == 0x0A && !quoted { last = i }
            }
            return last
        }
        guard let cut else { return [] }
        let out = Array(pending[...cut])
        pending.removeFirst(cut + 1)
        return out
    }

    var rest: [UInt8] { pending }
}

/// A file's bytes in chunks; `.gz` is inflated as it is read (`Gunzip`, in this process), a chunk at a time.
struct ByteSource {
    let handle: FileHandle
    let gunzip: Gunzip?
    static let chunk = 4 << 20

    /// `path` is a readable file (``CaseIngester/checkReadable(_:)``, before any is read).
    init(path: String) throws {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        gunzip = path.lowercased().hasSuffix(".gz") ? try Gunzip() : nil
    }

    mutating func next(_ name: String) throws -> [UInt8]? {
        guard let gunzip else {
            guard let data = try handle.read(upToCount: Self.chunk), !data.isEmpty else { return nil }
            return [UInt8](data)
        }
        var out: [UInt8] = []
        do {
            while out.count < Self.chunk {
                if gunzip.needsInput {
                    guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { break }
                    gunzip.feed([UInt8](data))
                }
                out += try gunzip.read(limit: Self.chunk - out.count)
            }
        } catch let failure as Gunzip.Failure {
            throw Self.damaged(name, failure)
        }
        return out.isEmpty ? nil : out
    }

    var isGzip: Bool { gunzip != nil }

    /// After a failure while reading a .gz: reads on towards its end (discarding what it inflates, at most 256 MB
    /// of it: a bomb is not inflated whole for this) and returns the damage found, if any.
    mutating func damage(_ name: String) -> ImportFailed? {
        do {
            var drained = 0
            while let chunk = try next(name) {
                drained += chunk.count
                if drained > 256 << 20 { return nil }
            }
            try finish(name)
            return nil
        } catch let failure as ImportFailed {
            return failure
        } catch {
            return nil
        }
    }

    /// Closes the file; a .gz that ends inside its data (a damaged or cut-off file) is an error, not a short file.
    func finish(_ name: String) throws {
        try? handle.close()
        do { try gunzip?.finish() } catch { throw Self.damaged(name, error) }
    }

    static func damaged(_ name: String, _ failure: Gunzip.Failure) -> ImportFailed {
        ImportFailed([
            Issue(
                .unreadablePackage, file: name,
                value: failure == .truncated ? "gzip 文件不完整（在数据中途结束），请重新导出或重新复制" : "gzip 文件损坏，请重新导出")
        ])
    }
}
