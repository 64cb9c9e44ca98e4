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
