import Foundation
import NIOCore
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

/// Issue 15: `--db-read` sends reads to a streaming-replication standby, and a promoted standby has every
/// committed save. Runs on the primary and standby `.ci/run` starts (`.ci/postgres-clusters.sh`: synchronous,
/// `remote_apply`); the test stops the primary for good, so it runs once per cluster pair.
@Suite(.serialized) struct ReplicaTests {
    static let env = ProcessInfo.processInfo.environment
    static let primary = env["TONGBAO_TEST_POSTGRES_PRIMARY_URL"]
    static let standby = env["TONGBAO_TEST_POSTGRES_STANDBY_URL"]
    static let primaryCtl = env["TONGBAO_TEST_POSTGRES_PRIMARY_CTL"]
    static let standbyCtl = env["TONGBAO_TEST_POSTGRES_STANDBY_CTL"]
    static var configured: Bool { [primary, standby, primaryCtl, standbyCtl].allSatisfy { $0 != nil } }

    /// `url` with the database of `database` (its path).
    static func on(_ url: String, database: String) -> String {
        var c = URLComponents(string: url)!
        c.path = URLComponents(string: database)!.path
        return c.string!
    }

    /// One statement through psql, for what the application must not do itself (pausing the standby's replay,
    /// a write that does not wait for it).
    static func psql(_ url: String, _ sql: String) throws -> String {
        // As the superuser the clusters trust on loopback: pausing replay is not for the application's role.
        var c = URLComponents(string: url)!
        c.user = "postgres"
        c.password = nil
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", c.string!, "-v", "ON_ERROR_STOP=1", "-tAqc", sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "psql: \(sql)")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // Ten minutes: it starts with the whole parallel suite on two cores, and under a second build's load its
    // 20 synchronous saves took past five (the store is then shut down, not left to crash the run).
    @Test(.enabled(if: configured), .timeLimit(.minutes(10)))
    func readsGoToTheStandbyAndAPromotedStandbyHasEverySave() async throws {
        let (db, _) = try await TestBackend.freshDatabase(on: Self.primary!)
        let replica = Self.on(Self.standby!, database: db)
        let store = try await SQLStore.open(db, readReplica: replica)
        #expect(store.hasReplica)
        await #expect(throws: StoreError.self) { try await SQLStore.open(db, readReplica: db) }
        do {
            try await Self.readsFromTheStandby(store, db: db, replica: replica)
        } catch {
            try? await store.shutdown()
            throw error
        }
        try? await store.shutdown()

        // Failover: the primary stops at once, the standby is promoted, Tongbao is pointed at it: every save is
        // there, and it takes new ones.
        #expect(try PostgresFaultTests.control(Self.primaryCtl!, ["-m", "immediate", "stop"]) == 0)
        #expect(try PostgresFaultTests.control(Self.standbyCtl!, ["promote"]) == 0)
        let promoted = try await SQLStore.open(replica)
        do {
            let p = Period(year: 2021, month: 7)
            let row = try await promoted.load(district: "yubei", period: p).cases.first {
                $0.unit == "C01" && $0.period == p
            }
            #expect(row?.recvImmediate == 520, "the last save")
            #expect(try await promoted.reportVersion(district: "yubei", period: p, unit: "C01").version >= 20)
            try await promoted.setSetting(
                district: "yubei", .required, "C01", change: Change(actor: "t", source: "t"))
        } catch {
            try? await promoted.shutdown()
            throw error
        }
        try await promoted.shutdown()
    }

    /// Saves read back through the standby, and a read that the standby has not replayed yet.
    static func readsFromTheStandby(_ store: SQLStore, db: String, replica: String) async throws {
        try await Web.run(on: store) { web in
            let h = try await APITests.token(web, "rep1")
            let b = web.browser()
            // Every save is read back at once through the standby (commits wait until it has applied them).
            for i in 1...20 {
                let report = try await b.request(.get, "/api/v1/reports/C01/2021-07", headers: h)
                let version = try #require(APITests.json(report.text)["version"] as? Int)
                let body = try JSONSerialization.data(
                    withJSONObject: ["version": version, "cases": ["recv_immediate": "\(500 + i)"]])
                let put = try await b.request(
                    .put, "/api/v1/reports/C01/2021-07", body: ByteBuffer(bytes: body), headers: h)
                #expect(put.status == .ok, "\(put.text)")
                let read = try await b.request(.get, "/api/v1/reports/C01/2021-07", headers: h)
                #expect(read.text.contains("\"recv_immediate\" : \"\(500 + i)\""))
            }

            // Reads come from the standby: with its replay paused, a write made on the primary alone (not waiting
            // for the standby) is not seen by the page until the standby replays it.
            _ = try Self.psql(replica, "SELECT pg_wal_replay_pause()")
            for _ in 0..<100 where try Self.psql(replica, "SELECT pg_get_wal_replay_pause_state()") != "paused" {
                try await Task.sleep(for: .milliseconds(50))
            }
            _ = try Self.psql(
                db,
                "SET synchronous_commit = local; UPDATE cases SET recv_immediate = 999 WHERE unit = 'C01' AND period = '2021-07'"
            )
            let stale = try await b.request(.get, "/api/v1/reports/C01/2021-07", headers: h)
            #expect(stale.text.contains("\"recv_immediate\" : \"520\""), "\(stale.text)")
            _ = try Self.psql(replica, "SELECT pg_wal_replay_resume()")
            var fresh = ""
            for _ in 0..<50 where !fresh.contains("\"999\"") {
                fresh = try await b.request(.get, "/api/v1/reports/C01/2021-07", headers: h).text
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(fresh.contains("\"recv_immediate\" : \"999\""))
            _ = try Self.psql(
                db, "UPDATE cases SET recv_immediate = 520 WHERE unit = 'C01' AND period = '2021-07'")
        }
    }
}
