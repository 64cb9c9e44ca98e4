import Foundation
import TongbaoCore

/// A template mistake: where it is (line and column, both from 1), what is wrong, and what to write instead.
public struct TemplateProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var suggestion: String?

    public var description: String {
        "第\(line)行第\(column)列：\(message)" + (suggestion.map { "；\($0)" } ?? "")
    }
}

/// Every mistake found in a template; none of it renders.
public struct TemplateErrors: Error, LocalizedError, Sendable, Equatable {
    /// The first mistakes, by line and column.
    public var problems: [TemplateProblem]
    /// How many were found in all (more than are listed when there are many).
    public var total: Int

    public init(problems: [TemplateProblem], total: Int? = nil) {
        self.problems = problems
        self.total = max(total ?? problems.count, problems.count)
    }

    /// 「有5000处错误，以下是前50处」 or 「有3处错误」.
    public var summary: String {
        total > problems.count ? "有\(total)处错误，以下是前\(problems.count)处" : "有\(total)处错误"
    }

    public var errorDescription: String? {
        "模板\(summary)，未使用：\n" + problems.map(\.description).joined(separator: "\n")
    }
}

/// Helpers: the office's usual wording, used like functions in a spreadsheet formula.
enum Helper: CaseIterable, Sendable {
    case vsPrevious, vsLastYear, vsPreviousPercent, vsLastYearPercent, share, join, names, count, first, sort, sum
    case fullStop

    var names: [String] {
        switch self {
        case .vsPrevious: return ["比上月", "vsPrevious"]
        case .vsLastYear: return ["比去年同期", "vsLastYear"]
        case .vsPreviousPercent: return ["比上月幅度", "vsPreviousPercent"]
        case .vsLastYearPercent: return ["比去年同期幅度", "vsLastYearPercent"]
        case .share: return ["占比", "share"]
        case .join: return ["连接", "join"]
        case .names: return ["名单", "names"]
        case .count: return ["个数", "count"]
        case .first: return ["前", "first"]
        case .sort: return ["排序", "sort"]
        case .sum: return ["合计", "sum"]
        case .fullStop: return ["句号", "fullStop"]
        }
    }

    /// How it is written, for messages.
    var usage: String {
        switch self {
        case .vsPrevious: return "比上月(数字) 或 比上月(数字, “6月”)"
        case .vsLastYear: return "比去年同期(数字)"
        case .vsPreviousPercent: return "比上月幅度(数字)"
        case .vsLastYearPercent: return "比去年同期幅度(数字)"
        case .share: return "占比(部分, 全部)"
        case .join: return "连接(“；”, 文字一, 文字二, …)"
        case .names: return "名单(名单) 或 名单(名单, “，”)"
        case .count: return "个数(名单)"
        case .first: return "前(名单, 10)"
        case .sort: return "排序(名单, 受理量)"
        case .sum: return "合计(名单, 受理量)"
        case .fullStop: return "句号(文字)"
        }
    }
}

enum Comparison: String, Sendable {
    case equal = "="
    case notEqual = "≠"
    case greater = ">"
    case less = "<"
    case atLeast = "≥"
    case atMost = "≤"

    static let spellings: [String: Comparison] = [
        "=": .equal, "==": .equal, "＝": .equal, "≠": .notEqual, "!=": .notEqual, "<>": .notEqual, ">": .greater,
        "＞": .greater, "<": .less, "＜": .less, "≥": .atLeast, ">=": .atLeast, "≤": .atMost, "<=": .atMost,
    ]
}

/// An expression inside `{…}`, resolved against the catalog when parsed.
indirect enum Expr: Sendable {
    case figure(TemplateCatalog.Figure, Shift)
    /// A field of the item of the loop at `level` (0 the outermost).
    case field(level: Int, TemplateCatalog.Field, Shift)
    /// 序号: the turn of the loop at `level`, from 1.
    case serial(level: Int)
    case list(TemplateCatalog.List)
    case number(Int)
    case text([Piece])
    /// A field of each item of a list, for 排序 and 合计.
    case itemField(TemplateCatalog.Field, Shift)
    case call(Helper, [Expr])
}

indirect enum Condition: Sendable {
    case has(Expr)
    case hasNot(Expr)
    case compare(Expr, Comparison, Expr)
    case all([Condition])
    case any([Condition])
}

/// A part of a line.
indirect enum Piece: Sendable {
    case text(String)
    case value(Expr)
    /// `[…]`: left out when a figure inside it is not known.
    case optional([Piece])
    case when(Condition, [Piece], [Piece])
    case each(Expr, separator: String, [Piece])
}

/// A line or a group of lines.
indirect enum TemplateBlock: Sendable {
    case title([Piece])
    case lead([Piece])
    case section([Piece])
    case paragraph([Piece])
    case note([Piece])
    case table(TemplateCatalog.Table, TableOptions)
    case chart(TemplateCatalog.Chart, title: [Piece]?)
    case when(Condition, [TemplateBlock], [TemplateBlock])
    case each(Expr, [TemplateBlock])
}

/// The options of `【表】单位办件表 范围=… 列=… 排序=… 前=… 标题=… 合计=是`.
struct TableOptions: Sendable {
    var title: [Piece]?
    var list: TemplateCatalog.List?
    var columns: [(header: String, field: TemplateCatalog.Field, shift: Shift)] = []
    var sort: TemplateCatalog.Field?
    var limit: Int?
    var total = false
}
