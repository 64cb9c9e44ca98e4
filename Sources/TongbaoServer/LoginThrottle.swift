import Foundation

/// Slows failed logins, kept in three bounded tables:
///
/// - per name and client address: after `free` failures within a quarter of an hour each further try waits 2, 4,
///   8 … seconds (at most 15 minutes) after the previous failure;
/// - per client address, over all names: after ``perClientFree`` failures the same growing waits, so one client
///   cannot try a password against many names;
/// - per name, over all clients: after ``perNameFree`` failures each try waits at most ``perNameMaxWait`` (one
///   minute), which bounds guessing from many addresses without letting anyone lock an account for good.
///
/// An address that signed in to a name before (remembered 90 days, in a bounded table) is not held by the per-name
/// wait: however many addresses try wrong passwords, the owner at their usual address gets in (after the per-name
/// and address wait of their own failures only). From a new address the owner waits at most a minute after the
/// attackers' last counted try, and an admin can clear the lock of a name (``clear(_:)``). Kept in memory: a restart forgives, which an attacker cannot
/// use faster than the waits allow.
///
/// Checking and counting are one step (``attempt(name:client:now:)`` counts the try as a failure before the password
/// is checked, ``succeeded(name:client:)`` forgives it), so parallel tries cannot slip past the count. Each table is
/// bounded: old entries expire, and past `capacity` the oldest go first, so failed logins under ever new names or
/// addresses cannot grow the server's memory.
actor LoginThrottle {
    struct Table {
        private struct Record {
            var failures: Int
            var last: Date
        }
        private var records: [String: Record] = [:]
        let free: Int
        let maxWait: TimeInterval
        let capacity: Int
        static let window: TimeInterval = 15 * 60

        init(free: Int, maxWait: TimeInterval, capacity: Int) {
            self.free = free
            self.maxWait = maxWait
            self.capacity = capacity
        }

        var count: Int { records.count }

        /// Seconds to wait before `key` may try again, 0 when it may try now.
        func wait(_ key: String, now: Date) -> Int {
            guard let r = records[key], now.timeIntervalSince(r.last) < Self.window, r.failures >= free else {
                return 0
            }
            let delay = min(maxWait, pow(2, Double(min(r.failures - free + 1, 20))))
            let left = delay - now.timeIntervalSince(r.last)
            return left > 0 ? Int(left.rounded(.up)) : 0
        }

        mutating func failed(_ key: String, now: Date) {
            // A new key in a table half full first sweeps out the expired ones.
            if records[key] == nil, records.count >= capacity / 2 { prune(now: now) }
            var r = records[key] ?? Record(failures: 0, last: now)
            if now.timeIntervalSince(r.last) >= Self.window { r.failures = 0 }
            r.failures += 1
            r.last = now
            records[key] = r
            if records.count > capacity { prune(now: now) }
        }

        /// Takes back one counted failure (a try that turned out right).
        mutating func undo(_ key: String) {
            guard var r = records[key] else { return }
            r.failures -= 1
            records[key] = r.failures > 0 ? r : nil
        }

        mutating func clear(where drop: (String) -> Bool) {
            records = records.filter { !drop($0.key) }
        }

        /// Drops expired entries, then the oldest until under capacity.
        private mutating func prune(now: Date) {
            records = records.filter { now.timeIntervalSince($0.value.last) < Self.window }
            guard records.count > capacity else { return }
            let oldest = records.sorted { $0.value.last < $1.value.last }.prefix(records.count - capacity * 9 / 10)
            for (key, _) in oldest { records[key] = nil }
        }
    }

    /// Failures of one client over all names before its tries wait.
    static let perClientFree = 20
    /// Failures of one name over all clients before its tries wait, and the longest such wait.
    static let perNameFree = 30
    static let perNameMaxWait: TimeInterval = 60

    private var byNameAndClient: Table
    private var byClient: Table
    private var byName: Table
    /// Name and address pairs that signed in, and when last.
    private var known: [String: Date] = [:]
    static let knownFor: TimeInterval = 90 * 86400
    private let capacity: Int

    init(free: Int, capacity: Int = 10_000) {
        byNameAndClient = Table(free: free, maxWait: Table.window, capacity: capacity)
        byClient = Table(free: Self.perClientFree, maxWait: Table.window, capacity: capacity)
        byName = Table(free: Self.perNameFree, maxWait: Self.perNameMaxWait, capacity: capacity)
        self.capacity = capacity
    }

    /// How many entries are remembered in all (for tests of the bound).
    var count: Int { byNameAndClient.count + byClient.count + byName.count + known.count }

    private static func pair(_ name: String, _ client: String) -> String { client + "\u{0}" + name }

    /// The wait, when this try must wait; else 0, and the try is counted as a failure until it succeeds.
    func attempt(name: String, client: String, now: Date) -> Int {
        let pair = Self.pair(name, client)
        let trusted = known[pair].map { now.timeIntervalSince($0) < Self.knownFor } ?? false
        let w = max(
            byNameAndClient.wait(pair, now: now), byClient.wait(client, now: now),
            trusted ? 0 : byName.wait(name, now: now))
        if w == 0 {
            byNameAndClient.failed(Self.pair(name, client), now: now)
            byClient.failed(client, now: now)
            byName.failed(name, now: now)
        }
        return w
    }

    /// A right password: the name's failures are forgiven, and this try is not held against the client.
    func succeeded(name: String, client: String, now: Date = Date()) {
        let pair = Self.pair(name, client)
        if known[pair] == nil, known.count >= capacity {
            known = known.filter { now.timeIntervalSince($0.value) < Self.knownFor }
            if known.count >= capacity, let oldest = known.min(by: { $0.value < $1.value }) { known[oldest.key] = nil }
        }
        known[pair] = now
        byNameAndClient.clear { $0 == pair }
        byName.clear { $0 == name }
        byClient.undo(client)
    }

    /// An admin lifts every wait on `name` (from any client).
    func clear(_ name: String) {
        byNameAndClient.clear { $0.hasSuffix("\u{0}" + name) }
        byName.clear { $0 == name }
    }
}
