import Foundation
import SQLKit
import TongbaoCore

/// Publication (freezing a month), report versions, and the few edits that are not an import.
extension SQLStore {
    /// A publication's state, without its printed documents (``publishedDocument(district:period:format:)``).
    public func publication(district: String, period: Period) async throws -> Publication? {
        try await reading {
            try await db.raw(
                """
                SELECT \(unsafeRaw: Self.publicationColumns) FROM publications
                WHERE district = \(bind: district) AND period = \(bind: period.description)
                """
            ).first().map(Self.publication)
        }
    }

    /// Every month's publication state, without the printed documents: every save and import reads it (which
    /// months are frozen), and the documents of a year's months are megabytes.
    public func publications(district: String) async throws -> [Publication] {
        try await reading {
            try await db.raw(
                """
                SELECT \(unsafeRaw: Self.publicationColumns) FROM publications
                WHERE district = \(bind: district) ORDER BY period
                """
            ).all().map(Self.publication)
        }
    }

    /// The columns of ``Publication``: all but the printed documents.
    static let publicationColumns =
        "period, issue, state, published_at, published_by, reopened_at, reopened_by, reason, template_name, template_version"

    /// The published copy of a month's bulletin in `format` (`md`, `html`, `json`); nil for a format not stored.
    public func publishedDocument(district: String, period: Period, format: String) async throws -> String? {
        guard let column = ["md": "markdown", "html": "html", "json": "json"][format] else { return nil }
        return try await reading {
            try await db.raw(
                """
                SELECT \(ident: column) AS doc FROM publications
                WHERE district = \(bind: district) AND period = \(bind: period.description)
                """
            ).first()?.decode(column: "doc", as: String?.self)
        }
    }

    /// The published copy of a month in any stored format (`md`, `html`, `json`, `docx`, `xlsx`) as bytes; nil
    /// when the format is not stored (a month published before Word and Excel were kept).
    public func publishedFile(district: String, period: Period, format: String) async throws -> Data? {
        if let text = try await publishedDocument(district: district, period: period, format: format) {
            return Data(text.utf8)
        }
        guard ["docx", "xlsx"].contains(format) else { return nil }
        return try await serialized {
            try await db.raw(
                """
                SELECT \(ident: format) AS doc FROM publications
                WHERE district = \(bind: district) AND period = \(bind: period.description)
                """
            ).first()?.decode(column: "doc", as: Data?.self)
        }
    }

    /// Publishes (or publishes again after reopening) a month with its printed documents, and audits it.
    /// `note` goes to the audit log with the state (why a month with units missing was published anyway).
    public func publish(
        district: String, period: Period, issue: Int, documents: PublishedCopy, note: String? = nil, change: Change
    ) async throws {
        try await transaction(district: district) {
            let old = try await publication(district: district, period: period)
            if old?.isFrozen == true { throw StoreError.alreadyPublished(period.description) }
            let at = Self.timestamp(change.at)
            try await db.raw(
                "DELETE FROM publications WHERE district = \(bind: district) AND period = \(bind: period.description)"
            ).run()
            try await db.raw(
                """
                INSERT INTO publications
                    (district, period, issue, state, published_at, published_by, markdown, html, json, docx, xlsx,
                    template_name, template_version)
                VALUES (\(bind: district), \(bind: period.description), \(bind: issue), 'published', \(bind: at),
                \(bind: change.actor), \(bind: documents.md), \(bind: documents.html), \(bind: documents.json),
                \(bind: documents.docx), \(bind: documents.xlsx), \(bind: documents.template?.name),
                \(bind: documents.template?.version))
                """
            ).run()
            try await appendAudit(
                district: district, change: change, table: "publications", key: period.description, column: "state",
                old: old.map { $0.isFrozen ? "已发布" : "已撤回" },
                new: "已发布 第\(issue)期"
                    + (documents.template.map { "（模板\($0.label)）" } ?? "")
                    + (note.map { "：" + $0 } ?? ""))
        }
    }

    /// Reopens a published month so that its figures can be corrected; the reason goes to the audit log.
    public func reopen(district: String, period: Period, reason: String, change: Change) async throws {
        try await transaction(district: district) {
            guard let old = try await publication(district: district, period: period), old.isFrozen else {
                throw StoreError.notPublished(period.description)
            }
            try await db.raw(
                """
                UPDATE publications SET state = 'reopened', reopened_at = \(bind: Self.timestamp(change.at)),
                reopened_by = \(bind: change.actor), reason = \(bind: reason)
                WHERE district = \(bind: district) AND period = \(bind: period.description)
                """
            ).run()
            try await appendAudit(
                district: district, change: change, table: "publications", key: period.description, column: "state",
                old: "已发布", new: "已撤回：\(reason)")
        }
    }

    /// Those of `periods` that are published and frozen.
    public func frozenPeriods(district: String, _ periods: Set<Period>) async throws -> Set<Period> {
        let frozen = try await publications(district: district).filter(\.isFrozen).map(\.period)
        return periods.intersection(frozen)
    }

    static func publication(_ r: any SQLRow) throws -> Publication {
        let text = try r.decode(column: "period", as: String.self)
        guard let period = Period(parsing: text),
            let state = Publication.State(rawValue: try r.decode(column: "state", as: String.self))
        else { throw StoreError.corruptRow(table: "publications", key: text) }
        var p = Publication(
            period: period, issue: try r.decode(column: "issue", as: Int.self), state: state,
            publishedAt: try r.decode(column: "published_at", as: String.self),
            publishedBy: try r.decode(column: "published_by", as: String.self))
        p.reopenedAt = try r.decode(column: "reopened_at", as: String?.self)
        p.reopenedBy = try r.decode(column: "reopened_by", as: String?.self)
        p.reason = try r.decode(column: "reason", as: String?.self)
        if let name = try r.decode(column: "template_name", as: String?.self),
            let version = try r.decode(column: "template_version", as: Int?.self)
        {
            p.template = TemplateStamp(name: name, version: version)
        }
        return p
    }

    // MARK: - Report versions

    public func reportVersion(district: String, period: Period, unit: String) async throws -> ReportVersion {
        try await reading {
            guard
                let r = try await db.raw(
                    """
                    SELECT * FROM report_versions
                    WHERE district = \(bind: district) AND period = \(bind: period.description) AND unit = \(bind: unit)
                    """
                ).first()
            else { return ReportVersion(version: 0) }
            return ReportVersion(
                version: try r.decode(column: "version", as: Int.self),
                savedBy: try r.decode(column: "saved_by", as: String.self),
                savedAt: try r.decode(column: "saved_at", as: String.self))
        }
    }

    /// Three statements, no read transaction: the version first (with whether the unit exists), then the rows,
    /// which can only be as new as the version or newer (``EditableReport``).
    public func editableReport(district: String, unit: String, period: Period) async throws -> EditableReport? {
        try await reading {
            let head = try await db.raw(
                """
                SELECT (SELECT COUNT(*) FROM units WHERE district = \(bind: district) AND code = \(bind: unit)) AS known,
                    v.version, v.saved_by, v.saved_at
                FROM (SELECT 1 AS one) AS k LEFT JOIN report_versions v
                    ON v.district = \(bind: district) AND v.period = \(bind: period.description) AND v.unit = \(bind: unit)
                """
            ).first()
            guard let head, try head.decode(column: "known", as: Int.self) > 0 else { return nil }
            let version = ReportVersion(
                version: try head.decode(column: "version", as: Int?.self) ?? 0,
                savedBy: try head.decode(column: "saved_by", as: String?.self),
                savedAt: try head.decode(column: "saved_at", as: String?.self))
            let rows = try await reportRows(district: district, unit: unit, period: period, snapshot: false)
            return EditableReport(version: version, cases: rows.0, tongban: rows.1)
        }
    }

    /// Moves a unit-month to its next version (the first is 1), inside the caller's transaction, which holds the
    /// district's writers' turn: one statement, no read of the version before it.
    @discardableResult
    public func advanceReportVersion(district: String, period: Period, unit: String, change: Change) async throws
        -> Int
    {
        try await transaction(district: district) {
            let row = try await db.raw(
                """
                INSERT INTO report_versions (district, period, unit, version, saved_by, saved_at)
                VALUES (\(bind: district), \(bind: period.description), \(bind: unit), 1,
                \(bind: change.actor), \(bind: Self.timestamp(change.at)))
                ON CONFLICT (district, period, unit) DO UPDATE SET version = report_versions.version + 1,
                saved_by = excluded.saved_by, saved_at = excluded.saved_at
                RETURNING version
                """
            ).first()
            return try row?.decode(column: "version", as: Int.self) ?? 0
        }
    }

    // MARK: - Events

    /// Deletes one work event, refused in a frozen month, audited. An event that is not there changes nothing
    /// and writes no audit entry: the result says whether one was deleted.
    @discardableResult
    public func deleteEvent(district: String, _ event: Event, change: Change) async throws -> Bool {
        try await transaction(district: district) {
            if !(try await frozenPeriods(district: district, [event.date.period]).isEmpty) {
                throw StoreError.periodFrozen(event.date.period.description)
            }
            let found = try await db.raw(
                """
                SELECT 1 AS x FROM events
                WHERE district = \(bind: district) AND date = \(bind: event.date.description) AND text = \(bind: event.text)
                """
            ).first()
            guard found != nil else { return false }
            try await db.raw(
                """
                DELETE FROM events
                WHERE district = \(bind: district) AND date = \(bind: event.date.description) AND text = \(bind: event.text)
                """
            ).run()
            try await appendAudit(
                district: district, change: change, table: "events", key: "\(event.date) \(event.text)", column: "*",
                old: event.text, new: nil)
            return true
        }
    }

    /// The 通办 scopes the district has figures for (any month): the list a reporter chooses from.
    public func tongbanScopes(district: String) async throws -> Set<String> {
        try await reading {
            Set(
                try await db.raw("SELECT DISTINCT scope FROM tongban WHERE district = \(bind: district)").all().map {
                    try $0.decode(column: "scope", as: String.self)
                })
        }
    }

    public func tongbanScopes(district: String, period: Period) async throws -> [String] {
        let window = DistrictData.window(for: period)
        return try await reading {
            try await db.raw(
                """
                SELECT scope FROM tongban WHERE district = \(bind: district)
                AND period >= \(bind: window.lowerBound.description) AND period <= \(bind: window.upperBound.description)
                GROUP BY scope ORDER BY MIN(seq)
                """
            ).all().map { try $0.decode(column: "scope", as: String.self) }
        }
    }

    /// ``appendAudit(district:change:table:key:column:old:new:)`` of many entries, a few hundred a statement.
    func appendAudits(
        district: String, change: Change,
        _ entries: [(table: String, key: String, column: String, old: String?, new: String?)]
    ) async throws {
        let at = Self.timestamp(change.at)
        try await insertMany(
            "audit",
            [
                "district", "at", "actor", "source", "table_name", "row_key", "column_name", "old_value", "new_value",
                "seq",
            ],
            entries.map { [district, at, change.actor, change.source, $0.table, $0.key, $0.column, $0.old, $0.new, 0] })
    }

    func appendAudit(
        district: String, change: Change, table: String, key: String, column: String, old: String?, new: String?
    ) async throws {
        try await appendAudits(district: district, change: change, [(table, key, column, old, new)])
    }
}

/// What a publication keeps: the printed bulletin in every format Tongbao writes itself. PDF is printed from the
/// kept HTML when asked for.
public struct PublishedCopy: Sendable {
    public var md: String
    public var html: String
    public var json: String
    public var docx: Data?
    public var xlsx: Data?
    /// The template they were written with.
    public var template: TemplateStamp?

    public init(md: String, html: String, json: String, docx: Data?, xlsx: Data?, template: TemplateStamp? = nil) {
        self.template = template
        self.md = md
        self.html = html
        self.json = json
        self.docx = docx
        self.xlsx = xlsx
    }
}
