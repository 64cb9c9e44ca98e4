import Foundation

/// Every header name Tongbao understands, in one place: the package's own English and Chinese column names, the
/// synonyms offices write, the words of two-row headers, and the columns and rows that hold no figures.
///
/// docs/columns.md lists the same vocabulary for users; a test checks that every synonym there maps as documented.
public enum HeaderVocabulary {
    // MARK: - Synonyms

    /// Other names of a column, per table (the English name and the Chinese name of data-package.md are always
    /// accepted). Compared after ``normalise(_:)``, so spaces, line breaks, widths and units such as （件） do not
    /// matter.
    public static let synonyms: [PackageTable: [String: [String]]] = [
        .units: [
            "code": ["单位编码", "机构编码", "代码"], "name": ["单位名称", "机构名称", "单位"],
            "tier": ["层次", "所属层级"], "window": ["窗口"], "groups": ["所属板块", "分组"], "aliases": ["其他名称", "曾用名"],
            "ranked": ["是否排名"], "order": ["顺序", "排列顺序"],
        ],
        .cases: ["period": periodNames, "unit": unitNames],
        .caseRecords: [
            "case_id": ["申办号", "办件号", "业务流水号", "流水号"], "unit": unitNames + ["受理部门", "受理单位"], "item": ["事项", "办理事项"],
            "category": ["事项类型"], "kind": ["办件类别"], "received_at": ["受理日期", "申请时间"],
            "completed_at": ["办结日期", "完成时间"], "promised_days": ["承诺时限（工作日）", "承诺期限", "承诺办结时限"],
            "rating": ["评价结果", "满意度"], "scope": ["通办范围"], "channel": ["申报渠道", "办理渠道"],
            "promised_unit": ["承诺时限单位", "期限单位"], "paused_days": ["暂停工作日", "特别程序天数", "补正天数"],
            "status": ["办结状态", "办理状态", "办理结果", "办结结果", "状态"],
        ],
        .tongban: [
            "period": periodNames, "unit": unitNames, "scope": ["通办范围", "类型"], "count": ["本月办件", "本月办理", "办件"],
            "ytd": ["本年累计", "累计"],
        ],
        .ancillary: [
            "period": periodNames, "service": ["服务事项", "项目", "服务名称"], "count": ["本月", "咨询量", "服务量"],
            "ytd": ["累计", "全年"],
        ],
        .rubric: ["code": ["指标编码"], "section": ["分类"], "name": ["指标名称", "考核指标"], "max": ["满分", "分数"]],
        .evaluation: [
            "period": periodNames, "unit": unitNames, "criterion": ["测评指标", "指标名称"], "score": ["分数"],
        ],
        .events: ["date": ["时间"], "text": ["工作动态", "事项"]],
        .figures: ["period": periodNames, "key": ["指标"], "value": ["值"]],
        .meta: ["period": periodNames, "issue": ["期数"], "issuer": ["发文机关"], "date": ["日期"], "lead": ["导言"]],
    ]

    static let periodNames = ["统计月份", "报送月份", "所属月份", "年月", "月", "统计期", "期间", "时间"]
    static let unitNames = [
        "单位名称", "部门", "部门名称", "窗口", "窗口名称", "填报单位", "机构", "机构名称", "镇街", "名称", "单位编码", "单位代码", "编码",
    ]
    /// Unit columns that hold codes: preferred when a sheet gives both a code and a name.
    public static let unitCodeNames: Set<String> = ["单位编码", "单位代码", "编码", "unit"]

    // MARK: - Words of the monthly figures

    /// What a header of 办件月报 speaks of. A header is read as its words in any order (`即办接件`,
    /// `接件即办`, `接件数量（件）` over `即办`), so the two rows of a merged header read like one.
    public enum Concept: String, Sendable, CaseIterable {
        case received, completed, immediate, promised, yearToDate, total, proxy
    }

    /// Words per concept, longest first within the scan.
    public static let conceptWords: [(String, Concept?)] = {
        let words: [(Concept?, [String])] = [
            (.received, ["接件", "受理", "收件", "接收", "申请"]),
            (.completed, ["办结", "办理完成", "完成", "结件"]),
            (.immediate, ["即办件", "即办"]),
            (.promised, ["承诺件", "承诺"]),
            (.yearToDate, ["本年累计", "年度累计", "全年累计", "本年", "累计"]),
            (.total, ["合计", "小计", "总计", "总数", "总量"]),
            (.proxy, ["村居代办", "村社代办", "代办"]),
            // Words that add nothing: 本月接件 is 接件.
            (nil, ["其中", "本月", "当月", "数量", "办件", "量", "数", "件", "的", "/", "-", "_", ":"]),
        ]
        return words.flatMap { c, ws in ws.map { ($0, c) } }.sorted { $0.0.count > $1.0.count }
    }()

    /// The columns of 办件月报 by the concepts their header speaks of.
    public static let caseColumns: [Set<Concept>: String] = [
        [.received, .immediate]: "recv_immediate", [.received, .promised]: "recv_promised",
        [.completed, .immediate]: "done_immediate", [.completed, .promised]: "done_promised",
        [.yearToDate, .received]: "ytd_recv", [.yearToDate, .completed]: "ytd_done", [.proxy]: "proxy",
    ]

    /// Total columns of 办件月报 (`接件合计`, or `接件数量` standing alone) and the columns they add up.
    public static let caseTotals: [Set<Concept>: [String]] = [
        [.received, .total]: ["recv_immediate", "recv_promised"], [.received]: ["recv_immediate", "recv_promised"],
        [.completed, .total]: ["done_immediate", "done_promised"], [.completed]: ["done_immediate", "done_promised"],
    ]

    /// The concepts of a normalised header, nil when some of it is no known word.
    public static func concepts(_ normalised: String) -> Set<Concept>? {
        var rest = Substring(normalised)
        var found = Set<Concept>()
        scan: while !rest.isEmpty {
            for (word, concept) in conceptWords where rest.hasPrefix(word) {
                if let concept { found.insert(concept) }
                rest = rest.dropFirst(word.count)
                continue scan
            }
            return nil
        }
        return found
    }

    // MARK: - What is not a figure

    /// Columns that hold no figures and are left out with a notice (unless the table has a column of that name).
    public static let ignoredColumns: Set<String> = [
        "序号", "编号", "备注", "说明", "填报说明", "附注", "层级", "类别", "所属层级", "窗口类型", "板块", "所属板块", "联系人", "联系电话",
    ]

    /// A row whose first cell starts with one of these is a signature or a footnote under the table.
    public static let signatureWords = [
        "填报人", "填表人", "审核人", "审核", "审批人", "联系电话", "电话", "填报日期", "填表日期", "制表人", "制表", "负责人", "单位负责人",
        "统计人", "经办人", "注：", "注:", "说明：", "说明:", "备注：", "备注:", "填报说明",
    ]

    /// The text of a row that sums others: 合计, 小计, 总计 (also 全区合计, 合　计).
    /// A label before the word (区级部门小计, 镇街 小计, 分中心合计) names the group it closes; a 合计 with a group's
    /// name is read as a subtotal unless it is of the whole (全区合计).
    public static func totalKind(_ cell: String) -> TotalKind? {
        let n = normalise(cell)
        guard n.count <= 12 else { return nil }
        for word in ["合计", "总计", "总数", "小计"] where n.hasSuffix(word) {
            let label = n.dropLast(word.count)
            if word == "小计" { return .sub }
            return ["", "全区", "全县", "全市", "全镇", "全街道", "本月", "总", "以上"].contains(String(label)) ? .grand : .sub
        }
        return nil
    }

    public enum TotalKind: Sendable { case grand, sub }

    /// Cell texts that mean "not reported": stored as empty, never as zero.
    public static let notReported: Set<String> = ["-", "—", "——", "－", "--", "/", "／", "无", "\\"]

    // MARK: - Normalisation

    /// A header or name as compared: half-width, without white space or line breaks, lower case, without units
    /// in brackets (`（件）`, `(%)`), wherever they stand (`接件数量（件）` over `即办` reads `接件数量即办`).
    public static func normalise(_ text: String) -> String {
        var s = String(String.UnicodeScalarView(halfWidth(text).unicodeScalars.filter { !$0.isSpace })).lowercased()
        var from = s.startIndex
        while let open = s[from...].firstIndex(of: "("), let close = s[open...].firstIndex(of: ")") {
            if unitWords.contains(String(s[s.index(after: open)..<close])) {
                s.removeSubrange(open...close)
                from = open
            } else {
                from = s.index(after: open)
            }
        }
        return s
    }

    /// A unit's name or code as compared: half-width, without spaces, lower case (brackets and units kept).
    public static func normaliseName(_ text: String) -> String {
        String(String.UnicodeScalarView(halfWidth(text).unicodeScalars.filter { !$0.isSpace })).lowercased()
    }

    static let unitWords: Set<String> = ["件", "个", "次", "人次", "%", "天", "家", "笔", "单位:件", "单位件", "单位:个"]

    /// Full-width ASCII (`１２`, `（`, `：`) as half-width, and the ideographic space as a space.
    /// Zero-width characters pasted from web pages and the no-break space are dropped or read as a space.
    public static func halfWidth(_ text: String) -> String {
        guard
            text.unicodeScalars.contains(where: {
                $0.value >= 0x3000 || $0.value == 0xA0 || (0x200B...0x2060).contains($0.value)
            })
        else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(s.value - 0xFEE0)!)
            case 0x3000, 0xA0: out.append(" ")
            case 0x200B...0x200D, 0x2060, 0xFEFF: continue
            default: out.append(s)
            }
        }
        return String(out)
    }
}

// MARK: - Columns by header

/// What a column of a file is, once its header is read.
public enum ColumnRole: Sendable, Equatable {
    /// A column of the table (its English name).
    case field(String)
    /// A total of other columns of the row (checked, not stored); empty when it adds up nothing Tongbao stores.
    case total([String])
    /// A column without figures (序号, 备注 …), left out.
    case ignored
}

extension HeaderVocabulary {
    /// Normalised names → column, per table.
    static let lookup: [PackageTable: [String: String]] = {
        var out: [PackageTable: [String: String]] = [:]
        for table in PackageTable.allCases {
            var names: [String: String] = [:]
            for column in table.columns {
                for name in [column.name, column.chinese] + (synonyms[table]?[column.name] ?? []) {
                    names[normalise(name)] = names[normalise(name)] ?? column.name
                }
            }
            out[table] = names
        }
        return out
    }()

    /// The role of a header (one row, or a parent and child header joined) in `table`; nil when unknown.
    public static func role(_ header: String, in table: PackageTable) -> ColumnRole? {
        let n = normalise(header)
        if let name = lookup[table]?[n] { return .field(name) }
        if table == .cases, let concepts = concepts(n), !concepts.isEmpty {
            if let name = caseColumns[concepts] { return .field(name) }
            if let parts = caseTotals[concepts] { return .total(parts) }
            if concepts.contains(.total) { return .total([]) }
        }
        if ignoredColumns.contains(n) { return .ignored }
        return nil
    }

    /// Every name accepted for a column of `table`, for messages and docs.
    public static func names(of column: PackageTable.Column, in table: PackageTable) -> [String] {
        [column.name, column.chinese] + (synonyms[table]?[column.name] ?? [])
    }

    /// Up to three accepted names closest to `text` (edit distance), for “did you mean”.
    public static func closest(_ text: String, among candidates: [String]) -> [String] {
        let n = normalise(text)
        guard !n.isEmpty else { return [] }
        let scored = candidates.map { c -> (String, Int) in
            let m = normalise(c)
            let d = m.contains(n) || n.contains(m) ? max(1, abs(m.count - n.count)) : editDistance(n, m)
            return (c, d)
        }
        let limit = max(1, min(n.count, 8) / 2)
        var seen = Set<String>()
        return scored.filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
            .filter { seen.insert($0).inserted }.prefix(3).map { $0 }
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let current = row[j]
                row[j] = a[i - 1] == b[j - 1] ? previous : 1 + min(previous, row[j], row[j - 1])
                previous = current
            }
        }
        return row[b.count]
    }
}
