import Foundation
import HTTPTypes
import Testing
import TongbaoCore
import TongbaoServer
import TongbaoStore
import TongbaoTestSupport

/// Issue 14: a changed password or a disabled account ends every session and API token of the account.
@Suite struct AccountShutTests {
    @Test(arguments: TestBackend.available) func aNewPasswordEndsSessionsAndTokens(_ backend: TestBackend) async throws
    {
        try await Web.run(backend) { web in
            let admin = try await web.signedIn("admin")
            let token = try await APITests.token(web, "admin")
            #expect(try await admin.get("/audit").status == .ok)
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: token).status == .ok)

            try await web.store.setPassword("admin", passwordHash: Secrets.hashPassword("a-new-password-9", cost: 4))

            #expect(try await admin.get("/audit").status != .ok, "the old session is over")
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: token).status == .unauthorized)
            #expect(try await web.browser().login("admin", "a-new-password-9").status == .found)
        }
    }

    @Test(arguments: TestBackend.available) func aDisabledAccountSignsInNowhere(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let viewer = try await web.signedIn("viewer")
            let token = try await APITests.token(web, "viewer")
            try await web.store.setDisabled("viewer", true)
            #expect(try await viewer.get("/dashboard/2021-07").status != .ok)
            #expect(try await web.browser().request(.get, "/api/v1/units", headers: token).status == .unauthorized)
            #expect(try await web.browser().login("viewer", Web.password).status == .unauthorized)
            try await web.store.setDisabled("viewer", false)
            #expect(try await web.browser().login("viewer", Web.password).status == .found)
        }
    }
}
