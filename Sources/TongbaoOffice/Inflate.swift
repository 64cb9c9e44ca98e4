import CZlib
import Foundation

/// Raw deflate (a zip entry's method 8) inflated with zlib, ending when the stream ends or its input is used up:
/// ZIPFoundation's own loop reads on past a stream that never ends and spins for ever at the end of the file
/// (found by fuzzing).
public enum Inflate {
    public enum Failure: Error { case corrupt, tooLarge, truncated }

    /// The inflated bytes of `input`, at most `limit` of them.
    public static func raw(_ input: Data, limit: Int) throws(Failure) -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = input
        let result: Failure? = input.withUnsafeMutableBytes { raw -> Failure? in
            stream.next_in = raw.bindMemory(to: UInt8.self).baseAddress
            stream.avail_in = UInt32(raw.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if out.count + produced > limit { return .tooLarge }
                out.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END: return nil
                case Z_OK: continue
                // No progress possible: the input is used up before the stream's end.
                case Z_BUF_ERROR: return stream.avail_in == 0 ? .truncated : .corrupt
                default: return .corrupt
                }
            }
        }
        if let result { throw result }
        return out
    }

    /// zlib's CRC-32 of `data` (a zip entry's checksum).
    public static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { raw in
            UInt32(CZlib.crc32(0, raw.bindMemory(to: UInt8.self).baseAddress, uInt(raw.count)))
        }
    }
}
