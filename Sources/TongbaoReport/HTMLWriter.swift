import Foundation

/// Renders a ``BulletinView`` as a print-ready A4 HTML page (Chinese official-document look, system fonts, no
/// external asset). Written directly, not through a template engine (a reflecting engine took 85 ms a bulletin):
/// every text is escaped as Mustache escapes it (`& < > " '`); only Tongbao's own SVG is inserted as it is.
public enum HTMLWriter {
    public static func render(_ v: BulletinView) throws -> String {
        var out = ""
        out.reserveCapacity(64 << 10)
        func text(_ s: String?) { if let s { escape(s, into: &out) } }
        /// `open`, the escaped text and `close` when there is a text; nothing otherwise.
        func element(_ s: String?, _ open: String, _ close: String) {
            guard let s else { return }
            out += open
            escape(s, into: &out)
            out += close
        }
        out += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        text(v.title)
        out += "</title>\n<style>\n" + css + "\n</style>\n</head>\n<body>"
        element(v.notice, "<p class=\"notice\"><strong>", "</strong></p>")
        out += "\n<header>\n<h1>"
        text(v.title)
        out += "</h1>\n"
        element(v.issueLine, "<p class=\"issue\">", "</p>")
        out += "\n<div class=\"sign\"><span>"
        text(v.issuer)
        out += "</span><span>"
        text(v.date)
        out += "</span></div>\n</header>\n"
        element(v.lead, "<p>", "</p>")
        out += "\n"
        for section in v.sections {
            out += "<section>\n<h2>"
            text(section.heading)
            out += "</h2>\n"
            for b in section.blocks {
                element(b.paragraph, "<p>", "</p>")
                out += "\n"
                if let c = b.chart {
                    out += "<figure>" + c.svg + "<figcaption>"
                    text(c.title)
                    out += "</figcaption></figure>"
                }
                out += "\n"
                element(b.note, "<p class=\"note\">", "</p>")
                out += "\n"
                if let t = b.table { table(t, into: &out) }
            }
            out += "</section>\n"
        }
        if v.hasWarnings {
            out += "<aside class=\"warnings\"><strong>数据校验提示（打印时不显示）</strong>\n<ul>"
            for w in v.warnings { element(w, "<li>", "</li>") }
            out += "</ul>\n</aside>\n"
        }
        out += "</body>\n</html>"
        return out
    }

    static func table(_ t: TableView, into out: inout String) {
        out += "<table>\n<caption>"
        escape(t.title, into: &out)
        out += "</caption>\n<thead>\n"
        for row in t.header { Self.row(row, cell: "th", into: &out) }
        out += "</thead>\n<tbody>\n"
        for row in t.body { Self.row(row, cell: "td", into: &out) }
        out += "</tbody>\n</table>\n"
        if let n = t.note {
            out += "<p class=\"note\">"
            escape(n, into: &out)
            out += "</p>"
        }
        out += "\n"
    }

    static func row(_ r: TableView.Row, cell tag: String, into out: inout String) {
        out += r.total && tag == "td" ? "<tr class=\"total\">" : "<tr>"
        for c in r.cells where !c.covered {
            out += "<" + tag
            if let span = c.colspan { out += " colspan=\"\(span)\"" }
            if let span = c.rowspan { out += " rowspan=\"\(span)\"" }
            if c.numeric && tag == "td" { out += " class=\"num\"" }
            out += ">"
            escape(c.text, into: &out)
            out += "</" + tag + ">"
        }
        out += "</tr>\n"
    }

    /// HTML's five special characters as entities, the rest as it is.
    static func escape(_ s: String, into out: inout String) {
        var start = s.utf8.startIndex
        let utf8 = s.utf8
        var i = start
        while i != utf8.endIndex {
            let replacement: String? =
                switch utf8[i] {
                case UInt8(ascii: "&"): "&amp;"
                case UInt8(ascii: "<"): "&lt;"
                case UInt8(ascii: ">"): "&gt;"
                case UInt8(ascii: "\""): "&quot;"
                case UInt8(ascii: "'"): "&#39;"
                default: nil
                }
            if let replacement {
                out += s[start..<i]
                out += replacement
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        out += s[start..<utf8.endIndex]
    }

    static let css = """
        @page { size: A4; margin: 37mm 26mm 35mm 28mm; }
        body { font-family: "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif;
          font-size: 16pt; line-height: 1.75; color: #000; max-width: 160mm; margin: 2em auto; }
        h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC", serif; font-weight: 700;
          color: #c00; text-align: center; font-size: 26pt; letter-spacing: 0.05em; margin: 0 0 0.4em; }
        .issue { text-align: center; margin: 0; }
        .sign { display: flex; justify-content: space-between; border-bottom: 2px solid #c00; padding-bottom: 0.3em;
          margin-bottom: 1em; }
        h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: 700; margin: 1em 0 0.4em;
          break-after: avoid; page-break-after: avoid; }
        p { text-indent: 2em; margin: 0.2em 0; text-align: justify; }
        p.note { font-size: 12pt; text-indent: 0; }
        figure { margin: 0.8em 0; text-align: center; page-break-inside: avoid; }
        figure svg { max-width: 100%; height: auto; }
        figcaption, caption { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 13pt;
          text-align: center; padding: 0.3em; }
        table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 1.4; margin: 0.6em 0; }
        /* A table that fits on a page starts on a new one rather than leave its caption and header behind. */
        table { break-inside: avoid; page-break-inside: avoid; }
        th, td { border: 1px solid #000; padding: 2px 4px; text-align: center; }
        td { white-space: nowrap; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr { page-break-inside: avoid; }
        thead { display: table-header-group; }
        tr.total td { font-weight: 700; }
        .warnings { font-size: 11pt; color: #7a4b00; border: 1px solid #e0c080; padding: 0.5em; }
        @media print { .warnings { display: none; } body { margin: 0; max-width: none; } }
        """
}
