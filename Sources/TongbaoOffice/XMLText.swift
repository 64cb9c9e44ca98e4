import Foundation
import ZIPFoundation

/// Escaping for the XML that Tongbao writes by hand (OOXML parts are small, fixed vocabularies).
public enum XMLText {
    /// Escapes text for element content and attribute values, and drops characters XML 1.0 forbids.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                // Control characters (a pasted form feed, say) make the whole part unreadable.
                if u.value >= 0x20 && !(0xFFFE...0xFFFF).contains(u.value) { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    /// The declaration every part starts with.
    public static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
}

/// An OOXML package: named parts zipped together.
public enum OfficePackage {
    /// Zips `parts` (path, XML text) in order; `[Content_Types].xml` should come first.
    public static func zip(_ parts: [(String, String)]) throws -> Data {
        try zip(parts.map { ($0.0, Data($0.1.utf8)) })
    }

    /// Zips `parts` (path, bytes) in order: XML parts and embedded packages alike.
    public static func zip(_ parts: [(String, Data)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, data) in parts {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count),
                modificationDate: Date(timeIntervalSince1970: 1_577_836_800), compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }
}
