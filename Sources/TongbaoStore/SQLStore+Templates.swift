import Foundation
import SQLKit
import TongbaoCore

/// A saved version of a bulletin template (docs/templates.md). Versions are never changed or removed: saving
/// makes the next one, and a publication names the version it was written with.
public struct StoredTemplate: Sendable, Equatable {
    /// The district (or city) that keeps it.
    public var owner: String
    public var name: String
    public var version: Int
    public var body: String
    public var savedBy: String
    public var savedAt: String
}

/// Which template a district's bulletins use: the name and version its settings (or its city's) chose, the
/// district's own template of that name before its city's. Saving a new version changes nothing until it is
/// chosen. No saved template of the name: one shipped with Tongbao, or the standard one.
public struct TemplateChoice: Sendable, Equatable {
    public var name: String?
    public var stored: StoredTemplate?
    /// Whose setting chose it: the district, its city, or nobody (the standard template).
    public var chosenBy: String?

    /// The setting's value: the name, and on a second line the version chosen (none: the newest, as set before
    /// versions were chosen).
    public static func setting(name: String, version: Int?) -> String {
        name + (version.map { "\n\($0)" } ?? "")
    }

    /// The setting's value as a person reads it: `“区县通报”第2版`, `标准通报`.
    public static func label(_ value: String?) -> String? {
        guard let value else { return nil }
        let (name, version) = parse(value)
        return version.map { "“\(name)”第\($0)版" } ?? name
    }

    static func parse(_ value: String) -> (name: String, version: Int?) {
        let parts = value.split(separator: "\n", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? Int(parts[1]) : nil)
    }
}

/// Bounds on what an office keeps: template names per district and versions per template.
public enum TemplateStoreLimits {
    public static let names = 100
    public static let versions = 500
}

extension SQLStore {
    /// Saves `body` as the next version of the owner's template `name` and returns its version (from 1); audited.
    /// The caller has checked the body (a template with mistakes is never saved).
    /// The same text as the newest version saves nothing and returns that version (`saved` false).
    public func saveTemplate(owner: String, name: String, body: String, change: Change) async throws -> (
        version: Int, saved: Bool
    ) {
        try await transaction(district: owner) {
            let newest = try await templateUnlocked(owner: owner, name: name, version: nil)
            if let newest, newest.body == body { return (newest.version, false) }
            let last = newest?.version ?? 0
            if last >= TemplateStoreLimits.versions { throw StoreError.tooManyTemplates("“\(name)”已有 \(last) 个版本") }
            if newest == nil {
                let names =
                    try await db.raw(
                        "SELECT COUNT(DISTINCT name) AS n FROM bulletin_templates WHERE owner = \(bind: owner)"
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                if names >= TemplateStoreLimits.names { throw StoreError.tooManyTemplates("已有 \(names) 个模板") }
            }
            let version = last + 1
            try await db.raw(
                """
                INSERT INTO bulletin_templates (owner, name, version, body, saved_by, saved_at)
                VALUES (\(bind: owner), \(bind: name), \(bind: version), \(bind: body), \(bind: change.actor),
                \(bind: Self.timestamp(change.at)))
                """
            ).run()
            try await appendAudit(
                district: owner, change: change, table: "bulletin_templates", key: name, column: "version",
                old: last == 0 ? nil : "第\(last)版", new: "第\(version)版（\(body.count)字）")
            return (version, true)
        }
    }

    /// The newest version of each of the owner's templates, by name.
    public func templates(owner: String) async throws -> [StoredTemplate] {
        try await reading {
            try await db.raw(
                """
                SELECT t.* FROM bulletin_templates t
                WHERE t.owner = \(bind: owner) AND t.version = (
                    SELECT MAX(version) FROM bulletin_templates u WHERE u.owner = t.owner AND u.name = t.name)
                ORDER BY t.name
                """
            ).all().map(Self.template)
        }
    }

    /// Every version of one template, newest first.
    public func templateVersions(owner: String, name: String) async throws -> [StoredTemplate] {
        try await reading {
            try await db.raw(
                """
                SELECT * FROM bulletin_templates WHERE owner = \(bind: owner) AND name = \(bind: name)
                ORDER BY version DESC
                """
            ).all().map(Self.template)
        }
    }

    /// One version of a template, the newest when `version` is nil.
    public func template(owner: String, name: String, version: Int? = nil) async throws -> StoredTemplate? {
        try await reading { try await templateUnlocked(owner: owner, name: name, version: version) }
    }

    func templateUnlocked(owner: String, name: String, version: Int?) async throws -> StoredTemplate? {
        let query =
            version.map {
                db.raw(
                    """
                    SELECT * FROM bulletin_templates
                    WHERE owner = \(bind: owner) AND name = \(bind: name) AND version = \(bind: $0)
                    """)
            }
            ?? db.raw(
                """
                SELECT * FROM bulletin_templates WHERE owner = \(bind: owner) AND name = \(bind: name)
                ORDER BY version DESC LIMIT 1
                """)
        return try await query.first().map(Self.template)
    }

    /// The city a district belongs to (``setCity(_:districts:)``), nil for none.
    public func city(of district: String) async throws -> String? {
        try await reading {
            try await db.raw("SELECT city FROM districts WHERE code = \(bind: district)").first()?.decode(
                column: "city", as: String?.self)
        }
    }

    /// The template a district's bulletins use now (``TemplateChoice``).
    public func templateChoice(district: String) async throws -> TemplateChoice {
        let city = try await city(of: district)
        var chooser: String?
        var name = try await setting(district: district, .template)
        if name != nil {
            chooser = district
        } else if let city, let common = try await setting(district: city, .template) {
            name = common
            chooser = city
        }
        guard let value = name else { return TemplateChoice() }
        let (chosen, version) = TemplateChoice.parse(value)
        let owner = chooser == district ? district : (city ?? district)
        var stored = try await template(owner: owner, name: chosen, version: version)
        if stored == nil, owner == district, let city {
            stored = try await template(owner: city, name: chosen, version: version)
        }
        return TemplateChoice(name: chosen, stored: stored, chosenBy: chooser)
    }

    static func template(_ r: any SQLRow) throws -> StoredTemplate {
        StoredTemplate(
            owner: try r.decode(column: "owner", as: String.self), name: try r.decode(column: "name", as: String.self),
            version: try r.decode(column: "version", as: Int.self), body: try r.decode(column: "body", as: String.self),
            savedBy: try r.decode(column: "saved_by", as: String.self),
            savedAt: try r.decode(column: "saved_at", as: String.self))
    }
}
