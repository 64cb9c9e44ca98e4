import Foundation
import Logging
import Testing
import TongbaoTestSupport

@testable import TongbaoStore

/// A release never writes into a database a later release has migrated: what the later one keeps current (the
/// case index) would go stale.
@Suite struct MigrationTests {
    @Test(arguments: TestBackend.available) func aDatabaseFromALaterReleaseIsRefusedNamingWhy(_ backend: TestBackend)
        async throws
    {
        // A file, not memory: it is opened twice.
        let (location, cleanup) = backend == .sqlite ? try TestBackend.sqliteFile() : try await backend.freshLocation()
        do {
            try await SQLStore.with(location) { store in
                try await store.db.raw("INSERT INTO schema_migrations (id) VALUES ('999_later')").run()
            }
            let refused = await #expect(throws: StoreError.self) { try await SQLStore.with(location) { _ in } }
            #expect(refused?.errorDescription?.contains("999_later") == true, "\(String(describing: refused))")
            #expect(refused?.errorDescription?.contains("更新版本") == true)
            if let password = URLComponents(string: location)?.password {
                #expect(!(refused?.errorDescription?.contains(":\(password)@") ?? true), "no password in the message")
            }
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }

    /// A PostgreSQL URL in a message never shows its password: in the user part, as `password=` in the query, or
    /// inside a URL that does not parse.
    @Test func urlsInMessagesHideTheirPassword() {
        for url in [
            "postgres://u:secret@127.0.0.1:1/x", "postgres://127.0.0.1:1/x?password=secret",
            "postgres://u@h/x?sslmode=disable&PASSWORD=secret", "postgres://u:secret@[::1:1/x",
        ] {
            #expect(!SQLStore.redacted(url).contains("secret"), "\(url) → \(SQLStore.redacted(url))")
        }
        #expect(SQLStore.isPostgresLocation("POSTGRES://u:secret@h/x"))
    }

    /// Another program's database, named by a mistyped --db, gets none of Tongbao's tables: refused, untouched.
    @Test(arguments: TestBackend.available) func anotherProgramsDatabaseIsRefusedUntouched(_ backend: TestBackend)
        async throws
    {
        let (location, cleanup) = backend == .sqlite ? try TestBackend.sqliteFile() : try await backend.freshLocation()
        do {
            var before = Data()
            if backend == .sqlite {
                let handle = try SQLiteHandle(path: location)
                try await handle.sql(logger: Logger(label: "test")).raw("CREATE TABLE customers (id INTEGER)").run()
                handle.close()
                before = try Data(contentsOf: URL(fileURLWithPath: location))
            } else {
                try await TestBackend.admin(location, "CREATE TABLE customers (id INTEGER)")
            }
            let refused = await #expect(throws: StoreError.self) { try await SQLStore.with(location) { _ in } }
            #expect(refused?.errorDescription?.contains("另一个程序的数据库") == true, "\(String(describing: refused))")
            #expect(refused?.errorDescription?.contains("customers") == true)
            if backend == .sqlite {
                let handle = try SQLiteHandle(path: location)
                let names = try await handle.sql(logger: Logger(label: "test")).raw(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                ).all().map { try $0.decode(column: "name", as: String.self) }
                handle.close()
                #expect(names == ["customers"], "nothing of Tongbao's was made")
                #expect(try Data(contentsOf: URL(fileURLWithPath: location)) == before, "not a byte changed (WAL mode)")
            }
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }
}
