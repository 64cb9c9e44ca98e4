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

/// A gzip file (`.csv.gz`, one member or several concatenated, as `gzip -dc` reads them) inflated in pieces as it
/// is read, in this process: no `gzip` child, whose pipes and descriptors a busy server would have to manage.
/// Output comes in bounded steps, so a small file that inflates to gigabytes (a "gzip bomb") is read as a long
/// file, never held whole.
public final class Gunzip {
    public enum Failure: Error { case corrupt, truncated }

    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var pending: [UInt8] = []
    private var used = 0
    /// Inside a member (its end not yet read); false before the first byte and after each member's end.
    private var inMember = false
    private var sawMember = false

    public init() throws(Failure) {
        stream.initialize(to: z_stream())
        // 16 + window bits: a gzip header and trailer (CRC-32 and length checked by zlib), not raw deflate.
        guard inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw .corrupt
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// True when every byte fed so far is inflated: `feed` the next piece of the file.
    public var needsInput: Bool { used >= pending.count }

    /// The next piece of the compressed file (once `needsInput`).
    public func feed(_ input: [UInt8]) {
        pending = input
        used = 0
    }

    /// Up to `limit` inflated bytes from what was fed; fewer when it is used up.
    public func read(limit: Int) throws(Failure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: limit)
        var produced = 0
        while produced < limit && used < pending.count {
            if !inMember {
                // Between members: zeros that pad a tape-era file are allowed, anything else must be a new member.
                if sawMember && pending[used...].allSatisfy({ $0 == 0 }) {
                    used = pending.count
                    break
                }
                inflateReset(stream)
                inMember = true
                sawMember = true
            }
            let status = pending.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + used)
                    stream.pointee.avail_in = UInt32(input.count - used)
                    stream.pointee.next_out = output.baseAddress! + produced
                    stream.pointee.avail_out = UInt32(output.count - produced)
                    return inflate(stream, Z_NO_FLUSH)
                }
            }
            used = pending.count - Int(stream.pointee.avail_in)
            produced = limit - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END: inMember = false
            case Z_BUF_ERROR where used < pending.count && produced < limit: throw .corrupt  // no progress
            case Z_OK, Z_BUF_ERROR: continue  // output full, or this piece used up: the loop's test decides
            default: throw .corrupt
            }
        }
        out.removeLast(limit - produced)
        return out
    }

    /// After the last piece: the file must end where a member ends.
    public func finish() throws(Failure) {
        if inMember || !sawMember { throw .truncated }
    }
}
