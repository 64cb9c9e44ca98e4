import Foundation

/// A figures.csv key, `SCOPE.MEASURE` (data-package.md).
public struct FigureKey: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Which units a figure covers.
    public enum Scope: String, Codable, Sendable, CaseIterable {
        case all, center, subcenter, town, departments

        /// The tiers the scope sums over.
        public var tiers: [Tier] {
            switch self {
            case .all: return [.center, .subcenter, .town]
            case .center: return [.center]
            case .subcenter: return [.subcenter]
            case .town: return [.town]
            case .departments: return [.center, .subcenter]
            }
        }
    }

    /// What a figure measures.
    public enum Measure: Hashable, Sendable {
        case done, recv
        case ytdRecvImmediate, ytdRecvPromised, ytdDoneImmediate, ytdDonePromised
        case approval, service
        case proxy, ytdProxy
        case tongban(String)
        case ytdTongban(String)
        case ontimeRate, accuracyRate, satisfactionRate

        static let plain: [String: Measure] = [
            "done": .done, "recv": .recv,
            "ytd_recv_immediate": .ytdRecvImmediate, "ytd_recv_promised": .ytdRecvPromised,
            "ytd_done_immediate": .ytdDoneImmediate, "ytd_done_promised": .ytdDonePromised,
            "approval": .approval, "service": .service, "proxy": .proxy, "ytd_proxy": .ytdProxy,
            "ontime_rate": .ontimeRate, "accuracy_rate": .accuracyRate, "satisfaction_rate": .satisfactionRate,
        ]

        init?(parsing text: String) {
            if let m = Measure.plain[text] {
                self = m
                return
            }
            if text.hasPrefix("tongban:"), text.count > 8 {
                self = .tongban(String(text.dropFirst(8)))
                return
            }
            if text.hasPrefix("ytd_tongban:"), text.count > 12 {
                self = .ytdTongban(String(text.dropFirst(12)))
                return
            }
            return nil
        }

        var text: String {
            switch self {
            case .tongban(let s): return "tongban:\(s)"
            case .ytdTongban(let s): return "ytd_tongban:\(s)"
            default: return Measure.plain.first { $0.value == self }!.key
            }
        }

        /// Rates are percentages, everything else a count.
        public var isRate: Bool { [.ontimeRate, .accuracyRate, .satisfactionRate].contains(self) }
    }

    public var scope: Scope
    public var measure: Measure

    public init(_ scope: Scope, _ measure: Measure) {
        self.scope = scope
        self.measure = measure
    }

    public init?(parsing text: String) {
        let t = text.trimmed
        guard let dot = t.firstIndex(of: "."), let scope = Scope(rawValue: String(t[..<dot])),
            let measure = Measure(parsing: String(t[t.index(after: dot)...]))
        else { return nil }
        self.init(scope, measure)
    }

    public var description: String { "\(scope.rawValue).\(measure.text)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let k = FigureKey(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "bad key \(text)"))
        }
        self = k
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension FigureKey {
    /// The figure as a Chinese phrase for messages (`区行政服务中心和分中心全渝通办本月办件量`); the key stays in
    /// JSON.
    public var chineseName: String { scope.chineseName + measure.chineseName }
}

extension FigureKey.Scope {
    public var chineseName: String {
        switch self {
        case .all: return "全区"
        case .center: return "区行政服务中心"
        case .subcenter: return "分中心"
        case .town: return "镇街公共服务中心"
        case .departments: return "区行政服务中心和分中心"
        }
    }
}

extension FigureKey.Measure {
    public var chineseName: String {
        switch self {
        case .done: return "办件量"
        case .recv: return "接件量"
        case .ytdRecvImmediate: return "本年累计即办接件"
        case .ytdRecvPromised: return "本年累计承诺接件"
        case .ytdDoneImmediate: return "本年累计即办办结"
        case .ytdDonePromised: return "本年累计承诺办结"
        case .approval: return "审批类办件量"
        case .service: return "服务类办件量"
        case .proxy: return "村居代办量"
        case .ytdProxy: return "本年累计村居代办量"
        case .tongban(let scope): return "“\(scope)”本月办件量"
        case .ytdTongban(let scope): return "“\(scope)”全年办件量"
        case .ontimeRate: return "按时办结率"
        case .accuracyRate: return "办件准确率"
        case .satisfactionRate: return "群众满意率"
        }
    }
}
