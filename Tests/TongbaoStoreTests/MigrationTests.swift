import Foundation
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
}
