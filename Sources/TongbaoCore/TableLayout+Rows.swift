import Foundation

extension TableLayout {
    /// The data rows under the header, with their figures cleaned, and what was left out or does not add up.
    ///
    /// - Blank rows (also only commas or empty strings) and signature or footnote lines (填报人：…) are skipped.
    /// - 合计/小计/总计 rows are not stored: each figure is checked against the sum of the rows it closes (W108).
    /// - A total column (`接件合计`) is checked against its parts in every row (W108) and not stored.
    /// - Figures: full-width digits and spaces as ASCII, thousands separators removed; `-`, `—`, `/`, `无` mean
    ///   not reported and become empty.
    public func dataRows(_ grid: [CSVTable.Record], file: String) -> (records: [CSVTable.Record], issues: [Issue]) {
        let numeric = HeaderVocabulary.numericColumns[table] ?? []
        let figureColumns = roles.indices.filter { i in
            if case .field(let name)? = roles[i] { return numeric.contains(name) }
            if case .total? = roles[i] { return true }
            return false
        }
        // Where a 合计 row says so: the unit or other text key columns, 序号, or a column without a header; never
        // a note (备注 “含代办合计” is a unit's row).
        let isFigure = Set(figureColumns)
        let labelColumns =
            roles.indices.filter { i in
                if isFigure.contains(i) { return false }
                if case .field? = roles[i] { return true }
                return ["", "序号", "编号"].contains(HeaderVocabulary.normalise(headers[i]))
            } + (headers.count..<(grid.map(\.cells.count).max() ?? 0)).map { $0 }
        var stats = Stats()
        var records: [CSVTable.Record] = []
        var issues: [Issue] = []
        var sinceSubtotal: [CSVTable.Record] = []
        let headerRows = grid[headerStart..<dataStart].map { $0.cells.map(HeaderVocabulary.normalise) }
        for (n, raw) in grid.dropFirst(dataStart).enumerated() {
            var cells = raw.cells
            guard let first = cells.first(where: { !$0.trimmed.isEmpty }) else { continue }
            let lead = HeaderVocabulary.halfWidth(first).trimmed
            if HeaderVocabulary.signatureWords.contains(where: { lead.hasPrefix($0) }) {
                stats.skipped += 1
                continue
            }
            if (n == 0 && Self.isColumnNumberRow(cells)) || repeatsHeader(cells, headerRows) {
                stats.headerLike += 1
                continue
            }
            for c in figureColumns where c < cells.count {
                let (clean, mark) = Self.cleanFigure(cells[c])
                cells[c] = clean
                if mark { stats.marks += 1 }
            }
            let row = CSVTable.Record(line: raw.line, cells: cells)
            let total = labelColumns.lazy.filter { $0 < cells.count }
                .compactMap { HeaderVocabulary.totalKind(cells[$0]) }.first
            if let total {
                stats.totals += 1
                let parts = total == .grand ? records : sinceSubtotal
                issues += checkTotalRow(row, parts: parts, columns: figureColumns, file: file)
                if total == .sub { sinceSubtotal = [] }
                continue
            }
            if isGroupHeading(row, figureColumns: figureColumns) {
                stats.headings += 1
                continue
            }
            issues += checkTotalColumns(row, file: file)
            records.append(row)
            sinceSubtotal.append(row)
        }
        issues += unnamedColumns(records, line: grid[headerStart].line, file: file)
        if let note = summary(stats, headerLine: grid[headerStart].line, file: file) { issues.append(note) }
        return (records, issues)
    }

    /// A column with figures but no header would be dropped without a word: it is an error instead.
    func unnamedColumns(_ records: [CSVTable.Record], line: Int, file: String) -> [Issue] {
        headers.indices.filter { c in
            headers[c].isEmpty && roles[c] == nil
                && records.contains { c < $0.cells.count && !$0.cells[c].trimmed.isEmpty }
        }.map { c in
            Issue(.unknownColumn, file: file, line: line + headerDepth - 1, column: "", columnNumber: c + 1, value: "")
        }
    }

    struct Stats {
        var skipped = 0
        var totals = 0
        var marks = 0
        var headings = 0
        var headerLike = 0
    }

    /// A 栏次 row under the header: 甲、乙、丙 … and 1, 2, 3 … numbering the columns.
    static func isColumnNumberRow(_ cells: [String]) -> Bool {
        let texts = cells.map { HeaderVocabulary.halfWidth($0).trimmed }.filter { !$0.isEmpty }
        guard texts.count >= 3 else { return false }
        let stems: Set<String> = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "栏次", "-"]
        var expected = Int(texts.first { Int($0) != nil } ?? "") ?? 1
        guard expected <= 1 else { return false }
        for t in texts {
            if stems.contains(t) { continue }
            guard Int(t) == expected else { return false }
            expected += 1
        }
        return true
    }

    /// A header row repeated below (stacked tables, a header repeated for printing): every cell is the header's.
    func repeatsHeader(_ cells: [String], _ headerRows: [[String]]) -> Bool {
        headerRows.contains { header in
            let pairs = cells.enumerated().filter { !$0.element.trimmed.isEmpty }
            return pairs.count >= 2
                && pairs.allSatisfy { c, text in c < header.count && header[c] == HeaderVocabulary.normalise(text) }
        }
    }

    /// A row that only names a group (一、区行政服务中心, a tier's title): no figure, and a key of the row (月份,
    /// 单位) empty. Only in tables of monthly figures, where such a row could be nothing else.
    func isGroupHeading(_ row: CSVTable.Record, figureColumns: [Int]) -> Bool {
        guard index["period"] != nil, !figureColumns.isEmpty else { return false }
        let hasFigure = figureColumns.contains { $0 < row.cells.count && !row.cells[$0].trimmed.isEmpty }
        let keys = table.columns.filter(\.required).compactMap { index[$0.name] }
        let keyMissing = keys.contains { $0 >= row.cells.count || row.cells[$0].trimmed.isEmpty }
        return !hasFigure && keyMissing
    }

    /// A figure cell as stored: half-width, without spaces or thousands separators; a not-reported mark is empty.
    static func cleanFigure(_ cell: String) -> (String, mark: Bool) {
        let s = HeaderVocabulary.halfWidth(cell).trimmed
        if s.isEmpty { return ("", false) }
        if HeaderVocabulary.notReported.contains(s) { return ("", true) }
        var out = String(String.UnicodeScalarView(s.unicodeScalars.filter { !$0.isSpace }))
        let groups = out.split(separator: ",", omittingEmptySubsequences: false).dropFirst()
        if !groups.isEmpty, groups.allSatisfy({ $0.count == 3 || ($0.count > 3 && $0.dropFirst(3).first == ".") }) {
            out.removeAll { $0 == "," }
        }
        return (out, false)
    }

    func checkTotalRow(_ row: CSVTable.Record, parts: [CSVTable.Record], columns: [Int], file: String) -> [Issue] {
        columns.compactMap { c in
            guard case .field = roles[c], c < row.cells.count, let reported = Int(row.cells[c]) else { return nil }
            let values = parts.compactMap { $0.cells.indices.contains(c) ? Int($0.cells[c]) : nil }
            guard !values.isEmpty else { return nil }
            let sum = values.reduce(0, +)
            guard sum != reported else { return nil }
            return Issue(
                .totalDiffers, file: file, line: row.line, column: headers[c], columnNumber: c + 1, key: "合计行",
                value: "\(reported)", computed: "\(sum)")
        }
    }

    func checkTotalColumns(_ row: CSVTable.Record, file: String) -> [Issue] {
        let index = self.index
        return roles.indices.compactMap { c in
            guard case .total(let names)? = roles[c], !names.isEmpty, c < row.cells.count,
                let reported = Int(row.cells[c])
            else { return nil }
            let parts = names.map { index[$0].flatMap { $0 < row.cells.count ? Int(row.cells[$0]) : nil } }
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            let sum = parts.reduce(0) { $0 + ($1 ?? 0) }
            guard sum != reported else { return nil }
            return Issue(
                .totalDiffers, file: file, line: row.line, column: headers[c], columnNumber: c + 1, key: "合计列",
                value: "\(reported)", computed: "\(sum)")
        }
    }

    /// One notice of how the file was read, when it was not a plain table.
    func summary(_ stats: Stats, headerLine line: Int, file: String) -> Issue? {
        var parts: [String] = []
        if !named { parts.append("按列名识别为“\(table.chineseName)”") }
        if line > 1 || headerDepth > 1 {
            parts.append(headerDepth > 1 ? "表头为第\(line)–\(line + 1)行" : "表头在第\(line)行")
        }
        let left = roles.indices.filter { i in
            if roles[i] == .ignored { return true }
            if case .total? = roles[i] { return true }
            return false
        }.map { headers[$0] }
        if !left.isEmpty { parts.append("不导入的列：" + left.joined(separator: "、")) }
        if stats.totals > 0 { parts.append("合计/小计行 \(stats.totals) 行已核对、不导入") }
        if stats.skipped > 0 { parts.append("跳过表下的签名和说明 \(stats.skipped) 行") }
        if stats.headings > 0 { parts.append("跳过没有数字的分组标题行 \(stats.headings) 行") }
        if stats.headerLike > 0 { parts.append("跳过栏次行或重复的表头 \(stats.headerLike) 行") }
        if stats.marks > 0 { parts.append("“-”“/”“无”等 \(stats.marks) 格按未报送处理") }
        guard !parts.isEmpty else { return nil }
        return Issue(.howRead, file: file, key: table.chineseName, value: parts.joined(separator: "；"))
    }
}

extension HeaderVocabulary {
    /// Columns holding figures (counts, scores, rates), per table: cleaned of widths, separators and marks.
    public static let numericColumns: [PackageTable: Set<String>] = [
        .units: ["order"],
        .cases: [
            "recv_immediate", "recv_promised", "done_immediate", "done_promised", "ytd_recv", "ytd_done", "proxy",
        ],
        .caseRecords: ["promised_days", "paused_days"], .tongban: ["count", "ytd"], .ancillary: ["count", "ytd"],
        .rubric: ["max", "order"], .evaluation: ["score"], .figures: ["value"], .meta: ["issue", "excellent"],
    ]
}
