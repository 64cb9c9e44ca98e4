import Foundation

/// How a platform's 办件明细 export maps to Tongbao's columns, without editing the export: its column names, and
/// the codes it writes for statuses, limit units, kinds, categories and ratings.
///
/// A profile is a short text (docs/cases.md says how to write one):
///
///     # 省级政务服务平台交换标准
///     [列]
///     PROJID = case_id
///     PROMISETIMEUNIT = promised_unit
///     [promised_unit]
///     1 = 工作日
///     2 = 自然日
///
/// Under `[列]` (or `[columns]`) each line names an export column and the case_records column it is; under a
/// column's own section each line maps a value the export writes to the word Tongbao reads.
public struct ExportProfile: Sendable, Equatable {
    public var name: String
    /// Export header (as ``HeaderVocabulary/normalise(_:)`` makes it) → case_records column.
    public var columns: [String: String]
    /// Per case_records column: value as exported → value as Tongbao reads it.
    public var values: [String: [String: String]]

    public init(name: String, columns: [String: String] = [:], values: [String: [String: String]] = [:]) {
        self.name = name
        self.columns = columns
        self.values = values
    }

    /// A mistake in a profile: its line and what is wrong.
    public struct Mistake: Error, Equatable, Sendable {
        public var profile: String
        public var line: Int
        public var reason: String
        public var message: String { "列映射“\(profile)”第\(line)行：\(reason)" }
        public init(profile: String, line: Int, reason: String) {
            self.profile = profile
            self.line = line
            self.reason = reason
        }
    }

    /// Reads a profile's text, refusing unknown columns and malformed lines.
    public static func parse(_ text: String, name: String) throws(Mistake) -> ExportProfile {
        var profile = ExportProfile(name: name)
        let known = Set(PackageTable.caseRecords.columns.map(\.name))
        var section = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmed
                guard ["列", "columns"].contains(section) || known.contains(section) else {
                    throw Mistake(profile: name, line: n + 1, reason: "未知的段“[\(section)]”：应为 [列] 或办件明细的列名")
                }
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmed }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !section.isEmpty else {
                throw Mistake(profile: name, line: n + 1, reason: "应为“导出值 = 通报值”，且写在某个 [段] 之下")
            }
            if ["列", "columns"].contains(section) {
                guard known.contains(parts[1]) else {
                    throw Mistake(
                        profile: name, line: n + 1,
                        reason: "“\(parts[1])”不是办件明细的列；可用：" + known.sorted().joined(separator: "、"))
                }
                let source = HeaderVocabulary.normalise(parts[0])
                guard profile.columns[source] == nil else {
                    throw Mistake(profile: name, line: n + 1, reason: "导出列“\(parts[0])”已映射过一次")
                }
                profile.columns[source] = parts[1]
            } else {
                guard profile.values[section]?[parts[0]] == nil else {
                    throw Mistake(profile: name, line: n + 1, reason: "代码“\(parts[0])”在 [\(section)] 中已映射过一次")
                }
                profile.values[section, default: [:]][parts[0]] = parts[1]
            }
        }
        return profile
    }

    /// The profiles that ship with Tongbao, by name.
    public static let shipped: [String: String] = ["province": province]

    /// The exchange standard's field names used by provincial platforms (办件信息交换), as their exports name them.
    static let province = """
        # 省级政务服务平台办件信息交换标准：字段名与代码
        [列]
        PROJID = case_id
        申办号 = case_id
        ACCEPTDEPTNAME = unit
        受理部门 = unit
        SERVICENAME = item
        事项名称 = item
        SERVICETYPE = category
        PROJECTTYPE = kind
        RECEIVETIME = received_at
        ACCEPTTIME = received_at
        受理时间 = received_at
        FINISHTIME = completed_at
        RESULTTIME = completed_at
        办结时间 = completed_at
        PROMISETIMELIMIT = promised_days
        承诺时限 = promised_days
        PROMISETIMEUNIT = promised_unit
        时限单位 = promised_unit
        SUSPENDDAYS = paused_days
        HANDLESTATE = status
        RESULTCODE = status
        办结结果 = status
        SATISFACTION = rating
        评价结果 = rating
        CROSSREGIONTYPE = scope
        APPLYFROM = channel
        申报渠道 = channel
        [promised_unit]
        1 = 工作日
        2 = 自然日
        3 = 小时
        [kind]
        1 = 即办
        2 = 承诺
        [category]
        1 = 审批
        2 = 服务
        # 办结结果：出证办结、准予许可、不予许可为办结；不予受理、退件、作废、撤回另计（见 CaseStatus.words）。
        [status]
        出证办结 = 办结
        准予许可 = 办结
        不予许可 = 办结
        正常办结 = 办结
        # 好差评五级评价：5 为非常满意……1 为非常不满意。平台若用其他代码，请另写映射覆盖。
        [rating]
        5 = 非常满意
        4 = 满意
        3 = 基本满意
        2 = 不满意
        1 = 非常不满意
        """
}
