import Foundation
import TongbaoOffice

/// Renders a ``BulletinView`` as a Word document in the layout of Chinese official documents (GB/T 9704-2012):
/// A4, margins 37/26/35/28 mm, a red masthead in a 小标宋-style face, body in a 仿宋-style face at 三号 (16 pt) on
/// a fixed 28.95 pt line, headings in 黑体, page numbers 「— 1 —」 in 四号 宋体 (odd pages right, even pages left),
/// tables as real Word tables with merged header cells and row groups, and the charts as native Word charts.
public enum DOCXWriter {
    public static func render(_ v: BulletinView) throws -> Data {
        var body = DOCXBody()
        body.masthead(v)
        for section in v.sections {
            body.paragraph(section.heading, style: "Heading1")
            for block in section.blocks {
                if let p = block.paragraph { body.paragraph(p, style: "BodyText") }
                if let chart = block.chart { body.chart(chart) }
                if let note = block.note { body.paragraph(note, style: "Note") }
                if let table = block.table { body.table(table) }
            }
        }
        let xml: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(charts: body.charts.count)),
            ("_rels/.rels", rootRelationships),
            ("docProps/core.xml", core(title: v.title)),
            ("word/document.xml", document(body.xml)),
            ("word/_rels/document.xml.rels", documentRelationships(charts: body.charts.count)),
            ("word/styles.xml", DOCXStyles.xml),
            ("word/settings.xml", settings),
            ("word/footer1.xml", footer(alignment: "right")),
            ("word/footer2.xml", footer(alignment: "left")),
        ]
        var parts = xml.map { ($0.0, Data($0.1.utf8)) }
        // Each chart keeps its figures in an embedded workbook too, so Word's "edit data" opens them.
        for (i, chart) in body.charts.enumerated() {
            let n = i + 1
            parts.append(("word/charts/chart\(n).xml", Data(DOCXChart.xml(chart).utf8)))
            parts.append(("word/charts/_rels/chart\(n).xml.rels", Data(DOCXChart.relationships(n).utf8)))
            parts.append(
                ("word/embeddings/\(DOCXChart.workbookName(n))", try XLSXWriter.write(DOCXChart.workbook(chart))))
        }
        return try OfficePackage.zip(parts)
    }

    // MARK: - Page geometry (twentieths of a point; 1 mm = 56.7)

    /// Text width: 210 − 28 − 26 = 156 mm.
    static let textWidth = 8845

    static let sectionProperties =
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>"
        + "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
        + "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\" w:header=\"851\" w:footer=\"1304\" w:gutter=\"0\"/>"
        + "<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>"

    static let namespaces =
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\""

    static func document(_ body: String) -> String {
        XMLText.declaration + "<w:document \(namespaces)><w:body>\(body)\(sectionProperties)</w:body></w:document>"
    }

    /// 「— 1 —」: the PAGE field between two em dashes, one character in from the edge.
    static func footer(alignment: String) -> String {
        let indent = alignment == "right" ? "w:right=\"280\"" : "w:left=\"280\""
        let run = { (inner: String) in
            "<w:r><w:rPr><w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" w:eastAsia=\"宋体\"/><w:sz w:val=\"28\"/></w:rPr>\(inner)</w:r>"
        }
        return XMLText.declaration
            + "<w:ftr \(namespaces)><w:p><w:pPr><w:jc w:val=\"\(alignment)\"/><w:ind \(indent)/></w:pPr>"
            + run("<w:t xml:space=\"preserve\">— </w:t>") + run("<w:fldChar w:fldCharType=\"begin\"/>")
            + run("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>")
            + run("<w:fldChar w:fldCharType=\"separate\"/>")
            + run("<w:t>1</w:t>") + run("<w:fldChar w:fldCharType=\"end\"/>")
            + run("<w:t xml:space=\"preserve\"> —</w:t>")
            + "</w:p></w:ftr>"
    }

    static let settings =
        XMLText.declaration
        + "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:evenAndOddHeaders/>"
        + "<w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>"
        + "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
        + "</w:settings>"

    // MARK: - Package parts

    static func contentTypes(charts: Int) -> String {
        let ml = "application/vnd.openxmlformats-officedocument.wordprocessingml"
        var out =
            XMLText.declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Default Extension=\"xlsx\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"/>"
            + "<Override PartName=\"/word/document.xml\" ContentType=\"\(ml).document.main+xml\"/>"
            + "<Override PartName=\"/word/styles.xml\" ContentType=\"\(ml).styles+xml\"/>"
            + "<Override PartName=\"/word/settings.xml\" ContentType=\"\(ml).settings+xml\"/>"
            + "<Override PartName=\"/word/footer1.xml\" ContentType=\"\(ml).footer+xml\"/>"
            + "<Override PartName=\"/word/footer2.xml\" ContentType=\"\(ml).footer+xml\"/>"
            + "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        for i in 0..<charts {
            out +=
                "<Override PartName=\"/word/charts/chart\(i + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.drawingml.chart+xml\"/>"
        }
        return out + "</Types>"
    }

    static let relationshipTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static let rootRelationships =
        XMLText.declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipTypes)/officeDocument\" Target=\"word/document.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
        + "</Relationships>"

    static func documentRelationships(charts: Int) -> String {
        var out =
            XMLText.declaration
            + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rIdStyles\" Type=\"\(relationshipTypes)/styles\" Target=\"styles.xml\"/>"
            + "<Relationship Id=\"rIdSettings\" Type=\"\(relationshipTypes)/settings\" Target=\"settings.xml\"/>"
            + "<Relationship Id=\"rIdFooterOdd\" Type=\"\(relationshipTypes)/footer\" Target=\"footer1.xml\"/>"
            + "<Relationship Id=\"rIdFooterEven\" Type=\"\(relationshipTypes)/footer\" Target=\"footer2.xml\"/>"
        for i in 0..<charts {
            out +=
                "<Relationship Id=\"rIdChart\(i + 1)\" Type=\"\(relationshipTypes)/chart\" Target=\"charts/chart\(i + 1).xml\"/>"
        }
        return out + "</Relationships>"
    }

    static func core(title: String) -> String {
        XMLText.declaration
            + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<dc:title>\(XMLText.escape(title))</dc:title><dc:creator>Tongbao</dc:creator><dc:language>zh-CN</dc:language>"
            + "</cp:coreProperties>"
    }
}
