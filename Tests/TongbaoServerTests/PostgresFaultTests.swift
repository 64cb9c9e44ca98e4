import Foundation
import HummingbirdTesting
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

/// The PostgreSQL server stops in the middle of an import: the import fails, nothing of it is stored, and the
/// same running application serves again once the server is back. Runs on a server of its own
/// (`TONGBAO_TEST_POSTGRES_FAULT_URL`), which it stops and starts with `TONGBAO_TEST_POSTGRES_FAULT_CTL`;
/// `.ci/run` sets up both.
@Suite("PostgreSQL fault", .serialized)
struct PostgresFaultTests {
    static let url = ProcessInfo.processInfo.environment["TONGBAO_TEST_POSTGRES_FAULT_URL"]
    static let ctl = ProcessInfo.processInfo.environment["TONGBAO_TEST_POSTGRES_FAULT_CTL"]

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var raised = false
        func raise() { lock.withLock { raised = true } }
        var isRaised: Bool { lock.withLock { raised } }
    }

    /// Runs the control script and waits for it with waitpid(2) (Foundation's Process was seen to miss the exit of a
    /// command whose child daemonises, as `pg_ctl start` does).
    static func control(_ arguments: [String]) throws -> Int32 { try control(ctl!, arguments) }

    /// Runs the control script `script` (see ``control(_:)``).
    static func control(_ script: String, _ arguments: [String]) throws -> Int32 {
        let args = [script] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, script, &actions, nil, &argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    // Ten minutes: it starts with the whole parallel suite on two cores, and under a second build's load it took
    // past five (the store is then shut down, not left to crash the run).
    @Test(.enabled(if: url != nil && ctl != nil), .timeLimit(.minutes(10)))
    func serverStoppedDuringAnImportLosesNothingAndTheAppRecovers() async throws {
        let base = try #require(Self.url)
        let (location, dropDatabase) = try await TestBackend.freshDatabase(on: base)
        let store = try await SQLStore.open(location)
        do {
            try await Self.stopDuringAnImport(store)
        } catch {
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
        await dropDatabase()
    }

    /// The body of ``serverStoppedDuringAnImportLosesNothingAndTheAppRecovers()``, on its store.
    static func stopDuringAnImport(_ store: SQLStore) async throws {
        _ = try await Importer(store: store, district: "yubei", change: Change(actor: "setup", source: "test"))
            .run(files: try Fixtures.sampleFiles())
        try await store.addUser(
            Account(name: "admin", district: "yubei", role: .admin),
            passwordHash: Secrets.hashPassword("pw-12345", cost: 4),
            at: Date())
        let before = try await store.fingerprint()
        let app = try await buildApplication(store: store, config: ServerConfig(bcryptCost: 4))
        try await app.test(.router) { client in
            // Start a large import and stop the server once it is writing case records.
            let writing = Flag()
            let big = Fixtures.largeRecordPackage(rows: 200_000)
            let importer = Importer(
                store: store, district: "yubei", change: Change(actor: "t", source: "t"),
                progress: { line in if line.contains("写入 case_records") { writing.raise() } })
            let task = Task { try await importer.run(files: big) }
            let deadline = Date().addingTimeInterval(120)
            while !writing.isRaised, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(writing.isRaised, "the import never started writing")
            #expect(try Self.control(["stop", "-m", "immediate"]) == 0)
            let outcome = await task.result
            #expect(throws: StoreError.connectionLost) { try outcome.get() }
            // While the server is down, a request that needs it is told so (503), not a bare 500.
            let browser = Browser(client: client)
            let down = try await browser.login("admin", "pw-12345")
            #expect(down.status == .serviceUnavailable)
            #expect(down.text.contains("与数据库服务器的连接已断开"))
            #expect(try Self.control(["start"]) == 0)

            // The same application, without a restart: a request that needs the database works again.
            var status = 0
            for _ in 0..<100 where status != 302 {
                status = Int((try? await browser.login("admin", "pw-12345"))?.status.code ?? 0)
                if status != 302 { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(status == 302)
            #expect(try await browser.get("/dashboard/2021-07").text.contains("309055"))
            #expect(try await store.fingerprint() == before)
            // And a new import goes through.
            let small = [PackageFile(name: "events.csv", data: Data("date,text\n2021-07-31,恢复后导入\n".utf8))]
            _ = try await Importer(store: store, district: "yubei", change: Change(actor: "t", source: "t")).run(
                files: small)
            #expect(try await browser.get("/events/2021-07").text.contains("恢复后导入"))
        }
    }
}
