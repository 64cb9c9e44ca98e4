import Foundation
import TongbaoCore

/// An audit entry as a person reads it: China time, the unit's name, the month, the table and figure in Chinese.
public struct ReadableAudit: Sendable, Codable, Equatable {
    /// `2021-08-05 10:00`, China time.
    public var at: String
    public var actor: String
    public var source: String
    /// `办件月报`.
    public var table: String
    /// The month the row is of, when it has one.
    public var period: String
    /// The unit's name (or the row's other key words: a scope, a service, a criterion).
    public var subject: String
    /// `即办接件`.
    public var figure: String
    public var old: String
    public var new: String

    /// One line for a terminal: when, who, what, old → new, and through what.
    public var line: String {
        let what = [period, subject, "\(table)·\(figure)"].filter { !$0.isEmpty }.joined(separator: " ")
        return "\(at)  \(actor)  \(what)：\(old.isEmpty ? "（空）" : old) → \(new.isEmpty ? "（空）" : new)  （\(source)）"
    }
}

extension AuditEntry {
    /// Chinese names of the tables the audit log names that are not package tables.
    static let otherTables = [
        "publications": "发布", "report_versions": "报表版本", "case_totals": "办件明细汇总", "case_scopes": "办件明细汇总",
        "users": "账号",
        "calendar_days": "节假日", "case_followups": "差评整改", "district_settings": "区县设置",
        "bulletin_templates": "通报模板",
    ]
    /// Chinese names of the district settings (``SQLStore/SettingKey``).
    static let settings = [
        "ingest.profile": "默认列映射", "ratings.satisfied": "算作满意的评价", "reports.required": "必须报送的单位",
        "bulletin.template": "通报模板",
    ]
    /// Chinese names of stored columns that are not package columns.
    static let otherColumns = [
        "sort_order": "排序", "state": "状态", "version": "版本", "*": "整行", "due_date": "应办结日期",
        "approval": "审批类办结", "service": "服务类办结", "on_time": "按时办结", "rated": "已评价",
        "satisfied": "满意", "days_total": "办理天数合计", "working": "放假或上班", "rejected": "不予受理",
        "returned": "退件", "early": "提前办结", "unfavourable": "差评", "online": "网办", "work_days_total": "办理工作日合计",
        "role": "角色", "password": "密码", "disabled": "停用", "token": "API 令牌", "value": "设置值",
    ]

    /// A stored table's Chinese name (`cases`: 办件月报), or its own name when it has none.
    public static func tableName(_ table: String) -> String {
        PackageTable(rawValue: table)?.chineseName ?? otherTables[table] ?? table
    }

    /// The column of a 通办 count by scope from case records: this, then the scope.
    public static let scopePrefix = "通办·"

    /// The entry with codes and column keys turned into names. `units` resolves unit codes in the row's key.
    public func readable(_ units: UnitDirectory) -> ReadableAudit {
        let table = PackageTable(rawValue: self.table)
        var period = ""
        var subject: [String] = []
        for word in key.split(separator: " ").map(String.init) {
            if period.isEmpty, Period(parsing: word) != nil, word.count == 7 {
                period = word
            } else if self.table == "district_settings", let name = Self.settings[word] {
                subject.append(name)
            } else if let code = units.resolve(word), let unit = units.unit(code) {
                subject.append(unit.name)
            } else if let figure = FigureKey(parsing: word) {
                subject.append(figure.chineseName)
            } else {
                subject.append(word)
            }
        }
        // Figures of case records bear the names of the monthly report's columns where they have one.
        let figure =
            table?.columns.first { $0.name == column }?.chinese ?? Self.otherColumns[column]
            ?? PackageTable.cases.columns.first { $0.name == column }?.chinese ?? column
        return ReadableAudit(
            at: ChinaTime.display(at), actor: actor, source: source, table: Self.tableName(self.table), period: period,
            subject: subject.joined(separator: " "), figure: figure, old: Self.value(old, column),
            new: Self.value(new, column))
    }

    /// A stored value as the clerk wrote it: a tier's Chinese name, 是/否 for a yes/no column.
    static func value(_ stored: String?, _ column: String) -> String {
        guard let stored else { return "" }
        switch column {
        case "tier": return Tier(rawValue: stored)?.chineseName ?? stored
        case "ranked", "disabled": return ["1": "是", "0": "否"][stored] ?? stored
        default: return stored
        }
    }
}
