import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// An import killed with SIGKILL half-way leaves the database exactly as before, and it opens cleanly.
@Suite struct KillTests {
    @Test func sigkillDuringImportLeavesTheDatabaseAsBefore() async throws {
        let dir = try Fixtures.tempDir()
        let db = dir.appendingPathComponent("k.sqlite").path
        let first = try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "d"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try await SQLStore.with(db) { try await $0.fingerprint() }
        let pkg = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: pkg, withIntermediateDirectories: true)
        try Fixtures.writePackage(Fixtures.largeRecordPackage(rows: 300_000), to: pkg)

        let (p, _, err) = CLI.process(["import", pkg.path, "--db", db, "--district", "d"])
        try p.run()
        // Wait until the import reports it is writing case records, then kill it mid-way.
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while !seen.contains("写入 case_records"), Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("写入 case_records"), "import never started writing: \(seen)")
        try await Task.sleep(for: .milliseconds(700))
        #expect(p.isRunning, "the import finished before it could be killed; make the package larger")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)

        let (after, integrity) = try await SQLStore.with(db) { store in
            (try await store.fingerprint(), try await store.integrityCheck())
        }
        #expect(after == before)
        #expect(integrity == "ok")
        let b = try CLI.run(["bulletin", "--db", db, "--district", "d", "--period", "2021-07"])
        #expect(b.stdout.contains("309055"))
    }
}
