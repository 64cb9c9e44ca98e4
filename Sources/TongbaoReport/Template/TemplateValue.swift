import Foundation
import TongbaoCore

/// What a figure of a template is: a count, a percentage, a number of days, a score, a text or a list.
enum ValueKind: Equatable, Sendable {
    case count
    case percent
    case days
    case score
    case text
    case list(ItemType)

    var isNumber: Bool { [.count, .percent, .days, .score].contains(self) }

    /// For messages: 「数字」「文字」「名单」.
    var label: String {
        switch self {
        case .count, .percent, .days, .score: return "数字"
        case .text: return "文字"
        case .list(let t): return "名单（\(t.label)）"
        }
    }
}

/// The things a list holds; each kind has its own fields (``TemplateCatalog/fields``).
enum ItemType: Equatable, Sendable {
    case unit, tier, group, rate, text, event, ancillary, scope, scored

    var label: String {
        switch self {
        case .unit: return "单位"
        case .tier: return "三级中心"
        case .group: return "板块或部门"
        case .rate: return "比率"
        case .text: return "名称"
        case .event: return "工作动态"
        case .ancillary: return "配套服务"
        case .scope: return "通办类型"
        case .scored: return "测评单位"
        }
    }
}

/// One thing of a list with what its fields read.
struct Item: Sendable {
    enum Payload: Sendable {
        case unit(UnitFigures)
        case tier(TierFigure)
        case group(NamedCount)
        case rate(RateFigure, previous: RateFigure?, lastYear: RateFigure?)
        case text(String)
        case event(Event)
        case ancillary(AncillaryTable.Row)
        case scope(name: String, month: Int?, ytd: Int?)
        case scored(EvaluationTable.Row)
    }

    var payload: Payload

    var name: String {
        switch payload {
        case .unit(let u): return u.name
        case .tier(let t): return t.tier.chineseName
        case .group(let g): return g.name
        case .rate(let r, _, _): return r.name
        case .text(let s): return s
        case .event(let e): return e.text
        case .ancillary(let r): return r.service
        case .scope(let name, _, _): return name
        case .scored(let r): return r.name
        }
    }
}

/// A value while rendering. A figure that is not known never becomes a value: it throws ``Absent``.
enum Value: Sendable {
    case number(Decimal, ValueKind)
    case text(String)
    case list(ItemType, [Item])

    static func count(_ v: Int?) -> Value? { v.map { .number(Decimal($0), .count) } }
    static func hundredths(_ v: Int?, _ kind: ValueKind) -> Value? { v.map { .number(Decimal($0) / 100, kind) } }
    static func text(_ s: String?) -> Value? { s.flatMap { $0.isEmpty ? nil : .text($0) } }

    /// As printed: counts as integers, other numbers with at most two decimals, lists as names joined by 、.
    var printed: String {
        switch self {
        case .number(let d, _): return Numbers.rate(d)
        case .text(let s): return s
        case .list(_, let items): return items.map(\.name).joined(separator: "、")
        }
    }
}

/// A figure the data does not have (nothing reported, no previous month, an empty list): the smallest optional
/// part around it is left out: a `[…]` group, a loop's turn, a paragraph.
struct Absent: Error {}

/// Which month a figure is read from.
enum Shift: Sendable, Equatable {
    case now, previous, lastYear

    static let words: [String: Shift] = [
        "上月": .previous, "previous": .previous, "去年同期": .lastYear, "lastYear": .lastYear,
    ]
}
