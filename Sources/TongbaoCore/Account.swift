import Foundation

/// What a person may do in the web application and the API.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// The 政务办 statistician: units, accounts, review, every unit's figures, publication.
    case admin
    /// A unit's reporter: their own unit's monthly figures only.
    case reporter
    /// A director: reads dashboards and bulletins.
    case viewer
    /// A city's (or a province's) office: reads every district's month side by side and the city total. Its
    /// account belongs to the city's own code, a district without units.
    case city

    public var label: String {
        switch self {
        case .admin: return "管理员"
        case .reporter: return "填报员"
        case .viewer: return "查阅"
        case .city: return "市级查阅"
        }
    }
}

/// A person's account: belongs to one district and, for a reporter, to one unit.
public struct Account: Codable, Sendable, Equatable {
    /// Longer names are refused before any work (a login under a megabyte of name costs nothing to refuse).
    public static let maxNameLength = 64

    /// A name an account may have: 1 to 64 characters, none of them a control character or an invisible one (a
    /// zero-width space, a direction mark: a name that looks like another's in the audit log), no white space at
    /// either end. The store also refuses a name that differs from an existing one only in case.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, let last = name.unicodeScalars.last, name.count <= maxNameLength
        else { return false }
        return !first.properties.isWhitespace && !last.properties.isWhitespace
            && !name.unicodeScalars.contains(where: isInvisible)
    }

    /// A character that shows as nothing, or as a blank: control and format characters, separators, private and
    /// unassigned ones, and Unicode's default-ignorable ones (Hangul fillers, variation selectors, the combining
    /// grapheme joiner), and the blank braille pattern.
    static func isInvisible(_ c: Unicode.Scalar) -> Bool {
        let invisible: Set<Unicode.GeneralCategory> = [
            .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned,
        ]
        return invisible.contains(c.properties.generalCategory) || c.properties.isDefaultIgnorableCodePoint
            || c.value == 0x2800
    }

    /// What two names that look alike share: case, width (full-width letters) and composition folded.
    public static func nameKey(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping.lowercased()
    }

    /// What ``isValidName(_:)`` asks, in Chinese.
    public static let nameRule = "用户名须为 1 到 \(maxNameLength) 个字符，不含控制字符或不可见字符（如零宽空格、方向符），首尾不能是空格"

    /// Passwords are at least this long.
    public static let minPasswordLength = 10

    /// Why `password` may not be the password of `name`, in Chinese; nil when it may. At least 10 characters,
    /// not only white space, not the name itself.
    public static func passwordProblem(_ password: String, name: String) -> String? {
        if password.count < minPasswordLength { return "密码至少 \(minPasswordLength) 个字符" }
        if password.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "密码不能全是空格" }
        if password.lowercased() == name.lowercased() { return "密码不能与用户名相同" }
        return nil
    }

    public var name: String
    public var district: String
    public var role: Role
    public var unit: String?

    public init(name: String, district: String, role: Role, unit: String? = nil) {
        self.name = name
        self.district = district
        self.role = role
        self.unit = unit
    }

    /// Whether this account may change the figures of `unit` (nil: district-wide tables such as events).
    public func mayEdit(unit other: String?) -> Bool {
        switch role {
        case .admin: return true
        case .viewer, .city: return false
        case .reporter: return other != nil && other == unit
        }
    }
}

/// A published (frozen) month: its issue number and what was printed.
public struct Publication: Sendable, Equatable {
    public enum State: String, Sendable { case published, reopened }
    public var period: Period
    public var issue: Int
    public var state: State
    public var publishedAt: String
    public var publishedBy: String
    public var reopenedAt: String?
    public var reopenedBy: String?
    public var reason: String?
    /// The template the published documents were written with.
    public var template: TemplateStamp?

    public init(period: Period, issue: Int, state: State, publishedAt: String, publishedBy: String) {
        self.period = period
        self.issue = issue
        self.state = state
        self.publishedAt = publishedAt
        self.publishedBy = publishedBy
    }

    public var isFrozen: Bool { state == .published }
}

/// The version of one unit-month's report, for saving without overwriting someone else's save.
public struct ReportVersion: Sendable, Equatable {
    public var version: Int
    public var savedBy: String?
    public var savedAt: String?

    public init(version: Int, savedBy: String? = nil, savedAt: String? = nil) {
        self.version = version
        self.savedBy = savedBy
        self.savedAt = savedAt
    }
}

/// An API token as the store lists it: never the token, only a short id (the start of its hash), when it was
/// made and when it ends.
public struct APIToken: Sendable, Equatable {
    /// How long a token lives unless `tongbao user token --days` says otherwise.
    public static let defaultLifetime: TimeInterval = 90 * 86400

    public var id: String
    public var created: Date
    public var expires: Date

    public init(id: String, created: Date, expires: Date) {
        self.id = id
        self.created = created
        self.expires = expires
    }

    /// The id shown for a token of this SHA-256 hash (hex): its first 8 characters.
    public static func id(ofHash hash: String) -> String { String(hash.prefix(8)).lowercased() }
}
