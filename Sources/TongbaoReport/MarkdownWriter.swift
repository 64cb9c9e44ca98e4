import Foundation

/// Renders a ``BulletinView`` as Markdown: headings, paragraphs and pipe tables (spanning cells are followed by
/// empty cells; a second header row becomes the first body row).
///
/// Every text is escaped: names and work news come from users, and a Markdown file is often turned into HTML, so
/// `<`, `>` and `&` are written as entities and no text can open a tag or a link of its own.
public enum MarkdownWriter {
    public static func render(_ v: BulletinView) -> String {
        var out: [String] = v.notice.map { ["> **\(escape($0))**", ""] } ?? []
        out += ["# \(escape(v.title))", ""]
        if let issue = v.issueLine { out += [escape(issue), ""] }
        let sign = [v.issuer, v.date].compactMap { $0 }
        if !sign.isEmpty { out += [escape(sign.joined(separator: "　")), ""] }
        if let lead = v.lead { out += [escape(lead), ""] }
        for s in v.sections {
            out += ["## \(escape(s.heading))", ""]
            for b in s.blocks {
                if let p = b.paragraph { out += [escape(p), ""] }
                if let c = b.chart { out += ["**\(escape(c.title))**（图见 HTML 版）", ""] }
                if let n = b.note { out += [escape(n), ""] }
                if let t = b.table { out += table(t) + [""] }
            }
        }
        return out.joined(separator: "\n")
    }

    /// A user's text with HTML's three special characters as entities and brackets escaped (no link of its own).
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "[": out += "\\["
            case "]": out += "\\]"
            default: out.append(ch)
            }
        }
        return out
    }

    static func cell(_ c: TableView.Cell) -> String {
        c.covered
            ? "" : escape(c.text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func line(_ r: TableView.Row) -> String {
        "| " + r.cells.map { cell($0) }.joined(separator: " | ") + " |"
    }

    static func table(_ t: TableView) -> [String] {
        guard let first = t.header.first else { return [] }
        var out = [
            "### \(escape(t.title))", "", line(first), "|" + String(repeating: " --- |", count: first.cells.count),
        ]
        // A second header row whose cells are all covered by the first row's spans says nothing.
        out += t.header.dropFirst().filter { $0.cells.contains { !$0.covered && !$0.text.isEmpty } }.map(line)
        out += t.body.map(line)
        if let note = t.note { out += ["", escape(note)] }
        return out
    }
}
