import Foundation
import TongbaoCore

/// Text with figures: `{…}`, `[…]`, `{如果 …}…{结束}`, `{逐个 …}…{结束}`, and expressions inside braces.
extension TemplateParser {
    /// Where a run of pieces stopped.
    enum Stop { case end, bracket, otherwise, finish }

    struct Cursor {
        var chars: [Character]
        var pos = 0
        var line: Int
        var column: Int
        var column0: Int { column + pos }
    }

    mutating func inline(_ text: String, line: Int, column: Int) -> [Piece] {
        var c = Cursor(chars: Array(text), line: line, column: column)
        return self.pieces(&c, allowed: []).0
    }

    mutating func pieces(_ c: inout Cursor, allowed: Set<Stop>) -> ([Piece], Stop) {
        var out: [Piece] = []
        var text = ""
        func flush() {
            if !text.isEmpty { out.append(.text(text)) }
            text = ""
        }
        while c.pos < c.chars.count {
            let ch = c.chars[c.pos]
            let at = c.column0
            switch ch {
            case "\\" where c.pos + 1 < c.chars.count:
                text.append(c.chars[c.pos + 1])
                c.pos += 2
            case "[", "［":
                flush()
                c.pos += 1
                if !enter(c.line) { return (out, .end) }
                let (inner, stop) = pieces(&c, allowed: [.bracket])
                depth -= 1
                if stop != .bracket { problem(c.line, at, "“[”没有配对的“]”", "可省略的部分写在一对 [ ] 中") }
                out.append(.optional(inner))
            case "]", "］":
                c.pos += 1
                if allowed.contains(.bracket) {
                    flush()
                    return (out, .bracket)
                }
                problem(c.line, at, "多余的“]”", "要写方括号本身，请写 \\]")
            case "}", "｝":
                c.pos += 1
                problem(c.line, at, "多余的“}”", "要写花括号本身，请写 \\}")
            case "【" where Self.holdsFigure(c.chars, from: c.pos):
                problem(
                    c.line, at, "段落中的【……】会原样印出，其中的 { } 却要填数",
                    "可省略的部分请用方括号 [ ]（中文输入法下按 [ 会打出“【”，请切换到英文标点或写 ［ ］）")
                c.pos += 1
            case "{", "｛":
                flush()
                guard let end = Self.closingBrace(c.chars, from: c.pos) else {
                    problem(c.line, at, "“{”没有配对的“}”", "数字和函数写在一对 { } 中，如 {全区办件量}")
                    c.pos = c.chars.count
                    continue
                }
                let inside = String(c.chars[(c.pos + 1)..<end])
                let insideColumn = at + 1
                c.pos = end + 1
                let trimmed = inside.trimmingCharacters(in: .whitespaces)
                let word = String(trimmed.prefix { !$0.isWhitespace })
                switch word {
                case "否则", "else":
                    if allowed.contains(.otherwise) { return (out, .otherwise) }
                    problem(c.line, at, "{否则}前面没有{如果}", "写作：{如果 条件}……{否则}……{结束}")
                case "结束", "end":
                    if allowed.contains(.finish) { return (out, .finish) }
                    problem(c.line, at, "多余的{结束}", "{结束}只用来结束{如果}或{逐个}")
                case let w where w.hasPrefix("如果") || w == "if":
                    let rest = String(trimmed.dropFirst(2))
                    let condition = self.condition(rest, line: c.line, column: insideColumn + 2)
                    if !enter(c.line) { return (out, .end) }
                    let (yes, stop) = pieces(&c, allowed: [.otherwise, .finish])
                    var no: [Piece] = []
                    if stop == .otherwise {
                        let (other, last) = pieces(&c, allowed: [.finish])
                        no = other
                        if last != .finish { problem(c.line, at, "{如果}没有配对的{结束}", "在这段文字之后写 {结束}") }
                    } else if stop != .finish {
                        problem(c.line, at, "{如果}没有配对的{结束}", "在这段文字之后写 {结束}")
                    }
                    depth -= 1
                    out.append(.when(condition ?? .all([]), yes, no))
                case let w where w.hasPrefix("逐个") || w.hasPrefix("每个") || w == "each":
                    var rest = String(trimmed.dropFirst(w == "each" ? 4 : 2))
                    var separator = ""
                    if let use = Self.separatorClause(rest) {
                        separator = use.separator
                        rest = use.list
                    }
                    let list = listExpr(rest, line: c.line, column: insideColumn + 2)
                    if !enter(c.line) { return (out, .end) }
                    if let (_, type) = list { loops.append(type) }
                    let (body, stop) = pieces(&c, allowed: [.finish])
                    if list != nil { loops.removeLast() }
                    depth -= 1
                    if stop != .finish { problem(c.line, at, "{逐个}没有配对的{结束}", "在每一项的文字之后写 {结束}") }
                    if let (e, _) = list { out.append(.each(e, separator: separator, body)) }
                default:
                    if trimmed.isEmpty {
                        problem(c.line, at, "空的{ }", "在花括号中写数字的名称，如 {全区办件量}")
                    } else if let e = expression(inside, line: c.line, column: insideColumn) {
                        out.append(.value(e.0))
                    }
                }
            default:
                text.append(ch)
                c.pos += 1
            }
        }
        flush()
        return (out, .end)
    }

    /// The index of the `}` closing the `{` at `start`, skipping quoted text (which may hold braces of its own).
    static func closingBrace(_ chars: [Character], from start: Int) -> Int? {
        var depth = 0
        var curly = 0
        var plain = false
        var i = start
        while i < chars.count {
            let ch = chars[i]
            if ch == "\\" {
                i += 2
                continue
            }
            if ch == "“" {
                curly += 1
            } else if ch == "”" {
                curly = max(0, curly - 1)
            } else if ch == "\"" {
                plain.toggle()
            } else if curly == 0 && !plain {
                if ch == "{" || ch == "｛" { depth += 1 }
                if ch == "}" || ch == "｝" {
                    depth -= 1
                    if depth == 0 { return i }
                }
            }
            i += 1
        }
        // An unpaired quote: the first `}` closes, and the expression's reader names the quote.
        return chars[(start + 1)...].firstIndex { $0 == "}" || $0 == "｝" }
    }

    /// Whether the `【` at `start` opens a bracket, closed on the same line, with a figure in it.
    static func holdsFigure(_ chars: [Character], from start: Int) -> Bool {
        guard let end = chars[start...].firstIndex(of: "】") else { return false }
        return chars[start..<end].contains { $0 == "{" || $0 == "｛" }
    }

    /// `LIST 用“、”`: the list and the separator.
    static func separatorClause(_ text: String) -> (list: String, separator: String)? {
        guard let use = text.range(of: "用", options: .backwards) else { return nil }
        let tail = text[use.upperBound...].trimmingCharacters(in: .whitespaces)
        guard tail.count >= 2, (tail.first == "“" && tail.last == "”") || (tail.first == "\"" && tail.last == "\"")
        else {
            return nil
        }
        return (String(text[..<use.lowerBound]), String(tail.dropFirst().dropLast()))
    }

    // MARK: - Expressions

    /// A word of an expression with the column it starts at.
    enum Token: Equatable {
        case word(String)
        case number(Int)
        case quoted(String)
        case open, close, comma
        case compare(Comparison)
    }

    static let delimiters: Set<Character> = [
        "(", ")", "（", "）", ",", "，", "、", "“", "”", "\"", "=", "＝", "<", ">", "＜", "＞", "≠", "≥", "≤", "!",
    ]

    mutating func tokens(_ text: String, line: Int, column: Int) -> [(Token, Int)]? {
        let chars = Array(text)
        var out: [(Token, Int)] = []
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            let at = column + i
            if ch.isWhitespace || ch == "　" {
                i += 1
            } else if ch == "(" || ch == "（" {
                out.append((.open, at))
                i += 1
            } else if ch == ")" || ch == "）" {
                out.append((.close, at))
                i += 1
            } else if ch == "," || ch == "，" || ch == "、" {
                out.append((.comma, at))
                i += 1
            } else if ch == "“" || ch == "\"" {
                var depth = 1
                var j = i + 1
                var body = ""
                while j < chars.count {
                    let d = chars[j]
                    if ch == "“" && d == "“" { depth += 1 }
                    if (ch == "“" && d == "”") || (ch == "\"" && d == "\"") {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    body.append(d)
                    j += 1
                }
                guard j < chars.count else {
                    problem(line, at, "引号没有配对", "文字写在一对引号中，如 “；”")
                    return nil
                }
                out.append((.quoted(body), at))
                i = j + 1
            } else if "=＝<>＜＞≠≥≤!".contains(ch) {
                var op = String(ch)
                if i + 1 < chars.count, "=>".contains(chars[i + 1]) { op.append(chars[i + 1]) }
                guard let c = Comparison.spellings[op] else {
                    problem(line, at, "不认识的比较符“\(op)”", "可用：=、≠、>、<、≥、≤")
                    return nil
                }
                out.append((.compare(c), at))
                i += op.count
            } else {
                var word = ""
                while i < chars.count, !Self.delimiters.contains(chars[i]), !chars[i].isWhitespace, chars[i] != "　" {
                    word.append(chars[i])
                    i += 1
                }
                let digits = Self.halfWidth(word)
                if let n = Int(digits), digits.allSatisfy(\.isASCII) {
                    out.append((.number(n), at))
                } else {
                    out.append((.word(word), at))
                }
            }
        }
        return out
    }

    /// One expression filling the whole of `text`.
    mutating func expression(_ text: String, line: Int, column: Int) -> (Expr, ValueKind)? {
        guard let tokens = tokens(text, line: line, column: column) else { return nil }
        var i = 0
        guard let e = expression(tokens, &i, line: line) else { return nil }
        if i < tokens.count {
            problem(line, tokens[i].1, "多余的内容", "一对 { } 中只写一个数字或一个函数")
            return nil
        }
        return e
    }

    mutating func expression(_ tokens: [(Token, Int)], _ i: inout Int, line: Int, fieldOf: ItemType? = nil)
        -> (Expr, ValueKind)?
    {
        guard i < tokens.count else {
            problem(line, tokens.last.map { $0.1 + 1 } ?? 1, "缺少数字或名称", nil)
            return nil
        }
        let (token, at) = tokens[i]
        i += 1
        switch token {
        case .number(let n): return (.number(n), .count)
        case .quoted(let body):
            var c = Cursor(chars: Array(body), line: line, column: at + 1)
            if !enter(line) { return nil }
            let (pieces, _) = self.pieces(&c, allowed: [])
            depth -= 1
            return (.text(pieces), .text)
        case .word(let word):
            if i < tokens.count, tokens[i].0 == .open {
                i += 1
                // Calls nest like brackets: bounded, so no template can exhaust the stack.
                if !enter(line) { return nil }
                defer { depth -= 1 }
                return call(word, at: at, tokens, &i, line: line)
            }
            if let type = fieldOf {
                let fields = TemplateCatalog.fields(of: type)
                let (path, shift) = Self.path(word)
                guard let f = fields.first(where: { $0.names.contains(path) }) else {
                    problem(
                        line, at, "\(type.label)没有“\(path)”",
                        Self.nearest(path, fields.flatMap(\.names)).map { "是不是“\($0)”？" })
                    return nil
                }
                if shift != .now && !f.shifts {
                    problem(line, at, "“\(path)”没有\(shift == .previous ? "上月" : "去年同期")的数")
                    return nil
                }
                return (.itemField(f, shift), f.kind)
            }
            return name(word, at: at, line: line)
        default:
            problem(line, at, "这里应是数字、名称或函数", nil)
            return nil
        }
    }

    /// A figure, a list or a field of the item of a loop around.
    mutating func name(_ word: String, at: Int, line: Int) -> (Expr, ValueKind)? {
        let (path, shift) = Self.path(word)
        if path == "序号" || path == "index" {
            guard !loops.isEmpty else {
                problem(line, at, "“序号”只能用在{逐个}或【逐个】之中", nil)
                return nil
            }
            return (.serial(level: loops.count - 1), .count)
        }
        func shifted(_ shifts: Bool) -> Bool {
            if shift != .now && !shifts {
                problem(line, at, "“\(path)”没有\(shift == .previous ? "上月" : "去年同期")的数", "只有可比较的数字才能加“上月.”或“去年同期.”")
                return false
            }
            return true
        }
        for level in loops.indices.reversed() {
            if let f = TemplateCatalog.fields(of: loops[level]).first(where: { $0.names.contains(path) }) {
                return shifted(f.shifts) ? (.field(level: level, f, shift), f.kind) : nil
            }
        }
        if let f = TemplateCatalog.figures.first(where: { $0.names.contains(path) }) {
            return shifted(f.shifts) ? (.figure(f, shift), f.kind) : nil
        }
        if let l = TemplateCatalog.lists.first(where: { $0.names.contains(path) }) {
            return shifted(false) ? (.list(l), .list(l.item)) : nil
        }
        if Helper.allCases.contains(where: { $0.names.contains(path) }) {
            problem(line, at, "“\(path)”是函数，缺少括号", "写作 \(Helper.allCases.first { $0.names.contains(path) }!.usage)")
            return nil
        }
        let shown = path.count > 40 ? path.prefix(40) + "…" : path
        guard problems.count < Self.maxProblems else {
            problem(line, at, "未知的名称“\(shown)”")
            return nil
        }
        let visible = loops.flatMap { TemplateCatalog.fields(of: $0).flatMap(\.names) } + TemplateCatalog.allFigureNames
        let inLoop =
            loops.isEmpty
            && (TemplateCatalog.nameField.names.contains(path)
                || TemplateCatalog.fields.values.contains { $0.contains { $0.names.contains(path) } })
        let hint =
            inLoop
            ? "“\(path)”是名单中每一项的数，只能用在{逐个}之中"
            : Self.nearest(path, visible).map { "是不是“\($0)”？" } ?? "docs/templates.md 列出了全部可用的名称"
        problem(line, at, "未知的名称“\(shown)”", hint)
        return nil
    }

    mutating func call(_ word: String, at: Int, _ tokens: [(Token, Int)], _ i: inout Int, line: Int)
        -> (Expr, ValueKind)?
    {
        guard let helper = Helper.allCases.first(where: { $0.names.contains(word) }) else {
            problem(
                line, at, "未知的函数“\(word)”",
                Self.nearest(word, Helper.allCases.flatMap(\.names)).map { "是不是“\($0)”？" }
                    ?? "可用的函数：" + Helper.allCases.map { $0.names[0] }.joined(separator: "、"))
            return nil
        }
        var args: [(Expr, ValueKind, Int)] = []
        var failed = false
        if i < tokens.count, tokens[i].0 == .close {
            i += 1
        } else {
            while true {
                let start = i < tokens.count ? tokens[i].1 : at
                // The second argument of 排序 and 合计 is a field of the list's items.
                var fieldOf: ItemType?
                if [.sort, .sum].contains(helper), args.count == 1, case .list(let t) = args[0].1 { fieldOf = t }
                if let (e, k) = expression(tokens, &i, line: line, fieldOf: fieldOf) {
                    args.append((e, k, start))
                } else {
                    failed = true
                }
                guard i < tokens.count else {
                    problem(line, at, "函数“\(word)”缺少右括号", "写作 \(helper.usage)")
                    return nil
                }
                let (t, _) = tokens[i]
                i += 1
                if t == .close { break }
                if t != .comma {
                    problem(line, tokens[i - 1].1, "函数的参数之间应以逗号分隔", "写作 \(helper.usage)")
                    return nil
                }
            }
        }
        if failed { return nil }
        return check(helper, args, at: at, line: line)
    }

    /// Arity and argument kinds of a helper call; the kind of its result.
    mutating func check(_ h: Helper, _ args: [(Expr, ValueKind, Int)], at: Int, line: Int) -> (Expr, ValueKind)? {
        let exprs = args.map(\.0)
        func wrong(_ why: String, _ column: Int? = nil) -> (Expr, ValueKind)? {
            problem(line, column ?? at, "函数“\(h.names[0])”\(why)", "写作 \(h.usage)")
            return nil
        }
        func count(_ range: ClosedRange<Int>) -> Bool { range.contains(args.count) }
        switch h {
        case .vsPrevious, .vsLastYear, .vsPreviousPercent, .vsLastYearPercent:
            guard count(1...2) else { return wrong("需要 1 或 2 个参数，实际为 \(args.count) 个") }
            let shifts: Bool
            switch args[0].0 {
            case .figure(let f, .now): shifts = f.shifts && f.kind.isNumber
            case .field(_, let f, .now): shifts = f.shifts && f.kind.isNumber
            default: shifts = false
            }
            guard shifts else { return wrong("的第1个参数须是有上月和去年同期数的数字（如 全区办件量、受理量、满意率）", args[0].2) }
            if args.count == 2, args[1].1 != .text { return wrong("的第2个参数须是文字，如 “6月” 或 {上月名}", args[1].2) }
            return (.call(h, exprs), .text)
        case .share:
            guard count(2...2) else { return wrong("需要 2 个参数，实际为 \(args.count) 个") }
            for a in args where !a.1.isNumber { return wrong("的参数须是数字", a.2) }
            return (.call(h, exprs), .percent)
        case .join:
            guard args.count >= 2 else { return wrong("至少需要 2 个参数：分隔符和要连接的文字") }
            guard args[0].1 == .text else { return wrong("的第1个参数须是分隔符，如 “；”", args[0].2) }
            for a in args.dropFirst() {
                if case .list = a.1 { return wrong("连接的是文字或数字，名单请用 名单(…)", a.2) }
            }
            return (.call(h, exprs), .text)
        case .names:
            guard count(1...2) else { return wrong("需要 1 或 2 个参数，实际为 \(args.count) 个") }
            guard case .list = args[0].1 else { return wrong("的第1个参数须是名单，如 未报送单位", args[0].2) }
            if args.count == 2, args[1].1 != .text { return wrong("的第2个参数须是分隔符，如 “，”", args[1].2) }
            return (.call(h, exprs), .text)
        case .count:
            guard count(1...1) else { return wrong("需要 1 个参数，实际为 \(args.count) 个") }
            guard case .list = args[0].1 else { return wrong("的参数须是名单，如 无业务单位", args[0].2) }
            return (.call(h, exprs), .count)
        case .first:
            guard count(2...2) else { return wrong("需要 2 个参数，实际为 \(args.count) 个") }
            guard case .list = args[0].1 else { return wrong("的第1个参数须是名单", args[0].2) }
            guard case .number(let n) = args[1].0, n > 0 else { return wrong("的第2个参数须是正整数，如 10", args[1].2) }
            return (.call(h, exprs), args[0].1)
        case .sort, .sum:
            guard count(2...2) else { return wrong("需要 2 个参数，实际为 \(args.count) 个") }
            guard case .list = args[0].1 else { return wrong("的第1个参数须是名单", args[0].2) }
            guard case .itemField(let f, _) = args[1].0, f.kind.isNumber else {
                return wrong("的第2个参数须是名单中每一项的数字，如 受理量", args[1].2)
            }
            return (.call(h, exprs), h == .sort ? args[0].1 : f.kind)
        case .fullStop:
            guard count(1...1) else { return wrong("需要 1 个参数，实际为 \(args.count) 个") }
            if case .list = args[0].1 { return wrong("的参数须是文字", args[0].2) }
            return (.call(h, exprs), .text)
        }
    }

    /// `全部单位` or `排序(全部单位, 受理量)`: an expression that must be a list.
    mutating func listExpr(_ text: String, line: Int, column: Int) -> (Expr, ItemType)? {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            problem(line, column, "缺少名单", "如：逐个 镇街各单位")
            return nil
        }
        guard let (e, kind) = expression(text, line: line, column: column) else { return nil }
        guard case .list(let type) = kind else {
            problem(
                line, column, "“\(text.trimmingCharacters(in: .whitespaces))”不是名单，不能逐个列出", "可逐个列出的如：三级中心、镇街各单位、工作动态")
            return nil
        }
        return (e, type)
    }

    // MARK: - Conditions

    /// `有 X`, `没有 X`, `X = 0`, joined by 并且 or 或者.
    mutating func condition(_ text: String, line: Int, column: Int) -> Condition? {
        guard let tokens = tokens(text, line: line, column: column) else { return nil }
        guard !tokens.isEmpty else {
            problem(line, column, "【如果】后面缺少条件", "如：如果 有 未报送单位、如果 超时办结件 = 0")
            return nil
        }
        var groups: [[(Token, Int)]] = [[]]
        var joiner: String?
        for t in tokens {
            if case .word(let w) = t.0, w == "并且" || w == "或者" || w == "and" || w == "or" {
                let j = (w == "并且" || w == "and") ? "并且" : "或者"
                if let joiner, joiner != j {
                    problem(line, t.1, "一个条件中不能同时用“并且”和“或者”", "拆成两层【如果】")
                    return nil
                }
                joiner = j
                groups.append([])
            } else {
                groups[groups.count - 1].append(t)
            }
        }
        var parts: [Condition] = []
        for g in groups {
            guard let c = term(g, line: line, column: column) else { return nil }
            parts.append(c)
        }
        return parts.count == 1 ? parts[0] : joiner == "或者" ? .any(parts) : .all(parts)
    }

    mutating func term(_ tokens: [(Token, Int)], line: Int, column: Int) -> Condition? {
        guard var first = tokens.first else {
            problem(line, column, "条件不完整", "如：有 未报送单位")
            return nil
        }
        var rest = Array(tokens.dropFirst())
        var negate: Bool?
        if case .word(let w) = first.0 {
            for (prefix, no) in [("没有", true), ("有", false), ("无", true)] where negate == nil {
                if w == prefix {
                    guard let next = rest.first else {
                        problem(line, first.1, "“\(w)”后面缺少名称", "如：\(w) 未报送单位")
                        return nil
                    }
                    negate = no
                    first = next
                    rest.removeFirst()
                } else if w.hasPrefix(prefix), Self.isKnownName(String(w.dropFirst(prefix.count))), !Self.isKnownName(w)
                {
                    negate = no
                    first = (.word(String(w.dropFirst(prefix.count))), first.1 + prefix.count)
                }
            }
        }
        var i = 0
        let all = [first] + rest
        guard let (left, leftKind) = expression(all, &i, line: line) else { return nil }
        if let negate {
            if i < all.count { problem(line, all[i].1, "“有”“没有”之后只写一个名称", nil) }
            return negate ? .hasNot(left) : .has(left)
        }
        guard i < all.count else { return .has(left) }
        guard case .compare(let op) = all[i].0 else {
            problem(line, all[i].1, "这里应是比较符", "可用：=、≠、>、<、≥、≤")
            return nil
        }
        i += 1
        guard let (right, rightKind) = expression(all, &i, line: line) else { return nil }
        if i < all.count { problem(line, all[i].1, "条件中多余的内容", nil) }
        if leftKind.isNumber != rightKind.isNumber
            || { if case .list = leftKind { return true } else { return false } }()
        {
            problem(line, all[0].1, "只能比较两个数字或两段文字", "名单请用“有 名单”或“个数(名单) > 0”")
            return nil
        }
        return .compare(left, op, right)
    }

    static func isKnownName(_ word: String) -> Bool {
        let (path, _) = path(word)
        return TemplateCatalog.allFigureNames.contains(path)
            || TemplateCatalog.fields.values.contains { $0.contains { $0.names.contains(path) } }
            || ["名称", "name", "序号", "index"].contains(path)
    }
}
