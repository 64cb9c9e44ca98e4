import Foundation

/// The unit of a promised limit (时限单位). Periods count in working days unless an export says otherwise.
public enum LimitUnit: Int, Codable, Sendable, CaseIterable {
    case workday = 0
    case calendarDay = 1
    case hour = 2

    /// The words exports use, in one place (docs/cases.md lists them).
    public static let words: [String: LimitUnit] = [
        "工作日": .workday, "个工作日": .workday, "workday": .workday, "w": .workday,
        "自然日": .calendarDay, "日": .calendarDay, "天": .calendarDay, "day": .calendarDay, "d": .calendarDay,
        "小时": .hour, "时": .hour, "hour": .hour, "h": .hour,
    ]

    public var chineseName: String { ["工作日", "自然日", "小时"][rawValue] }
}

/// What became of a case (办件状态). Only real completions count as 办结; 不予受理 and 退件 are counted apart;
/// 作废 and 撤回 count nowhere.
public enum CaseStatus: Int, Codable, Sendable, CaseIterable {
    case normal = 0
    case rejected = 1
    case returned = 2
    case void = 3

    /// The words exports use, in one place (docs/cases.md lists them); a profile adds a platform's codes.
    public static let words: [String: CaseStatus] = [
        "办结": .normal, "已办结": .normal, "正常办结": .normal, "出证办结": .normal, "予以办结": .normal,
        "准予许可": .normal, "不予许可": .normal, "办理中": .normal, "在办": .normal, "受理": .normal, "已受理": .normal,
        "不予受理": .rejected, "不受理": .rejected,
        "退件": .returned, "退回": .returned, "退件办结": .returned,
        "作废": .void, "撤回": .void, "撤销": .void, "撤件": .void, "删除": .void,
    ]

    public var chineseName: String { ["办结", "不予受理", "退件", "作废或撤回"][rawValue] }
}

/// When a case is due: the last day on which completion is on time, or for a limit in hours the exact second.
public struct Deadline: Sendable, Equatable {
    /// Day number (days since 1970-01-01) of the last day that is on time.
    public var day: Int
    /// For hours: the last second (since 1970) that is on time.
    public var second: Int?

    public init(day: Int, second: Int? = nil) {
        self.day = day
        self.second = second
    }

    /// On time: completed by the end of the deadline day (or by the deadline's second).
    public func onTime(completed: Int) -> Bool {
        if let second { return completed <= second }
        return completed.floorDiv(86_400) <= day
    }

    /// Completed before the deadline day (提前办结).
    public func early(completed: Int) -> Bool { completed.floorDiv(86_400) < day }
}

extension WorkCalendar {
    /// The deadline of a case received at `received` (seconds): the day of receipt is not counted; N 工作日 end
    /// with the N-th working day after it, N 自然日 with the N-th day, N 小时 N hours after receipt; `paused`
    /// working days (特别程序, 补正) extend it; 即办 is due the same day.
    public func deadline(received: Int, immediate: Bool, limit: Int, unit: LimitUnit, paused: Int = 0)
        throws(MissingYear) -> Deadline
    {
        let day = received.floorDiv(86_400)
        var due: Deadline
        if immediate {
            due = Deadline(day: day)
        } else {
            switch unit {
            case .workday: due = Deadline(day: try workday(max(0, limit), after: day))
            case .calendarDay: due = Deadline(day: day + max(0, limit))
            case .hour:
                let second = received + max(0, limit) * 3600
                due = Deadline(day: second.floorDiv(86_400), second: second)
            }
        }
        guard paused > 0 else { return due }
        let later = try workday(paused, after: due.day)
        return Deadline(day: later, second: due.second.map { $0 + (later - due.day) * 86_400 })
    }
}
