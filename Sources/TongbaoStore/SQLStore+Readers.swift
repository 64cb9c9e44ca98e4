import Foundation
import Logging
import SQLKit

/// SQLite files: a few connections that only read, beside the one that writes. In WAL mode readers do not wait for
/// the writer nor it for them, so the pages and the API read while a save holds the writer's turn; a read of several
/// statements runs in one read transaction, a consistent snapshot of what was committed when it began.
actor SQLiteReaders {
    private var idle: [SQLiteHandle]
    private var all: [SQLiteHandle]
    private var waiters: [CheckedContinuation<SQLiteHandle, Never>] = []
    /// The file they read.
    nonisolated let path: String

    /// Opens `count` connections to the file at `path`, each refusing to write (`PRAGMA query_only`).
    static func open(path: String, count: Int) async throws -> SQLiteReaders {
        let logger = SQLStore.readerLogger
        var opened: [SQLiteHandle] = []
        do {
            for _ in 0..<count {
                let conn = try SQLiteHandle(path: path)
                opened.append(conn)
                for pragma in ["query_only = ON", "busy_timeout = 30000", "cache_size = -16384", "temp_store = MEMORY"]
                {
                    try await conn.sql(logger: logger).raw(SQLQueryString("PRAGMA " + pragma)).run()
                }
            }
        } catch {
            for conn in opened { conn.close() }
            throw error
        }
        return SQLiteReaders(opened, path: path)
    }

    private init(_ connections: [SQLiteHandle], path: String) {
        self.path = path
        idle = connections
        all = connections
    }

    func acquire() async -> SQLiteHandle {
        if let conn = idle.popLast() { return conn }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ conn: SQLiteHandle) {
        if waiters.isEmpty {
            idle.append(conn)
        } else {
            waiters.removeFirst().resume(returning: conn)
        }
    }

    func close() async {
        for conn in all { conn.close() }
        all = []
        idle = []
    }
}

extension SQLStore {
    /// A condition on `unit` that every row meets when `only` is nil, and only that unit's rows otherwise (bound
    /// values, one statement for both cases).
    static func ofUnit(_ only: String?) -> SQLQueryString {
        "(\(bind: only == nil) OR unit = \(bind: only ?? ""))"
    }

    /// Whether another connection has the SQLite file at `path` open (a running `tongbao serve`, say): leaving WAL
    /// mode needs the file to itself, and fails at once when anyone else has it. The file is left in rollback
    /// journal mode when no one has it (the next open returns it to WAL). A file that is not there is not in use.
    public static func sqliteFileInUse(_ path: String) async -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        var logger = Logger(label: "tongbao.sqlite.check")
        logger.logLevel = .critical
        guard let conn = try? SQLiteHandle(path: path) else { return false }
        let inUse: Bool
        do {
            try await conn.sql(logger: logger).raw("PRAGMA busy_timeout = 0").run()
            try await conn.sql(logger: logger).raw("PRAGMA journal_mode = DELETE").run()
            inUse = false
        } catch StoreError.busy {
            inUse = true
        } catch {
            // Not a database, or a damaged one: no one can be using it, and a restore may replace it.
            inUse = false
        }
        conn.close()
        return inUse
    }

    static let readerLogger: Logger = {
        var logger = Logger(label: "tongbao.sqlite.read")
        logger.logLevel = .warning
        return logger
    }()

    /// Readers beside the writer of an SQLite file (the pages and the API read side by side on two cores).
    static let sqliteReaders = 4

    /// Runs `body`, which only reads. Inside this task's transaction or turn it runs there (it sees what the
    /// transaction wrote); on an SQLite file it runs on a reader, beside other readers and the writer; on
    /// PostgreSQL its statements take any pooled connection (the standby for GET pages). A body of several
    /// statements that must agree with each other asks for a `snapshot`: on a reader it runs in one read
    /// transaction, seeing what was committed when it began (one statement is a snapshot by itself). A write inside
    /// `body` fails on an SQLite reader (`query_only`), so a misplaced one cannot go unnoticed.
    public func reading<T>(snapshot: Bool = false, _ body: () async throws -> T) async throws -> T {
        let me = ObjectIdentifier(self)
        guard backend == .sqlite, Self.holder != me, let readers else { return try await serialized(body) }
        let conn = await readers.acquire()
        let db = conn.sql(logger: Self.readerLogger)
        do {
            let result = try await Self.$holder.withValue(me) {
                try await Self.$pinned.withValue((me, db)) {
                    guard snapshot else { return try await body() }
                    try await db.raw("BEGIN").run()
                    do {
                        let result = try await body()
                        try await db.raw("COMMIT").run()
                        return result
                    } catch {
                        try? await db.raw("ROLLBACK").run()
                        throw error
                    }
                }
            }
            await readers.release(conn)
            return result
        } catch {
            await readers.release(conn)
            throw error
        }
    }
}
