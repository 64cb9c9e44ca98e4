/// Small text helpers on the import path, in plain Swift: Foundation's `trimmingCharacters` and
/// `String(format:)` dominated a profile of a 300,000-row import.
extension StringProtocol {
    /// The text without leading and trailing white space (ASCII, newlines and the ideographic space 　).
    public var trimmed: String {
        guard let head = unicodeScalars.first, let tail = unicodeScalars.last else { return "" }
        if !head.isSpace && !tail.isSpace { return String(self) }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}

/// `n` in decimal, left-padded with zeros to `width` digits: `pad(7, 2)` is `07`.
func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// The value of ASCII digits `bytes[range]`, nil when any is not a digit.
func digits(_ bytes: String.UTF8View, _ range: Range<Int>) -> Int? {
    var value = 0
    var i = bytes.index(bytes.startIndex, offsetBy: range.lowerBound)
    for _ in range {
        let b = bytes[i]
        guard b >= 0x30 && b <= 0x39 else { return nil }
        value = value * 10 + Int(b - 0x30)
        i = bytes.index(after: i)
    }
    return value
}

extension Unicode.Scalar {
    /// White space, answered without the property tables for ASCII and for everything above U+3000 (the last
    /// white-space scalar), which covers CJK text.
    var isSpace: Bool {
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        if value > 0x3000 { return false }
        return properties.isWhitespace
    }
}
