import Foundation

/// Reads typed cells of one CSV record, collecting issues that name file, line and column.
public struct RowReader {
    let file: String
    let line: Int
    let cells: [String]
    /// English column name → 0-based index.
    let index: [String: Int]
    /// Header as written, for messages.
    let header: [String]
    var issues: [Issue] = []

    /// The trimmed cell, nil when the column is absent or the cell empty.
    func text(_ column: String) -> String? {
        guard let i = index[column], i < cells.count else { return nil }
        let s = cells[i].trimmed
        return s.isEmpty ? nil : s
    }

    mutating func fail(_ code: IssueCode, _ column: String, value: String? = nil, computed: String? = nil) {
        let i = index[column]
        issues.append(
            Issue(
                code, file: file, line: line, column: i.map { header[$0] } ?? column, columnNumber: i.map { $0 + 1 },
                value: value, computed: computed))
    }

    mutating func required(_ column: String) -> String? {
        guard let s = text(column) else {
            fail(.missingValue, column)
            return nil
        }
        return s
    }

    /// A unit's code, name, alias, window or group, or a 通办 scope: the longest real ones are some 30 characters, and
    /// every table and document prints them.
    public static let maxName = 64

    /// `text(column)`, refused (E040) past `limit` characters.
    mutating func short(_ column: String, limit: Int = maxName) -> String? {
        guard let s = text(column) else { return nil }
        return fits(s, column, limit: limit) ? s : nil
    }

    /// Whether `s` (a cell of `column`, or one item of its list) has at most `limit` characters; E040 if not.
    mutating func fits(_ s: String, _ column: String, limit: Int = maxName) -> Bool {
        // Code points, not characters: a letter with thousands of combining marks is one character.
        let n = s.unicodeScalars.count
        guard n > limit else { return true }
        let i = index[column]
        var issue = Issue(
            .textTooLong, file: file, line: line, column: i.map { header[$0] } ?? column,
            columnNumber: i.map { $0 + 1 }, value: String(String.UnicodeScalarView(s.unicodeScalars.prefix(20))) + "…",
            computed: "\(n)")
        issue.hint = "这一列最多 \(limit) 个字，是否把别的内容粘贴进了这一格？"
        issues.append(issue)
        return false
    }

    /// The largest count stored: far above any unit's month or year (a district's year is some millions), and low
    /// enough that no sum of the bulletin can overflow.
    public static let maxCount = 999_999_999

    mutating func count(_ column: String) -> Int? {
        guard let s = text(column) else { return nil }
        // Thousands separators were removed where they stand in groups of three (TableLayout.cleanFigure);
        // any other comma makes the cell no number.
        let cleaned = s
        func bounded(_ n: Int) -> Int? {
            if n < 0 { fail(.negativeCount, column, value: s) }
            if n > Self.maxCount { fail(.countTooLarge, column, value: s) }
            return n < 0 || n > Self.maxCount ? nil : n
        }
        if let n = Int(cleaned) { return bounded(n) }
        // A whole number written as a float (`12.0`, as spreadsheets export) or with an exponent; never hexadecimal
        // (`0x1F`), which Double would read too.
        // (Clamped to just outside the bounds first: `Int` of a huge double would trap.)
        if cleaned.allSatisfy({ "0123456789.eE+-".contains($0) }), let d = Double(cleaned), d == d.rounded() {
            return bounded(Int(min(max(d, -1), Double(Self.maxCount + 1))))
        }
        if cleaned.hasPrefix("-"), Double(cleaned) != nil {
            fail(.negativeCount, column, value: s)
        } else {
            fail(.notAnInteger, column, value: s)
        }
        return nil
    }

    mutating func decimal(_ column: String) -> Decimal? {
        guard let s = text(column) else { return nil }
        let cleaned = s.hasSuffix("%") ? String(s.dropLast()) : s
        guard cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
            let d = Decimal(string: cleaned, locale: Locale(identifier: "en_US_POSIX"))
        else {
            fail(.notANumber, column, value: s)
            return nil
        }
        if d < 0 {
            fail(.negativeCount, column, value: s)
            return nil
        }
        // Figures, scores and maxima as well as counts: bounded like counts, so no sum or rate of them overflows.
        if d > Decimal(Self.maxCount) {
            fail(.countTooLarge, column, value: s)
            return nil
        }
        return d
    }

    mutating func period(_ column: String = "period") -> Period? {
        guard let s = required(column) else { return nil }
        guard let p = Period(cell: s) else {
            fail(.malformedPeriod, column, value: s)
            return nil
        }
        return p
    }

    mutating func day(_ column: String) -> Day? {
        guard let s = text(column) else { return nil }
        guard let d = Day(parsing: s) else {
            fail(.malformedDate, column, value: s)
            return nil
        }
        return d
    }

    mutating func unit(_ column: String = "unit", in directory: UnitDirectory) -> String? {
        guard let s = required(column) else { return nil }
        guard let code = directory.resolve(s) else {
            fail(.unknownUnit, column, value: s)
            let near = directory.closest(s)
            if directory.units.isEmpty {
                issues[issues.count - 1].hint = "机构目录是空的：请先导入机构目录（units.csv），或检查 --db 和 --district 是否写错"
            } else if !near.isEmpty {
                issues[issues.count - 1].hint = "是否应为“" + near.joined(separator: "”或“") + "”？"
            }
            return nil
        }
        return code
    }

    mutating func choice<T>(_ column: String, _ options: [String: T], shown: String) -> T? {
        guard let s = required(column) else { return nil }
        guard let v = options[s.lowercased()] else {
            fail(.badChoice, column, value: s, computed: shown)
            return nil
        }
        return v
    }
}
