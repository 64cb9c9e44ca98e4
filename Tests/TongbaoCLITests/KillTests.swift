import Foundation
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// An import killed with SIGKILL half-way leaves the database exactly as before, and it opens cleanly.
@Suite struct KillTests {
    static func largePackage(in dir: URL, rows: Int) throws {
        try Data("code,name,tier\nA,区甲局,center\nB,区乙局,center\n".utf8).write(to: dir.appendingPathComponent("units.csv"))
        var text = "case_id,unit,category,kind,received_at,completed_at,promised_days,rating\n"
        text.reserveCapacity(rows * 80)
        for i in 0..<rows {
            let day = 1 + i % 28
            text +=
                "K\(i),\(i % 3 == 0 ? "B" : "A"),\(i % 2 == 0 ? "审批" : "服务"),承诺,2022-03-\(String(format: "%02d", day)) 09:00,2022-03-28 10:00,5,满意\n"
        }
        try Data(text.utf8).write(to: dir.appendingPathComponent("case_records.csv"))
    }

    @Test func sigkillDuringImportLeavesTheDatabaseAsBefore() async throws {
        let dir = try Fixtures.tempDir()
        let db = dir.appendingPathComponent("k.sqlite").path
        let first = try CLI.run(["import", Fixtures.sample.path, "--db", db, "--district", "d"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try await SQLStore.with(db) { try await $0.fingerprint() }
        let pkg = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: pkg, withIntermediateDirectories: true)
        try Self.largePackage(in: pkg, rows: 300_000)

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
