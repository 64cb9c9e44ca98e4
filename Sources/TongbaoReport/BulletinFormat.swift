import Foundation
import TongbaoCore

/// Every format a bulletin is rendered to, with its file extension and media type.
public enum BulletinFormat: String, CaseIterable, Sendable {
    case md, html, json, docx, xlsx, pdf

    public var label: String {
        switch self {
        case .md: return "Markdown"
        case .html: return "HTML"
        case .json: return "JSON"
        case .docx: return "Word"
        case .xlsx: return "Excel"
        case .pdf: return "PDF"
        }
    }

    public var mediaType: String {
        switch self {
        case .md: return "text/markdown; charset=utf-8"
        case .html: return "text/html; charset=utf-8"
        case .json: return "application/json; charset=utf-8"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pdf: return "application/pdf"
        }
    }

    /// Text formats can be printed to a terminal; the others are files.
    public var isText: Bool { [.md, .html, .json].contains(self) }

    /// Renders `b` in the words of `template`. PDF runs Chromium (seconds); every other format is Tongbao's own
    /// code (milliseconds). JSON names the template.
    public func render(_ b: Bulletin, template: BulletinTemplate = .standard) async throws -> Data {
        try await render(try template.view(b))
    }

    /// Renders a bulletin already in a template's words.
    public func render(_ v: BulletinView) async throws -> Data {
        switch self {
        case .md: return Data(MarkdownWriter.render(v).utf8)
        case .html: return Data(try HTMLWriter.render(v).utf8)
        case .json: return Data(try JSONWriter.render(v.source).utf8)
        case .docx: return try DOCXWriter.render(v)
        case .xlsx: return try XLSXBulletinWriter.render(v)
        case .pdf: return try await PDFWriter.render(html: try HTMLWriter.render(v))
        }
    }
}
