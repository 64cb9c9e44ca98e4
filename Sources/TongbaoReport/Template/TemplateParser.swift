import Foundation
import TongbaoCore

/// Reads a template's text into blocks, checking every name, helper and bracket on the way (docs/templates.md).
///
/// Lines: `【标题】`, `【导语】`, `【章】`, `【注】` followed by text; `【表】NAME OPTIONS`, `【图】NAME OPTIONS`;
/// `【如果 CONDITION】`, `【逐个 LIST】`, `【否则】`, `【结束】` around lines; `#` starts a line of comment; any other
/// line is a paragraph. In text: `{FIGURE}`, `{HELPER(…)}`, `[…]` (left out when a figure in it is not known),
/// `{如果 …}…{否则}…{结束}` and `{逐个 LIST 用“、”}…{结束}`.
struct TemplateParser {
    /// Bounds: a template is written by a person, not generated.
    static let maxBytes = 64 * 1024
    static let maxLines = 2000
    static let maxDepth = 12
    static let maxProblems = 50

    var problems: [TemplateProblem] = []
    /// The line where nesting went too deep: what follows on it is not read (it would only echo that mistake).
    var abandoned: Int?
    /// Every mistake found, also those past ``maxProblems`` (counted, not kept).
    var found = 0
    /// The item types of the loops around the current position, outermost first.
    var loops: [ItemType] = []
    var depth = 0

    static func parse(_ text: String) throws(TemplateErrors) -> [TemplateBlock] {
        var p = TemplateParser()
        if text.utf8.count > maxBytes {
            throw TemplateErrors(problems: [
                TemplateProblem(line: 1, column: 1, message: "模板超过 64 KB", suggestion: "模板只写结构和措辞，数字由系统填入")
            ])
        }
        // A byte-order mark pasted anywhere is dropped; lines end at LF, CRLF (Notepad, WPS) or CR.
        var lines = text.replacingOccurrences(of: "\u{FEFF}", with: "").split(
            omittingEmptySubsequences: false, whereSeparator: \.isNewline
        ).map(String.init)
        if lines.count > 1, lines.last == "" { lines.removeLast() }
        if lines.count > maxLines {
            throw TemplateErrors(problems: [
                TemplateProblem(line: maxLines + 1, column: 1, message: "模板超过 \(maxLines) 行", suggestion: nil)
            ])
        }
        var index = 0
        let blocks = p.blocks(lines, &index, closing: nil)
        if !blocks.contains(where: { if case .section = $0 { return true } else { return p.hasSection($0) } }) {
            p.problem(1, 1, "模板中没有任何【章】", "正文写在【章】之下，如：【章】全区审批服务事项办件情况")
        }
        if !p.problems.isEmpty {
            let sorted = p.problems.enumerated().sorted { a, b in
                (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
            }.map(\.element)
            throw TemplateErrors(problems: sorted, total: p.found)
        }
        return blocks
    }

    func hasSection(_ b: TemplateBlock) -> Bool {
        switch b {
        case .section: return true
        case .when(_, let a, let c): return a.contains(where: hasSection) || c.contains(where: hasSection)
        case .each(_, let a): return a.contains(where: hasSection)
        default: return false
        }
    }

    /// Records a mistake. The suggestion is worked out only for the mistakes kept: a file of thousands of
    /// unknown names costs no more than one of fifty.
    mutating func problem(
        _ line: Int, _ column: Int, _ message: String, _ suggestion: @autoclosure () -> String? = nil
    ) {
        if line == abandoned { return }
        found += 1
        if problems.count < Self.maxProblems {
            problems.append(TemplateProblem(line: line, column: column, message: message, suggestion: suggestion()))
        }
    }

    // MARK: - Lines

    /// Where a group of lines ends: `【否则】` or `【结束】`.
    enum Closing { case otherwise, end }

    /// Blocks from `index` until `【结束】` or `【否则】` (when inside one) or the end.
    mutating func blocks(_ lines: [String], _ index: inout Int, closing: (line: Int, word: String)?) -> [TemplateBlock]
    {
        var out: [TemplateBlock] = []
        while index < lines.count {
            let n = index + 1
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            index += 1
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("＃") { continue }
            let indent = line.count - line.drop(while: { $0 == " " || $0 == "\t" || $0 == "　" }).count
            guard trimmed.hasPrefix("【") else {
                out.append(.paragraph(inline(trimmed, line: n, column: indent + 1)))
                continue
            }
            guard let close = trimmed.firstIndex(of: "】") else {
                problem(n, indent + 1, "“【”没有配对的“】”", "指令写作【章】、【表】、【如果 条件】等")
                continue
            }
            let inside = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(in: .whitespaces)
            let rest = String(trimmed[trimmed.index(after: close)...])
            let restColumn = indent + trimmed.distance(from: trimmed.startIndex, to: close) + 2
            let word = String(inside.prefix { !$0.isWhitespace })
            let argument = inside.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
            let argumentColumn = indent + 2 + inside.count - argument.count
            switch word {
            case "标题", "title": out.append(.title(inline(rest, line: n, column: restColumn)))
            case "导语", "lead": out.append(.lead(inline(rest, line: n, column: restColumn)))
            case "章", "section":
                if rest.trimmingCharacters(in: .whitespaces).isEmpty {
                    problem(n, restColumn, "【章】后面没有标题", "如：【章】全区审批服务事项办件情况")
                }
                out.append(.section(inline(rest, line: n, column: restColumn)))
            case "注", "note": out.append(.note(inline(rest, line: n, column: restColumn)))
            case "表", "table": if let t = table(rest, line: n, column: restColumn) { out.append(t) }
            case "图", "chart": if let c = chart(rest, line: n, column: restColumn) { out.append(c) }
            case "如果", "if":
                let condition = self.condition(argument, line: n, column: argumentColumn)
                if !enter(n) { return out }
                let yes = blocks(lines, &index, closing: (n, "如果"))
                var no: [TemplateBlock] = []
                if index > 0, index <= lines.count, Self.isDirective(lines[index - 1], "否则") {
                    no = blocks(lines, &index, closing: (n, "否则"))
                }
                depth -= 1
                out.append(.when(condition ?? .all([]), yes, no))
            case "逐个", "每个", "each":
                let list = self.listExpr(argument, line: n, column: argumentColumn)
                if !enter(n) { return out }
                if let (_, type) = list { loops.append(type) }
                let body = blocks(lines, &index, closing: (n, "逐个"))
                if list != nil { loops.removeLast() }
                depth -= 1
                if let (e, _) = list { out.append(.each(e, body)) }
            case "否则", "else":
                guard let closing, closing.word == "如果" else {
                    problem(n, indent + 1, "【否则】前面没有【如果】", "写作：【如果 条件】……【否则】……【结束】")
                    continue
                }
                return out
            case "结束", "end":
                guard closing != nil else {
                    problem(n, indent + 1, "多余的【结束】", "【结束】只用来结束【如果】或【逐个】")
                    continue
                }
                return out
            default:
                let known = ["标题", "导语", "章", "注", "表", "图", "如果", "逐个", "否则", "结束"]
                problem(
                    n, indent + 1, "未知的指令【\(word)】",
                    Self.nearest(word, known).map { "是不是【\($0)】？" } ?? "可用的指令："
                        + known.map { "【\($0)】" }.joined(separator: "、"))
            }
        }
        if let closing {
            problem(closing.line, 1, "【\(closing.word)】没有配对的【结束】", "在这组内容之后加一行【结束】")
        }
        return out
    }

    static func isDirective(_ line: String, _ word: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        return t == "【\(word)】" || (word == "否则" && t == "【else】")
    }

    mutating func enter(_ line: Int) -> Bool {
        depth += 1
        if depth > Self.maxDepth {
            problem(line, 1, "嵌套超过 \(Self.maxDepth) 层（[ ]、{如果}、{逐个}、函数、引号、【如果】、【逐个】都算一层）", nil)
            abandoned = line
            return false
        }
        return true
    }

    // MARK: - Tables and charts

    /// `NAME key=value key=“value with spaces”`: the name and its options, split at blanks outside quotes.
    static func words(_ text: String, column: Int) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var current = ""
        var start = column
        var quote = 0
        var plain = false
        for (i, ch) in text.enumerated() {
            if ch == "“" {
                quote += 1
            } else if ch == "”" {
                quote = max(0, quote - 1)
            } else if ch == "\"" {
                plain.toggle()
            }
            if (ch == " " || ch == "\t" || ch == "　") && quote == 0 && !plain {
                if !current.isEmpty { out.append((current, start)) }
                current = ""
                start = column + i + 1
            } else {
                if current.isEmpty { start = column + i }
                current.append(ch)
            }
        }
        if !current.isEmpty { out.append((current, start)) }
        return out
    }

    static func unquoted(_ s: String) -> String {
        if (s.hasPrefix("“") && s.hasSuffix("”") || s.hasPrefix("\"") && s.hasSuffix("\"")) && s.count >= 2 {
            return String(s.dropFirst().dropLast())
        }
        return s
    }

    /// The table or chart a `【表】` or `【图】` line names, and its option words.
    mutating func named<T>(
        _ text: String, line: Int, column: Int, what: String, example: String, _ all: [T], names: (T) -> [String]
    ) -> (T, ArraySlice<(String, Int)>)? {
        let words = Self.words(text, column: column)
        guard let (name, at) = words.first else {
            problem(line, column, "【\(what)】后面没有名称", "如：【\(what)】\(example)")
            return nil
        }
        guard let found = all.first(where: { names($0).contains(name) }) else {
            problem(
                line, at, "没有名为“\(name)”的\(what)",
                Self.nearest(name, all.flatMap(names)).map { "是不是“\($0)”？" }
                    ?? "可用的\(what)：" + all.map { names($0)[0] }.joined(separator: "、"))
            return nil
        }
        return (found, words.dropFirst())
    }

    mutating func table(_ text: String, line: Int, column: Int) -> TemplateBlock? {
        guard
            let (table, words) = named(
                text, line: line, column: column, what: "表", example: "区行政服务中心接办件情况统计表",
                TemplateCatalog.Table.allCases, names: \.names)
        else { return nil }
        var options = TableOptions()
        var columns: (String, Int)?
        var sort: (String, Int)?
        for (word, at) in words {
            guard let eq = word.firstIndex(where: { $0 == "=" || $0 == "＝" }) else {
                problem(line, at, "表的选项“\(word)”应写作 名称=值", "如：标题=“……” 或 前=10")
                continue
            }
            let key = String(word[..<eq])
            let value = Self.unquoted(String(word[word.index(after: eq)...]))
            let valueColumn = at + key.count + 1 + (word[word.index(after: eq)...].first == "“" ? 1 : 0)
            switch key {
            case "标题", "title": options.title = inline(value, line: line, column: valueColumn)
            case "范围", "列", "排序", "前", "合计", "list", "columns", "sort", "limit", "total":
                guard table == .units else {
                    problem(line, at, "只有单位办件表可以设“\(key)”", "其他表只能设 标题=")
                    continue
                }
                switch key {
                case "范围", "list":
                    if let (e, type) = listExpr(value, line: line, column: valueColumn), case .list(let l) = e {
                        if type == .unit {
                            options.list = l
                        } else {
                            problem(line, valueColumn, "“\(value)”不是单位名单", "可用：全部单位、区行政服务中心各单位、分中心各单位、镇街各单位、无业务单位")
                        }
                    }
                case "列", "columns": columns = (value, valueColumn)
                case "排序", "sort": sort = (value, valueColumn)
                case "前", "limit":
                    if let n = Int(Self.halfWidth(value)), n > 0 {
                        options.limit = n
                    } else {
                        problem(line, valueColumn, "“前=”须是正整数，实际为“\(value)”", "如：前=10")
                    }
                default:
                    if ["是", "否", "yes", "no"].contains(value) {
                        options.total = value == "是" || value == "yes"
                    } else {
                        problem(line, valueColumn, "“合计=”须是“是”或“否”", nil)
                    }
                }
            default:
                problem(
                    line, at, "表没有选项“\(key)”",
                    table == .units ? "单位办件表的选项：范围、列、排序、前、合计、标题" : "这张表只能设 标题=")
            }
        }
        if table == .units {
            options.list = options.list ?? TemplateCatalog.lists.first { $0.names[0] == "全部单位" }
            let unitFields = TemplateCatalog.fields(of: .unit)
            let spec = columns ?? ("名称、受理量、办结量", column)
            for (name, offset) in Self.splitList(spec.0) {
                let (path, shift) = Self.path(name)
                if let f = unitFields.first(where: { $0.names.contains(path) }) {
                    if shift != .now && !f.shifts {
                        problem(line, spec.1 + offset, "“\(path)”没有\(shift == .previous ? "上月" : "去年同期")的数", nil)
                    }
                    options.columns.append((name.replacingOccurrences(of: ".", with: ""), f, shift))
                } else {
                    problem(
                        line, spec.1 + offset, "单位没有“\(name)”这一列",
                        Self.nearest(path, unitFields.flatMap(\.names)).map { "是不是“\($0)”？" })
                }
            }
            if let (name, at) = sort {
                if let f = unitFields.first(where: { $0.names.contains(name) }) {
                    options.sort = f
                } else {
                    problem(
                        line, at, "单位没有“\(name)”可排序",
                        Self.nearest(name, unitFields.flatMap(\.names)).map { "是不是“\($0)”？" })
                }
            }
        }
        return .table(table, options)
    }

    mutating func chart(_ text: String, line: Int, column: Int) -> TemplateBlock? {
        guard
            let (chart, words) = named(
                text, line: line, column: column, what: "图", example: "办件趋势图", TemplateCatalog.Chart.allCases,
                names: \.names)
        else { return nil }
        var title: [Piece]?
        for (word, at) in words {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "标题" || parts[0] == "title" else {
                problem(line, at, "图只有“标题=”一个选项，“\(word)”不认识", nil)
                continue
            }
            title = inline(Self.unquoted(parts[1]), line: line, column: at + parts[0].count + 1)
        }
        return .chart(chart, title: title)
    }

    /// `名称、受理量、上月.受理量` into names with their offsets.
    static func splitList(_ text: String) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var current = ""
        var start = 0
        for (i, ch) in text.enumerated() {
            if "、,，".contains(ch) {
                if !current.isEmpty { out.append((current, start)) }
                current = ""
                start = i + 1
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { out.append((current, start)) }
        return out
    }

    // MARK: - Names

    /// `上月.全区办件量` or `全区办件量.上月` into the name and the month it is read for.
    static func path(_ name: String) -> (String, Shift) {
        var shift = Shift.now
        let segments = name.split(separator: ".").map(String.init).filter { s in
            if let sh = Shift.words[s] {
                shift = sh
                return false
            }
            return true
        }
        return (segments.joined(separator: "."), shift)
    }

    /// Full-width digits and letters as half-width.
    static func halfWidth(_ s: String) -> String {
        String(
            s.unicodeScalars.map { u -> Character in
                (0xFF01...0xFF5E).contains(u.value) ? Character(UnicodeScalar(u.value - 0xFEE0)!) : Character(u)
            })
    }

    /// The candidate nearest to a misspelt name, when near enough to suggest.
    static func nearest(_ name: String, _ candidates: [String]) -> String? {
        let a = Array(name)
        guard !a.isEmpty, a.count <= 40 else { return nil }
        var best: (String, Int)?
        for c in Set(candidates) {
            let d = distance(a, Array(c))
            if d < (best?.1 ?? Int.max) || (d == best?.1 && c < best!.0) { best = (c, d) }
        }
        guard let (c, d) = best else { return nil }
        // Two names as near as each other: no guess.
        if Set(candidates).filter({ distance(a, Array($0)) == d }).count > 1
            && !candidates.contains(where: { $0.contains(name) })
        {
            return nil
        }
        return d <= max(1, a.count / 2) || c.contains(name) || name.contains(c) ? c : nil
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where i <= a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let keep = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = keep
            }
        }
        return row[b.count]
    }
}
