import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes CSV bytes: UTF-8 (with or without BOM) or GB18030/GBK, detected.
public enum TextDecoding {
    public enum Failure: Error, Equatable {
        /// Looks like a binary file (an Excel workbook, an image …); the string names what it looks like.
        case notText(String)
        /// Neither valid UTF-8 nor GB18030.
        case unknownEncoding
    }

    /// The detected encoding of a successfully decoded text.
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case gb18030 = "GB18030"
    }

    public static func decode(_ data: Data) -> Result<(String, Encoding), Failure> {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .failure(.notText("ZIP/Excel(.xlsx)")) }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return .failure(.notText("Excel 97-2003(.xls)")) }
        if bytes.starts(with: [0x25, 0x50, 0x44, 0x46]) { return .failure(.notText("PDF")) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(.notText("UTF-16"))
        }
        if bytes.contains(0) { return .failure(.notText("二进制")) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let s = String(validating: bytes, as: UTF8.self) { return .success((s, .utf8)) }
        if let s = iconvDecode(bytes, from: "GB18030") { return .success((s, .gb18030)) }
        return .failure(.unknownEncoding)
    }

    /// Encodes text as GB18030 (used by tests and exports for Excel users).
    public static func encodeGB18030(_ text: String) -> Data? {
        iconvConvert(Array(text.utf8), from: "UTF-8", to: "GB18030").map { Data($0) }
    }

    /// GB18030 bytes as UTF-8 bytes; nil when they are not GB18030.
    public static func gb18030ToUTF8(_ bytes: [UInt8]) -> [UInt8]? {
        iconvConvert(bytes, from: "GB18030", to: "UTF-8")
    }

    static func iconvDecode(_ bytes: [UInt8], from: String) -> String? {
        iconvConvert(bytes, from: from, to: "UTF-8").flatMap { String(validating: $0, as: UTF8.self) }
    }

    static func iconvConvert(_ bytes: [UInt8], from: String, to: String) -> [UInt8]? {
        let cd = iconv_open(to, from)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        if bytes.isEmpty { return [] }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        let outCount = output.count
        var produced = -1
        input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPtr: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var inLeft = inRaw.count
                var outPtr: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = outCount
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if r != -1 && inLeft == 0 { produced = outCount - outLeft }
            }
        }
        return produced < 0 ? nil : Array(output.prefix(produced))
    }
}
