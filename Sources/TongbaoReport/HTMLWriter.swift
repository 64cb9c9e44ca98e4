import Foundation
import Mustache

/// Renders a ``BulletinView`` as a print-ready A4 HTML page (Chinese official-document look, system fonts, no
/// external asset). User text is escaped by Mustache; only Tongbao's own SVG is inserted unescaped.
public enum HTMLWriter {
    public static func render(_ v: BulletinView) throws -> String {
        let template = try MustacheTemplate(string: Self.template)
        return template.render(v)
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

    static let template = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>{{title}}</title>
        <style>
        \(css)
        </style>
        </head>
        <body>{{#notice}}<p class="notice"><strong>{{.}}</strong></p>{{/notice}}
        <header>
        <h1>{{title}}</h1>
        {{#issueLine}}<p class="issue">{{.}}</p>{{/issueLine}}
        <div class="sign"><span>{{issuer}}</span><span>{{date}}</span></div>
        </header>
        {{#lead}}<p>{{.}}</p>{{/lead}}
        {{#sections}}
        <section>
        <h2>{{heading}}</h2>
        {{#blocks}}
        {{#paragraph}}<p>{{.}}</p>{{/paragraph}}
        {{#chart}}<figure>{{{svg}}}<figcaption>{{title}}</figcaption></figure>{{/chart}}
        {{#note}}<p class="note">{{.}}</p>{{/note}}
        {{#table}}
        <table>
        <caption>{{title}}</caption>
        <thead>
        {{#header}}<tr>{{#cells}}{{^covered}}<th{{#colspan}} colspan="{{.}}"{{/colspan}}{{#rowspan}} rowspan="{{.}}"{{/rowspan}}>{{text}}</th>{{/covered}}{{/cells}}</tr>
        {{/header}}
        </thead>
        <tbody>
        {{#body}}<tr{{#total}} class="total"{{/total}}>{{#cells}}{{^covered}}<td{{#colspan}} colspan="{{.}}"{{/colspan}}{{#rowspan}} rowspan="{{.}}"{{/rowspan}}{{#numeric}} class="num"{{/numeric}}>{{text}}</td>{{/covered}}{{/cells}}</tr>
        {{/body}}
        </tbody>
        </table>
        {{#note}}<p class="note">{{.}}</p>{{/note}}
        {{/table}}
        {{/blocks}}
        </section>
        {{/sections}}
        {{#hasWarnings}}
        <aside class="warnings"><strong>数据校验提示（打印时不显示）</strong>
        <ul>{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul>
        </aside>
        {{/hasWarnings}}
        </body>
        </html>
        """
}
