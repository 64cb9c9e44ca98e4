import Foundation
import Testing
import TongbaoCore
import TongbaoOffice
import TongbaoReport
import TongbaoStore
import TongbaoTestSupport
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The Word, PDF and Excel bulletins of the seed month, checked by what other programs read out of them:
/// LibreOffice and poppler for the DOCX and PDF, Tongbao's reader for the XLSX.
@Suite struct DocumentTests {
    static let july = Period(year: 2021, month: 7)

    static func sample() async throws -> (Bulletin, DistrictData) {
        try await Fixtures.withImported(try Fixtures.sampleFiles()) { store, _ in
            let data = try await store.load(district: "yubei", period: july)
            return (BulletinBuilder(data: data, period: july).build(), data)
        }
    }

    static var goldenMarkdown: String {
        get throws {
            try String(
                contentsOf: Fixtures.root.appendingPathComponent("Tests/TongbaoReportTests/Golden/bulletin-2021-07.md"),
                encoding: .utf8)
        }
    }

    static func parts(_ docx: Data) throws -> [String: Data] {
        let archive = try Archive(data: docx, accessMode: .read)
        var parts: [String: Data] = [:]
        for entry in archive {
            var d = Data()
            _ = try archive.extract(entry) { d.append($0) }
            parts[entry.path] = d
        }
        return parts
    }

    // MARK: - DOCX

    @Test func docxIsAWellFormedOfficialDocument() async throws {
        let (bulletin, _) = try await Self.sample()
        let view = BulletinView(bulletin)
        let parts = try Self.parts(try DOCXWriter.render(view))

        for (name, data) in parts where !name.hasSuffix(".xlsx") {
            #expect(XMLParser(data: data).parse(), "\(name) is not well-formed XML")
        }
        let document = String(decoding: try #require(parts["word/document.xml"]), as: UTF8.self)
        // A4 and the GB/T 9704 margins (37/26/35/28 mm in twips).
        #expect(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"))
        #expect(document.contains("w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""))
        let tables = view.sections.flatMap { $0.blocks.compactMap(\.table) }
        #expect(document.components(separatedBy: "<w:tbl>").count - 1 == tables.count)
        #expect(document.contains("<w:vMerge w:val=\"restart\"/>"))
        #expect(document.contains("<w:gridSpan w:val=\"3\"/>"))
        #expect(document.contains("<w:tblHeader/>"))
        // Three native charts, each a part with the figures in its cache.
        #expect(parts.keys.filter { $0.hasPrefix("word/charts/chart") }.count == 3)
        let tiers = String(decoding: try #require(parts["word/charts/chart2.xml"]), as: UTF8.self)
        #expect(tiers.contains("<c:v>227127</c:v>") && tiers.contains("<c:barDir val=\"col\"/>"))
        // Word's "edit data" opens the embedded workbook, which holds the same figures at the cells the chart names.
        let data = try XLSXReader.read(try #require(parts["word/embeddings/Microsoft_Excel_Worksheet2.xlsx"]))
        let sheet = try #require(data["Sheet1"])
        let centre = try #require(bulletin.overview.tiers.first { $0.tier == .center })
        #expect(sheet.cell(row: 2, column: 1).value == .text("区行政服务中心"))
        #expect(sheet.cell(row: 2, column: 3).value == .number(Double(try #require(centre.done))))
        #expect(tiers.contains("<c:f>Sheet1!$C$2:$C$4</c:f>") && tiers.contains("<c:externalData r:id=\"rId1\">"))
        let footer = String(decoding: try #require(parts["word/footer1.xml"]), as: UTF8.self)
        #expect(footer.contains(" PAGE ") && footer.contains("— "))
        let styles = String(decoding: try #require(parts["word/styles.xml"]), as: UTF8.self)
        #expect(styles.contains("w:eastAsia=\"仿宋\"") && styles.contains("<w:sz w:val=\"32\"/>"))
        #expect(styles.contains("方正小标宋简体"))
    }

    @Test func docxThroughLibreOfficeHoldsEveryGoldenFigure() async throws {
        let (bulletin, _) = try await Self.sample()
        let dir = try Fixtures.tempDir()
        let docx = dir.appendingPathComponent("bulletin-2021-07.docx")
        try DOCXWriter.render(BulletinView(bulletin)).write(to: docx)

        let pdf = try await Tools.libreOffice(docx, to: "pdf")
        let text = try await Tools.pdfText(pdf)

        let missing = Tools.missingFigures(try Self.goldenMarkdown, in: text)
        #expect(missing.isEmpty, "figure: (times in the Markdown, times in the PDF): \(missing)")
        #expect(text.contains("渝北区行政审批服务运行通报"))
        #expect(text.filter { !$0.isWhitespace }.contains("—2—"), "page numbers in the official form")
        // Pictures of the pages, for docs/ (a reader of the README sees the bulletin).
        try await Self.pageImages(pdf, prefix: "docx")
    }

    /// The tables leave their numbers room in a wider Latin face: a machine without Liberation Serif (Times New
    /// Roman's metrics) sets them in DejaVu Serif, about 15% wider, and no figure may wrap inside its cell. The
    /// document is rewritten to name DejaVu Serif, so the check does not depend on which fonts are installed.
    @Test func docxHoldsEveryGoldenFigureInTheWiderDejaVuSerif() async throws {
        let (bulletin, _) = try await Self.sample()
        let original = try DOCXWriter.render(BulletinView(bulletin))
        var parts: [(String, Data)] = []
        for entry in try ZipCheck.list(original) {
            var bytes = try ZipCheck.extract(entry, from: original, limit: 1 << 26)
            if entry.name.hasSuffix(".xml") {
                let xml = String(decoding: bytes, as: UTF8.self)
                #expect(!entry.name.hasPrefix("word/styles") || xml.contains("Times New Roman"))
                bytes = Data(xml.replacingOccurrences(of: "Times New Roman", with: "DejaVu Serif").utf8)
            }
            parts.append((entry.name, bytes))
        }
        let docx = try Fixtures.tempDir().appendingPathComponent("bulletin-dejavu.docx")
        try OfficePackage.zip(parts).write(to: docx)
        let pdf = try await Tools.libreOffice(docx, to: "pdf")
        #expect(try await Tools.pdfFonts(pdf).contains { $0.contains("DejaVuSerif") }, "set in DejaVu Serif")
        let missing = Tools.missingFigures(try Self.goldenMarkdown, in: try await Tools.pdfText(pdf))
        #expect(missing.isEmpty, "figure: (times in the Markdown, times in the PDF): \(missing)")
    }

    @Test func docxTextRoundTripsThroughLibreOffice() async throws {
        let (bulletin, _) = try await Self.sample()
        let view = BulletinView(bulletin)
        let dir = try Fixtures.tempDir()
        let docx = dir.appendingPathComponent("bulletin.docx")
        try DOCXWriter.render(view).write(to: docx)

        let txt = try await Tools.libreOffice(docx, to: "txt:Text")
        let text = try String(contentsOf: txt, encoding: .utf8)

        let squeeze = { (s: String) in s.filter { !$0.isWhitespace } }
        let lines = Set(text.components(separatedBy: .newlines).map(squeeze))
        var expected = [view.title, view.issueLine ?? "", view.lead ?? ""]
        for s in view.sections {
            expected.append(s.heading)
            for b in s.blocks {
                expected += [b.paragraph, b.note, b.chart?.title, b.table?.title, b.table?.note].compactMap { $0 }
            }
        }
        for line in expected where !line.isEmpty { #expect(lines.contains(squeeze(line)), "missing: \(line)") }
        #expect(lines.contains(squeeze("\(view.issuer ?? "")\t\(view.date ?? "")")))
    }

    // MARK: - PDF

    @Test func pdfFromChromiumHoldsEveryFigureWithRowsKeptWhole() async throws {
        let (bulletin, _) = try await Self.sample()
        let view = BulletinView(bulletin)
        let dir = try Fixtures.tempDir()
        let pdf = dir.appendingPathComponent("bulletin.pdf")
        try await BulletinFormat.pdf.render(bulletin).write(to: pdf)

        let text = try await Tools.pdfText(pdf)
        let missing = Tools.missingFigures(try Self.goldenMarkdown, in: text)
        #expect(missing.isEmpty, "figure: (times in the Markdown, times in the PDF): \(missing)")
        #expect(text.contains("渝北区行政审批服务运行通报") && text.contains("全区三级服务中心办件情况分析图"))
        // Charts are vector: the PDF holds no raster image at all.
        let images = try await Tools.run(try Tools.program("pdfimages", package: "poppler-utils"), ["-list", pdf.path])
        #expect(images.split(separator: "\n").count == 2, "pdfimages lists only its header: \(images)")
        // Every body row of every table is printed whole on one page: in pdftotext's layout mode a row is a line.
        var lines: [[String]] = []
        for p in 1...(try await Tools.pageCount(pdf)) {
            lines += try await Tools.pdfText(pdf, page: p, layout: true).split(separator: "\n").map {
                $0.split(whereSeparator: \.isWhitespace).map(String.init)
            }
        }
        for table in view.sections.flatMap({ $0.blocks.compactMap(\.table) }) {
            for row in table.body {
                let tokens = row.cells.filter { !$0.covered && ($0.rowspan ?? 1) == 1 && !$0.text.isEmpty }
                    .flatMap { $0.text.split(whereSeparator: \.isWhitespace).map(String.init) }
                #expect(lines.contains { Self.contains($0, tokens) }, "row split or missing: \(tokens)")
            }
        }
        try await Self.pageImages(pdf, prefix: "pdf")
    }

    @Test func pdfWithoutChromiumNamesThePackages() async throws {
        let (bulletin, _) = try await Self.sample()
        let html = try HTMLWriter.render(BulletinView(bulletin))
        await #expect(throws: PDFError.chromiumMissing) { try await PDFWriter.render(html: html, chromium: nil) }
        #expect(PDFError.chromiumMissing.errorDescription?.contains("apt-get install chromium fonts-noto-cjk") == true)
    }

    // MARK: - XLSX

    @Test func xlsxReadBackEqualsTheStoredFigures() async throws {
        let (bulletin, data) = try await Self.sample()
        let view = BulletinView(bulletin)

        let book = try XLSXReader.read(try XLSXBulletinWriter.render(view))

        let tables = view.sections.flatMap { $0.blocks.compactMap(\.table) }
        #expect(book.sheets.first?.name == "概况", "the overview opens the workbook (HistoryTests reads it)")
        #expect(book.sheets.count == tables.count + 1)
        for (sheet, table) in zip(book.sheets.dropFirst(), tables) {
            #expect(sheet.cell(row: 1, column: 1).value == .text(table.title))
            for (r, row) in (table.header + table.body).enumerated() {
                for (c, cell) in row.cells.enumerated() where !cell.covered && !cell.text.isEmpty {
                    let expected: SheetCell.Value =
                        cell.numeric && Double(cell.text) != nil ? .number(Double(cell.text)!) : .text(cell.text)
                    #expect(sheet.cell(row: r + 2, column: c + 1).value == expected, "\(sheet.name) \(r + 2):\(c + 1)")
                }
            }
        }
        // The centre sheet against the stored rows themselves: received and completed per unit.
        let centre = try #require(book.sheets.dropFirst().first)
        let rows = (1...centre.rows.count).map { r in (1...10).map { centre.cell(row: r, column: $0).value } }
        for unit in data.units where unit.tier == .center {
            guard let stored = data.cases.first(where: { $0.unit == unit.code && $0.period == Self.july }) else {
                continue
            }
            let row = try #require(rows.first { $0.contains(.text(unit.name)) }, "\(unit.name) has a row")
            let numbers = row.compactMap { if case .number(let v) = $0 { return Int(v) } else { return nil } }
            #expect(
                numbers.prefix(6)
                    == [
                        stored.recvImmediate, stored.recvPromised,
                        (stored.recvImmediate ?? 0) + (stored.recvPromised ?? 0),
                        stored.doneImmediate, stored.donePromised,
                        (stored.doneImmediate ?? 0) + (stored.donePromised ?? 0),
                    ].map { $0 ?? 0 }[...], "\(unit.name)")
        }
    }

    // MARK: - Helpers

    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        return (0...(haystack.count - needle.count)).contains { i in Array(haystack[i..<(i + needle.count)]) == needle }
    }

    /// Renders pages 1–3 at 60 dpi to `.build/documents/PREFIX-N.png` (copies of them are in docs/).
    static func pageImages(_ pdf: URL, prefix: String) async throws {
        let out = Fixtures.root.appendingPathComponent(".build/documents")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try await Tools.run(
            try Tools.program("pdftoppm", package: "poppler-utils"),
            ["-r", "60", "-png", "-f", "1", "-l", "3", pdf.path, out.appendingPathComponent(prefix).path])
    }
}
