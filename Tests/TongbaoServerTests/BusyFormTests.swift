import Foundation
import HTTPTypes
import Testing
import TongbaoTestSupport

@testable import TongbaoStore

/// A save while another program holds the SQLite file's write lock past the wait: 503, nothing saved, and the form
/// comes back with what was typed, to save once the lock is gone.
@Suite struct BusyFormTests {
    @Test func aSaveRefusedForALockKeepsTheTyping() async throws {
        let (path, cleanup) = try TestBackend.sqliteFile()
        let store = try await SQLStore.open(path, lockWait: .milliseconds(200))
        do {
            try await Web.run(on: store) { web in
                let b = try await web.signedIn("rep1")
                let before = try #require(try await web.caseRow("C01"))
                let holder = try await SQLStore.open(path)
                try await holder.raw("BEGIN IMMEDIATE")
                let save = try await b.post(
                    "/report/C01/2021-07",
                    ReportFormTests.fields(before, recvImmediate: "4321").merging(["action": "save", "version": "1"]) {
                        $1
                    })
                try await holder.raw("ROLLBACK")
                try await holder.shutdown()
                #expect(save.status == .serviceUnavailable)
                #expect(save.headers[.retryAfter] == "10")
                #expect(save.text.contains("另一个程序") && save.text.contains("value=\"4321\""), "\(save.text.prefix(300))")
                #expect(try await web.caseRow("C01")?.recvImmediate == before.recvImmediate, "nothing saved")
            }
        } catch {
            try? await store.shutdown()
            await cleanup()
            throw error
        }
        try await store.shutdown()
        await cleanup()
    }
}
