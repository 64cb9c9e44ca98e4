import Foundation

/// Renders a ``BulletinView`` as Markdown: headings, paragraphs and pipe tables (spanning cells are followed by
/// empty cells; a second header row becomes the first body row).
public enum MarkdownWriter {
    public static func render(_ v: BulletinView) -> String {
        var out: [String] = v.notice.map { ["> **\($0)**", ""] } ?? []
        out += ["# \(v.title)", ""]
        if let issue = v.issueLine { out += [issue, ""] }
        let sign = [v.issuer, v.date].compactMap { $0 }
        if !sign.isEmpty { out += [sign.joined(separator: "　"), ""] }
        if let lead = v.lead { out += [lead, ""] }
        for s in v.sections {
            out += ["## \(s.heading)", ""]
            for b in s.blocks {
                if let p = b.paragraph { out += [p, ""] }
                if let c = b.chart { out += ["**\(c.title)**（图见 HTML 版）", ""] }
                if let n = b.note { out += [n, ""] }
                if let t = b.table { out += table(t) + [""] }
            }
        }
        return out.joined(separator: "\n")
    }

    static func cell(_ c: TableView.Cell) -> String {
        c.covered ? "" : c.text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func line(_ r: TableView.Row) -> String {
        "| " + r.cells.map { cell($0) }.joined(separator: " | ") + " |"
    }

    static func table(_ t: TableView) -> [String] {
        guard let first = t.header.first else { return [] }
        var out = ["### \(t.title)", "", line(first), "|" + String(repeating: " --- |", count: first.cells.count)]
        // A second header row whose cells are all covered by the first row's spans says nothing.
        out += t.header.dropFirst().filter { $0.cells.contains { !$0.covered && !$0.text.isEmpty } }.map(line)
        out += t.body.map(line)
        if let note = t.note { out += ["", note] }
        return out
    }
}
