import Foundation
import NIOCore
import Testing
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoStore
import TongbaoTestSupport
import ZIPFoundation

/// Word, Excel and PDF through the web application: bulletin downloads (the frozen copy once published), the
/// report form's Excel template, and .xlsx uploads.
@Suite("Document downloads and Excel uploads")
struct DocumentDownloadTests {
    static func documentXML(_ docx: Data) throws -> String {
        let archive = try Archive(data: docx, accessMode: .read)
        let entry = try #require(archive["word/document.xml"])
        var xml = Data()
        _ = try archive.extract(entry) { xml.append($0) }
        return String(decoding: xml, as: UTF8.self)
    }

    @Test(arguments: TestBackend.available) func bulletinDownloadsInEveryFormat(_ backend: TestBackend) async throws {
        try await Web.run(backend) { web in
            let admin = try await web.signedIn("admin")
            let page = try await admin.get("/bulletin/2021-07")
            for format in BulletinFormat.allCases {
                #expect(page.text.contains("/bulletin/2021-07/document/\(format.rawValue)"), "\(format) offered")
            }

            let docx = try await admin.get("/bulletin/2021-07/document/docx")
            #expect(docx.status == .ok && docx.headers[.contentType] == BulletinFormat.docx.mediaType)
            #expect(docx.headers[.contentDisposition] == "attachment; filename=\"bulletin-2021-07.docx\"")
            #expect(try Self.documentXML(docx.data).contains("309055"))
            let xlsx = try await admin.get("/bulletin/2021-07/document/xlsx")
            let book = try XLSXReader.read(xlsx.data)
            #expect(book.sheets.map(\.name).prefix(2) == ["概况", "渝北区行政服务中心接办件情况统计表"])
            let pdf = try await admin.get("/bulletin/2021-07/document/pdf")
            #expect(pdf.status == .ok && pdf.data.starts(with: Data("%PDF".utf8)))
            // A reporter reads no bulletin.
            let reporter = try await web.signedIn("rep1")
            #expect(try await reporter.get("/bulletin/2021-07/document/docx").status == .forbidden)
        }
    }

    @Test(arguments: TestBackend.available) func publishedWordAndExcelHoldTheFrozenFigures(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let admin = try await web.signedIn("admin")
            #expect(try await admin.post("/bulletin/2021-07/publish", [:]).status == .seeOther)
            // Once published, Word and Excel are rendered from the stored JSON (decoded back into a bulletin).
            let publishedJSON = try #require(
                try await web.store.publishedDocument(
                    district: "yubei", period: Period(year: 2021, month: 7), format: "json"))
            #expect(publishedJSON.contains("\"issue\" : 7"))

            let docx = try await admin.get("/bulletin/2021-07/document/docx")
            #expect(docx.status == .ok, "\(docx.text.prefix(2000))")
            let xml = try Self.documentXML(docx.data)
            #expect(xml.contains("第7期") && xml.contains("309055"))
            let viewer = try await web.signedIn("viewer")
            let xlsx = try await viewer.get("/bulletin/2021-07/document/xlsx")
            #expect(try XLSXReader.read(xlsx.data).sheets.count >= 5)
        }
    }

    @Test(arguments: TestBackend.available) func reporterFillsTheExcelTemplateAndUploadsIt(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let reporter = try await web.signedIn("rep1")
            let form = try await reporter.get("/report/C01/2021-08")
            #expect(form.text.contains("/report/C01/2021-08/template.xlsx"))
            let download = try await reporter.get("/report/C01/2021-08/template.xlsx")
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"report-C01-2021-08.xlsx\"")
            #expect(try await reporter.get("/report/C02/2021-08/template.xlsx").status == .forbidden)

            // Fill this month's row and send the workbook back through the upload page.
            var book = try XLSXReader.read(download.data)
            let index = try #require(book.sheets.firstIndex { $0.name == "办件月报" })
            #expect(book.sheets[index].cell(row: 2, column: 2).value == .text("区住房城乡建委"))
            for (column, value) in [3: 150.0, 4: 99, 5: 150, 6: 90] {
                book.sheets[index].set(.number(value), row: 2, column: column)
            }
            let filled = try XLSXWriter.write(book)
            let preview = try await reporter.upload("/upload", file: "报表.xlsx", data: filled)
            #expect(preview.status == .ok)
            let id = try #require(Browser.hidden("id", preview.text))
            #expect(try await reporter.post("/upload/confirm", ["id": id]).status == .seeOther)
            let (row, _) = try await web.store.reportRows(
                district: "yubei", unit: "C01", period: Period(year: 2021, month: 8))
            #expect(row?.recvImmediate == 150 && row?.donePromised == 90)

            // The same workbook naming another unit is refused for this reporter.
            book.sheets[index].set(.text("C02"), row: 2, column: 2)
            let other = try await reporter.upload("/upload", file: "报表.xlsx", data: try XLSXWriter.write(book))
            #expect(other.status == .forbidden)
        }
    }

    @Test(arguments: TestBackend.available) func aBrokenWorkbookUploadNamesTheProblem(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let admin = try await web.signedIn("admin")
            let before = try await web.store.fingerprint()
            let broken = try await admin.upload("/upload", file: "报表.xlsx", data: Data("PK\u{3}\u{4}broken".utf8))
            #expect(broken.status == .unprocessableContent)
            #expect(broken.text.contains("E029") && broken.text.contains("工作簿已损坏"))
            #expect(try await web.store.fingerprint() == before)
        }
    }

    @Test(arguments: TestBackend.available) func theAPIServesEveryFormatAndTakesWorkbooks(_ backend: TestBackend)
        async throws
    {
        try await Web.run(backend) { web in
            let b = web.browser()
            var h = try await APITests.token(web, "admin")
            let xlsx = try await b.request(.get, "/api/v1/periods/2021-07/bulletin?format=xlsx", headers: h)
            #expect(xlsx.status == .ok && xlsx.headers[.contentType] == BulletinFormat.xlsx.mediaType)
            #expect(try XLSXReader.read(xlsx.data).sheets.count >= 5)
            let json = try await b.request(.get, "/api/v1/periods/2021-07/bulletin", headers: h)
            #expect(json.status == .ok && json.text.contains("309055"))
            #expect(
                try await b.request(.get, "/api/v1/periods/2021-07/bulletin?format=doc", headers: h).status
                    == .badRequest)

            // A workbook posted as is, recognised by its media type.
            let sheet = Sheet(
                name: "办件月报",
                rows: [[.text("月份"), .text("单位"), .text("即办接件")], [.text("2021-07"), .text("C02"), .number(4321)]])
            h[.contentType] = BulletinFormat.xlsx.mediaType
            let posted = try await b.request(
                .post, "/api/v1/packages", body: ByteBuffer(bytes: try XLSXWriter.write(Workbook(sheets: [sheet]))),
                headers: h)
            #expect(posted.status == .ok, "\(posted.text)")
            #expect(try await web.caseRow("C02")?.recvImmediate == 4321)
        }
    }
}
