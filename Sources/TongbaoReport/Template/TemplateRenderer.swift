import Foundation
import TongbaoCore

/// Renders parsed template blocks over a bulletin's figures into a ``BulletinView``.
struct TemplateRenderer {
    /// A template cannot make a document larger than this, however its loops nest: steps of work, and characters
    /// of text (a bulletin is some 50,000; tables and charts count by their size).
    static let maxSteps = 200_000
    static let maxCharacters = 2_000_000

    struct TooLarge: Error {}

    let b: Bulletin
    /// The items of the loops around, outermost first, with their turn (from 1).
    var scopes: [(item: Item, serial: Int)] = []
    var steps = 0
    var characters = 0

    var title: String?
    var lead: String?
    var sections: [(heading: String, blocks: [BulletinView.Block])] = []

    init(_ b: Bulletin) { self.b = b }

    mutating func step() throws {
        steps += 1
        if steps > Self.maxSteps { throw TooLarge() }
    }

    /// Counts text written; past ``maxCharacters`` the rendering stops.
    mutating func spend(_ n: Int) throws {
        characters += n
        if characters > Self.maxCharacters {
            steps = Self.maxSteps + 1
            throw TooLarge()
        }
    }

    // MARK: - Blocks

    mutating func render(_ blocks: [TemplateBlock]) throws {
        for block in blocks { try render(block) }
    }

    mutating func render(_ block: TemplateBlock) throws {
        try step()
        switch block {
        case .title(let p): title = try text(of: p)
        case .lead(let p): lead = try text(of: p)
        case .section(let p):
            sections.append(((try text(of: p)) ?? "", []))
        case .paragraph(let p): if let s = try text(of: p) { add(BulletinView.Block(paragraph: s)) }
        case .note(let p): if let s = try text(of: p) { add(BulletinView.Block(note: s)) }
        case .table(let t, let options):
            if let v = try table(t, options) {
                try spend(
                    (v.header + v.body).reduce(v.title.count) { $0 + $1.cells.reduce(0) { $0 + $1.text.count + 1 } })
                add(BulletinView.Block(table: v))
            }
        case .chart(let c, let title):
            if let v = try chart(c, title) {
                try spend(v.svg.count)
                add(BulletinView.Block(chart: v))
            }
        case .when(let c, let yes, let no): try render(try holds(c) ? yes : no)
        case .each(let e, let body):
            guard case .list(_, let items) = try known(e) else { return }
            // 序号 counts the turns that wrote something: a unit left out for a missing figure leaves no gap.
            var written = 0
            for item in items {
                scopes.append((item, written + 1))
                defer { scopes.removeLast() }
                let before = blockCount
                try render(body)
                if blockCount > before { written += 1 }
            }
        }
    }

    /// A line's text, nil when a figure of it is not known or nothing but blanks is left: no empty paragraph.
    mutating func text(of pieces: [Piece]) throws -> String? {
        do {
            let s = try line(pieces)
            return s.trimmingCharacters(in: .whitespaces).isEmpty ? nil : s
        } catch is Absent {
            return nil
        }
    }

    var blockCount: Int { sections.reduce(0) { $0 + $1.blocks.count } }

    mutating func add(_ block: BulletinView.Block) {
        // The parser refuses a template without 【章】; text before the first one opens an untitled section.
        if sections.isEmpty { sections.append(("", [])) }
        sections[sections.count - 1].blocks.append(block)
    }

    // MARK: - Text

    /// A line's text; throws ``Absent`` when a figure outside any `[…]` is not known (the line is left out).
    mutating func line(_ pieces: [Piece]) throws -> String {
        var out = ""
        for p in pieces { out += try text(p) }
        return out
    }

    mutating func text(_ piece: Piece) throws -> String {
        try step()
        switch piece {
        case .text(let s):
            try spend(s.count)
            return s
        case .value(let e):
            let v = try value(e)
            if case .list(_, let items) = v, items.isEmpty { throw Absent() }
            let s = v.printed
            try spend(s.count)
            return s
        case .optional(let inner):
            do { return try line(inner) } catch is Absent { return "" }
        case .when(let c, let yes, let no): return try line(try holds(c) ? yes : no)
        case .each(let e, let separator, let body):
            guard case .list(_, let items) = try value(e) else { throw Absent() }
            var parts: [String] = []
            for item in items {
                scopes.append((item, parts.count + 1))
                defer { scopes.removeLast() }
                // A turn with a figure not known is left out, the others stay (and 序号 has no gap).
                do {
                    parts.append(try line(body))
                } catch is Absent {
                    continue
                }
            }
            if parts.isEmpty { throw Absent() }
            return parts.joined(separator: separator)
        }
    }

    // MARK: - Values

    mutating func value(_ e: Expr) throws -> Value {
        switch e {
        case .figure(let f, let shift):
            guard let v = f.read(b, shift) else { throw Absent() }
            return v
        case .field(let level, let f, let shift):
            guard level < scopes.count, let v = f.read(scopes[level].item, shift) else { throw Absent() }
            return v
        case .serial(let level):
            guard level < scopes.count else { throw Absent() }
            return .number(Decimal(scopes[level].serial), .count)
        case .list(let l): return .list(l.item, l.read(b))
        case .number(let n): return .number(Decimal(n), .count)
        case .text(let pieces): return .text(try line(pieces))
        case .itemField: throw Absent()
        case .call(let h, let args): return try call(h, args)
        }
    }

    /// The value, nil when it is not known (a limit reached still stops everything).
    mutating func known(_ e: Expr) throws -> Value? {
        do { return try value(e) } catch is Absent { return nil }
    }

    func number(_ v: Value) throws -> (Decimal, ValueKind) {
        guard case .number(let d, let k) = v else { throw Absent() }
        return (d, k)
    }

    func items(_ v: Value) throws -> (ItemType, [Item]) {
        guard case .list(let t, let items) = v else { throw Absent() }
        return (t, items)
    }

    mutating func call(_ h: Helper, _ args: [Expr]) throws -> Value {
        switch h {
        case .vsPrevious, .vsLastYear, .vsPreviousPercent, .vsLastYearPercent:
            let previous = h == .vsPrevious || h == .vsPreviousPercent
            let shift: Shift = previous ? .previous : .lastYear
            let (now, kind) = try number(try value(args[0]))
            let (then, _) = try number(try value(Self.shifted(args[0], shift)))
            let label = try args.count > 1 ? value(args[1]).printed : previous ? "上月" : "去年同期"
            return .text(
                Self.comparison(
                    now, then, kind, label: label, percentOnly: h == .vsPreviousPercent || h == .vsLastYearPercent))
        case .share:
            let (part, _) = try number(try value(args[0]))
            let (whole, _) = try number(try value(args[1]))
            guard whole != 0 else { throw Absent() }
            return .number(Self.rounded(part * 100 / whole), .percent)
        case .join:
            let separator = try value(args[0]).printed
            var parts: [String] = []
            for a in args.dropFirst() {
                do {
                    parts.append(try value(a).printed)
                } catch is Absent {
                    continue
                }
            }
            if parts.isEmpty { throw Absent() }
            return .text(parts.joined(separator: separator))
        case .names:
            let (_, items) = try items(try value(args[0]))
            if items.isEmpty { throw Absent() }
            let separator = try args.count > 1 ? value(args[1]).printed : "、"
            return .text(items.map(\.name).joined(separator: separator))
        case .count:
            let (_, items) = try items(try value(args[0]))
            return .number(Decimal(items.count), .count)
        case .first:
            let (t, items) = try items(try value(args[0]))
            let (n, _) = try number(try value(args[1]))
            return .list(t, Array(items.prefix(NSDecimalNumber(decimal: n).intValue)))
        case .sort:
            let (t, items) = try items(try value(args[0]))
            guard case .itemField(let f, let shift) = args[1] else { throw Absent() }
            return .list(t, Self.sorted(items, by: f, shift))
        case .sum:
            let (_, items) = try items(try value(args[0]))
            guard case .itemField(let f, let shift) = args[1] else { throw Absent() }
            let values = items.compactMap { f.read($0, shift) }.compactMap { v -> Decimal? in
                if case .number(let d, _) = v { return d } else { return nil }
            }
            if values.isEmpty { throw Absent() }
            return .number(values.reduce(0, +), f.kind)
        case .fullStop:
            let s = try value(args[0]).printed
            return .text(s.hasSuffix("。") ? s : s + "。")
        }
    }

    /// Largest first; items without the figure last; ties keep the list's order.
    static func sorted(_ items: [Item], by f: TemplateCatalog.Field, _ shift: Shift = .now) -> [Item] {
        let keyed = items.enumerated().map { i, item -> (Int, Decimal?, Item) in
            guard case .number(let d, _)? = f.read(item, shift) else { return (i, nil, item) }
            return (i, d, item)
        }
        return keyed.sorted { a, b in
            switch (a.1, b.1) {
            case (let x?, let y?): return x != y ? x > y : a.0 < b.0
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.0 < b.0
            }
        }.map(\.2)
    }

    static func shifted(_ e: Expr, _ shift: Shift) -> Expr {
        switch e {
        case .figure(let f, _): return .figure(f, shift)
        case .field(let level, let f, _): return .field(level: level, f, shift)
        default: return e
        }
    }

    static func rounded(_ d: Decimal) -> Decimal {
        var v = d
        var r = Decimal()
        NSDecimalRound(&r, &v, 2, .plain)
        return r
    }

    /// 「比上月增加1526件，增长6.04%」「与上月持平」「比上月提高1.1个百分点」「比上月减少0.28天」; with `percentOnly`
    /// 「比上月增加75.42%」.
    static func comparison(_ now: Decimal, _ then: Decimal, _ kind: ValueKind, label: String, percentOnly: Bool)
        -> String
    {
        let delta = rounded(now) - rounded(then)
        if delta == 0 { return "与\(label)持平" }
        let up = delta > 0
        let size = Numbers.rate(up ? delta : -delta)
        switch kind {
        case .percent: return "比\(label)\(up ? "提高" : "下降")\(size)个百分点"
        case .days: return "比\(label)\(up ? "增加" : "减少")\(size)天"
        case .score: return "比\(label)\(up ? "增加" : "减少")\(size)分"
        default:
            let (n, p) = (NSDecimalNumber(decimal: now).intValue, NSDecimalNumber(decimal: then).intValue)
            if percentOnly {
                guard let pct = Numbers.percent(n - p, of: p) else {
                    return "比\(label)\(up ? "增加" : "减少")\(abs(n - p))件"
                }
                return "比\(label)\(up ? "增加" : "减少")\(pct)%"
            }
            return Numbers.comparison(n, from: p, label: label)
        }
    }

    // MARK: - Conditions

    mutating func holds(_ c: Condition) throws -> Bool {
        try step()
        switch c {
        case .has(let e): return try present(e)
        case .hasNot(let e): return try !present(e)
        case .all(let cs):
            for c in cs where !(try holds(c)) { return false }
            return true
        case .any(let cs):
            for c in cs where try holds(c) { return true }
            return false
        case .compare(let l, let op, let r):
            guard let a = try known(l), let b = try known(r) else { return false }
            if case .number(let x, _) = a, case .number(let y, _) = b {
                let (x, y) = (Self.rounded(x), Self.rounded(y))
                switch op {
                case .equal: return x == y
                case .notEqual: return x != y
                case .greater: return x > y
                case .less: return x < y
                case .atLeast: return x >= y
                case .atMost: return x <= y
                }
            }
            switch op {
            case .equal: return a.printed == b.printed
            case .notEqual: return a.printed != b.printed
            default: return false
            }
        }
    }

    /// Known: a figure with a value, a list with an item.
    mutating func present(_ e: Expr) throws -> Bool {
        guard let v = try known(e) else { return false }
        if case .list(_, let items) = v { return !items.isEmpty }
        return true
    }
}
