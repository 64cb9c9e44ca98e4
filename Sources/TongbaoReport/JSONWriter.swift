import Foundation
import TongbaoCore

/// The bulletin's figures and warnings as JSON (docs/json.md), keys sorted for stable output.
public enum JSONWriter {
    public static func render(_ b: Bulletin) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(b), as: UTF8.self)
    }
}
