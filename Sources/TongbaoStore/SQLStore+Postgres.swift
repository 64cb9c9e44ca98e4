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
    static func openPostgres(_ url: String) async throws -> SQLStore {
        let configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError.cannotOpen(redacted(url), "\(error)")
        }
        var logger = Logger(label: "tongbao.postgres")
        logger.logLevel = .warning
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration), maxConnectionsPerEventLoop: 4,
            requestTimeout: .seconds(30), logger: logger, on: MultiThreadedEventLoopGroup.singleton)
        let poolLogger = logger
        let store = SQLStore(
            backend: .postgres, db: ConnectionErrors(inner: pool.database(logger: logger).sql(queryLogLevel: nil)),
            checkout: {
                let conn = try await pool.requestConnection(logger: poolLogger).get()
                return Checkout(
                    db: GuardedConnection(connection: conn, inner: conn.sql(queryLogLevel: nil)),
                    isClosed: { conn.isClosed }, release: { pool.releaseConnection(conn, logger: poolLogger) })
            },
            close: { try await pool.shutdownAsync() })
        do {
            try await store.raw("SELECT 1")
        } catch {
            try? await store.shutdown()
            throw StoreError.cannotOpen(redacted(url), "\(String(reflecting: error))")
        }
        do {
            try await store.migrate()
        } catch {
            try? await store.shutdown()
            throw error
        }
        return store
    }

    /// The URL without its password, for messages and logs.
    static func redacted(_ url: String) -> String {
        guard var c = URLComponents(string: url), c.password != nil else { return url }
        c.password = "***"
        return c.string ?? url
    }
}

/// A transaction's connection that refuses a statement once the connection is closed. PostgresNIO leaves a query
/// sent on an already-closed connection waiting forever (vapor/postgres-nio#487, reverted in #501); an import
/// interrupted by a server stop must fail instead.
struct GuardedConnection: SQLDatabase {
    let connection: PostgresConnection
    let inner: any SQLDatabase

    var logger: Logger { inner.logger }
    var eventLoop: any EventLoop { inner.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { inner.version }
    var dialect: any SQLDialect { inner.dialect }
    var queryLogLevel: Logger.Level? { inner.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        guard !connection.isClosed else { return eventLoop.makeFailedFuture(StoreError.connectionLost) }
        return inner.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        guard !connection.isClosed else { throw StoreError.connectionLost }
        try await inner.execute(sql: query, onRow)
    }
}

/// The pool's database, with a lost or refused connection reported as ``StoreError/connectionLost`` (a Chinese
/// message and HTTP 503 in the web application) instead of a driver error.
struct ConnectionErrors: SQLDatabase {
    let inner: any SQLDatabase

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
        inner.execute(sql: query, onRow).flatMapErrorThrowing { throw Self.map($0) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        do {
            try await inner.execute(sql: query, onRow)
        } catch {
            throw Self.map(error)
        }
    }
}
