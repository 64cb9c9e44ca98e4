import Foundation
import TongbaoCore
import TongbaoOffice

/// A chart: its caption and an SVG drawn by Tongbao (no script, no external asset).
public struct ChartView: Sendable {
    public var title: String
    public var svg: String
    public var data: ChartData
}

/// The bulletin's three charts as SVG. Text is escaped here, so templates may embed the SVG unescaped.
enum Charts {
    static let font = "font-family=\"'Noto Serif CJK SC','Noto Sans CJK SC','Source Han Serif SC',serif\""
    static let colors = ["#c0392b", "#2e6da4", "#8e8e8e"]

    static func hex(_ color: String) -> String { String(color.dropFirst()).uppercased() }

    /// A round axis maximum at or above `v`: 1, 2 or 5 times a power of ten.
    static func niceMax(_ v: Int) -> Int {
        guard v > 0 else { return 1 }
        var p = 1
        while p * 10 <= v { p *= 10 }
        for m in [1, 2, 5, 10] where m * p >= v { return m * p }
        return 10 * p
    }

    static func svg(_ w: Int, _ h: Int, _ title: String, _ body: [String]) -> String {
        ([
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" role=\"img\" aria-label=\"\(XMLText.escape(title))\" \(font) font-size=\"11\">"
        ]
            + body + ["</svg>"]).joined(separator: "\n")
    }

    static func yAxis(_ max: Int, x: Int, top: Int, height: Int, right: Int) -> [String] {
        (0...4).map { i in
            let v = max * i / 4
            let y = top + height - height * i / 4
            return
                "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(right)\" y2=\"\(y)\" stroke=\"#ddd\"/><text x=\"\(x - 4)\" y=\"\(y + 4)\" text-anchor=\"end\">\(v)</text>"
        }
    }

    /// Monthly district totals, a line with points; months without a figure leave a gap.
    static func trend(_ points: [TrendPoint], title: String) -> ChartView {
        let (w, h, left, top, bottom) = (640, 260, 64, 20, 50)
        let plotW = w - left - 16
        let plotH = h - top - bottom
        let maxV = niceMax(points.compactMap(\.total).max() ?? 1)
        let step = points.count > 1 ? Double(plotW) / Double(points.count - 1) : 0
        var body = yAxis(maxV, x: left, top: top, height: plotH, right: w - 16)
        var segment: [String] = []
        func flush() {
            if segment.count > 1 {
                body.append(
                    "<polyline fill=\"none\" stroke=\"\(colors[0])\" stroke-width=\"2\" points=\"\(segment.joined(separator: " "))\"/>"
                )
            }
            segment = []
        }
        for (i, p) in points.enumerated() {
            let x = left + Int(Double(i) * step)
            body.append("<text x=\"\(x)\" y=\"\(h - bottom + 16)\" text-anchor=\"middle\">\(p.period.month)月</text>")
            if p.period.month == 1 || i == 0 {
                body.append("<text x=\"\(x)\" y=\"\(h - bottom + 32)\" text-anchor=\"middle\">\(p.period.year)年</text>")
            }
            guard let v = p.total else {
                flush()
                continue
            }
            let y = top + plotH - plotH * v / maxV
            segment.append("\(x),\(y)")
            body.append(
                "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"3\" fill=\"\(colors[0])\"><title>\(p.period) \(v)件</title></circle>"
            )
            let isolated =
                (i == 0 || points[i - 1].total == nil) && (i == points.count - 1 || points[i + 1].total == nil)
            if i == points.count - 1 || isolated {
                body.append("<text x=\"\(x)\" y=\"\(y - 8)\" text-anchor=\"middle\">\(v)</text>")
            }
        }
        flush()
        let data = ChartData(
            kind: .line, categories: points.map { "\($0.period.year).\($0.period.month)" },
            series: [.init(name: "办件量", values: points.map(\.total), color: hex(colors[0]))], valueLabels: false)
        return ChartView(title: title, svg: svg(w, h, title, body), data: data)
    }

    /// The three tiers, this month beside last month.
    static func tiers(_ tiers: [TierFigure], period: Period, title: String) -> ChartView {
        let (w, h, left, top, bottom) = (640, 260, 64, 30, 40)
        let plotH = h - top - bottom
        let maxV = niceMax(tiers.flatMap { [$0.done, $0.previousDone] }.compactMap { $0 }.max() ?? 1)
        var body = yAxis(maxV, x: left, top: top, height: plotH, right: w - 16)
        let slot = (w - left - 16) / max(tiers.count, 1)
        for (i, t) in tiers.enumerated() {
            let x0 = left + i * slot + slot / 2
            for (j, v) in [t.previousDone, t.done].enumerated() {
                guard let v else { continue }
                let bh = plotH * v / maxV
                let x = x0 - 44 + j * 46
                body.append(
                    "<rect x=\"\(x)\" y=\"\(top + plotH - bh)\" width=\"42\" height=\"\(bh)\" fill=\"\(colors[j == 1 ? 0 : 2])\"/>"
                )
                body.append("<text x=\"\(x + 21)\" y=\"\(top + plotH - bh - 4)\" text-anchor=\"middle\">\(v)</text>")
            }
            body.append(
                "<text x=\"\(x0)\" y=\"\(h - bottom + 18)\" text-anchor=\"middle\">\(XMLText.escape(t.tier.chineseName))</text>"
            )
        }
        let prev = period.previous
        body.append(
            "<rect x=\"\(w - 200)\" y=\"6\" width=\"10\" height=\"10\" fill=\"\(colors[2])\"/><text x=\"\(w - 186)\" y=\"15\">\(prev.month)月</text>"
        )
        body.append(
            "<rect x=\"\(w - 130)\" y=\"6\" width=\"10\" height=\"10\" fill=\"\(colors[0])\"/><text x=\"\(w - 116)\" y=\"15\">\(period.month)月</text>"
        )
        let data = ChartData(
            kind: .column, categories: tiers.map(\.tier.chineseName),
            series: [
                .init(name: "\(prev.month)月", values: tiers.map(\.previousDone), color: hex(colors[2])),
                .init(name: "\(period.month)月", values: tiers.map(\.done), color: hex(colors[0])),
            ], valueLabels: true)
        return ChartView(title: title, svg: svg(w, h, title, body), data: data)
    }

    /// The top departments as horizontal bars.
    static func top(_ units: [NamedCount], title: String) -> ChartView {
        let rowH = 24
        let (w, left, top) = (640, 130, 10)
        let h = top + rowH * units.count + 10
        let maxV = niceMax(units.compactMap(\.count).max() ?? 1)
        var body: [String] = []
        for (i, u) in units.enumerated() {
            let v = u.count ?? 0
            let y = top + i * rowH
            let bw = (w - left - 70) * v / maxV
            body.append("<text x=\"\(left - 6)\" y=\"\(y + 16)\" text-anchor=\"end\">\(XMLText.escape(u.name))</text>")
            body.append(
                "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(bw)\" height=\"16\" fill=\"\(colors[i < 3 ? 0 : 1])\"/>")
            body.append("<text x=\"\(left + bw + 4)\" y=\"\(y + 16)\">\(v)</text>")
        }
        var series = ChartData.Series(name: "办件量", values: units.map(\.count), color: hex(colors[1]))
        for i in units.indices.prefix(3) { series.pointColors[i] = hex(colors[0]) }
        let data = ChartData(kind: .bar, categories: units.map(\.name), series: [series], valueLabels: true)
        return ChartView(title: title, svg: svg(w, h, title, body), data: data)
    }
}
