import Foundation
import Logging
import NIOPosix
import PostgresKit
import TongbaoStore

/// The databases the store contract suite runs on: SQLite always, PostgreSQL when `TONGBAO_TEST_POSTGRES_URL`
/// names a server on this machine (`.ci/run` starts one). Each test gets a database of its own.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    /// PostgreSQL behind pgbouncer in transaction pooling (`TONGBAO_TEST_PGBOUNCER_URL`): the concurrency tests
    /// run through it too.
    case pgbouncer

    public var description: String { rawValue }

    /// The server's URL; a URL naming another host is refused, so tests never touch a real database.
    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["TONGBAO_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        let host = URLComponents(string: url)?.host ?? ""
        precondition(
            ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host),
            "TONGBAO_TEST_POSTGRES_URL must name a local server, not \(host)")
        return url
    }

    /// SQLite, and PostgreSQL when configured.
    public static var available: [TestBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// ``available`` and pgbouncer when configured: for the tests of concurrent writers.
    public static var concurrency: [TestBackend] { available + (pgbouncerURL == nil ? [] : [.pgbouncer]) }

    public static var pgbouncerURL: String? {
        guard let url = ProcessInfo.processInfo.environment["TONGBAO_TEST_PGBOUNCER_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }

    /// A location `SQLStore.open` accepts for a fresh, empty database, and a cleanup to run after.
    public func freshLocation() async throws -> (String, @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            // In memory: one connection, no readers. (Files, five connections each, across a parallel run opened
            // and closed so many descriptors that Foundation's `Process.run`, listing them while another test
            // spawned a program, crashed the run twice.) The readers are tested on files: `sqliteFile()`, the
            // command-line and server tests.
            return (":memory:", {})
        case .postgres:
            guard let url = Self.postgresURL else { throw SetupError.noPostgres }
            return try await Self.freshDatabase(on: url)
        case .pgbouncer:
            // Made on the server itself; used through pgbouncer, which passes any database name through.
            guard let url = Self.postgresURL, let bouncer = Self.pgbouncerURL else { throw SetupError.noPostgres }
            let (direct, drop) = try await Self.freshDatabase(on: url)
            var c = URLComponents(string: bouncer)!
            c.path = URLComponents(string: direct)!.path
            return (c.string!, drop)
        }
    }

    /// A fresh SQLite file (writer and readers, as a server has it) and a cleanup that removes its folder.
    public static func sqliteFile() throws -> (String, @Sendable () async -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir.appendingPathComponent("test.sqlite").path, { try? FileManager.default.removeItem(at: dir) })
    }

    /// A new, empty database on the server at `url`: its URL, and a cleanup that drops it.
    public static func freshDatabase(on url: String) async throws -> (String, @Sendable () async -> Void) {
        let name = "tongbao_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin(url, "CREATE DATABASE \(name)")
        var c = URLComponents(string: url)!
        c.path = "/" + name
        return (c.string!, { try? await admin(url, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") })
    }

    /// Runs one statement on the server's own database (`name` is generated here, never typed by a user).
    public static func admin(_ url: String, _ sql: String) async throws {
        let config = try SQLPostgresConfiguration(url: url)
        var logger = Logger(label: "tongbao.test.postgres")
        logger.logLevel = .error
        let conn = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: config.coreConfiguration, id: 1,
            logger: logger
        ).get()
        do {
            _ = try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger).get()
            try await conn.close().get()
        } catch {
            try? await conn.close().get()
            throw error
        }
    }

    public enum SetupError: Error { case noPostgres }
}

extension Fixtures {
    /// A fresh store on `backend`, closed (and, on PostgreSQL, dropped) after `body`.
    public static func withStore<T>(_ backend: TestBackend, _ body: (SQLStore) async throws -> T) async throws -> T {
        let (location, cleanup) = try await backend.freshLocation()
        do {
            let result = try await SQLStore.with(location, body)
            await cleanup()
            return result
        } catch {
            await cleanup()
            throw error
        }
    }
}
