import Foundation

/// A problem found in input or data: an error blocks an import, a warning is reported.
///
/// Codes are stable (`E004`, `W101`); tests assert codes, users read ``message``.
public struct Issue: Codable, Sendable, Equatable, CustomStringConvertible {
    /// An error blocks an import, a warning is reported, a notice says how a file was read (columns left out,
    /// rows skipped, files of no table).
    public enum Severity: String, Codable, Sendable { case error, warning, notice }

    /// The value of an E012 for a zip inside the uploaded zip: its message says to unpack it, not to save as CSV.
    static let nestedZip = "压缩包中的压缩包"

    public var code: IssueCode
    public var severity: Severity { code.severity }
    /// Where: file name, 1-based line, column header and 1-based column number.
    public var file: String?
    /// The worksheet, when the file is an Excel workbook; `line` is then its row number.
    public var sheet: String?
    public var line: Int?
    public var column: String?
    public var columnNumber: Int?
    /// What: period, unit code, figure key.
    public var period: String?
    public var unit: String?
    public var key: String?
    /// The offending value, or the reported figure where two disagree.
    public var value: String?
    /// The figure Tongbao computed where two disagree.
    public var computed: String?
    /// What to do about it, when Tongbao can tell: the closest accepted names (“是否应为…”), the columns understood.
    public var hint: String?
    /// Chinese text for users.
    public var message: String { code.userMessage(self) + (hint.map { "；" + $0 } ?? "") }

    public init(
        _ code: IssueCode, file: String? = nil, line: Int? = nil, column: String? = nil, columnNumber: Int? = nil,
        period: String? = nil, unit: String? = nil, key: String? = nil, value: String? = nil, computed: String? = nil
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.columnNumber = columnNumber
        self.period = period
        self.unit = unit
        self.key = key
        self.value = value
        self.computed = computed
    }

    /// `cases.csv 第5行 第3列（recv_immediate）` — the location prefix of a message.
    public var location: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let sheet { parts.append("工作表“\(sheet)”") }
        if let line { parts.append("第\(line)行") }
        if let columnNumber, sheet != nil {
            // Excel users find a column by its letter.
            parts.append(Self.columnLetters(columnNumber) + "列" + (column.map { "（\($0)）" } ?? ""))
        } else if let columnNumber {
            parts.append(column.map { "第\(columnNumber)列（\($0)）" } ?? "第\(columnNumber)列")
        } else if let column {
            parts.append("列（\(column)）")
        }
        return parts.joined(separator: " ")
    }

    /// `A`, `Z`, `AA` for columns 1, 26, 27.
    public static func columnLetters(_ column: Int) -> String {
        var n = column
        var s = ""
        while n > 0 {
            s = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// Location, code and message on one line, as the CLI prints it.
    public var description: String {
        let loc = location
        return "[\(code.rawValue)] " + (loc.isEmpty ? "" : loc + "：") + message
    }

    enum CodingKeys: String, CodingKey {
        case code, severity, file, sheet, line, column, columnNumber, period, unit, key, value, computed, hint, message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(severity, forKey: .severity)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encodeIfPresent(sheet, forKey: .sheet)
        try c.encodeIfPresent(line, forKey: .line)
        try c.encodeIfPresent(column, forKey: .column)
        try c.encodeIfPresent(columnNumber, forKey: .columnNumber)
        try c.encodeIfPresent(period, forKey: .period)
        try c.encodeIfPresent(unit, forKey: .unit)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(computed, forKey: .computed)
        try c.encodeIfPresent(hint, forKey: .hint)
        try c.encode(message, forKey: .message)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try c.decode(IssueCode.self, forKey: .code), file: try c.decodeIfPresent(String.self, forKey: .file),
            line: try c.decodeIfPresent(Int.self, forKey: .line),
            column: try c.decodeIfPresent(String.self, forKey: .column),
            columnNumber: try c.decodeIfPresent(Int.self, forKey: .columnNumber),
            period: try c.decodeIfPresent(String.self, forKey: .period),
            unit: try c.decodeIfPresent(String.self, forKey: .unit),
            key: try c.decodeIfPresent(String.self, forKey: .key),
            value: try c.decodeIfPresent(String.self, forKey: .value),
            computed: try c.decodeIfPresent(String.self, forKey: .computed))
        sheet = try c.decodeIfPresent(String.self, forKey: .sheet)
        hint = try c.decodeIfPresent(String.self, forKey: .hint)
    }
}

extension Array where Element == Issue {
    /// Errors in all: those listed, plus those an E035 counted without listing.
    public var errorCount: Int {
        reduce(0) {
            guard $1.severity == .error else { return $0 }
            return $0 + ($1.code == .tooManyIssues ? Int($1.value ?? "") ?? 0 : 1)
        }
    }
}

/// Stable issue codes. `E…` are errors, `W…` warnings.
public enum IssueCode: String, Codable, Sendable, CaseIterable {
    case unknownEncoding = "E001"
    case unknownColumn = "E002"
    case missingColumn = "E003"
    case unknownUnit = "E004"
    case negativeCount = "E005"
    case notAnInteger = "E006"
    case malformedPeriod = "E007"
    case malformedDate = "E008"
    case scoreAboveMax = "E009"
    case duplicateKey = "E010"
    case emptyFile = "E011"
    case notCSV = "E012"
    case unknownCriterion = "E013"
    case notANumber = "E014"
    case unknownTier = "E015"
    case notYesNo = "E016"
    case wrongCellCount = "E017"
    case unknownFigureKey = "E018"
    case recordsAndCases = "E019"
    case periodPublished = "E020"
    case badChoice = "E021"
    case completedBeforeReceived = "E022"
    case missingValue = "E023"
    case unreadablePackage = "E024"
    case duplicateColumn = "E025"
    case conflictingUnitName = "E026"
    case malformedDateTime = "E027"
    case unknownTable = "E028"
    case unreadableWorkbook = "E029"
    case formulaError = "E030"
    case formulaWithoutValue = "E031"
    case duplicateTable = "E032"
    case noCalendar = "E033"
    case tooManyIssues = "E035"
    case unitNotAllowed = "E036"
    case futureMonth = "E037"
    case countTooLarge = "E038"
    case ingestTooLarge = "E039"
    case textTooLong = "E040"
    case reportedDiffers = "W101"
    case reportedYTDDiffers = "W102"
    case doneExceedsReceived = "W103"
    case largeChange = "W104"
    case missingReport = "W105"
    case partsDoNotAddUp = "W106"
    case ytdBelowMonth = "W107"
    case totalDiffers = "W108"
    case proxyOutsideTowns = "W109"
    case partialDetail = "W110"
    case howRead = "N201"
    case fileSkipped = "N202"
    case checksNotRun = "N203"
    case keptReceivedDay = "N204"

    public var severity: Issue.Severity {
        switch rawValue.first {
        case "E": return .error
        case "W": return .warning
        default: return .notice
        }
    }

    // swiftlint:disable:next cyclomatic_complexity
    func userMessage(_ i: Issue) -> String {
        let v = i.value.map { "“\($0)”" } ?? ""
        let unit = i.unit.map { "单位“\($0)”" } ?? ""
        let when = i.period.map { "\($0) " } ?? ""
        switch self {
        case .unknownEncoding: return "文件编码无法识别，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV"
        case .unknownColumn where (i.value ?? "").isEmpty: return "这一列有数据但没有列名"
        case .unknownColumn: return "未知的列\(v)；请检查列名拼写（可用英文、中文列名或 docs/columns.md 中的同义列名）"
        case .missingColumn: return "缺少必需的列\(v)"
        case .unknownUnit: return "未知单位\(v)；单位须为机构目录中的编码、名称或别名"
        case .negativeCount: return "数量不能为负数，实际为\(v)"
        case .notAnInteger:
            let letters = (i.value ?? "").contains { "OoIlL".contains($0) }
            return "应为非负整数，实际为\(v)" + (letters ? "（其中有字母 O、I 或 l，是否应为数字 0 或 1？）" : "")
        case .malformedPeriod: return "不是月份：\(v)；可写作 2021-07、2021/7、2021.7、2021年7月，或 Excel 日期"
        case .malformedDate: return "日期格式应为 YYYY-MM-DD，实际为\(v)"
        case .malformedDateTime: return "时间格式应为 YYYY-MM-DD HH:MM[:SS]，实际为\(v)"
        case .scoreAboveMax: return "得分\(v)超过该指标满分 \(i.computed ?? "")"
        case .duplicateKey: return "与第\(i.computed ?? "?")行重复（\(i.key ?? "")）"
        case .emptyFile: return "文件为空" + (i.value.map { "：" + $0 } ?? "，至少需要表头行")
        case .notCSV where i.value == Issue.nestedZip:
            return "是压缩包中的压缩包，不会读取；请把其中的文件解压出来，直接放进要上传的压缩包"
        // With a line: the file is text, and that line cannot be read as CSV (an open quote, a line past its bound).
        case .notCSV where i.line != nil: return "这一行不能按 CSV 读取：\(i.value ?? "")"
        case .notCSV: return "不是 CSV 文本文件\(i.value.map { "（看起来是 \($0)）" } ?? "")；请在 Excel 中“另存为 CSV”"
        case .unknownCriterion: return "未知测评指标\(v)；须为测评细则中的编码或名称"
        case .notANumber: return "应为数字，实际为\(v)"
        case .unknownTier: return "层级应为 center/subcenter/town（中心/分中心/镇街），实际为\(v)"
        case .notYesNo: return "应为 yes/no（是/否），实际为\(v)"
        case .wrongCellCount: return "本行有 \(i.value ?? "?") 个单元格，表头有 \(i.computed ?? "?") 列"
        case .unknownFigureKey: return "未知指标键\(v)；格式为 范围.指标，如 center.done"
        case .recordsAndCases: return "\(when)\(unit)既有办件明细又有办件月报，同一单位同一月份只能来自其中一种"
        case .periodPublished: return "\(when)已发布并冻结，不能修改；如需修改请管理员先撤回发布"
        case .badChoice: return "取值\(v)无效，应为：\(i.computed ?? "")"
        case .completedBeforeReceived:
            return "办结时间\(v)早于受理时间 \((i.computed ?? "").replacingOccurrences(of: "T", with: " "))"
        case .missingValue: return "必填项为空"
        case .unreadablePackage: return "无法读取数据包\(v)"
        case .unreadableWorkbook: return "无法读取该 Excel 工作簿：" + (i.value ?? "格式不对")
        case .formulaError: return "单元格是公式错误\(v)；请改正公式或填入数值"
        case .formulaWithoutValue:
            return "单元格是没有计算结果的公式\(v)；请在 Excel 或 WPS 中打开并保存后再导入，或填入数值"
        case .tooManyIssues: return "另有 \(i.value ?? "?") 处问题未列出：请先改正以上错误（往往是同一个原因）"
        case .noCalendar: return WorkCalendar.MissingYear(year: Int(i.value ?? "") ?? 0).message
        case .unitNotAllowed: return "不能修改其他单位的数据" + (i.value.map { "：" + $0 } ?? "")
        case .futureMonth where (i.value ?? "").hasPrefix("填报员"):
            return "\(i.period ?? "该月")不在可填报的月份内（\(i.value ?? "")）"
        case .futureMonth where (i.value ?? "").hasPrefix("办件"):
            return "\(i.value ?? "")：还没有到那个时间，请检查导出文件的日期"
        case .futureMonth:
            return "\(i.period ?? "该月")尚未到来，不能填报\(i.value.map { "（\($0)）" } ?? "")"
        case .ingestTooLarge: return "一次导入的办件超出上限：\(i.value ?? "")"
        case .textTooLong:
            return "\(v)太长（\(i.computed ?? "?") 个字）"
        case .countTooLarge:
            return "数值\(v)过大：每格最多 \(RowReader.maxCount)（是否多输了几位，或粘贴了其他号码？）"
        case .duplicateTable:
            return "\(i.key.map { "“\($0)”" } ?? "本行")已在 \(i.value ?? "另一个文件") 第\(i.computed ?? "?")行出现；"
                + "同一单位同一月份只能报送一次，请删去其中一份"
        case .unknownTable where i.sheet != nil:
            return "工作表的名称和列名都对不上数据包中的任何一张表（以“说明”或“参考”开头的工作表不导入）"
        case .unknownTable: return "文件名和列名都对不上数据包中的任何一张表"
        case .duplicateColumn: return "列\(v)重复出现"
        case .conflictingUnitName: return "名称或别名\(v)已被单位“\(i.computed ?? "")”使用"
        case .reportedDiffers:
            // The figure by its Chinese name; JSON keeps the key (`departments.tongban:全渝通办`).
            let name = i.key.flatMap(FigureKey.init(parsing:))?.chineseName ?? i.key ?? ""
            return "\(when)\(name)：报送数（报送数表中所填）为 \(i.value ?? "")，按各单位明细计算为 \(i.computed ?? "")，通报采用计算数"
        case .reportedYTDDiffers:
            return "\(when)\(unit)\(i.key ?? "")报送的本年累计为 \(i.value ?? "")，按各月累加为 \(i.computed ?? "")，通报采用累加数"
        case .doneExceedsReceived:
            return "\(when)\(unit)办结 \(i.value ?? "") 件，超过本月接件加上月积压 \(i.computed ?? "") 件"
        case .largeChange:
            return "\(when)\(unit)\(i.key ?? "办件量")由上月 \(i.computed ?? "") 件变为 \(i.value ?? "") 件，变化异常"
        case .missingReport where i.unit == nil:
            return "\(when)尚有 \(i.value ?? "?") 个单位上月有报送、本月未报送：\(i.computed ?? "")"
        case .missingReport: return "\(when)\(unit)上月有报送，本月没有数据"
        case .partsDoNotAddUp: return "\(when)\(i.key ?? "")合计为 \(i.value ?? "")，各分项相加为 \(i.computed ?? "")"
        case .totalDiffers:
            return "\(i.key ?? "合计")为 \(i.value ?? "")，各分项相加为 \(i.computed ?? "")；合计不导入，通报按分项计算"
        case .proxyOutsideTowns:
            return "\(when)\(unit)不是镇街，却报送了村居代办量 \(i.value ?? "")；请检查是否错列（如未加引号的千分位逗号）"
        case .partialDetail:
            let name = i.key.flatMap(FigureKey.init(parsing:))?.chineseName ?? i.key ?? ""
            return "\(when)\(name)：只有 \(i.unit ?? "?") 个单位有明细（合计 \(i.computed ?? "")），不足一半，通报采用报送数 \(i.value ?? "")"
        case .howRead: return "已自动识别表格：" + (i.value ?? "")
        case .checksNotRun: return "数据已保存，但校验未能完成（\(i.value ?? "")）；警告请稍后在首页或通报页查看"
        case .keptReceivedDay:
            return "\(i.value ?? "?") 件办件以不同的受理日期再次出现，但状态不比已存的新，保留已存的受理日期"
                + "（较早的受理日期不视为更正：规则见 docs/cases.md）"
        case .fileSkipped: return "不是数据文件，已跳过\(i.computed.map { "（\($0)）" } ?? "")"
        case .ytdBelowMonth: return "\(when)\(unit)\(i.key ?? "")本年累计 \(i.value ?? "") 小于本月数 \(i.computed ?? "")"
        }
    }
}
