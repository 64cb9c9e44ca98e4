import Foundation

/// Slows repeated failed logins of one account name: after `free` failures within a quarter of an hour, each
/// attempt must wait 2, 4, 8 … seconds (at most 15 minutes) after the previous failure. Kept in memory: a restart
/// forgives, which a brute-force attacker cannot use faster than the waits allow.
actor LoginThrottle {
    private struct Record {
        var failures: Int
        var last: Date
    }
    private var records: [String: Record] = [:]
    private let free: Int
    private let window: TimeInterval = 15 * 60

    init(free: Int) { self.free = free }

    /// Seconds to wait before `name` may try again, 0 when it may try now.
    func wait(_ name: String, now: Date) -> Int {
        guard let r = records[name], now.timeIntervalSince(r.last) < window, r.failures >= free else { return 0 }
        let delay = min(window, pow(2, Double(r.failures - free + 1)))
        let left = delay - now.timeIntervalSince(r.last)
        return left > 0 ? Int(left.rounded(.up)) : 0
    }

    func failed(_ name: String, now: Date) {
        var r = records[name] ?? Record(failures: 0, last: now)
        if now.timeIntervalSince(r.last) >= window { r.failures = 0 }
        r.failures += 1
        r.last = now
        records[name] = r
    }

    func succeeded(_ name: String) { records[name] = nil }
}
