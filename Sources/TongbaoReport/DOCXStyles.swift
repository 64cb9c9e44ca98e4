import Foundation
import TongbaoOffice

/// The styles of the Word bulletin. Font names are those of Chinese government offices; where a face is missing
/// (LibreOffice on Debian), the eastAsia fallback picks Noto CJK through fontconfig.
enum DOCXStyles {
    static func fonts(_ eastAsia: String, latin: String = "Times New Roman") -> String {
        "<w:rFonts w:ascii=\"\(latin)\" w:hAnsi=\"\(latin)\" w:eastAsia=\"\(eastAsia)\" w:cs=\"\(latin)\"/>"
    }

    /// A paragraph style: id, name, paragraph properties, run properties.
    static func style(_ id: String, _ name: String, p: String, r: String, grid: Bool = true) -> String {
        let p = grid ? p : "<w:snapToGrid w:val=\"0\"/>" + p
        return "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"\(id)\"><w:name w:val=\"\(name)\"/>"
            + "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>\(p)</w:pPr><w:rPr>\(r)</w:rPr></w:style>"
    }

    /// Exact line spacing of the body: 22 lines on the 225 mm type area.
    static let bodyLine = "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"579\" w:lineRule=\"exact\"/>"

    static let xml =
        XMLText.declaration
        + "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        + "<w:docDefaults><w:rPrDefault><w:rPr>\(fonts("仿宋"))<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>"
        + "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>"
        + "<w:pPrDefault><w:pPr>\(bodyLine)<w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
        + "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
        + "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
        + "<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>"
        + "<w:left w:w=\"57\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/>"
        + "</w:tblCellMar></w:tblPr></w:style>"
        + style(
            "Masthead", "版头",
            p: "<w:jc w:val=\"center\"/><w:spacing w:before=\"0\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/>",
            r: fonts("方正小标宋简体")
                + "<w:color w:val=\"E60012\"/><w:spacing w:val=\"20\"/><w:sz w:val=\"56\"/><w:szCs w:val=\"56\"/>",
            grid: false)
        + style("IssueLine", "期号", p: "<w:jc w:val=\"center\"/>", r: "")
        + style(
            "SignLine", "发文机关和日期",
            p: "<w:tabs><w:tab w:val=\"right\" w:pos=\"\(DOCXWriter.textWidth)\"/></w:tabs>"
                + "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"4\" w:color=\"E60012\"/></w:pBdr>"
                + "<w:spacing w:before=\"0\" w:after=\"300\" w:line=\"579\" w:lineRule=\"exact\"/>", r: "")
        + style("BodyText", "正文", p: "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/>", r: "")
        + "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>"
        + "<w:qFormat/><w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"0\"/></w:pPr>"
        + "<w:rPr>\(fonts("黑体"))</w:rPr></w:style>"
        + style(
            "Caption", "图表标题",
            p:
                "<w:keepNext/><w:jc w:val=\"center\"/><w:spacing w:before=\"120\" w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/>",
            r: fonts("黑体") + "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>", grid: false)
        + style(
            "Note", "注", p: "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            r: "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>", grid: false)
        + style(
            "Figure", "图",
            p:
                "<w:keepNext/><w:jc w:val=\"center\"/><w:spacing w:before=\"120\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            r: "", grid: false)
        + style(
            "TableText", "表格文字",
            p: "<w:jc w:val=\"center\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            r: "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>", grid: false)
        + "</w:styles>"
}
