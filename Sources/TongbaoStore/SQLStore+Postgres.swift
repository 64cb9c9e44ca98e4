// AsyncKit predates Sendable; its pool hands connections out from any thread (PostgresKit imports it the same way).
@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOPosix
import PostgresKit
import SQLKit

extension SQLStore {
    /// Opens a pool of connections to the PostgreSQL server at `url` and migrates the database. The pool replaces
    /// connections that died, so a server that comes back after a restart is used again without restarting
    /// Tongbao.
    static func pool(_ url: String) throws -> EventLoopGroupConnectionPool<PostgresConnectionSource> {
        let configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            // (The parser's own message repeats the URL, password and all.)
            throw StoreError.cannotOpen(redacted(url), "地址格式不对，应为 postgres://用户:密码@主机:端口/库")
        }
        return EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration), maxConnectionsPerEventLoop: 4,
            requestTimeout: .seconds(30), logger: logger, on: MultiThreadedEventLoopGroup.singleton)
    }

    static var logger: Logger {
        var logger = Logger(label: "tongbao.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Opens the pools of the primary at `url` (and of a standby at `readReplica`) and migrates the primary. A
    /// standby must be reachable and in recovery (a hot standby): reads sent to a second primary would miss
    /// every write.
    static func openPostgres(_ url: String, readReplica: String? = nil) async throws -> SQLStore {
        let pool = try pool(url)
        let poolLogger = logger
        var standby: (db: any SQLDatabase, close: @Sendable () async throws -> Void)?
        if let readReplica {
            guard isPostgres(readReplica) else {
                throw StoreError.cannotOpen(readReplica, "只读副本须是 postgres:// 地址")
            }
            let replicaPool = try Self.pool(readReplica)
            let db = LostConnections(inner: replicaPool.database(logger: logger).sql(queryLogLevel: nil))
            do {
                let inRecovery = try await db.raw("SELECT pg_is_in_recovery() AS r").first()?.decode(
                    column: "r", as: Bool.self)
                guard inRecovery == true else {
                    throw StoreError.cannotOpen(redacted(readReplica), "不是只读副本（standby）：pg_is_in_recovery() 为 false")
                }
            } catch let error as StoreError {
                try? await replicaPool.shutdownAsync()
                try? await pool.shutdownAsync()
                throw error
            } catch {
                try? await replicaPool.shutdownAsync()
                try? await pool.shutdownAsync()
                throw StoreError.cannotOpen(redacted(readReplica), "\(String(reflecting: error))")
            }
            standby = (db, { try await replicaPool.shutdownAsync() })
        }
        let store = SQLStore(
            backend: .postgres, db: LostConnections(inner: pool.database(logger: logger).sql(queryLogLevel: nil)),
            checkout: {
                let conn = try await pool.requestConnection(logger: poolLogger).get()
                return Checkout(
                    db: LostConnections(inner: conn.sql(queryLogLevel: nil), connection: conn),
                    isClosed: { conn.isClosed }, release: { pool.releaseConnection(conn, logger: poolLogger) })
            },
            replica: standby, close: { try await pool.shutdownAsync() })
        do {
            try await store.raw("SELECT 1")
        } catch {
            try? await store.shutdown()
            throw StoreError.cannotOpen(redacted(url), "\(String(reflecting: error))")
        }
        do {
            try await store.migrate(redacted(url))
        } catch {
            try? await store.shutdown()
            throw error
        }
        return store
    }

    /// The URL without its password (in the user part or as `password=` in the query), for messages and logs; a
    /// URL that does not parse is not shown at all.
    static func redacted(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return "postgres://…（地址无法解析）" }
        if c.password != nil { c.password = "***" }
        c.queryItems = c.queryItems?.map {
            $0.name.lowercased() == "password" ? URLQueryItem(name: $0.name, value: "***") : $0
        }
        return c.string ?? "postgres://…"
    }
}

/// A PostgreSQL database (the pool, or a transaction's own connection) whose lost or refused connections are
/// reported as ``StoreError/connectionLost``: a Chinese message, and HTTP 503 in the web application.
///
/// Given the transaction's connection, it also fails a statement once that connection is closed, whether it was
/// closed before the statement or while it waits: PostgresNIO can leave a query on a connection the server has
/// just closed waiting forever (vapor/postgres-nio#487, reverted in #501), and an import interrupted by a server
/// stop must fail instead. A check before sending alone was seen to lose that race now and then.
struct LostConnections: SQLDatabase {
    let inner: any SQLDatabase
    var connection: PostgresConnection? = nil

    var logger: Logger { inner.logger }
    var eventLoop: any EventLoop { inner.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { inner.version }
    var dialect: any SQLDialect { inner.dialect }
    var queryLogLevel: Logger.Level? { inner.queryLogLevel }

    static func map(_ error: any Error) -> any Error {
        guard let e = error as? PSQLError else { return error }
        let lost: [PSQLError.Code] = [.connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed]
        return lost.contains(e.code) ? StoreError.connectionLost : error
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        guard let connection else {
            return inner.execute(sql: query, onRow).flatMapErrorThrowing { throw Self.map($0) }
        }
        if connection.isClosed { return eventLoop.makeFailedFuture(StoreError.connectionLost) }
        // Whichever comes first: the statement's result, or a watchdog that sees the connection closed. Completing
        // the promise a second time is a no-op in NIO; the watchdog stops with the statement.
        let result = connection.eventLoop.makePromise(of: Void.self)
        let watchdog = connection.eventLoop.scheduleRepeatedTask(
            initialDelay: .milliseconds(200), delay: .milliseconds(200)
        ) { task in
            if connection.isClosed {
                result.fail(StoreError.connectionLost)
                task.cancel()
            }
        }
        inner.execute(sql: query, onRow).hop(to: connection.eventLoop).whenComplete { outcome in
            watchdog.cancel()
            result.completeWith(outcome)
        }
        return result.futureResult.flatMapErrorThrowing { throw Self.map($0) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }
}
