import Foundation
import HTTPTypes
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

/// Issue 15's operations: /healthz and /metrics.
@Suite struct OperationsTests {
    @Test func healthzAnswersWhenTheStoreDoes() async throws {
        try await Web.run(.sqlite) { web in
            let r = try await web.browser().get("/healthz")
            #expect(r.status == .ok && r.text == "ok\n")
            #expect(try await web.store.pendingMigrations().isEmpty)
        }
    }

    @Test func metricsCountRequestsSavesAndImports() async throws {
        try await Web.run(.sqlite) { web in
            let b = try await web.signedIn("rep1")
            let row = try #require(try await web.caseRow("C01"))
            let save = try await b.post(
                "/report/C01/2021-07",
                ReportFormTests.fields(row, recvImmediate: "4321").merging(["action": "save", "version": "1"]) { $1 })
            #expect(save.status == .seeOther)
            let metrics = try await web.browser().get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.text
            #expect(text.contains("tongbao_report_saves"))
            #expect(text.contains("tongbao_imports"))
            #expect(text.contains("tongbao_imported_rows"))
            #expect(text.contains("hb_requests"))
            #expect(text.contains("http_server_request_duration_bucket"))
            // Routes by pattern, never a unit's code or a month.
            #expect(text.contains("/report/:unit/:period") || text.contains("/report/{unit}/{period}"))
            #expect(!text.contains("/report/C01/2021-07"))
        }
    }
}
