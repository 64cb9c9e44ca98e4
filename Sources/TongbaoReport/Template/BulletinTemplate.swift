import Foundation
import TongbaoCore

/// A bulletin's structure and wording as text an office edits (docs/templates.md): sections, sentences with named
/// figures and helpers, and the tables and charts to print. Parsed and checked when made: a template with a
/// mistake is refused before anything renders.
public struct BulletinTemplate: Sendable {
    public var name: String
    public var version: Int
    public var text: String
    let blocks: [TemplateBlock]

    public init(name: String, version: Int, text: String) throws(TemplateErrors) {
        self.name = name
        self.version = version
        self.text = text
        self.blocks = try TemplateParser.parse(text)
    }

    public var stamp: TemplateStamp { TemplateStamp(name: name, version: version) }

    /// The bulletin as sections of text, tables and charts. Title and lead come from the template when it has
    /// them; issue, issuer, date, warnings and the notice of units not reported always come from the data.
    public func view(_ b: Bulletin) throws -> BulletinView {
        var r = TemplateRenderer(b)
        do {
            try r.render(blocks)
            if r.steps > TemplateRenderer.maxSteps { throw TemplateRenderer.TooLarge() }
        } catch is TemplateRenderer.TooLarge {
            throw TemplateErrors(problems: [
                TemplateProblem(
                    line: 1, column: 1,
                    message: "模板生成的内容过多（超过 \(TemplateRenderer.maxSteps) 步或 \(TemplateRenderer.maxCharacters) 字）",
                    suggestion: "检查【逐个】是否嵌套了很长的名单，或在循环中写了很长的文字")
            ])
        }
        var stamped = b
        stamped.template = stamp
        if let title = r.title { stamped.title = title }
        var view = BulletinView(b, title: r.title, lead: r.lead)
        view.source = stamped
        view.figures = figures(b)
        view.sections = r.sections.filter { !$0.blocks.isEmpty }.enumerated().map { i, s in
            BulletinView.Section(heading: "\(Self.numeral(i + 1))、\(s.heading)", blocks: s.blocks)
        }
        return view
    }

    /// Every name a template may use, each in its first (Chinese) spelling: figures, lists, fields of items,
    /// helpers, tables and charts (docs/templates.md lists them all).
    public static var vocabulary: [String] {
        TemplateCatalog.figures.map { $0.names[0] } + TemplateCatalog.lists.map { $0.names[0] }
            + TemplateCatalog.fields.values.flatMap { $0.map { $0.names[0] } } + Helper.allCases.map { $0.names[0] }
            + TemplateCatalog.Table.allCases.map { $0.names[0] } + TemplateCatalog.Chart.allCases.map { $0.names[0] }
    }

    /// Chinese numerals for section headings: 一 … 十, 十一 … 九十九.
    static func numeral(_ n: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        if n < 10 { return digits[n] }
        if n < 100 { return (n / 10 == 1 ? "" : digits[n / 10]) + "十" + (n % 10 == 0 ? "" : digits[n % 10]) }
        return "\(n)"
    }

    /// Every figure the template names, in order of first use: the Excel 概况 sheet lists them with their values.
    public func figures(_ b: Bulletin) -> [(name: String, value: String)] {
        var seen: [String] = []
        var out: [(String, String)] = []
        func visit(_ e: Expr) {
            switch e {
            case .figure(let f, let shift):
                let name = (shift == .previous ? "上月." : shift == .lastYear ? "去年同期." : "") + f.names[0]
                if !seen.contains(name), let v = f.read(b, shift) {
                    seen.append(name)
                    out.append((name, v.printed))
                }
            case .text(let pieces): pieces.forEach(visit)
            case .call(let h, let args):
                args.forEach(visit)
                // A comparison reads its figure of last month or last year too.
                if [.vsPrevious, .vsPreviousPercent].contains(h), let first = args.first {
                    visit(TemplateRenderer.shifted(first, .previous))
                } else if [.vsLastYear, .vsLastYearPercent].contains(h), let first = args.first {
                    visit(TemplateRenderer.shifted(first, .lastYear))
                }
            default: break
            }
        }
        func visit(_ p: Piece) {
            switch p {
            case .value(let e): visit(e)
            case .optional(let ps): ps.forEach(visit)
            case .when(let c, let a, let d):
                visit(c)
                a.forEach(visit)
                d.forEach(visit)
            case .each(let e, _, let ps):
                visit(e)
                ps.forEach(visit)
            case .text: break
            }
        }
        func visit(_ c: Condition) {
            switch c {
            case .has(let e), .hasNot(let e): visit(e)
            case .compare(let l, _, let r):
                visit(l)
                visit(r)
            case .all(let cs), .any(let cs): cs.forEach(visit)
            }
        }
        func visit(_ block: TemplateBlock) {
            switch block {
            case .title(let p), .lead(let p), .section(let p), .paragraph(let p), .note(let p): p.forEach(visit)
            case .table(_, let o): o.title?.forEach(visit)
            case .chart(_, let t): t?.forEach(visit)
            case .when(let c, let a, let d):
                visit(c)
                a.forEach(visit)
                d.forEach(visit)
            case .each(let e, let body):
                visit(e)
                body.forEach(visit)
            }
        }
        blocks.forEach(visit)
        return out
    }
}

/// What a saved template may be: its size and its name.
public enum TemplateLimits {
    /// The text as it is kept: lines ended by LF (a Windows copy is the same template), no blank lines at the end.
    public static func normalized(_ text: String) -> String {
        var lines = text.replacingOccurrences(of: "\u{FEFF}", with: "").split(
            omittingEmptySubsequences: false, whereSeparator: \.isNewline
        ).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    public static let maxBytes = TemplateParser.maxBytes

    /// Why a template name cannot be used, nil when it can: 1 to 40 characters, nothing invisible, no blanks at
    /// either end.
    public static func nameProblem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.count > 40 { return "模板名称不能为空，且不超过 40 个字" }
        let invisible: Set<Unicode.GeneralCategory> = [.control, .format, .lineSeparator, .paragraphSeparator]
        if name.unicodeScalars.contains(where: {
            invisible.contains($0.properties.generalCategory) || $0.properties.isDefaultIgnorableCodePoint
        }) {
            return "模板名称不能含控制字符或看不见的字符（如零宽空格、换行、文字方向符）"
        }
        if trimmed != name { return "模板名称的首尾不能是空格" }
        if BulletinTemplate.shipped.contains(where: { $0.name == name }) {
            return "“\(name)”是系统自带模板的名称，请另取一个名称保存"
        }
        return nil
    }
}
