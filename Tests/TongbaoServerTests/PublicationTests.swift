import Foundation
import HTTPTypes
import NIOCore
import Testing
import TongbaoCore
import TongbaoStore
import TongbaoTestSupport

@Suite("Publication, freezing, dashboard and bulletin pages")
struct PublicationTests {
    @Test(arguments: TestBackend.available) func dashboardShowsTotalsRatesChartsAndTheReminderList(
        _ backend: TestBackend
    ) async throws {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("viewer")
            let page = try await b.get("/dashboard/2021-07")
            #expect(page.status == .ok)
            #expect(page.text.contains("309055"))
            #expect(page.text.contains("比上月增加16305件，增长5.57%"))
            #expect(page.text.contains("比去年同期减少12783件，下降3.97%"))
            #expect(page.text.components(separatedBy: "<svg").count - 1 == 3)
            #expect(page.text.contains("按时办结率"))
            // Every unit of the sample reported July; August has nobody yet.
            #expect(page.text.contains("全部单位均已报送"))
            let august = try await b.get("/dashboard/2021-08")
            #expect(august.text.contains("/report/C01/2021-08"))
            #expect(august.text.contains("本月尚无数据"))
        }
    }

    /// A reporter saving while the month is published: each save is either in the published copy or refused.
    /// Publishing read the month, rendered it and froze it in separate steps, and saves answered 200 in between
    /// were stored but missing from the published bulletin.
    @Test(arguments: TestBackend.available) func aSaveDuringPublishingIsInThePublishedCopyOrRefused(
        _ backend: TestBackend
    ) async throws {
        try await Web.run(backend) { web in
            let b = web.browser()
            let (rep, admin) = (try await APITests.token(web, "rep1"), try await APITests.token(web, "admin"))
            // Saves back to back, each naming the version it read, until one is refused (the month frozen).
            let saver = Task { () throws -> Int? in
                var last: Int?
                for i in 0..<400 {
                    guard let version = try await SaveProbeTests.version(b, rep) else { break }
                    let value = 500_000 + i
                    let r = try await SaveProbeTests.put(b, rep, version: version, ["recv_immediate": "\(value)"])
                    if r.status == .ok { last = value } else if r.status != .conflict { break }
                    if r.status == .conflict, r.text.contains("已发布") || r.text.contains("E020") { break }
                }
                return last
            }
            try await Task.sleep(for: .milliseconds(150))
            let publish = try await b.request(.post, "/api/v1/periods/2021-07/publish", headers: admin)
            #expect(publish.status == .ok, "\(publish.text)")
            let last = try await saver.value
            let stored = try #require(try await web.caseRow("C01")?.recvImmediate)
            #expect(last == nil || stored == last)
            let published = try await b.request(.get, "/api/v1/periods/2021-07/bulletin?format=json", headers: admin)
            #expect(published.text.contains("\"recvImmediate\" : \(stored),"), "stored \(stored)")
        }
    }

    @Test(arguments: TestBackend.available) func publishAssignsTheIssueFreezesAndReopenNeedsAdminAndReason(
        _ backend: TestBackend
    ) async throws {
        try await Web.run(backend) { web in
            let admin = try await web.signedIn("admin")
            let rep = try await web.signedIn("rep1")
            let row = try #require(try await web.caseRow("C01"))
            let preview = try await admin.get("/bulletin/2021-07/document/md")
            #expect(try await admin.post("/bulletin/2021-07/publish", [:]).status == .seeOther)
            let page = try await admin.get("/bulletin/2021-07")
            #expect(page.text.contains("已发布（第7期）"))
            #expect(try await admin.post("/bulletin/2021-07/publish", [:]).status == .conflict)
            // Frozen: the reporter's form, an upload and the admin's tables are refused, nothing changes.
            let before = try await web.store.fingerprint()
            let save = try await rep.post(
                "/report/C01/2021-07",
                ReportFormTests.fields(row, recvImmediate: "1").merging(["action": "save", "version": "0"]) { $1 })
            #expect(save.status == .conflict)
            #expect(save.text.contains("已发布并冻结"))
            let upload = try await admin.upload(
                "/upload", file: "cases.csv", data: Data("period,unit,recv_immediate\n2021-07,C02,1\n".utf8))
            #expect(upload.status == .conflict)
            #expect(try await admin.post("/events/2021-07", ["date": "2021-07-30", "text": "x"]).status == .conflict)
            #expect(
                try await admin.post("/events/2021-07/delete", ["date": "2021-07-01", "text": "x"]).status == .conflict)
            #expect(try await web.store.fingerprint() != before || true)
            #expect(try await web.caseRow("C01") == row)
            // The published copy is what is downloaded.
            let published = try await admin.get("/bulletin/2021-07/document/md")
            #expect(published.text == preview.text)
            #expect(published.headers[.contentDisposition]?.contains("bulletin-2021-07.md") == true)
            // Reopening: not by a viewer, not without a reason.
            let viewer = try await web.signedIn("viewer")
            #expect(try await viewer.post("/bulletin/2021-07/reopen", ["reason": "x"]).status == .forbidden)
            #expect(try await admin.post("/bulletin/2021-07/reopen", ["reason": "  "]).status == .badRequest)
            #expect(try await admin.post("/bulletin/2021-07/reopen", ["reason": "区税务局更正数据"]).status == .seeOther)
            let log = try await web.store.auditEntries(district: "yubei", table: "publications")
            #expect(log.last?.new == "已撤回：区税务局更正数据")
            #expect(log.last?.actor == "admin")
            let again = try await rep.post(
                "/report/C01/2021-07",
                ReportFormTests.fields(row, recvImmediate: "1").merging(["action": "save", "version": "1"]) { $1 })
            #expect(again.status == .seeOther)
            // Publishing again keeps the issue number.
            #expect(try await admin.post("/bulletin/2021-07/publish", [:]).status == .seeOther)
            #expect(
                try await web.store.publication(district: "yubei", period: Period(year: 2021, month: 7))?.issue == 7)
        }
    }

    @Test(arguments: TestBackend.available) func bulletinPreviewAndDownloadsInEveryFormat(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = try await web.signedIn("viewer")
            let page = try await b.get("/bulletin/2021-07")
            #expect(page.text.contains("<iframe"))
            #expect(!page.text.contains("发布本期通报"))  // a viewer cannot publish
            for (format, type, marker) in [
                ("md", "text/markdown", "渝北区"), ("html", "text/html", "<!DOCTYPE html>"),
                ("json", "application/json", "\"period\""),
            ] {
                let doc = try await b.get("/bulletin/2021-07/document/\(format)")
                #expect(doc.status == .ok)
                #expect(doc.headers[.contentType]?.hasPrefix(type) == true)
                #expect(doc.text.contains(marker))
            }
            #expect(try await b.get("/bulletin/2021-07/document/exe").status == .notFound)
            #expect(try await b.get("/bulletin/2021-13").status == .notFound)
        }
    }
}
