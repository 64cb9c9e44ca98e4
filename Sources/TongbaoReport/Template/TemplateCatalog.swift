import Foundation
import TongbaoCore

/// Every name a template may use: figures of the district, lists and the fields of their items, helpers, tables
/// and charts. Each has a Chinese name first and English aliases after it (docs/templates.md lists them all).
enum TemplateCatalog {
    /// A figure of the whole bulletin. `shifts`: it can be read for 上月 and 去年同期 too.
    struct Figure: Sendable {
        var names: [String]
        var kind: ValueKind
        var shifts: Bool
        var about: String
        var read: @Sendable (Bulletin, Shift) -> Value?
    }

    /// A field of an item of a list (inside 逐个, a table's columns, 排序 and 合计).
    struct Field: Sendable {
        var names: [String]
        var kind: ValueKind
        var shifts: Bool
        var read: @Sendable (Item, Shift) -> Value?
    }

    static func detail(_ b: Bulletin) -> MonthDetail {
        b.detail
            ?? MonthDetail(
                units: [], records: nil, previousRecords: nil, lastYearRecords: nil, previousRates: [],
                lastYearRates: [])
    }

    static func month(_ u: UnitFigures, _ s: Shift) -> CaseRow? {
        switch s {
        case .now: return u.now
        case .previous: return u.previous
        case .lastYear: return u.lastYear
        }
    }

    static func records(_ b: Bulletin, _ s: Shift) -> RecordSummary? {
        let d = detail(b)
        switch s {
        case .now: return d.records
        case .previous: return d.previousRecords
        case .lastYear: return d.lastYearRecords
        }
    }

    /// The sum over every unit of a month's count; nil when no unit reported it.
    static func unitSum(_ b: Bulletin, _ s: Shift, _ f: (CaseRow) -> Int?) -> Int? {
        let values = detail(b).units.compactMap { month($0, s).flatMap(f) }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    static func tier(_ b: Bulletin, _ t: Tier, _ s: Shift) -> Int? {
        guard let f = b.overview.tiers.first(where: { $0.tier == t }) else { return nil }
        switch s {
        case .now: return f.done
        case .previous: return f.previousDone
        case .lastYear: return f.lastYearDone
        }
    }

    static func rate(_ b: Bulletin, _ name: String, _ s: Shift) -> Value? {
        let d = detail(b)
        let rates = s == .now ? b.overview.rates : s == .previous ? d.previousRates : d.lastYearRates
        return rates.first { $0.name == name }.map { .number($0.value, .percent) }
    }

    static func record(_ kind: ValueKind, _ f: @escaping @Sendable (RecordSummary) -> Int?)
        -> @Sendable (
            Bulletin, Shift
        ) -> Value?
    {
        { b, s in
            guard let r = records(b, s), let v = f(r) else { return nil }
            return kind == .count ? .count(v) : .hundredths(v, kind)
        }
    }

    static let figures: [Figure] = [
        Figure(names: ["区县名称", "district"], kind: .text, shifts: false, about: "渝北区") { b, _ in
            .text(b.districtName)
        },
        Figure(names: ["标题", "title"], kind: .text, shifts: false, about: "通报标题（期次表或默认）") { b, _ in .text(b.title) },
        Figure(names: ["导语", "lead"], kind: .text, shifts: false, about: "期次表中的导语") { b, _ in .text(b.lead) },
        Figure(names: ["发文单位", "issuer"], kind: .text, shifts: false, about: "期次表中的发文单位") { b, _ in .text(b.issuer) },
        Figure(names: ["期号", "issue"], kind: .count, shifts: false, about: "第几期") { b, _ in .count(b.issue) },
        Figure(names: ["年", "year"], kind: .count, shifts: false, about: "2021") { b, _ in .count(b.period.year) },
        Figure(names: ["月份", "monthNumber"], kind: .count, shifts: false, about: "7") { b, _ in
            .count(b.period.month)
        },
        Figure(names: ["月", "month"], kind: .text, shifts: false, about: "7月") { b, _ in .text("\(b.period.month)月") },
        Figure(names: ["上月名", "previousMonth"], kind: .text, shifts: false, about: "6月；1月的上月为“上年12月”") { b, _ in
            .text(b.period.month == 1 ? "上年12月" : "\(b.period.previous.month)月")
        },
        Figure(names: ["全区办件量", "total"], kind: .count, shifts: true, about: "全区办结的审批服务事项（第一部分）") { b, s in
            .count(s == .now ? b.overview.total : s == .previous ? b.overview.previousTotal : b.overview.lastYearTotal)
        },
        Figure(names: ["区行政服务中心.办件量", "center.done"], kind: .count, shifts: true, about: "区行政服务中心办结") { b, s in
            .count(tier(b, .center, s))
        },
        Figure(names: ["分中心.办件量", "subcenters.done"], kind: .count, shifts: true, about: "各分中心办结") { b, s in
            .count(tier(b, .subcenter, s))
        },
        Figure(names: ["镇街公共服务中心.办件量", "镇街.办件量", "towns.done"], kind: .count, shifts: true, about: "各镇街办结") {
            b, s in .count(tier(b, .town, s))
        },
        Figure(names: ["区行政服务中心.审批类", "center.approval"], kind: .count, shifts: false, about: "中心审批类办结") {
            b, _ in .count(b.overview.centerApproval)
        },
        Figure(names: ["区行政服务中心.服务类", "center.service"], kind: .count, shifts: false, about: "中心服务类办结") {
            b, _ in .count(b.overview.centerService)
        },
        Figure(names: ["区行政服务中心.即办件", "center.immediate"], kind: .count, shifts: false, about: "中心即办件办结") {
            b, _ in .count(b.overview.centerImmediate)
        },
        Figure(names: ["区行政服务中心.承诺件", "center.promised"], kind: .count, shifts: false, about: "中心承诺件办结") {
            b, _ in .count(b.overview.centerPromised)
        },
        Figure(names: ["受理量", "received"], kind: .count, shifts: true, about: "各单位接件合计（即办＋承诺）") { b, s in
            .count(unitSum(b, s, \.received))
        },
        Figure(names: ["办结量", "completed"], kind: .count, shifts: true, about: "各单位办结合计（即办＋承诺）") { b, s in
            .count(unitSum(b, s, \.completed))
        },
        Figure(names: ["即办件受理量", "receivedImmediate"], kind: .count, shifts: true, about: "各单位即办接件合计") { b, s in
            .count(unitSum(b, s, \.recvImmediate))
        },
        Figure(names: ["承诺件受理量", "receivedPromised"], kind: .count, shifts: true, about: "各单位承诺接件合计") { b, s in
            .count(unitSum(b, s, \.recvPromised))
        },
        Figure(names: ["按时办结率", "onTimeRate"], kind: .percent, shifts: true, about: "第一部分的按时办结率（%）") { b, s in
            rate(b, "按时办结率", s)
        },
        Figure(names: ["办件准确率", "accuracyRate"], kind: .percent, shifts: true, about: "第一部分的办件准确率（%）") { b, s in
            rate(b, "办件准确率", s)
        },
        Figure(names: ["群众满意率", "publicSatisfactionRate"], kind: .percent, shifts: true, about: "第一部分的群众满意率（%）") {
            b, s in rate(b, "群众满意率", s)
        },
        Figure(
            names: ["满意率", "satisfactionRate"], kind: .percent, shifts: true, about: "办件明细：满意÷已评价（%）",
            read: record(.percent, \.satisfactionRate)),
        Figure(
            names: ["网办率", "onlineRate"], kind: .percent, shifts: true, about: "办件明细：网上受理÷受理（%）",
            read: record(.percent, \.onlineRate)),
        Figure(
            names: ["提前办结率", "earlyRate"], kind: .percent, shifts: true, about: "办件明细：提前办结÷办结（%）",
            read: record(.percent, \.earlyRate)),
        Figure(
            names: ["评议率", "ratedRate"], kind: .percent, shifts: true, about: "办件明细：已评价÷办结（%）",
            read: record(.percent, \.ratedRate)),
        Figure(
            names: ["明细按时办结率", "recordOnTimeRate"], kind: .percent, shifts: true, about: "办件明细：按时办结÷办结（%）",
            read: record(.percent, \.onTimeRate)),
        Figure(
            names: ["平均办结时间", "averageWorkDays"], kind: .days, shifts: true, about: "办件明细：平均办结工作日",
            read: record(.days, \.averageWorkDays)),
        Figure(
            names: ["平均办结天数", "averageDays"], kind: .days, shifts: true, about: "办件明细：平均办结自然日",
            read: record(.days, \.averageDays)),
        Figure(
            names: ["明细办结件", "recordCompleted"], kind: .count, shifts: true, about: "办件明细：办结件数",
            read: record(.count, { $0.completed })),
        Figure(
            names: ["超时办结件", "overdue"], kind: .count, shifts: true, about: "办件明细：超过承诺时限办结的件数",
            read: record(.count, { $0.overdue })),
        Figure(
            names: ["差评件", "unfavourable"], kind: .count, shifts: true, about: "办件明细：不满意、非常不满意",
            read: record(.count, { $0.unfavourable })),
        Figure(
            names: ["不予受理件", "rejected"], kind: .count, shifts: true, about: "办件明细：不予受理",
            read: record(.count, { $0.rejected })),
        Figure(
            names: ["退件", "returned"], kind: .count, shifts: true, about: "办件明细：退件",
            read: record(.count, { $0.returned })),
        Figure(names: ["前十部门合计", "topSum"], kind: .count, shifts: false, about: "办件量居前的部门共办件") { b, _ in
            .count(b.topDepartments?.sum)
        },
        Figure(names: ["前十部门占比", "topShare"], kind: .percent, shifts: false, about: "占中心办件总量（%）") { b, _ in
            b.topDepartments.map { .number(Decimal(string: $0.share ?? "0") ?? 0, .percent) }
        },
        Figure(names: ["前三部门合计", "topThreeSum"], kind: .count, shifts: false, about: "前三位部门共办件") { b, _ in
            .count(b.topDepartments?.topThreeSum)
        },
        Figure(names: ["前三部门占比", "topThreeShare"], kind: .percent, shifts: false, about: "占中心办件总量（%）") { b, _ in
            b.topDepartments.map { .number(Decimal(string: $0.topThreeShare ?? "0") ?? 0, .percent) }
        },
        Figure(names: ["中心办件总量", "centerTotal"], kind: .count, shifts: false, about: "前十部门占比的分母") { b, _ in
            .count(b.topDepartments?.centerTotal)
        },
        Figure(names: ["配套服务合计", "ancillaryTotal"], kind: .count, shifts: false, about: "配套服务咨询量合计") { b, _ in
            .count(b.ancillary?.totalCount)
        },
        Figure(names: ["配套服务本年累计", "ancillaryYTD"], kind: .count, shifts: false, about: "配套服务本年累计") { b, _ in
            .count(b.ancillary?.totalYTD)
        },
    ]

    /// A list of the whole bulletin.
    struct List: Sendable {
        var names: [String]
        var item: ItemType
        var about: String
        var read: @Sendable (Bulletin) -> [Item]
    }

    static func units(_ b: Bulletin, _ tier: Tier?) -> [Item] {
        detail(b).units.filter { tier == nil || $0.tier == tier }.map { Item(payload: .unit($0)) }
    }

    static let lists: [List] = [
        List(names: ["三级中心", "tiers"], item: .tier, about: "区行政服务中心、分中心、镇街公共服务中心") { b in
            b.overview.tiers.map { Item(payload: .tier($0)) }
        },
        List(names: ["板块", "groups"], item: .group, about: "区行政服务中心的板块及其办件量") { b in
            b.overview.groups.map { Item(payload: .group($0)) }
        },
        List(names: ["比率", "rates"], item: .rate, about: "第一部分的比率（按时办结率等）") { b in
            let d = detail(b)
            return b.overview.rates.map { r in
                Item(
                    payload: .rate(
                        r, previous: d.previousRates.first { $0.name == r.name },
                        lastYear: d.lastYearRates.first { $0.name == r.name }))
            }
        },
        List(names: ["趋势注释", "trendNotes"], item: .text, about: "趋势图下的注") { b in
            b.trendNotes.map { Item(payload: .text($0)) }
        },
        List(names: ["前十部门", "topDepartments"], item: .group, about: "区行政服务中心办件量居前的部门") { b in
            (b.topDepartments?.units ?? []).map { Item(payload: .group($0)) }
        },
        List(names: ["前三部门", "topThree"], item: .text, about: "其中的前三位") { b in
            (b.topDepartments?.topThree ?? []).map { Item(payload: .text($0)) }
        },
        List(names: ["工作动态", "events"], item: .event, about: "本月工作动态，按日期") { b in
            b.events.map { Item(payload: .event($0)) }
        },
        List(names: ["优质服务窗口", "excellent"], item: .text, about: "测评得分居前的窗口") { b in
            b.excellent.map { Item(payload: .text($0)) }
        },
        List(names: ["未报送单位", "missing"], item: .text, about: "上月报送、本月没有报送的单位") { b in
            (b.missing ?? []).map { Item(payload: .text($0)) }
        },
        List(names: ["无业务单位", "idle"], item: .unit, about: "本月报送了、但受理和办结都是0的单位") { b in
            detail(b).units.filter { $0.now?.isIdle ?? false }.map { Item(payload: .unit($0)) }
        },
        List(names: ["全部单位", "units"], item: .unit, about: "机构目录中的全部单位") { b in units(b, nil) },
        List(names: ["区行政服务中心各单位", "centerUnits"], item: .unit, about: "区行政服务中心的窗口单位") { b in
            units(b, .center)
        },
        List(names: ["分中心各单位", "subcenterUnits"], item: .unit, about: "各分中心") { b in units(b, .subcenter) },
        List(names: ["镇街各单位", "townUnits"], item: .unit, about: "各镇街公共服务中心") { b in units(b, .town) },
        List(names: ["配套服务", "ancillary"], item: .ancillary, about: "配套服务事项") { b in
            (b.ancillary?.rows ?? []).map { Item(payload: .ancillary($0)) }
        },
        List(names: ["通办类型", "tongbanScopes"], item: .scope, about: "跨区域通办的各类型及合计") { b in
            guard let t = b.tongban else { return [] }
            return t.scopes.enumerated().map { i, s in
                Item(payload: .scope(name: s, month: t.totalMonth[i], ytd: t.totalYTD[i]))
            }
        },
        List(names: ["测评单位", "scored"], item: .scored, about: "部门测评，按总分排序") { b in
            (b.evaluation?.rows ?? []).map { Item(payload: .scored($0)) }
        },
        List(names: ["未列入测评单位", "unscored"], item: .text, about: "参加排名、没有测评分的单位") { b in
            (b.evaluation?.unscored ?? []).map { Item(payload: .text($0)) }
        },
    ]

    static func unitCount(_ f: @escaping @Sendable (CaseRow) -> Int?) -> @Sendable (Item, Shift) -> Value? {
        { item, s in
            guard case .unit(let u) = item.payload else { return nil }
            return .count(month(u, s).flatMap(f))
        }
    }

    static func unitRecord(_ kind: ValueKind, _ f: @escaping @Sendable (RecordSummary) -> Int?)
        -> @Sendable (
            Item, Shift
        ) -> Value?
    {
        { item, s in
            guard case .unit(let u) = item.payload, s != .lastYear,
                let r = s == .now ? u.records : u.previousRecords, let v = f(r)
            else { return nil }
            return kind == .count ? .count(v) : .hundredths(v, kind)
        }
    }

    /// The fields of each kind of item. 名称 and 序号 (the turn of the loop) are every item's.
    static let fields: [ItemType: [Field]] = [
        .unit: [
            Field(names: ["代码", "code"], kind: .text, shifts: false) { item, _ in
                guard case .unit(let u) = item.payload else { return nil }
                return .text(u.code)
            },
            Field(names: ["层级", "tier"], kind: .text, shifts: false) { item, _ in
                guard case .unit(let u) = item.payload else { return nil }
                return .text(u.tier.chineseName)
            },
            Field(names: ["窗口类型", "window"], kind: .text, shifts: false) { item, _ in
                guard case .unit(let u) = item.payload else { return nil }
                return .text(u.window)
            },
            Field(names: ["受理量", "received"], kind: .count, shifts: true, read: unitCount(\.received)),
            Field(names: ["办结量", "办件量", "completed"], kind: .count, shifts: true, read: unitCount(\.completed)),
            Field(names: ["即办受理", "recvImmediate"], kind: .count, shifts: true, read: unitCount(\.recvImmediate)),
            Field(names: ["承诺受理", "recvPromised"], kind: .count, shifts: true, read: unitCount(\.recvPromised)),
            Field(names: ["即办办结", "doneImmediate"], kind: .count, shifts: true, read: unitCount(\.doneImmediate)),
            Field(names: ["承诺办结", "donePromised"], kind: .count, shifts: true, read: unitCount(\.donePromised)),
            Field(names: ["本年累计受理", "ytdReceived"], kind: .count, shifts: true, read: unitCount(\.ytdRecv)),
            Field(names: ["本年累计办结", "ytdCompleted"], kind: .count, shifts: true, read: unitCount(\.ytdDone)),
            Field(names: ["村居代办量", "proxy"], kind: .count, shifts: true, read: unitCount(\.proxy)),
            Field(
                names: ["满意率", "satisfactionRate"], kind: .percent, shifts: true,
                read: unitRecord(.percent, \.satisfactionRate)),
            Field(
                names: ["按时办结率", "onTimeRate"], kind: .percent, shifts: true, read: unitRecord(.percent, \.onTimeRate)),
            Field(
                names: ["平均办结时间", "averageWorkDays"], kind: .days, shifts: true,
                read: unitRecord(.days, \.averageWorkDays)),
            Field(
                names: ["超时办结件", "overdue"], kind: .count, shifts: true, read: unitRecord(.count, { $0.overdue })),
        ],
        .tier: [
            Field(names: ["办件量", "办结量", "done"], kind: .count, shifts: true) { item, s in
                guard case .tier(let t) = item.payload else { return nil }
                return .count(s == .now ? t.done : s == .previous ? t.previousDone : t.lastYearDone)
            }
        ],
        .group: [
            Field(names: ["办件量", "办结量", "count"], kind: .count, shifts: false) { item, _ in
                guard case .group(let g) = item.payload else { return nil }
                return .count(g.count)
            }
        ],
        .rate: [
            Field(names: ["数值", "value"], kind: .percent, shifts: true) { item, s in
                guard case .rate(let r, let previous, let lastYear) = item.payload else { return nil }
                return (s == .now ? r : s == .previous ? previous : lastYear).map { .number($0.value, .percent) }
            },
            Field(names: ["说明", "note"], kind: .text, shifts: false) { item, _ in
                guard case .rate(let r, _, _) = item.payload else { return nil }
                return .text(r.note)
            },
        ],
        .text: [],
        .event: [
            Field(names: ["日期", "date"], kind: .text, shifts: false) { item, _ in
                guard case .event(let e) = item.payload else { return nil }
                return .text("\(e.date.month)月\(e.date.day)日")
            },
            Field(names: ["内容", "text"], kind: .text, shifts: false) { item, _ in
                guard case .event(let e) = item.payload else { return nil }
                return .text(e.text)
            },
        ],
        .ancillary: [
            Field(names: ["咨询量", "count"], kind: .count, shifts: false) { item, _ in
                guard case .ancillary(let r) = item.payload else { return nil }
                return .count(r.count)
            },
            Field(names: ["本年累计", "ytd"], kind: .count, shifts: false) { item, _ in
                guard case .ancillary(let r) = item.payload else { return nil }
                return .count(r.ytd)
            },
        ],
        .scope: [
            Field(names: ["本月", "month"], kind: .count, shifts: false) { item, _ in
                guard case .scope(_, let m, _) = item.payload else { return nil }
                return .count(m)
            },
            Field(names: ["全年", "ytd"], kind: .count, shifts: false) { item, _ in
                guard case .scope(_, _, let y) = item.payload else { return nil }
                return .count(y)
            },
        ],
        .scored: [
            Field(names: ["总分", "total"], kind: .score, shifts: false) { item, _ in
                guard case .scored(let r) = item.payload else { return nil }
                return .number(r.total, .score)
            }
        ],
    ]

    /// 名称 and 内容 of every item.
    static let nameField = Field(names: ["名称", "name"], kind: .text, shifts: false) { item, _ in .text(item.name) }

    static func fields(of type: ItemType) -> [Field] { [nameField] + (fields[type] ?? []) }

    /// Tables Tongbao computes, by name. `units` is the one whose columns, order and length the template chooses.
    enum Table: String, CaseIterable, Sendable {
        case center, subcenters, towns, ancillary, tongban, evaluation, units

        var names: [String] {
            switch self {
            case .center: return ["区行政服务中心接办件情况统计表", "中心办件表", "center"]
            case .subcenters: return ["分中心接办件情况统计表", "分中心办件表", "subcenters"]
            case .towns: return ["镇街公共服务中心接办件情况统计表", "镇街办件表", "towns"]
            case .ancillary: return ["中心配套服务窗口咨询服务情况统计表", "配套服务表", "ancillary"]
            case .tongban: return ["跨区域通办窗口服务情况统计表", "通办表", "tongban"]
            case .evaluation: return ["部门行政审批服务工作测评情况表", "测评表", "evaluation"]
            case .units: return ["单位办件表", "units"]
            }
        }
    }

    enum Chart: String, CaseIterable, Sendable {
        case trend, tiers, top

        var names: [String] {
            switch self {
            case .trend: return ["办件趋势图", "trend"]
            case .tiers: return ["三级中心对比图", "tiers"]
            case .top: return ["前十部门图", "top"]
            }
        }
    }

    /// Every name of the catalog a misspelt one may be near (for 「是不是“…”？」).
    static var allFigureNames: [String] { figures.flatMap(\.names) + lists.flatMap(\.names) }
}
