import Foundation
import TongbaoCore
import TongbaoReport
import TongbaoStore

/// A month's bulletin as documents, and its publication: one door for the web application and the command line.
///
/// A published month is frozen for good: every format comes from the copy kept at publication (Markdown, HTML,
/// JSON, Word and Excel as they were printed; PDF printed again from the kept HTML), so neither later imports, nor
/// directory changes, nor a new release of the writers change it.
public struct Publishing: Sendable {
    public var store: any Store
    public var settings: BulletinSettings

    public init(store: any Store, settings: BulletinSettings = BulletinSettings()) {
        self.store = store
        self.settings = settings
    }

    /// Why a month was not published.
    public enum Failure: Error, LocalizedError, Equatable {
        /// Units are missing and no reason was given to publish anyway.
        case incomplete([String])
        case noData(String)
        /// The district's saved template does not read (its problems).
        case badTemplate(String, TemplateErrors)

        public var errorDescription: String? {
            switch self {
            case .incomplete(let names):
                return
                    "尚有\(names.count)个单位未报送（\(names.prefix(10).joined(separator: "、"))\(names.count > 10 ? "等" : "")），"
                    + "如确需发布，请说明原因（命令行 --allow-missing 原因，网页勾选“仍然发布”并填写原因）"
            case .noData(let period): return "\(period) 没有任何数据，无法发布"
            case .badTemplate(let label, let errors):
                return "通报模板\(label)有错误，请在“通报模板”页修改："
                    + errors.problems.prefix(3).map(\.description).joined(separator: "；")
            }
        }
    }

    /// The month's bulletin as it stands, nil without data; the published copy's issue number once published.
    public func bulletin(district: String, period: Period) async throws -> Bulletin? {
        let data = try await store.load(district: district, period: period)
        let builder = BulletinBuilder(data: data, period: period, settings: settings)
        guard builder.hasData else { return nil }
        var b = builder.build()
        if let p = try await store.publication(district: district, period: period) { b.issue = p.issue }
        return b
    }

    /// The document in `format`: the published copy when the month is published (PDF printed from its kept HTML;
    /// Word and Excel of a month published before they were kept, rendered from its kept JSON), else rendered
    /// from the data now. Nil when the month has no data.
    public func document(district: String, period: Period, format: BulletinFormat) async throws -> Data? {
        if let p = try await store.publication(district: district, period: period), p.isFrozen {
            if format == .pdf,
                let html = try await store.publishedDocument(district: district, period: period, format: "html")
            {
                return try await PDFWriter.render(html: html)
            }
            if let kept = try await store.publishedFile(district: district, period: period, format: format.rawValue) {
                return kept
            }
            if let json = try await store.publishedDocument(district: district, period: period, format: "json") {
                return try await format.render(try JSONDecoder().decode(Bulletin.self, from: Data(json.utf8)))
            }
        }
        guard let b = try await bulletin(district: district, period: period) else { return nil }
        return try await format.render(b, template: try await template(district: district))
    }

    /// The template the district's bulletins use now: its saved choice (its own, else its city's), a template
    /// shipped with Tongbao of that name, or the standard one. A saved template this release cannot read is an
    /// error that names it, not a silent change of wording.
    public func template(district: String) async throws -> BulletinTemplate {
        let choice = try await store.templateChoice(district: district)
        if let s = choice.stored {
            do {
                return try BulletinTemplate(name: s.name, version: s.version, text: s.body)
            } catch {
                throw Failure.badTemplate(TemplateStamp(name: s.name, version: s.version).label, error)
            }
        }
        if let name = choice.name, let shipped = BulletinTemplate.shipped.first(where: { $0.name == name }) {
            return shipped
        }
        return .standard
    }

    /// Chooses version `version` (nil: the newest) of the template `name` for the district's bulletins from now
    /// on: its own, its city's or one shipped with Tongbao (the standard one clears the choice). Saving a later
    /// version changes nothing until it is chosen. False, and nothing changed, when there is no such template.
    public func useTemplate(_ name: String, version: Int? = nil, district: String, change: Change) async throws -> Bool
    {
        if BulletinTemplate.shipped.contains(where: { $0.name == name }) {
            // Named, not cleared: 标准通报 chosen by a district wins over its city's template.
            try await store.setSetting(district: district, .template, name, change: change)
            return true
        }
        var found = try await store.template(owner: district, name: name, version: version)
        if found == nil, let city = try await store.city(of: district) {
            found = try await store.template(owner: city, name: name, version: version)
        }
        guard let found else { return false }
        try await store.setSetting(
            district: district, .template, TemplateChoice.setting(name: name, version: found.version), change: change)
        return true
    }

    /// Renders the newest month with data in `template`, so that a template that cannot render (too large for
    /// the district's data) is refused before it is saved. Nothing to render: no check.
    public func trial(_ template: BulletinTemplate, district: String) async throws {
        guard let period = try await store.latestPeriod(district: district),
            let b = try await bulletin(district: district, period: period)
        else { return }
        _ = try template.view(b)
    }

    /// Publishes the month: gives it its issue number, keeps its documents and freezes it. With units missing it
    /// needs `allowMissing` (why it is published anyway), which goes to the audit log.
    @discardableResult
    public func publish(district: String, period: Period, allowMissing: String?, change: Change) async throws
        -> Publication
    {
        // Read, rendered and frozen in one transaction under the district's writers' lock: a save that comes
        // while the documents are rendered waits, and then finds the month frozen (E020), instead of being stored
        // beside a published copy that does not show it.
        try await store.transaction(district: district, commit: true) {
            guard let b = try await bulletin(district: district, period: period) else {
                throw Failure.noData(period.description)
            }
            let reason = allowMissing?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let missing = b.missing, (reason ?? "").isEmpty { throw Failure.incomplete(missing) }
            let template = try await template(district: district)
            let view = try template.view(b)
            let copy = PublishedCopy(
                md: MarkdownWriter.render(view), html: try HTMLWriter.render(view),
                json: try JSONWriter.render(view.source),
                docx: try DOCXWriter.render(view), xlsx: try XLSXBulletinWriter.render(view), template: template.stamp)
            let note = b.missing.map { "\($0.count)个单位未报送，仍然发布：\(reason ?? "")" }
            try await store.publish(
                district: district, period: period, issue: b.issue ?? 1, documents: copy, note: note, change: change)
            guard let p = try await store.publication(district: district, period: period) else {
                throw StoreError.notPublished(period.description)
            }
            return p
        }
    }

    /// Reopens a published month with a reason (audited).
    public func reopen(district: String, period: Period, reason: String, change: Change) async throws {
        try await store.transaction(district: district, commit: true) {
            try await store.reopen(district: district, period: period, reason: reason, change: change)
            // Ingested cases are counted again with today's holidays: a calendar change made while the month was
            // published reaches it now.
            _ = try await store.recomputeCaseTotals(
                district: district, calendar: try await store.workCalendar(district: district), change: change)
        }
    }
}
