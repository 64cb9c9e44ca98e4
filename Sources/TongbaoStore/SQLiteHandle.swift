import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import VaporCSQLite

/// One SQLite connection whose statements run on the calling task's own thread, each prepared once and kept.
///
/// SQLiteNIO runs every statement on a thread pool and answers through an event loop: three thread hand-overs per
/// statement, and a fresh `sqlite3_prepare` each time. A save is some twenty short statements, and those hand-overs
/// and prepares were most of its cost (bench/load.sh, perf: 36 % of the server's time in the kernel switching
/// threads, 10 % preparing). Here a statement is bound, stepped and reset where the task runs; a long run of
/// statements (an import) lets other tasks in every few milliseconds. The store gives a handle to one task at a
/// time (``SQLStore/serialized(_:)``, ``SQLiteReaders``); the handle's own lock only makes misuse safe.
///
/// It is the same SQLite library SQLiteKit links (SQLiteNIO's, 3.53, symbols prefixed `sqlite_nio_`), so the
/// file is never opened by two copies of SQLite in one process, and values are encoded and decoded by SQLiteKit's
/// own ``SQLiteDataEncoder`` and ``SQLiteDataDecoder``.
final class SQLiteHandle: @unchecked Sendable {
    /// Statements kept prepared per connection; past it, all are finalized and the cache starts again.
    static let cachedStatements = 128
    /// Statements longer than this (a bulk insert of thousands of rows) are prepared for one use only: their
    /// programs are large and a different chunk size is a different statement.
    static let cachedLength = 4096
    /// A task running statements back to back lets others in after this long.
    static let yieldEvery = Duration.milliseconds(4)

    private var raw: OpaquePointer?
    private var cache: [String: OpaquePointer] = [:]
    private var lastYield = ContinuousClock.now
    private let lock = NSLock()

    /// `sqlite3_initialize` once, before the first open (SQLiteNIO does the same under its own lock).
    private static let initialized: Bool = sqlite_nio_sqlite3_initialize() == SQLITE_OK

    /// Opens (creating when absent) the database at `path`, or a private in-memory one for `":memory:"`.
    init(path: String) throws {
        _ = Self.initialized
        let flags =
            SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI
            | SQLITE_OPEN_EXRESCODE
        var handle: OpaquePointer?
        let code = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK else {
            let error = SQLiteHandleError(code: code, message: handle.map(Self.message) ?? "无法打开")
            sqlite_nio_sqlite3_close(handle)
            throw error
        }
        raw = handle
    }

    deinit { closeNow() }

    /// Finalizes every kept statement and closes the connection (again: nothing).
    func close() {
        lock.lock()
        defer { lock.unlock() }
        closeNow()
    }

    private func closeNow() {
        for statement in cache.values { sqlite_nio_sqlite3_finalize(statement) }
        cache = [:]
        if let raw { sqlite_nio_sqlite3_close_v2(raw) }
        raw = nil
    }

    /// How long a statement waits for another process's write lock before failing with SQLITE_BUSY.
    func waitForLocks(milliseconds: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if let raw { sqlite_nio_sqlite3_busy_timeout(raw, milliseconds) }
    }

    /// The connection through SQLKit's interface.
    func sql(logger: Logger) -> any SQLDatabase { Database(handle: self, logger: logger) }

    private static func message(_ db: OpaquePointer) -> String {
        sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "未知错误"
    }

    /// Runs one statement, calling `onRow` for each row it returns. Whether the caller should let other tasks in.
    func run(_ sql: String, _ binds: [SQLiteData], decoder: SQLiteDataDecoder, _ onRow: (any SQLRow) -> Void) throws
        -> Bool
    {
        lock.lock()
        defer { lock.unlock() }
        guard let db = raw else { throw SQLiteHandleError(code: SQLITE_MISUSE, message: "连接已关闭") }
        let keep = sql.utf8.count <= Self.cachedLength
        let statement = try statement(sql, keep: keep, db: db)
        defer {
            // Not `sqlite3_clear_bindings`: since SQLite 3.5x it marks a statement whose plan looked at a bound
            // value for re-preparing, which undid the cache (measured: every reused statement was prepared again).
            // Every parameter is bound anew on each use (the count is checked before binding), so no value
            // outlives its statement.
            if keep {
                sqlite_nio_sqlite3_reset(statement)
            } else {
                sqlite_nio_sqlite3_finalize(statement)
            }
        }
        guard Int(sqlite_nio_sqlite3_bind_parameter_count(statement)) == binds.count else {
            throw SQLiteHandleError(
                code: SQLITE_RANGE,
                message: "语句有 \(sqlite_nio_sqlite3_bind_parameter_count(statement)) 个参数，给了 \(binds.count) 个")
        }
        for (i, value) in binds.enumerated() {
            let at = Int32(i + 1)
            let code: Int32
            switch value {
            case .integer(let n): code = sqlite_nio_sqlite3_bind_int64(statement, at, Int64(n))
            case .float(let x): code = sqlite_nio_sqlite3_bind_double(statement, at, x)
            case .null: code = sqlite_nio_sqlite3_bind_null(statement, at)
            case .text(let text):
                code = text.withCString {
                    sqlite_nio_sqlite3_bind_text64(
                        statement, at, $0, UInt64(text.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let buffer):
                code = buffer.withUnsafeReadableBytes {
                    $0.isEmpty
                        ? sqlite_nio_sqlite3_bind_zeroblob(statement, at, 0)
                        : sqlite_nio_sqlite3_bind_blob64(
                            statement, at, $0.baseAddress, UInt64($0.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw SQLiteHandleError(code: code, message: Self.message(db)) }
        }
        var columns: Columns?
        while true {
            let code = sqlite_nio_sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Self.error(code, db) }
            let names = columns ?? Columns(statement)
            columns = names
            var values: [SQLiteData] = []
            values.reserveCapacity(names.names.count)
            for i in 0..<Int32(names.names.count) { values.append(Self.value(statement, i)) }
            onRow(Row(columns: names, values: values, decoder: decoder))
        }
        let now = ContinuousClock.now
        guard now - lastYield >= Self.yieldEvery else { return false }
        lastYield = now
        return true
    }

    /// A failed step: waiting for another process's write lock past `busy_timeout`, and a file that cannot be
    /// written, are the store's own errors (a Chinese message, 503 on the web); anything else is SQLite's.
    private static func error(_ code: Int32, _ db: OpaquePointer) -> any Error {
        switch code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: return StoreError.busy
        case SQLITE_READONLY: return StoreError.readOnly
        default: return SQLiteHandleError(code: code, message: message(db))
        }
    }

    /// `sql` prepared: the kept statement when there is one, else a new one (kept when `keep`).
    private func statement(_ sql: String, keep: Bool, db: OpaquePointer) throws -> OpaquePointer {
        if keep, let kept = cache[sql] { return kept }
        var statement: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(
            db, sql, -1, keep ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &statement, nil)
        guard code == SQLITE_OK else {
            sqlite_nio_sqlite3_finalize(statement)
            throw Self.error(code, db)
        }
        // SQLite prepares nothing, and says OK, for text without a statement (blank, or only a comment).
        guard let statement else { throw SQLiteHandleError(code: SQLITE_MISUSE, message: "语句为空") }
        if keep {
            if cache.count >= Self.cachedStatements {
                for s in cache.values { sqlite_nio_sqlite3_finalize(s) }
                cache = [:]
            }
            cache[sql] = statement
        }
        return statement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func value(_ statement: OpaquePointer, _ i: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, i) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, i)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, i))
        case SQLITE_TEXT:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, i))
            guard let text = sqlite_nio_sqlite3_column_text(statement, i) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, i))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, i) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    /// A statement's column names, shared by its rows (the first of a repeated name wins, as in SQLiteNIO).
    final class Columns: Sendable {
        let names: [String]
        let index: [String: Int]

        init(_ statement: OpaquePointer) {
            let count = sqlite_nio_sqlite3_column_count(statement)
            names = (0..<count).map { i in
                sqlite_nio_sqlite3_column_name(statement, i).map { String(cString: $0) } ?? ""
            }
            index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// A row, read as SQLiteKit reads one.
    struct Row: SQLRow {
        let columns: Columns
        let values: [SQLiteData]
        let decoder: SQLiteDataDecoder

        var allColumns: [String] { columns.names }
        func contains(column: String) -> Bool { columns.index[column] != nil }
        func decodeNil(column: String) throws -> Bool {
            guard let i = columns.index[column] else { return true }
            return values[i] == .null
        }
        func decode<D: Decodable>(column: String, as: D.Type) throws -> D {
            guard let i = columns.index[column] else {
                throw DecodingError.keyNotFound(
                    SQLiteHandleError.Column(column), .init(codingPath: [], debugDescription: "结果中没有列 \(column)"))
            }
            return try decoder.decode(D.self, from: values[i])
        }
    }

    /// The handle through SQLKit's `SQLDatabase`: statements serialized by SQLKit with SQLite's dialect, values
    /// encoded by SQLiteKit.
    struct Database: SQLDatabase {
        let handle: SQLiteHandle
        let logger: Logger
        var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
        var version: (any SQLDatabaseReportedVersion)? { nil }
        var dialect: any SQLDialect { SQLiteDialect() }
        var queryLogLevel: Logger.Level? { nil }

        private func runNow(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws -> Bool {
            let (sql, binds) = serialize(query)
            let encoder = SQLiteDataEncoder()
            return try handle.run(sql, try binds.map { try encoder.encode($0) }, decoder: SQLiteDataDecoder(), onRow)
        }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
            -> EventLoopFuture<Void>
        {
            do {
                _ = try runNow(query, onRow)
                return eventLoop.makeSucceededVoidFuture()
            } catch {
                return eventLoop.makeFailedFuture(error)
            }
        }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
            if try runNow(query, onRow) { await Task.yield() }
        }

        func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
            try await closure(self)
        }
    }
}

/// An SQLite error: its result code and SQLite's own message.
struct SQLiteHandleError: Error, LocalizedError, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite \(code)：\(message)" }
    var errorDescription: String? { description }

    struct Column: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
