import Foundation

/// Slows repeated failed logins of one account name: after `free` failures within a quarter of an hour, each
/// attempt must wait 2, 4, 8 … seconds (at most 15 minutes) after the previous failure, so the right password
/// always wins after a bounded wait. Kept in memory: a restart forgives, which a brute-force attacker cannot use
/// faster than the waits allow.
///
/// Checking and counting are one step (``attempt(_:now:)`` counts the try as a failure before the password is
/// checked, ``succeeded(_:)`` forgives it), so parallel tries cannot slip past the count. The table is bounded: old
/// entries expire, and past ``capacity`` the oldest go first, so failed logins under ever new names cannot grow the
/// server's memory.
actor LoginThrottle {
    private struct Record {
        var failures: Int
        var last: Date
    }
    private var records: [String: Record] = [:]
    private let free: Int
    private let window: TimeInterval = 15 * 60
    /// Names remembered at most.
    let capacity: Int

    init(free: Int, capacity: Int = 10_000) {
        self.free = free
        self.capacity = capacity
    }

    /// How many names are remembered (for tests of the bound).
    var count: Int { records.count }

    /// Seconds to wait before `name` may try again, 0 when it may try now.
    func wait(_ name: String, now: Date) -> Int {
        guard let r = records[name], now.timeIntervalSince(r.last) < window, r.failures >= free else { return 0 }
        let delay = min(window, pow(2, Double(r.failures - free + 1)))
        let left = delay - now.timeIntervalSince(r.last)
        return left > 0 ? Int(left.rounded(.up)) : 0
    }

    /// The wait, when `name` must wait; else 0, and the try is counted as a failure until it succeeds.
    func attempt(_ name: String, now: Date) -> Int {
        let w = wait(name, now: now)
        if w == 0 { failed(name, now: now) }
        return w
    }

    func failed(_ name: String, now: Date) {
        // A new name in a table half full first sweeps out the expired ones.
        if records[name] == nil, records.count >= capacity / 2 { prune(now: now) }
        var r = records[name] ?? Record(failures: 0, last: now)
        if now.timeIntervalSince(r.last) >= window { r.failures = 0 }
        r.failures += 1
        r.last = now
        records[name] = r
        if records.count > capacity { prune(now: now) }
    }

    func succeeded(_ name: String) { records[name] = nil }

    /// Drops expired entries, then the oldest until under capacity.
    private func prune(now: Date) {
        records = records.filter { now.timeIntervalSince($0.value.last) < window }
        guard records.count > capacity else { return }
        let oldest = records.sorted { $0.value.last < $1.value.last }.prefix(records.count - capacity * 9 / 10)
        for (name, _) in oldest { records[name] = nil }
    }
}
