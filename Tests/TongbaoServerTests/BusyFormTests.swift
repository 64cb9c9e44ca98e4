import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoTestSupport

@testable import TongbaoStore

/// A save while another program holds the SQLite file's write lock past the wait: 503, nothing saved, and the form
/// comes back with what was typed, to save once the lock is gone.
@Suite struct BusyFormTests {
    /// The web application on an SQLite file whose writes wait `lockWait` for another program's lock, with a
    /// second store on the same file to hold that lock.
    static func onFile(
        lockWait: Duration, _ body: @escaping @Sendable (Harness, SQLStore) async throws -> Void
    ) async throws {
        let (path, cleanup) = try TestBackend.sqliteFile()
        let store = try await SQLStore.open(path, lockWait: lockWait)
        let holder = try await SQLStore.open(path)
        do {
            try await Web.run(on: store) { web in try await body(web, holder) }
        } catch {
            try? await holder.shutdown()
            try? await store.shutdown()
            await cleanup()
            throw error
        }
        try await holder.shutdown()
        try await store.shutdown()
        await cleanup()
    }

    @Test func aSaveRefusedForALockKeepsTheTyping() async throws {
        try await Self.onFile(lockWait: .milliseconds(200)) { web, holder in
            let b = try await web.signedIn("rep1")
            let before = try #require(try await web.caseRow("C01"))
            try await holder.raw("BEGIN IMMEDIATE")
            let save = try await b.post(
                "/report/C01/2021-07",
                ReportFormTests.fields(before, recvImmediate: "4321").merging(["action": "save", "version": "1"]) {
                    $1
                })
            try await holder.raw("ROLLBACK")
            #expect(save.status == .serviceUnavailable)
            #expect(save.headers[.retryAfter] == "10")
            #expect(save.text.contains("另一个程序") && save.text.contains("value=\"4321\""), "\(save.text.prefix(300))")
            #expect(try await web.caseRow("C01")?.recvImmediate == before.recvImmediate, "nothing saved")
        }
    }

    /// Uploads take their turn one at a time; under another program's lock each is refused within one wait of
    /// its request, not one wait after the one before it (three uploads: 30, 60 and 90 s).
    @Test func uploadsQueuedBehindALockAreRefusedTogether() async throws {
        try await Self.onFile(lockWait: .seconds(4)) { web, holder in
            var csvHeaders = try await APITests.token(web, "admin")
            csvHeaders[.contentType] = "text/csv"
            let headers = csvHeaders
            try await holder.raw("BEGIN IMMEDIATE")
            let started = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for unit in ["C01", "C02", "C03"] {
                    group.addTask {
                        let csv = ByteBuffer(string: "period,unit,recv_immediate\n2021-07,\(unit),9\n")
                        return try await web.browser().request(
                            .post, "/api/v1/packages?name=cases.csv", body: csv, headers: headers
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let waited = ContinuousClock.now - started
            try await holder.raw("ROLLBACK")
            #expect(statuses == Array(repeating: .serviceUnavailable, count: 3))
            // One wait (4 s) and a moment for each behind it; one wait each would be 12 s.
            #expect(waited >= .milliseconds(3900) && waited < .seconds(9), "\(waited): one wait, not three")
            #expect(try await web.caseRow("C02")?.recvImmediate != 9, "nothing saved")
        }
    }
}
