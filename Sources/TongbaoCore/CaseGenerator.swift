import Foundation

/// A seeded generator of realistic 办件明细 exports (case_records.csv) for tests and benchmarks.
///
/// Each unit gets cases in proportion to its weight (the sample month's received cases, so 社会保险中心 and the tax
/// bureau dominate as in the printed bulletin) and its share of 即办. Cases are received on working days between
/// 08:30 and 17:30; 即办 completes within the hour, 承诺 within its promised days as a rule (about 3 % late), and
/// cases received in the last days may still be open. About 70 % are rated, a few of them unfavourably; about 5 %
/// are cross-region (通办). Most limits are in working days, some in calendar days; about 2 % of cases are refused
/// (不予受理), 1 % returned (退件) and 0.5 % void (作废). The same seed gives the same bytes.
public struct CaseGenerator: Sendable {
    public struct UnitProfile: Sendable {
        public var name: String
        public var weight: Double
        public var immediateShare: Double

        public init(name: String, weight: Double, immediateShare: Double) {
            self.name = name
            self.weight = weight
            self.immediateShare = immediateShare
        }
    }

    public static let header =
        "case_id,unit,item,category,kind,received_at,completed_at,promised_days,rating,scope,channel,promised_unit,status"

    let units: [UnitProfile]
    /// Cumulative weights, for picking a unit with one draw.
    let cumulative: [Double]
    let firstDay: Int
    let dayCount: Int
    /// The export's cut-off: nothing completes after it (day number, exclusive).
    let cutoff: Int
    var random: SplitMix64
    var serial = 0
    /// Case ids are this prefix and a serial number; different prefixes never collide.
    public var idPrefix = "GC"

    /// Units with their weights; cases received from `from` for `days` days, the export taken at the end.
    public init(units: [UnitProfile], seed: UInt64, from: Day, days: Int) {
        let kept = units.filter { $0.weight > 0 }
        self.units = kept
        var sum = 0.0
        cumulative = kept.map {
            sum += $0.weight
            return sum
        }
        firstDay = DayNumber.from(from)
        dayCount = max(1, days)
        cutoff = firstDay + dayCount
        random = SplitMix64(seed: seed)
    }

    /// Appends the next case as one CSV line (with its newline) to `out`.
    public mutating func next(into out: inout [UInt8]) {
        serial += 1
        let u = unit()
        let immediate = random.unit() < u.immediateShare
        var day = firstDay + Int(random.next() % UInt64(dayCount))
        if DayNumber.weekday(day) >= 5 { day -= DayNumber.weekday(day) - 4 }  // weekends move to Friday
        if day < firstDay { day += 3 }
        let received = day * 86_400 + 30_600 + Int(random.next() % 32_400)  // 08:30–17:30
        let promised = immediate ? 0 : [1, 3, 5, 7, 10, 15, 20][Int(random.next() % 7)]
        var completed: Int? = nil
        if immediate {
            completed = received + 300 + Int(random.next() % 3_300)
        } else {
            let late = random.unit() < 0.03
            let days = late ? promised + 1 + Int(random.next() % 10) : Int(random.next() % UInt64(promised + 1))
            let t = (day + days) * 86_400 + 32_400 + Int(random.next() % 28_800)
            completed = t / 86_400 < cutoff ? max(t, received + 600) : nil
        }
        let r = random.unit()
        let rating: String? =
            completed == nil || r >= 0.7
            ? nil : r < 0.42 ? "非常满意" : r < 0.63 ? "满意" : r < 0.685 ? "基本满意" : r < 0.695 ? "不满意" : "非常不满意"
        let s = random.unit()
        let scope = s < 0.03 ? "全渝通办" : s < 0.045 ? "川渝通办" : s < 0.05 ? "跨省通办" : ""
        let c = random.unit()
        let channel = c < 0.6 ? "窗口" : c < 0.95 ? "网上" : "自助"
        let limitUnit = immediate ? "" : random.unit() < 0.85 ? "工作日" : "自然日"
        let st = random.unit()
        let status =
            st < 0.02 ? "不予受理" : st < 0.03 ? "退件" : st < 0.035 ? "作废" : completed == nil ? "" : "办结"
        let fields = [
            "\(idPrefix)\(pad(serial, 10))", u.name, "事项\(1 + Int(random.next() % 40))",
            random.unit() < 0.58 ? "审批" : "服务",
            immediate ? "即办" : "承诺", DayNumber.timestamp(received), completed.map(DayNumber.timestamp) ?? "",
            String(promised), rating ?? "", scope, channel, limitUnit, status,
        ]
        out.append(contentsOf: fields.joined(separator: ",").utf8)
        out.append(0x0A)
    }

    mutating func unit() -> UnitProfile {
        let x = random.unit() * (cumulative.last ?? 1)
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return units[lo]
    }
}

/// SplitMix64: small, fast and the same on every platform, unlike the system generator.
struct SplitMix64: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Days counted from 1970-01-01 (civil calendar, after Howard Hinnant's algorithms).
enum DayNumber {
    static func from(_ d: Day) -> Int {
        let y = d.month <= 2 ? d.year - 1 : d.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (d.month + 9) % 12
        let doy = (153 * mp + 2) / 5 + d.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ n: Int) -> (Int, Int, Int) {
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    static func weekday(_ n: Int) -> Int { ((n % 7) + 7 + 3) % 7 }

    /// `2021-07-05 09:12:33` for seconds since 1970 (the export's local time, no zone).
    static func timestamp(_ seconds: Int) -> String {
        let day = seconds.floorDiv(86_400)
        let (y, m, d) = civil(day)
        let s = seconds - day * 86_400
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))"
    }
}
