import Foundation

/// Reads the rows of an 办件明细 export (case_records.csv) into ``CaseState`` values, one physical line at a
/// time, straight from UTF-8 bytes: it runs once per case, tens of millions of times.
///
/// The header is matched as in a data package (English or Chinese names, any order, unknown columns refused).
/// A row that cannot be read gives an ``Issue`` with file, line, column and reason.
public struct CaseExportParser {
    public let file: String
    let directory: UnitDirectory
    /// Field index of each column, nil when the export lacks it.
    let at: [String: Int]
    let width: Int
    var unitCache: [String: String] = [:]
    /// The line being read and its fields' ranges; valid during ``parse(_:number:)`` only.
    var base = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var fields: [Range<Int>] = []
    var scratch: [UInt8] = []

    /// Fails with the header's issues (unknown, duplicate or missing columns).
    public init(header: [String], directory: UnitDirectory, file: String) throws(ImportIssues) {
        var at: [String: Int] = [:]
        var issues: [Issue] = []
        let columns = PackageTable.caseRecords.columns
        for (i, raw) in header.enumerated() {
            let h = raw.trimmed
            guard let c = columns.first(where: { $0.name == h.lowercased() || $0.chinese == h }) else {
                if h.isEmpty && i == header.count - 1 { continue }
                issues.append(Issue(.unknownColumn, file: file, line: 1, column: h, columnNumber: i + 1, value: h))
                continue
            }
            if at[c.name] != nil {
                issues.append(Issue(.duplicateColumn, file: file, line: 1, column: h, columnNumber: i + 1, value: h))
            }
            at[c.name] = i
        }
        for c in columns where c.required && at[c.name] == nil {
            issues.append(Issue(.missingColumn, file: file, line: 1, column: c.name, value: "\(c.name)（\(c.chinese)）"))
        }
        guard issues.isEmpty else { throw ImportIssues(issues) }
        self.file = file
        self.directory = directory
        self.at = at
        self.width = header.count
    }

    /// The case on one line (without its line break), or why it cannot be read.
    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> Result<CaseState, Issue> {
        guard line.contains(0x22) else { return parseFields(line, separator: 0x2C, number: number) }
        // A quoted field: rewrite the line unquoted, fields separated by US (0x1F), which no text holds.
        scratch = Self.unquote(line)
        var copy = scratch
        return copy.withUnsafeBufferPointer { parseFields($0, separator: 0x1F, number: number) }
    }

    mutating func parseFields(_ line: UnsafeBufferPointer<UInt8>, separator: UInt8, number: Int) -> Result<
        CaseState, Issue
    > {
        base = line
        defer { base = UnsafeBufferPointer(start: nil, count: 0) }
        fields.removeAll(keepingCapacity: true)
        var start = 0
        for (i, b) in line.enumerated() where b == separator {
            fields.append(start..<i)
            start = i + 1
        }
        fields.append(start..<line.count)
        func fail(_ code: IssueCode, _ column: String, value: String? = nil, computed: String? = nil) -> Result<
            CaseState, Issue
        > {
            let i = at[column]
            return .failure(
                Issue(
                    code, file: file, line: number, column: column, columnNumber: i.map { $0 + 1 }, value: value,
                    computed: computed))
        }
        if fields.count > width,
            fields[width...].contains(where: { !Self.isBlank(UnsafeBufferPointer(rebasing: base[$0])) })
        {
            return .failure(
                Issue(.wrongCellCount, file: file, line: number, value: "\(fields.count)", computed: "\(width)"))
        }
        guard let id = text("case_id"), !id.isEmpty else { return fail(.missingValue, "case_id") }
        guard let unitText = text("unit"), !unitText.isEmpty else { return fail(.missingValue, "unit") }
        guard let unit = resolve(unitText) else { return fail(.unknownUnit, "unit", value: unitText) }
        let category = text("category") ?? ""
        guard category == "审批" || category == "服务" else {
            return category.isEmpty
                ? fail(.missingValue, "category") : fail(.badChoice, "category", value: category, computed: "审批、服务")
        }
        let kind = text("kind") ?? ""
        guard kind == "即办" || kind == "承诺" else {
            return kind.isEmpty ? fail(.missingValue, "kind") : fail(.badChoice, "kind", value: kind, computed: "即办、承诺")
        }
        guard let receivedField = field("received_at"), !Self.isBlank(receivedField) else {
            return fail(.missingValue, "received_at")
        }
        guard let received = Self.seconds(receivedField) else {
            return fail(.malformedDateTime, "received_at", value: text("received_at"))
        }
        var completed: Int? = nil
        if let f = field("completed_at"), !Self.isBlank(f) {
            guard let c = Self.seconds(f) else {
                return fail(.malformedDateTime, "completed_at", value: text("completed_at"))
            }
            guard c >= received else {
                return fail(
                    .completedBeforeReceived, "completed_at", value: text("completed_at"),
                    computed: text("received_at"))
            }
            completed = c
        }
        var promised = 0
        if let f = field("promised_days"), !Self.isBlank(f) {
            guard let n = Self.integer(f) else {
                return fail(.notAnInteger, "promised_days", value: text("promised_days"))
            }
            promised = n
        }
        var rating: Int? = nil
        if let r = text("rating"), !r.isEmpty {
            guard let i = CaseRecord.ratings.firstIndex(of: r) else {
                return fail(.badChoice, "rating", value: r, computed: CaseRecord.ratings.joined(separator: "、"))
            }
            rating = i
        }
        return .success(
            CaseState(
                caseID: id, unit: unit, item: text("item") ?? "", approval: category == "审批", immediate: kind == "即办",
                received: received, completed: completed, promisedDays: promised, rating: rating,
                scope: text("scope") ?? "", channel: text("channel") ?? ""))
    }

    mutating func resolve(_ reference: String) -> String? {
        if let code = unitCache[reference] { return code }
        let code = directory.resolve(reference)
        if let code { unitCache[reference] = code }
        return code
    }

    func field(_ name: String) -> UnsafeBufferPointer<UInt8>? {
        guard let i = at[name], i < fields.count else { return nil }
        return UnsafeBufferPointer(rebasing: base[fields[i]])
    }

    /// A field as trimmed text, nil when the column is absent.
    func text(_ name: String) -> String? {
        guard let f = field(name) else { return nil }
        var lo = 0
        var hi = f.count
        while lo < hi, f[lo] == 0x20 || f[lo] == 0x09 { lo += 1 }
        while hi > lo, f[hi - 1] == 0x20 || f[hi - 1] == 0x09 || f[hi - 1] == 0x0D { hi -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: f[lo..<hi]), as: UTF8.self)
    }

    public static func isBlank(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        f.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// A CSV line with quoted fields as its fields' bytes separated by 0x1F (doubled quotes made single).
    static func unquote(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var quoted = false
        var i = 0
        while i < line.count {
            let b = line[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < line.count, line[i + 1] == 0x22 {
                        out.append(0x22)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    out.append(b)
                }
            } else if b == 0x22 {
                quoted = true
            } else {
                out.append(b == 0x2C ? 0x1F : b)
            }
            i += 1
        }
        return out
    }

    /// `YYYY-MM-DD HH:MM:SS` (or `T`, or without seconds, or a bare date) read from the bytes; other forms Excel
    /// writes (`2021/7/1 9:05`) through ``CaseTime/normalise(_:)``.
    static func seconds(_ f: UnsafeBufferPointer<UInt8>) -> Int? {
        var lo = 0
        var hi = f.count
        while lo < hi, f[lo] == 0x20 { lo += 1 }
        while hi > lo, f[hi - 1] == 0x20 || f[hi - 1] == 0x0D { hi -= 1 }
        let n = hi - lo
        func d(_ k: Int) -> Int? {
            let b = f[lo + k]
            return b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil
        }
        func num(_ a: Int, _ len: Int) -> Int? {
            var v = 0
            for k in a..<(a + len) {
                guard let x = d(k) else { return nil }
                v = v * 10 + x
            }
            return v
        }
        if n == 19 || n == 16 || n == 10, f[lo + 4] == 0x2D, f[lo + 7] == 0x2D, let y = num(0, 4), let m = num(5, 2),
            let day = num(8, 2), (1...12).contains(m), day >= 1, day <= Day.daysIn(year: y, month: m)
        {
            var s = 0
            if n >= 16 {
                guard f[lo + 10] == 0x20 || f[lo + 10] == 0x54, f[lo + 13] == 0x3A, let hh = num(11, 2),
                    let mm = num(14, 2), hh < 24, mm < 60
                else { return nil }
                s = hh * 3600 + mm * 60
                if n == 19 {
                    guard f[lo + 16] == 0x3A, let ss = num(17, 2), ss < 60 else { return nil }
                    s += ss
                }
            }
            return DayNumber.from(Day(year: y, month: m, day: day)) * 86_400 + s
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: f[lo..<hi]), as: UTF8.self)
        guard let norm = CaseTime.normalise(text), let day = CaseTime.day(norm) else { return nil }
        let t = norm.utf8.dropFirst(11)
        let parts = String(decoding: t, as: UTF8.self).split(separator: ":").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return DayNumber.from(day) * 86_400 + parts[0] * 3600 + parts[1] * 60 + parts[2]
    }

    static func integer(_ f: UnsafeBufferPointer<UInt8>) -> Int? {
        var v = 0
        var seen = false
        for b in f where b != 0x20 && b != 0x0D {
            guard b >= 0x30 && b <= 0x39, v < 100_000_000 else { return nil }
            v = v * 10 + Int(b - 0x30)
            seen = true
        }
        return seen ? v : nil
    }
}

/// Issues that stop a whole file (a header that cannot be read).
public struct ImportIssues: Error, Sendable {
    public var issues: [Issue]
    public init(_ issues: [Issue]) { self.issues = issues }
}

/// A single issue can be thrown or carried by a `Result` where one problem ends the work (a bad row).
extension Issue: Error {}
