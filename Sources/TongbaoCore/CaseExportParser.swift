import Foundation

/// Reads the rows of an 办件明细 export (case_records.csv) one physical line at a time, straight from UTF-8
/// bytes: it runs once per case, tens of millions of times, so ``encode(_:number:into:)`` makes no string at all
/// and writes the case in its stored binary form.
///
/// The header is matched as in a data package (English or Chinese names, any order, unknown columns refused).
/// A row that cannot be read gives an ``Issue`` with file, line, column and reason.
public struct CaseExportParser: Sendable {
    public let file: String
    let directory: UnitDirectory
    /// The header's cells.
    public let width: Int
    /// Rows read with fewer cells than the header (their missing cells read as empty); the ingest reports them.
    public private(set) var shortRows = 0
    let names: [String]
    /// Field index per column of ``PackageTable/caseRecords`` (in its order), -1 when the export lacks it.
    let at: [Int]
    /// Resolved units by the hash of their bytes as written: the bytes, and the unit code's bytes.
    var units: [UInt64: [(raw: [UInt8], code: [UInt8])]] = [:]
    var fields: [Range<Int>] = []
    /// Deadlines are checked against it: a case due in a year it does not know is refused (E033).
    let calendar: WorkCalendar
    /// Words (and a profile's codes) of the columns with choices, as bytes.
    let kinds: ByteTable<Bool>
    let categories: ByteTable<Bool>
    let ratings: ByteTable<Int>
    let statuses: ByteTable<CaseStatus>
    let limitUnits: ByteTable<LimitUnit>
    /// A profile's codes of free-text columns (channel, scope): as exported → as stored.
    let textValues: [Column: ByteTable<[UInt8]>]

    enum Column: Int {
        case id, unit, item, category, kind, received, completed, promised, rating, scope, channel
        case limitUnit, paused, status
    }

    /// Fails with the header's issues (unknown, duplicate or missing columns). Headers are read with the names
    /// of docs/columns.md and, first, the `profile`'s.
    public init(
        header: [String], directory: UnitDirectory, file: String, calendar: WorkCalendar = .china,
        profile: ExportProfile? = nil
    ) throws(ImportIssues) {
        let columns = PackageTable.caseRecords.columns
        var at = [Int](repeating: -1, count: columns.count)
        var issues: [Issue] = []
        for (i, raw) in header.enumerated() {
            let h = raw.trimmed
            let name = profile?.columns[HeaderVocabulary.normalise(h)]
            let role = name.map { ColumnRole.field($0) } ?? HeaderVocabulary.role(h, in: .caseRecords)
            guard case .field(let field)? = role, let c = columns.firstIndex(where: { $0.name == field }) else {
                if h.isEmpty && i == header.count - 1 { continue }
                var issue = Issue(.unknownColumn, file: file, line: 1, column: h, columnNumber: i + 1, value: h)
                let near = HeaderVocabulary.closest(
                    h, among: columns.flatMap { HeaderVocabulary.names(of: $0, in: .caseRecords) })
                issue.hint =
                    (near.isEmpty ? "" : "是否应为“" + near.joined(separator: "”或“") + "”？")
                    + "平台导出的列名可用 --profile 映射（docs/cases.md）"
                issues.append(issue)
                continue
            }
            if at[c] >= 0 {
                issues.append(Issue(.duplicateColumn, file: file, line: 1, column: h, columnNumber: i + 1, value: h))
            }
            at[c] = i
        }
        for (i, c) in columns.enumerated() where c.required && at[i] < 0 {
            issues.append(Issue(.missingColumn, file: file, line: 1, column: c.name, value: "\(c.name)（\(c.chinese)）"))
        }
        guard issues.isEmpty else { throw ImportIssues(issues) }
        self.file = file
        self.directory = directory
        self.at = at
        self.names = columns.map(\.name)
        self.width = header.count
        self.calendar = calendar
        let values = profile?.values ?? [:]
        func table<T>(_ column: String, _ words: [String: T]) -> ByteTable<T> {
            var all = words
            for (code, word) in values[column] ?? [:] { if let v = words[word] { all[code] = v } }
            return ByteTable(all)
        }
        kinds = table("kind", PackageParser.kinds.mapValues { $0 == .immediate })
        categories = table("category", PackageParser.categories.mapValues { $0 == .approval })
        ratings = table("rating", Dictionary(uniqueKeysWithValues: CaseRecord.ratings.enumerated().map { ($1, $0) }))
        statuses = table("status", CaseStatus.words)
        limitUnits = table("promised_unit", LimitUnit.words)
        var text: [Column: ByteTable<[UInt8]>] = [:]
        for (column, name) in [(Column.channel, "channel"), (.scope, "scope")] {
            if let map = values[name] { text[column] = ByteTable(map.mapValues { Array($0.utf8) }) }
        }
        textValues = text
    }

    /// One row's fields, valid while its line is.
    struct Row {
        var id: UnsafeBufferPointer<UInt8>
        var unit: [UInt8]
        var item, scope, channel: UnsafeBufferPointer<UInt8>
        /// What a profile maps the scope or channel to, when it does.
        var scopeCode: [UInt8]?
        var channelCode: [UInt8]?
        var approval, immediate: Bool
        var received: Int
        var completed: Int?
        var promisedDays: Int
        var rating: Int?
        var limitUnit: LimitUnit
        var paused: Int
        var status: CaseStatus
    }

    /// Appends the case on one line to `out` in ``CasePartition``'s record form and returns its day received, or
    /// the issue that stops it.
    public mutating func encode(_ line: UnsafeBufferPointer<UInt8>, number: Int, into out: inout [UInt8]) -> Result<
        Int, Issue
    > {
        read(line, number: number) { r in
            func append(scope: UnsafeBufferPointer<UInt8>, channel: UnsafeBufferPointer<UInt8>) {
                CasePartition.appendRecord(
                    id: r.id, unit: r.unit, item: r.item, scope: scope, channel: channel, approval: r.approval,
                    immediate: r.immediate, received: r.received, completed: r.completed, promisedDays: r.promisedDays,
                    rating: r.rating, limitUnit: r.limitUnit, paused: r.paused, status: r.status, into: &out)
            }
            if r.scopeCode == nil && r.channelCode == nil {
                append(scope: r.scope, channel: r.channel)
            } else {
                let scope = r.scopeCode ?? Array(r.scope)
                let channel = r.channelCode ?? Array(r.channel)
                scope.withUnsafeBufferPointer { s in
                    channel.withUnsafeBufferPointer { c in append(scope: s, channel: c) }
                }
            }
            return r.received.floorDiv(86_400)
        }
    }

    /// How many cells `line` has (quoted commas are no separators).
    public static func cells(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        guard line.contains(0x22) else { return line.count(where: { $0 == 0x2C }) + 1 }
        return unquote(line).count(where: { $0 == 0x1F }) + 1
    }

    mutating func read<T>(_ line: UnsafeBufferPointer<UInt8>, number: Int, _ body: (Row) -> T) -> Result<T, Issue> {
        guard line.contains(0x22) else { return readFields(line, separator: 0x2C, number: number, body) }
        // A quoted field: rewrite the line unquoted, fields separated by US (0x1F), which no text holds.
        let copy = Self.unquote(line)
        return copy.withUnsafeBufferPointer { readFields($0, separator: 0x1F, number: number, body) }
    }

    mutating func readFields<T>(
        _ line: UnsafeBufferPointer<UInt8>, separator: UInt8, number: Int, _ body: (Row) -> T
    ) -> Result<T, Issue> {
        fields.removeAll(keepingCapacity: true)
        var start = 0
        for i in 0..<line.count where line[i] == separator {
            fields.append(start..<i)
            start = i + 1
        }
        fields.append(start..<line.count)
        if fields.count < width { shortRows += 1 }
        func field(_ c: Column) -> UnsafeBufferPointer<UInt8> {
            let i = at[c.rawValue]
            guard i >= 0, i < fields.count else { return UnsafeBufferPointer(start: nil, count: 0) }
            return Self.trim(UnsafeBufferPointer(rebasing: line[fields[i]]))
        }
        func fail(
            _ code: IssueCode, _ c: Column, _ value: UnsafeBufferPointer<UInt8>? = nil, computed: String? = nil,
            value text: String? = nil
        ) -> Result<T, Issue> {
            let i = at[c.rawValue]
            return .failure(
                Issue(
                    code, file: file, line: number, column: names[c.rawValue], columnNumber: i >= 0 ? i + 1 : nil,
                    value: text ?? value.map { String(decoding: $0, as: UTF8.self) }, computed: computed))
        }
        /// A free-text field's replacement by the profile's codes; nil keeps it as written.
        func mapped(_ c: Column, _ f: UnsafeBufferPointer<UInt8>) -> [UInt8]? { textValues[c]?.find(f) }
        if fields.count > width,
            fields[width...].contains(where: { !Self.isBlank(UnsafeBufferPointer(rebasing: line[$0])) })
        {
            return .failure(
                Issue(.wrongCellCount, file: file, line: number, value: "\(fields.count)", computed: "\(width)"))
        }
        let id = field(.id)
        guard !id.isEmpty else { return fail(.missingValue, .id) }
        let unitText = field(.unit)
        guard !unitText.isEmpty else { return fail(.missingValue, .unit) }
        guard let unit = resolve(unitText) else { return fail(.unknownUnit, .unit, unitText) }
        let category = field(.category)
        guard let approval = categories.find(category) else {
            return category.isEmpty
                ? fail(.missingValue, .category) : fail(.badChoice, .category, category, computed: "审批、服务")
        }
        let kind = field(.kind)
        guard let immediate = kinds.find(kind) else {
            return kind.isEmpty ? fail(.missingValue, .kind) : fail(.badChoice, .kind, kind, computed: "即办、承诺")
        }
        let receivedText = field(.received)
        guard !receivedText.isEmpty else { return fail(.missingValue, .received) }
        guard let received = Self.seconds(receivedText) else {
            return fail(.malformedDateTime, .received, receivedText)
        }
        var completed: Int? = nil
        let completedText = field(.completed)
        if !completedText.isEmpty {
            guard let c = Self.seconds(completedText) else {
                return fail(.malformedDateTime, .completed, completedText)
            }
            guard c >= received else {
                return fail(
                    .completedBeforeReceived, .completed, completedText,
                    computed: String(decoding: receivedText, as: UTF8.self))
            }
            completed = c
        }
        var promisedDays = 0
        let promisedText = field(.promised)
        if !promisedText.isEmpty {
            guard let n = Self.integer(promisedText) else { return fail(.notAnInteger, .promised, promisedText) }
            promisedDays = n
        }
        var limitUnit = LimitUnit.workday
        let unitWord = field(.limitUnit)
        if !unitWord.isEmpty {
            guard let u = limitUnits.find(unitWord) else {
                return fail(.badChoice, .limitUnit, unitWord, computed: "工作日、自然日、小时")
            }
            limitUnit = u
        }
        var paused = 0
        let pausedText = field(.paused)
        if !pausedText.isEmpty {
            guard let n = Self.integer(pausedText) else { return fail(.notAnInteger, .paused, pausedText) }
            paused = n
        }
        var status = CaseStatus.normal
        let statusText = field(.status)
        if !statusText.isEmpty {
            guard let st = statuses.find(statusText) else {
                return fail(.badChoice, .status, statusText, computed: "办结、不予受理、退件、作废、撤回（docs/cases.md）")
            }
            status = st
        }
        var rating: Int? = nil
        let ratingText = field(.rating)
        if !ratingText.isEmpty {
            guard let i = ratings.find(ratingText) else {
                return fail(.badChoice, .rating, ratingText, computed: CaseRecord.ratings.joined(separator: "、"))
            }
            rating = i
        }
        // A deadline in working days needs the year's holidays: refuse a case the calendar cannot date.
        if status != .void, !immediate || paused > 0 {
            do {
                _ = try calendar.deadline(
                    received: received, immediate: immediate, limit: promisedDays, unit: limitUnit, paused: paused)
            } catch {
                return fail(.noCalendar, .received, nil, computed: nil, value: "\(error.year)")
            }
        }
        return .success(
            body(
                Row(
                    id: id, unit: unit, item: field(.item), scope: field(.scope), channel: field(.channel),
                    scopeCode: mapped(.scope, field(.scope)), channelCode: mapped(.channel, field(.channel)),
                    approval: approval, immediate: immediate,
                    received: received, completed: completed, promisedDays: promisedDays, rating: rating,
                    limitUnit: limitUnit, paused: paused, status: status)))
    }

    /// The unit code's bytes for a unit as written (code, name or alias), cached by the bytes' hash.
    mutating func resolve(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in raw { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        if let hit = units[h]?.first(where: { $0.raw.elementsEqual(raw) }) { return hit.code }
        guard let code = directory.resolve(String(decoding: raw, as: UTF8.self)) else { return nil }
        let bytes = Array(code.utf8)
        units[h, default: []].append((Array(raw), bytes))
        return bytes
    }

    static func trim(_ f: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0
        var hi = f.count
        while lo < hi, f[lo] == 0x20 || f[lo] == 0x09 { lo += 1 }
        while hi > lo, f[hi - 1] == 0x20 || f[hi - 1] == 0x09 || f[hi - 1] == 0x0D { hi -= 1 }
        return lo == 0 && hi == f.count ? f : UnsafeBufferPointer(rebasing: f[lo..<hi])
    }

    public static func isBlank(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        f.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// A line of empty cells only (`,,,` as spreadsheets leave below their data): skipped, as a package skips it.
    public static func isEmptyRow(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x2C || $0 == 0x22 || $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
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

/// Words to values, compared on bytes: a few entries each (即办/承诺, a status), so a scan beats hashing a copy.
struct ByteTable<T: Sendable>: Sendable {
    let entries: [([UInt8], T)]
    init(_ words: [String: T]) { entries = words.map { (Array($0.key.utf8), $0.value) } }
    func find(_ b: UnsafeBufferPointer<UInt8>) -> T? { entries.first { b.elementsEqual($0.0) }?.1 }
}

/// Issues that stop a whole file (a header that cannot be read).
public struct ImportIssues: Error, Sendable {
    public var issues: [Issue]
    public init(_ issues: [Issue]) { self.issues = issues }
}

/// A single issue can be thrown or carried by a `Result` where one problem ends the work (a bad row).
extension Issue: Error {}
