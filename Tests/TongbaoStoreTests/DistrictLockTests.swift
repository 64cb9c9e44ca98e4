import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// Issue 15: on PostgreSQL, writers of different districts do not queue behind each other; writers of one
/// district, and a write of no one district, still do. Checked by order of events, not by timing: a writer that
/// should not wait finishes while the other transaction is still held open.
@Suite struct DistrictLockTests {
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var flags: Set<String> = []
        func raise(_ f: String) { lock.withLock { _ = flags.insert(f) } }
        func isRaised(_ f: String) -> Bool { lock.withLock { flags.contains(f) } }

        func wait(for f: String, seconds: Double) async throws -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while !isRaised(f) {
                if Date() > end { return false }
                try await Task.sleep(for: .milliseconds(20))
            }
            return true
        }
    }

    /// A transaction of `district` (nil: of no district) held open until the gate's `release` (or 30 s, which
    /// fails the test). Returns whether it was released in time.
    static func hold(_ store: SQLStore, _ district: String?, _ gate: Gate) -> Task<Bool, any Error> {
        Task {
            try await store.transaction(district: district) {
                _ = try await store.ensureDistrict(district ?? "all", name: nil)
                gate.raise("holding")
                return try await gate.wait(for: "release", seconds: 30)
            }
        }
    }

    /// A write of `district` (one setting, in its own transaction) that raises `flag` when done.
    static func write(_ store: SQLStore, _ district: String, _ gate: Gate, _ flag: String) -> Task<Void, any Error> {
        Task {
            try await store.setSetting(district: district, .required, "C01", change: Change(actor: "t", source: "t"))
            gate.raise(flag)
        }
    }

    @Test(.timeLimit(.minutes(3)), arguments: TestBackend.concurrency.filter { $0 != .sqlite })
    func districtsWriteSideBySideOnPostgres(_ backend: TestBackend) async throws {
        try await Fixtures.withStore(backend) { store in
            for d in ["a", "b"] { _ = try await store.ensureDistrict(d, name: nil) }

            // b writes while a holds its lock; a second writer of a waits for the first.
            let gate = Gate()
            let a = Self.hold(store, "a", gate)
            #expect(try await gate.wait(for: "holding", seconds: 30))
            let other = Self.write(store, "b", gate, "b done")
            let same = Self.write(store, "a", gate, "a done")
            #expect(try await gate.wait(for: "b done", seconds: 25), "b waited for a")
            try await Task.sleep(for: .seconds(1))
            #expect(!gate.isRaised("a done"), "a second writer of a did not wait")
            gate.raise("release")
            #expect(try await a.value, "a was held until b's write was done")
            try await other.value
            try await same.value

            // A transaction of no district excludes every district's writers.
            let all = Gate()
            let global = Self.hold(store, nil, all)
            #expect(try await all.wait(for: "holding", seconds: 30))
            let blocked = Self.write(store, "b", all, "b done")
            try await Task.sleep(for: .seconds(1))
            #expect(!all.isRaised("b done"), "b did not wait for a write of no district")
            all.raise("release")
            #expect(try await global.value)
            try await blocked.value
            #expect(all.isRaised("b done"))
        }
    }

    /// On an SQLite file, reads do not wait for the writer: while a transaction is held open after writing, a read
    /// finishes and sees what was committed before it, not the open transaction's write; after the commit it does.
    /// A write inside a read is refused rather than run on a reader. (Its time limit is the suite's: in a full run
    /// every SQLite statement of every test shares NIO's two blocking threads, and CI saw this test take 59 s.)
    @Test(.timeLimit(.minutes(3))) func sqliteReadsGoBesideTheWriter() async throws {
        let (file, cleanup) = try TestBackend.sqliteFile()
        defer { Task { await cleanup() } }
        try await SQLStore.with(file) { store in
            _ = try await store.ensureDistrict("a", name: "甲区")
            let gate = Gate()
            let writer = Task {
                try await store.transaction(district: "a") {
                    _ = try await store.ensureDistrict("a", name: "乙区")
                    gate.raise("holding")
                    return try await gate.wait(for: "release", seconds: 30)
                }
            }
            #expect(try await gate.wait(for: "holding", seconds: 10))
            let read = Task {
                let name = try await store.district("a")?.name
                gate.raise("read")
                return name
            }
            #expect(try await gate.wait(for: "read", seconds: 10), "the read waited for the writer")
            #expect(try await read.value == "甲区", "the read saw the open transaction's write")
            gate.raise("release")
            #expect(try await writer.value)
            #expect(try await store.district("a")?.name == "乙区")

            await #expect(throws: (any Error).self) {
                try await store.reading { try await store.ensureDistrict("b", name: "丙区") }
            }
            #expect(try await store.district("b") == nil)
        }
    }
}
