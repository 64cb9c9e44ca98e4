import Foundation

/// The three tiers of government service centres.
public enum Tier: String, Codable, Sendable, CaseIterable {
    case center, subcenter, town

    /// Accepts the English code and the Chinese names of data-package.md.
    public init?(parsing text: String) {
        switch text.trimmed.lowercased() {
        case "center", "centre", "中心", "区行政服务中心", "行政服务中心": self = .center
        case "subcenter", "sub-center", "subcentre", "分中心": self = .subcenter
        case "town", "镇街", "镇街公共服务中心", "公共服务中心": self = .town
        default: return nil
        }
    }

    /// Chinese display name of the tier as the bulletin prints it.
    public var chineseName: String {
        switch self {
        case .center: return "区行政服务中心"
        case .subcenter: return "分中心"
        case .town: return "镇街公共服务中心"
        }
    }
}

/// A reporting unit: a department window of the centre, a sub-centre, or a town centre.
public struct OrgUnit: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    public var tier: Tier
    /// Window type (centre only), shown as a row group: 常设窗口, 自贸专窗 …
    public var window: String?
    /// Groups (板块) the unit belongs to, e.g. 建设板块.
    public var groups: [String]
    public var aliases: [String]
    /// Whether the unit takes part in department rankings.
    public var ranked: Bool
    public var order: Int

    public init(
        code: String, name: String, tier: Tier, window: String? = nil, groups: [String] = [],
        aliases: [String] = [], ranked: Bool = true, order: Int = 0
    ) {
        self.code = code
        self.name = name
        self.tier = tier
        self.window = window
        self.groups = groups
        self.aliases = aliases
        self.ranked = ranked
        self.order = order
    }
}

/// Resolves a unit reference (code, name or alias) to its code.
public struct UnitDirectory: Sendable {
    public private(set) var units: [OrgUnit]
    private var index: [String: String] = [:]

    public init(_ units: [OrgUnit]) {
        self.units = units.sorted { ($0.order, $0.code) < ($1.order, $1.code) }
        for u in self.units {
            for key in [u.code, u.name] + u.aliases { index[Self.normalise(key)] = u.code }
        }
    }

    /// The code for a reference, nil when unknown.
    public func resolve(_ reference: String) -> String? { index[Self.normalise(reference)] }
    public func unit(_ code: String) -> OrgUnit? { units.first { $0.code == code } }
    public func units(in tier: Tier) -> [OrgUnit] { units.filter { $0.tier == tier } }

    /// Names compare through full- and half-width forms (brackets, digits, letters), spaces of any kind
    /// (including 全角空格) and the case of codes: `区税务局（一）` is `区 税务局(一)`, `c06` is `C06`.
    static func normalise(_ s: String) -> String {
        HeaderVocabulary.normaliseName(s)
    }

    /// Up to three codes, names or aliases closest to an unknown reference, for “did you mean”.
    public func closest(_ reference: String) -> [String] {
        HeaderVocabulary.closest(reference, among: units.flatMap { [$0.name] + $0.aliases })
    }
}
