import Foundation

/// Number formats and change wording of the bulletin (bulletin.md, "Number formats").
public enum Numbers {
    /// A percentage of `part` over `whole`, rounded half-up to two decimals, trailing zeros dropped: `5.57`, `79.7`,
    /// `100`. Nil when `whole` is zero.
    public static func percent(_ part: Int, of whole: Int) -> String? {
        guard whole != 0 else { return nil }
        return hundredths(roundedDivision(abs(part) * 10_000, abs(whole)))
    }

    /// Integer division rounded half away from zero, for non-negative operands.
    static func roundedDivision(_ n: Int, _ d: Int) -> Int { (2 * n + d) / (2 * d) }

    /// Formats a value given in hundredths: 557 → `5.57`, 7970 → `79.7`, 10000 → `100`.
    public static func hundredths(_ v: Int) -> String {
        let whole = v / 100
        let frac = v % 100
        if frac == 0 { return "\(whole)" }
        if frac % 10 == 0 { return "\(whole).\(frac / 10)" }
        return "\(whole).\(pad(frac, 2))"
    }

    /// A decimal as entered, without trailing zeros: `21.01`, `15`, `3.2`.
    public static func decimal(_ d: Decimal) -> String {
        var v = d
        var r = Decimal()
        NSDecimalRound(&r, &v, 4, .plain)
        var s = NSDecimalNumber(decimal: r).stringValue
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A rate given as a decimal percent, rounded to two decimals: `97`, `99.5`.
    public static func rate(_ d: Decimal) -> String {
        var v = d
        var r = Decimal()
        NSDecimalRound(&r, &v, 2, .plain)
        return decimal(r)
    }

    /// The change of `current` against `previous` in the bulletin's words.
    ///
    /// `增加16305件，增长5.57%`, `减少12783件，下降3.97%`, `持平`; without a percentage when `previous` is zero.
    public static func change(_ current: Int, from previous: Int) -> String {
        let delta = current - previous
        if delta == 0 { return "持平" }
        let (more, grow) = delta > 0 ? ("增加", "增长") : ("减少", "下降")
        guard let pct = percent(delta, of: previous) else { return "\(more)\(abs(delta))件" }
        return "\(more)\(abs(delta))件，\(grow)\(pct)%"
    }

    /// `比6月增加1526件，增长6.04%` or `与6月持平`.
    public static func comparison(_ current: Int, from previous: Int, label: String) -> String {
        let c = change(current, from: previous)
        return c == "持平" ? "与\(label)持平" : "比\(label)\(c)"
    }

    /// The sum of values that must all be known: nil when any is nil, or when there are none.
    public static func sumOfAll(_ values: [Int?]) -> Int? {
        values.isEmpty || values.contains { $0 == nil } ? nil : values.reduce(0) { $0 + $1! }
    }

    /// Decimal to Int, for figures that are counts.
    public static func int(_ d: Decimal?) -> Int? {
        guard let d else { return nil }
        return NSDecimalNumber(decimal: d).intValue
    }
}
