import Foundation
import TongbaoOffice

/// A ``ChartData`` as a native DrawingML chart part (`word/charts/chartN.xml`): Word and LibreOffice draw it
/// from the cached values and let a clerk restyle it. LibreOffice 7.4 ignores SVG inside a .docx.
enum DOCXChart {
    static let namespaces =
        "xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

    static func xml(_ d: ChartData) -> String {
        let (categoryAxis, valueAxis) = (1001, 1002)
        var plot = ""
        switch d.kind {
        case .line:
            plot += "<c:lineChart><c:grouping val=\"standard\"/><c:varyColors val=\"0\"/>"
            plot += d.series.enumerated().map { series($0.offset, $0.element, d) }.joined()
            plot += "<c:marker val=\"1\"/>"
        case .column, .bar:
            plot += "<c:barChart><c:barDir val=\"\(d.kind == .bar ? "bar" : "col")\"/><c:grouping val=\"clustered\"/>"
            plot +=
                "<c:varyColors val=\"0\"/>" + d.series.enumerated().map { series($0.offset, $0.element, d) }.joined()
            plot += "<c:gapWidth val=\"60\"/>"
        }
        plot += "<c:axId val=\"\(categoryAxis)\"/><c:axId val=\"\(valueAxis)\"/>"
        plot += d.kind == .line ? "</c:lineChart>" : "</c:barChart>"
        // Horizontal bars list the first category on top: the category axis runs backwards and the value axis
        // crosses it at its far end, so it stays at the bottom.
        let horizontal = d.kind == .bar
        plot +=
            "<c:catAx><c:axId val=\"\(categoryAxis)\"/><c:scaling><c:orientation val=\"\(horizontal ? "maxMin" : "minMax")\"/></c:scaling>"
            + "<c:delete val=\"0\"/><c:axPos val=\"\(horizontal ? "l" : "b")\"/><c:numFmt formatCode=\"General\" sourceLinked=\"0\"/>"
            + "<c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/>"
            + "<c:crossAx val=\"\(valueAxis)\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/>"
            + "<c:lblOffset val=\"100\"/><c:noMultiLvlLbl val=\"0\"/></c:catAx>"
        plot +=
            "<c:valAx><c:axId val=\"\(valueAxis)\"/><c:scaling><c:orientation val=\"minMax\"/><c:min val=\"0\"/></c:scaling>"
            + "<c:delete val=\"\(horizontal ? 1 : 0)\"/><c:axPos val=\"\(horizontal ? "b" : "l")\"/>"
            + "<c:majorGridlines><c:spPr><a:ln w=\"6350\"><a:solidFill><a:srgbClr val=\"DDDDDD\"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>"
            + "<c:numFmt formatCode=\"General\" sourceLinked=\"0\"/><c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/>"
            + "<c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"\(categoryAxis)\"/><c:crosses val=\"\(horizontal ? "max" : "autoZero")\"/>"
            + "<c:crossBetween val=\"between\"/></c:valAx>"
        let legend =
            d.series.count > 1
            ? "<c:legend><c:legendPos val=\"t\"/><c:overlay val=\"0\"/></c:legend>" : ""
        return XMLText.declaration + "<c:chartSpace \(namespaces)><c:roundedCorners val=\"0\"/>"
            + "<c:chart><c:autoTitleDeleted val=\"1\"/><c:plotArea><c:layout/>\(plot)</c:plotArea>\(legend)"
            + "<c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart>"
            + "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
            + "<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"900\"><a:latin typeface=\"Times New Roman\"/>"
            + "<a:ea typeface=\"仿宋\"/></a:defRPr></a:pPr><a:endParaRPr lang=\"zh-CN\"/></a:p></c:txPr>"
            + "<c:externalData r:id=\"rId1\"><c:autoUpdate val=\"0\"/></c:externalData></c:chartSpace>"
    }

    static func workbookName(_ n: Int) -> String { "Microsoft_Excel_Worksheet\(n).xlsx" }

    /// The chart part's link to its embedded workbook.
    static func relationships(_ n: Int) -> String {
        XMLText.declaration
            + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/package\" Target=\"../embeddings/\(workbookName(n))\"/>"
            + "</Relationships>"
    }

    /// The data behind the chart as the sheet its formulas name: categories in column A from row 2, one series
    /// per column from B, series names in row 1.
    static func workbook(_ d: ChartData) -> Workbook {
        var rows: [[SheetCell]] = [[SheetCell(.empty)] + d.series.map { .text($0.name) }]
        for (i, category) in d.categories.enumerated() {
            rows.append(
                [.text(category)]
                    + d.series.map { s in
                        i < s.values.count
                            ? s.values[i].map { .number(Double($0)) } ?? SheetCell(.empty) : SheetCell(.empty)
                    })
        }
        return Workbook(sheets: [Sheet(name: "Sheet1", rows: rows)])
    }

    static func fill(_ color: String) -> String { "<a:solidFill><a:srgbClr val=\"\(color)\"/></a:solidFill>" }

    static func series(_ i: Int, _ s: ChartData.Series, _ d: ChartData) -> String {
        let column = CellReference.letters(i + 2)
        let n = d.categories.count
        var out = "<c:ser><c:idx val=\"\(i)\"/><c:order val=\"\(i)\"/>"
        out +=
            "<c:tx><c:strRef><c:f>Sheet1!$\(column)$1</c:f><c:strCache><c:ptCount val=\"1\"/><c:pt idx=\"0\"><c:v>\(XMLText.escape(s.name))</c:v></c:pt></c:strCache></c:strRef></c:tx>"
        if d.kind == .line {
            out += "<c:spPr><a:ln w=\"25400\">\(fill(s.color))</a:ln></c:spPr>"
            out += "<c:marker><c:symbol val=\"circle\"/><c:size val=\"5\"/><c:spPr>\(fill(s.color))</c:spPr></c:marker>"
        } else {
            out += "<c:spPr>\(fill(s.color))</c:spPr><c:invertIfNegative val=\"0\"/>"
            for (p, color) in s.pointColors.sorted(by: { $0.key < $1.key }) {
                out +=
                    "<c:dPt><c:idx val=\"\(p)\"/><c:invertIfNegative val=\"0\"/><c:bubble3D val=\"0\"/><c:spPr>\(fill(color))</c:spPr></c:dPt>"
            }
        }
        if d.valueLabels {
            out +=
                "<c:dLbls><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/>"
                + "<c:showCatName val=\"0\"/><c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls>"
        }
        out += "<c:cat><c:strRef><c:f>Sheet1!$A$2:$A$\(n + 1)</c:f><c:strCache><c:ptCount val=\"\(n)\"/>"
        for (p, c) in d.categories.enumerated() { out += "<c:pt idx=\"\(p)\"><c:v>\(XMLText.escape(c))</c:v></c:pt>" }
        out += "</c:strCache></c:strRef></c:cat>"
        out += "<c:val><c:numRef><c:f>Sheet1!$\(column)$2:$\(column)$\(n + 1)</c:f><c:numCache>"
        out += "<c:formatCode>General</c:formatCode><c:ptCount val=\"\(n)\"/>"
        for (p, v) in s.values.enumerated() { if let v { out += "<c:pt idx=\"\(p)\"><c:v>\(v)</c:v></c:pt>" } }
        out += "</c:numCache></c:numRef></c:val>"
        if d.kind == .line { out += "<c:smooth val=\"0\"/>" }
        return out + "</c:ser>"
    }
}
