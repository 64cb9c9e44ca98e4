import Foundation
import Logging
import NIOPosix
import SQLKit
import TongbaoCore

/// The store on SQL: SQLite (the embedded default, one file) or PostgreSQL (a city's or a province's server), with
/// the same statements, migrations and behaviour. Every statement binds its values.
///
/// SQLite has one connection that writes, which the store lets one task at a time use (``serialized(_:)``), and a
/// few that only read, side by side with it and each other (``reading(_:)``, WAL mode). PostgreSQL has a pool:
/// reads take any connection; a transaction keeps one connection for its whole body (a task-local), and writers
/// of one district queue on its advisory lock.
public final class SQLStore: @unchecked Sendable {
    public enum Backend: Sendable { case sqlite, postgres }
    public let backend: Backend
    private let base: any SQLDatabase
    private let close: @Sendable () async throws -> Void
    /// PostgreSQL only: checks a connection out of the pool for a transaction.
    private let checkout: (@Sendable () async throws -> Checkout)?

    /// A connection checked out of the pool: its database, whether it has been closed under us, and how to give it
    /// back.
    struct Checkout: Sendable {
        var db: any SQLDatabase
        var isClosed: @Sendable () -> Bool
        var release: @Sendable () -> Void
    }
    /// PostgreSQL only: a streaming-replication standby that reads may go to (``preferReplica``).
    private let replica: (any SQLDatabase)?
    private let closeReplica: (@Sendable () async throws -> Void)?
    /// SQLite files only: connections for ``reading(_:)``, beside the one writer.
    let readers: SQLiteReaders?
    /// SQLite files only: the file's path.
    var sqlitePath: String? { readers?.path }
    /// Each district's directory, rubric and calendar as last read (``directory(district:)``).
    let directoryCache = DirectoryCache()
    private let lock = AsyncLock()
    /// PostgreSQL: writers of one district queue here, in this process, before they take a pooled connection, so
    /// that those waiting for their district's advisory lock do not hold the pool's connections (twenty saves of
    /// one district at once would otherwise leave other districts, and reads, waiting for a connection).
    private let districtQueues = DistrictQueues()
    /// Set for work that only reads (the server sets it for GET and HEAD pages after sign-in): statements outside
    /// a transaction go to the standby when the store has one.
    @TaskLocal public static var preferReplica = false
    /// The store whose lock the current task holds, so that work nested inside a transaction does not wait for
    /// itself.
    @TaskLocal static var holder: ObjectIdentifier?
    /// The connection a PostgreSQL transaction runs on, for the task running it.
    @TaskLocal static var pinned: (store: ObjectIdentifier, db: any SQLDatabase)?

    /// SQLite: how long a write waits for another process's lock (a `tongbao import` on the same file), counted
    /// from when it asked, so that writes queued in this process behind one waiting do not each wait the whole
    /// time again after it.
    let lockWait: Duration
    /// SQLite: sets the writer connection's wait for another process's lock.
    private let waitForLocks: (@Sendable (Int32) -> Void)?

    init(
        backend: Backend, db: any SQLDatabase,
        checkout: (@Sendable () async throws -> Checkout)? = nil,
        replica: (db: any SQLDatabase, close: @Sendable () async throws -> Void)? = nil,
        readers: SQLiteReaders? = nil,
        lockWait: Duration = .seconds(30), waitForLocks: (@Sendable (Int32) -> Void)? = nil,
        close: @escaping @Sendable () async throws -> Void
    ) {
        self.lockWait = lockWait
        self.waitForLocks = waitForLocks
        self.backend = backend
        self.readers = readers
        self.base = db
        self.checkout = checkout
        self.replica = replica?.db
        self.closeReplica = replica?.close
        self.close = close
    }

    /// The database the current task's statements go to: its transaction's connection, if any; else the standby
    /// for work that only reads, when there is one; else the pool.
    var db: any SQLDatabase {
        if let p = Self.pinned, p.store == ObjectIdentifier(self) { return p.db }
        if Self.preferReplica, let replica { return replica }
        return base
    }

    /// Whether this store reads from a standby.
    public var hasReplica: Bool { replica != nil }

    /// Opens and migrates a store: a PostgreSQL URL (`postgres://user@host/db`), an SQLite file (created when
    /// absent), or `":memory:"`. `lockWait`: SQLite, how long a write waits for another process's lock.
    public static func open(_ location: String, readReplica: String? = nil, lockWait: Duration = .seconds(30))
        async throws -> SQLStore
    {
        // SQLite takes an empty name for a private temporary file: a server on it would lose everything at exit.
        if location.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError.cannotOpen("“\(location)”", "没有给出数据库（--db 应为 SQLite 文件路径，或 postgres://…）")
        }
        if isPostgres(location) {
            return try await openPostgres(location, readReplica: readReplica)
        }
        if let readReplica {
            throw StoreError.cannotOpen(
                redacted(readReplica), "主数据库是 SQLite 文件，不需要只读副本：--db-read（TONGBAO_DB_READ）只用于主数据库是 PostgreSQL 时")
        }
        var logger = Logger(label: "tongbao.sqlite")
        logger.logLevel = .warning
        let conn: SQLiteHandle
        do {
            conn = try SQLiteHandle(path: location)
        } catch {
            let folder = (location as NSString).deletingLastPathComponent
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: location, isDirectory: &isDir), isDir.boolValue {
                throw StoreError.cannotOpen(location, "这是一个文件夹，不是数据库文件；请给出文件夹中的数据库文件，如 \(location)/tongbao.sqlite")
            }
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) {
                throw StoreError.cannotOpen(location, "文件夹“\(folder)”不存在")
            }
            if FileManager.default.fileExists(atPath: location), !FileManager.default.isReadableFile(atPath: location) {
                throw StoreError.cannotOpen(location, "没有读取权限")
            }
            throw StoreError.cannotOpen(location, "不是 SQLite 数据库或无法写入（\(error)）")
        }
        // `tongbao import` and a running `tongbao serve` may share a file: a statement waits for the other's
        // transaction instead of failing at once (a write transaction waits on its task instead: `transaction`).
        conn.waitForLocks(milliseconds: lockWait.sqliteMilliseconds)
        let writer = SQLStore(backend: .sqlite, db: conn.sql(logger: logger), close: { conn.close() })
        do {
            try await writer.configure(location)
        } catch let error as SQLiteHandleError where error.code == 26 || error.code == 11 {
            // SQLite opens lazily: a file of another kind (or a damaged one) shows at the first statement.
            try? await writer.shutdown()
            throw StoreError.cannotOpen(
                location,
                error.code == 26
                    ? "这个文件不是 SQLite 数据库（请检查 --db 是否写错了文件；新建数据库请给一个不存在的文件名）"
                    : "数据库文件已损坏（\(error.message)），请用备份恢复（tongbao restore）")
        } catch {
            try? await writer.shutdown()
            throw error
        }
        // Readers open once the file is migrated and in WAL mode (a memory database is one connection's own).
        guard location != ":memory:" else { return writer }
        do {
            let readers = try await SQLiteReaders.open(path: location, count: sqliteReaders)
            return SQLStore(
                backend: .sqlite, db: conn.sql(logger: logger), readers: readers, lockWait: lockWait,
                waitForLocks: { conn.waitForLocks(milliseconds: $0) }, close: { conn.close() })
        } catch {
            try? await writer.shutdown()
            throw StoreError.cannotOpen(location, "无法打开只读连接（\(error)）")
        }
    }

    /// The writer's settings and the migrations.
    private func configure(_ location: String) async throws {
        // Before WAL mode, which rewrites the file's header.
        try await refuseForeign(location)
        try await raw("PRAGMA foreign_keys = ON")
        try await raw("PRAGMA journal_mode = WAL")
        try await raw("PRAGMA synchronous = NORMAL")
        // A 64 MB page cache keeps a large import's transaction in memory instead of spilling pages
        // (measured: bench/import.sh).
        try await raw("PRAGMA cache_size = -65536")
        try await raw("PRAGMA temp_store = MEMORY")
        try await migrate(location)
    }

    /// Opens a store, runs `body` and closes the store whether `body` returns or throws.
    public static func with<T>(_ location: String, _ body: (SQLStore) async throws -> T) async throws -> T {
        let store = try await open(location)
        do {
            let result = try await body(store)
            try await store.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    public func shutdown() async throws {
        try? await closeReplica?()
        await readers?.close()
        try await close()
    }

    /// Whether `location` names a PostgreSQL server rather than an SQLite file.
    public static func isPostgresLocation(_ location: String) -> Bool { isPostgres(location) }

    static func isPostgres(_ location: String) -> Bool {
        let l = location.lowercased()
        return l.hasPrefix("postgres://") || l.hasPrefix("postgresql://")
    }

    func raw(_ sql: String) async throws { try await db.raw(SQLQueryString(sql)).run() }

    // MARK: - Migrations

    /// Refuses another program's database (a --db typed wrong) before anything is written to it, WAL mode
    /// included: one with tables, but not Tongbao's (its `districts` beside `schema_migrations`, or only the
    /// latter, as a first migration cut short leaves it).
    func refuseForeign(_ database: String) async throws {
        let tables = try await db.raw(
            backend == .sqlite
                ? SQLQueryString(Self.sqliteTables)
                : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
        ).all().map { try $0.decode(column: "name", as: String.self) }
        guard !Self.areOurs(tables) else { return }
        throw StoreError.cannotOpen(
            database,
            "这是另一个程序的数据库（其中已有表 \(Self.listed(tables))），"
                + "不是 Tongbao 的，未做任何改动；请检查 --db，新建数据库请给一个不存在的文件名或空的 PostgreSQL 库")
    }

    /// The tables of an SQLite database, by name, SQLite's own left out.
    static let sqliteTables =
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"

    /// The first five of another program's `tables`, for a refusal (“a、b、c 等”).
    public static func listed(_ tables: [String]) -> String {
        tables.prefix(5).joined(separator: "、") + (tables.count > 5 ? " 等" : "")
    }

    /// Whether a database holding `tables` is Tongbao's, or empty: none, only `schema_migrations` (a first
    /// migration cut short), or `schema_migrations` with `districts`.
    static func areOurs(_ tables: [String]) -> Bool {
        tables.isEmpty || tables == ["schema_migrations"]
            || (tables.contains("schema_migrations") && tables.contains("districts"))
    }

    /// The tables of the SQLite file at `path` when it is another program's database (``refuseForeign(_:)``'s
    /// rule), read without writing; nil when it is Tongbao's, empty, or cannot be read as SQLite (a damaged file,
    /// which a restore may replace).
    public static func foreignTables(sqlite path: String) async -> [String]? {
        guard FileManager.default.fileExists(atPath: path), let conn = try? SQLiteHandle(path: path) else { return nil }
        defer { conn.close() }
        var logger = Logger(label: "tongbao.sqlite.check")
        logger.logLevel = .critical
        guard
            let tables = try? await conn.sql(logger: logger).raw(
                SQLQueryString(sqliteTables)
            ).all().map({ try $0.decode(column: "name", as: String.self) })
        else { return nil }
        return areOurs(tables) ? nil : tables
    }

    /// `database` names it in a refusal (a file's path; never a URL, which may hold a password).
    func migrate(_ database: String) async throws {
        try await refuseForeign(database)
        try await raw("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT NOT NULL PRIMARY KEY)")
        // A database a later release has migrated holds what this one does not keep current (the case index, say):
        // writing into it would leave that stale. Refused, before anything is read or written.
        let known = Set(Schema.migrations.map(\.id))
        let unknown = try await db.raw("SELECT id FROM schema_migrations").all()
            .map { try $0.decode(column: "id", as: String.self) }.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw StoreError.cannotOpen(
                database,
                "它已由更新版本的 Tongbao 升级（结构 \(unknown.joined(separator: "、"))，本版本不认识），"
                    + "用本版本写入会使其中的数据不一致；请使用新版本，或从升级前的备份恢复")
        }
        for m in Schema.migrations {
            // Checked inside the transaction: two servers starting on one PostgreSQL database take turns.
            try await transaction {
                let done = try await self.db.raw("SELECT id FROM schema_migrations WHERE id = \(bind: m.id)").first()
                guard done == nil else { return }
                for statement in m.sql { try await self.raw(statement) }
                try await self.db.raw("INSERT INTO schema_migrations (id) VALUES (\(bind: m.id))").run()
            }
        }
    }

    /// An SQLite file deleted or moved under a running store still answers through its open handles, and what is
    /// written into it is lost when the store closes: health checks and write transactions refuse instead.
    func checkFileIsThere() throws {
        if let path = sqlitePath, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.cannotOpen(path, "数据库文件已被删除或移走，未保存任何数据：请停止服务，恢复文件（或备份）后重启")
        }
    }

    /// The migrations this release has that the database has not run (empty when current). Answers only when the
    /// database does: a health check.
    public func pendingMigrations() async throws -> [String] {
        try checkFileIsThere()
        // On a reader: the health check does not wait behind a save waiting for another process's write lock.
        return try await reading {
            let done = Set(
                try await db.raw("SELECT id FROM schema_migrations").all().map {
                    try $0.decode(column: "id", as: String.self)
                })
            return Schema.migrations.map(\.id).filter { !done.contains($0) }
        }
    }

    /// A consistent copy of a SQLite database written to `path` while others may be writing (`VACUUM INTO`: one
    /// read transaction, the copy compacted). PostgreSQL is copied with its own `pg_dump`.
    public func backup(to path: String) async throws {
        guard backend == .sqlite else {
            throw StoreError.cannotOpen(path, "PostgreSQL 请用 pg_dump 备份（见 docs/operations.md）")
        }
        try await serialized { try await db.raw("VACUUM INTO \(bind: path)").run() }
    }

    /// SQLite's own check of every page and index: "ok" when sound.
    public func quickCheck() async throws -> String {
        guard backend == .sqlite else { return "ok" }
        return try await serialized {
            try await db.raw("PRAGMA quick_check").first()?.decode(column: "quick_check", as: String.self) ?? ""
        }
    }

    // MARK: - Transactions

    /// Runs `body` with this store to itself: one request at a time uses the connection, so a read never sees
    /// another request's uncommitted (or dry-run) writes. Reentrant within the task that holds it.
    public func serialized<T>(_ body: () async throws -> T) async throws -> T {
        // PostgreSQL isolates transactions itself; only SQLite's single connection needs taking turns.
        if backend == .postgres { return try await body() }
        let me = ObjectIdentifier(self)
        if Self.holder == me { return try await body() }
        await lock.acquire()
        do {
            let result = try await Self.$holder.withValue(me) { try await body() }
            await lock.release()
            return result
        } catch {
            await lock.release()
            throw error
        }
    }

    /// When the current task's write was asked for, if before its transaction (an upload that waited its turn
    /// behind others): SQLite's wait for another program's lock counts from then.
    @TaskLocal public static var writeAskedAt: ContinuousClock.Instant?

    /// Whether the current task is inside ``transaction(commit:_:)`` of this store.
    @TaskLocal static var inTransaction: ObjectIdentifier?

    /// Runs `body` in one transaction: committed when it returns (rolled back instead when `commit` is false, for
    /// a dry run), rolled back when it throws. Nested inside another transaction of this store, `body` simply
    /// joins it: the outer one commits or rolls back everything.
    public func transaction<T>(commit: Bool = true, _ body: () async throws -> T) async throws -> T {
        try await transaction(district: nil, commit: commit, body)
    }

    /// ``transaction(commit:_:)`` for writes to one district only. On PostgreSQL, writers of different districts
    /// run side by side: each takes its district's advisory lock and the writers' lock shared; a transaction of no
    /// one district takes the writers' lock alone, and so waits for all of them. SQLite has one writer anyway.
    public func transaction<T>(district: String?, commit: Bool = true, _ body: () async throws -> T) async throws
        -> T
    {
        let me = ObjectIdentifier(self)
        if Self.inTransaction == me { return try await body() }
        if let checkout {
            guard let district else {
                return try await postgresTransaction(commit: commit, district: nil, checkout, body)
            }
            let queue = await districtQueues.lock(for: district)
            await queue.acquire()
            do {
                let result = try await postgresTransaction(commit: commit, district: district, checkout, body)
                await queue.release()
                return result
            } catch {
                await queue.release()
                throw error
            }
        }
        // Another program's lock (a `tongbao import` on the same file) is waited for outside this process's writers'
        // queue, on the task: each write tries the lock when its turn comes and, if it is held, gives its turn up,
        // pauses and asks again, until 30 s after it was asked for (an upload: before it queued for its turn). So
        // no write waits behind others' waits, and no thread sleeps in SQLite's own busy wait.
        let asked = Self.writeAskedAt ?? ContinuousClock.now
        var (until, pause, tried) = (asked + lockWait, Duration.milliseconds(5), false)
        while true {
            do {
                return try await serialized {
                    try checkFileIsThere()
                    try await beginImmediate()
                    do {
                        let result = try await Self.$inTransaction.withValue(me) { try await body() }
                        try await raw(commit ? "COMMIT" : "ROLLBACK")
                        return result
                    } catch {
                        try? await raw("ROLLBACK")
                        throw error
                    }
                }
            } catch is LockHeld {
                // At least a moment past the first try: another program's short write is no reason to refuse.
                if !tried { until = max(until, ContinuousClock.now + min(.milliseconds(100), lockWait / 10)) }
                tried = true
                guard ContinuousClock.now + pause < until else { throw StoreError.busy }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    /// Another program holds the SQLite file's write lock: the write gives up its turn and asks again.
    private struct LockHeld: Error {}

    /// SQLite's write transaction, without SQLite's own wait for another program's lock (``LockHeld`` at once).
    private func beginImmediate() async throws {
        guard let waitForLocks else { return try await raw("BEGIN IMMEDIATE") }
        waitForLocks(0)
        defer { waitForLocks(lockWait.sqliteMilliseconds) }
        do {
            try await raw("BEGIN IMMEDIATE")
        } catch StoreError.busy {
            throw LockHeld()
        }
    }

    private func postgresTransaction<T>(
        commit: Bool, district: String?, _ checkout: @Sendable () async throws -> Checkout,
        _ body: () async throws -> T
    ) async throws -> T {
        let me = ObjectIdentifier(self)
        let conn: Checkout
        do {
            conn = try await checkout()
        } catch {
            throw StoreError.connectionLost
        }
        defer { conn.release() }
        return try await Self.$pinned.withValue((me, conn.db)) {
            try await raw("BEGIN")
            do {
                // One writer per district at a time: the version checks and `MAX(seq)` (both per district) rely
                // on it. A district's writers share the writers' lock, which a transaction of no district holds alone.
                // Both locks in one statement: one round trip fewer per save. PostgreSQL computes a target list
                // left to right, so the writers' lock is always taken first and no two writers wait on each
                // other in opposite orders.
                if let district {
                    try await db.raw(
                        "SELECT pg_advisory_xact_lock_shared(\(unsafeRaw: String(Self.writerLock))), pg_advisory_xact_lock(\(unsafeRaw: String(Self.districtLockSpace)), hashtext(\(bind: district)))"
                    ).run()
                } else {
                    try await raw("SELECT pg_advisory_xact_lock(\(Self.writerLock))")
                }
                let result = try await Self.$inTransaction.withValue(me) { try await body() }
                try await raw(commit ? "COMMIT" : "ROLLBACK")
                return result
            } catch {
                if conn.isClosed() { throw StoreError.connectionLost }
                try? await raw("ROLLBACK")
                throw error
            }
        }
    }

    /// The advisory lock key of writers ("Tongbao" in ASCII, truncated to a bigint).
    static let writerLock = 0x546F_6E67_6261_6F
    /// The first key of a district's advisory lock (two 32-bit keys: this and the hash of the district's code).
    static let districtLockSpace = 0x5442_4454

    // MARK: - Districts

    /// The district, created with `name` when absent; a non-empty `name` renames it.
    @discardableResult
    public func ensureDistrict(_ code: String, name: String?) async throws -> District {
        try await serialized { try await ensureDistrictUnlocked(code, name: name) }
    }

    private func ensureDistrictUnlocked(_ code: String, name: String?) async throws -> District {
        if let existing = try await districtUnlocked(code) {
            if let name, !name.isEmpty, name != existing.name {
                try await db.raw("UPDATE districts SET name = \(bind: name) WHERE code = \(bind: code)").run()
                return District(code: code, name: name)
            }
            return existing
        }
        try await db.raw("INSERT INTO districts (code, name) VALUES (\(bind: code), \(bind: name ?? ""))").run()
        return District(code: code, name: name ?? "")
    }

    /// Every district (tenant) in the store, by code.
    public func districts() async throws -> [District] {
        try await reading {
            try await db.raw("SELECT code, name FROM districts ORDER BY code").all().map(Self.district)
        }
    }

    /// The districts that hold data, by code: every district row but those of cities (a city's accounts need a
    /// row of its own, which holds nothing).
    public func dataDistricts() async throws -> [District] {
        try await reading {
            try await db.raw(
                """
                SELECT code, name FROM districts
                WHERE code NOT IN (SELECT city FROM districts WHERE city IS NOT NULL) ORDER BY code
                """
            ).all().map(Self.district)
        }
    }

    /// The districts of a city (``setCity(_:districts:)``), by code.
    public func districts(ofCity city: String) async throws -> [District] {
        try await reading {
            try await db.raw("SELECT code, name FROM districts WHERE city = \(bind: city) ORDER BY code").all().map(
                Self.district)
        }
    }

    /// Whether `code` is a city's: districts name it as their city, or city accounts belong to it (an account may
    /// be made before the city's list). A city's code holds no data of its own.
    public func isCity(_ code: String) async throws -> Bool {
        try await reading {
            try await db.raw(
                """
                SELECT (SELECT COUNT(*) FROM districts WHERE city = \(bind: code))
                    + (SELECT COUNT(*) FROM users WHERE district = \(bind: code) AND role = 'city') AS n
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0 > 0
        }
    }

    /// Makes `districts` the city's list (in place of its earlier one). Each must exist and not be the city.
    public func setCity(_ city: String, districts: [String]) async throws {
        try await transaction {
            for d in districts {
                let known = try await districtUnlocked(d)
                if d == city || known == nil { throw StoreError.unknownDistrict(d) }
            }
            try await db.raw("UPDATE districts SET city = NULL WHERE city = \(bind: city)").run()
            for d in districts {
                try await db.raw("UPDATE districts SET city = \(bind: city) WHERE code = \(bind: d)").run()
            }
        }
    }

    public func district(_ code: String) async throws -> District? {
        try await reading { try await districtUnlocked(code) }
    }

    func districtUnlocked(_ code: String) async throws -> District? {
        try await db.raw("SELECT code, name FROM districts WHERE code = \(bind: code)").first().map(Self.district)
    }

    static func district(_ r: any SQLRow) throws -> District {
        District(
            code: try r.decode(column: "code", as: String.self), name: try r.decode(column: "name", as: String.self))
    }
}

extension Duration {
    /// Whole milliseconds, as SQLite's busy timeout takes them.
    var sqliteMilliseconds: Int32 {
        Int32(clamping: components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Errors of the store, with what an operator needs to act.
public enum StoreError: Error, LocalizedError, Equatable {
    case cannotOpen(String, String)
    case unknownDistrict(String)
    case corruptRow(table: String, key: String)
    case userExists(String)
    case alreadyPublished(String)
    case notPublished(String)
    case periodFrozen(String)
    case versionConflict(ReportVersion)
    case connectionLost
    case tooManyTemplates(String)
    /// SQLite: another process (a `tongbao import` on the same file, say) held the file's write lock past the
    /// wait.
    case busy
    /// SQLite: the file, or its folder, cannot be written.
    case readOnly

    public var errorDescription: String? {
        switch self {
        case .cannotOpen(let path, let why): return "无法打开数据库 \(path)：\(why)"
        case .unknownDistrict(let d): return "数据库中没有区县“\(d)”的数据"
        case .corruptRow(let t, let k): return "数据库表 \(t) 中的记录 \(k) 无法读取"
        case .userExists(let name): return "用户“\(name)”已存在"
        case .alreadyPublished(let p): return "\(p) 的通报已发布"
        case .notPublished(let p): return "\(p) 的通报尚未发布，无需撤回"
        case .periodFrozen(let p): return "\(p) 已发布并冻结，不能修改；如需修改请管理员先撤回发布"
        case .connectionLost: return "与数据库服务器的连接已断开，本次操作未保存任何数据，请稍后重试"
        case .busy:
            return "数据库正被另一个程序写入（如命令行导入），等待 30 秒后仍未轮到，本次操作未保存任何数据，请稍后重试"
        case .readOnly: return "数据库文件或其所在文件夹不可写入（请检查权限和磁盘），本次操作未保存任何数据"
        case .tooManyTemplates(let what):
            return "\(what)，不能再保存（每个区县最多 \(TemplateStoreLimits.names) 个模板，每个模板最多 \(TemplateStoreLimits.versions) 个版本）"
        case .versionConflict(let v):
            return "该报表已被\(v.savedBy ?? "他人")于 \(v.savedAt.map(ChinaTime.display) ?? "刚才")保存，请核对最新数据后重新提交"
        }
    }
}

/// One first-come, first-served lock per district (as many as districts written).
actor DistrictQueues {
    private var locks: [String: AsyncLock] = [:]

    func lock(for district: String) -> AsyncLock {
        if let l = locks[district] { return l }
        let l = AsyncLock()
        locks[district] = l
        return l
    }
}
