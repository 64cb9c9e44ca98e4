import Foundation
import SQLKit
import Testing
import TongbaoCore
import TongbaoTestSupport

@testable import TongbaoStore

/// The store's own SQLite connection (``SQLiteHandle``): kept statements answer for their new values, another
/// process's write lock and a deleted file are said in Chinese.
@Suite struct SQLiteHandleTests {
    /// More distinct statements than are kept, each run twice with other values: every answer is its own (a kept
    /// statement never answers with the values of its last use), and a statement given too few values is refused.
    @Test func keptStatementsAnswerForTheirNewValues() async throws {
        let path = try Fixtures.tempDir().appendingPathComponent("h.sqlite").path
        try await SQLStore.with(path) { store in
            let db = store.db
            for round in 0..<2 {
                for i in 0..<(SQLiteHandle.cachedStatements + 20) {
                    let value = round * 1000 + i
                    let row = try await db.raw(
                        "SELECT \(bind: value) + \(unsafeRaw: String(i)) AS n, \(bind: "x\(value)") AS t"
                    )
                    .first()
                    #expect(try row?.decode(column: "n", as: Int.self) == value + i)
                    #expect(try row?.decode(column: "t", as: String.self) == "x\(value)")
                }
            }
            // A text with a NUL in it comes back whole.
            let nul = try await db.raw("SELECT \(bind: "a\u{0}b") AS t").first()
            #expect(try nul?.decode(column: "t", as: String.self) == "a\u{0}b")
            await #expect(throws: SQLiteHandleError.self) {
                try await db.raw(SQLQueryString("SELECT ?1 + ?2 AS n")).run()
            }
        }
    }

    /// Another process holding the file's write lock past the wait is ``StoreError/busy`` (503 on the web), not
    /// SQLite's "database is locked".
    @Test func anotherWritersLockIsBusy() async throws {
        let path = try Fixtures.tempDir().appendingPathComponent("b.sqlite").path
        let holder = try await SQLStore.open(path)
        let other = try await SQLStore.open(path)
        try await holder.raw("BEGIN IMMEDIATE")
        try await other.raw("PRAGMA busy_timeout = 0")
        let error = await #expect(throws: StoreError.self) { try await other.raw("BEGIN IMMEDIATE") }
        #expect(error == .busy)
        #expect(error?.errorDescription?.contains("另一个程序") == true)
        try await holder.raw("ROLLBACK")
        try await other.raw("BEGIN IMMEDIATE")
        try await other.raw("ROLLBACK")
        try await holder.shutdown()
        try await other.shutdown()
    }

    /// Writes queued in this process behind one waiting for another process's lock are refused when it is, each
    /// within one wait of asking: they used to wait the whole time again one after another (four saves, four
    /// waits).
    @Test func writesQueuedBehindALockWaitOnceNotEachInTurn() async throws {
        let path = try Fixtures.tempDir().appendingPathComponent("q.sqlite").path
        let holder = try await SQLStore.open(path)
        let store = try await SQLStore.open(path, lockWait: .seconds(3))
        try await holder.raw("BEGIN IMMEDIATE")
        let started = ContinuousClock.now
        let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        try await store.transaction { try await store.raw("CREATE TABLE IF NOT EXISTS t (x INTEGER)") }
                        return nil
                    } catch { return error }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let waited = ContinuousClock.now - started
        #expect(outcomes.allSatisfy { ($0 as? StoreError) == .busy }, "\(outcomes)")
        // One wait (3 s) and a moment for each queued behind it; four waits would be 12 s. (Bounds with room for a
        // loaded machine: the whole suite runs beside it on two cores.)
        #expect(waited >= .milliseconds(2900) && waited < .seconds(8), "\(waited): one wait, not four")
        try await holder.raw("ROLLBACK")
        // The lock gone, the next write goes through, and a statement outside a transaction waits the whole time
        // again (the connection's wait was put back).
        try await store.transaction { try await store.raw("CREATE TABLE t (x INTEGER)") }
        try await holder.raw("BEGIN IMMEDIATE")
        let again = ContinuousClock.now
        await #expect(throws: StoreError.self) { try await store.raw("INSERT INTO t VALUES (1)") }
        #expect(ContinuousClock.now - again >= .milliseconds(2900))
        try await holder.raw("ROLLBACK")
        try await holder.shutdown()
        try await store.shutdown()
    }

    /// A file deleted under a running store: the health check says so instead of "ok", and saves, which would go
    /// nowhere, are refused.
    @Test func aDeletedFileFailsTheHealthCheck() async throws {
        let path = try Fixtures.tempDir().appendingPathComponent("d.sqlite").path
        try await SQLStore.with(path) { store in
            #expect(try await store.pendingMigrations().isEmpty)
            try FileManager.default.removeItem(atPath: path)
            let error = await #expect(throws: StoreError.self) { try await store.pendingMigrations() }
            #expect(error?.errorDescription?.contains("已被删除") == true)
            // A save into it would be lost: write transactions are refused too.
            await #expect(throws: StoreError.self) { try await store.transaction { try await store.raw("SELECT 1") } }
        }
    }
}
