import Foundation
import TongbaoOffice

/// Prints the HTML bulletin to PDF with headless Chromium from Debian: the same print stylesheet as the HTML (A4,
/// rows kept whole, headers repeated), inline SVG charts stay vector, glyphs come from fonts-noto-cjk.
public enum PDFWriter {
    /// Where Chromium is looked for: `TONGBAO_CHROMIUM`, then the names Debian and others install it under.
    public static func chromium() -> ExternalProgram? {
        let env = ProcessInfo.processInfo.environment["TONGBAO_CHROMIUM"]
        return ExternalProgram.find(
            [env, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].compactMap { $0 })
    }

    public static func render(html: String, chromium: ExternalProgram? = PDFWriter.chromium()) async throws -> Data {
        guard let chromium else { throw PDFError.chromiumMissing }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("bulletin.html")
        let pdf = dir.appendingPathComponent("bulletin.pdf")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let outcome = try await chromium.run(
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--no-pdf-header-footer",
                "--print-to-pdf=\(pdf.path)", page.absoluteString,
            ], timeout: .seconds(90))
        guard let data = FileManager.default.contents(atPath: pdf.path), data.starts(with: Data("%PDF".utf8)) else {
            let last = outcome.output.split(separator: "\n").suffix(3).joined(separator: " ")
            throw PDFError.chromiumFailed(outcome.timedOut ? "超过 90 秒未完成" : "退出码 \(outcome.status)：\(last)")
        }
        return data
    }
}

public enum PDFError: Error, LocalizedError, Equatable {
    case chromiumMissing
    case chromiumFailed(String)

    public var errorDescription: String? {
        switch self {
        case .chromiumMissing:
            return "未找到 Chromium，无法生成 PDF：请安装 Debian 软件包 chromium 和 fonts-noto-cjk"
                + "（apt-get install chromium fonts-noto-cjk），或用环境变量 TONGBAO_CHROMIUM 指定其路径"
        case .chromiumFailed(let why): return "Chromium 生成 PDF 失败（\(why)）"
        }
    }
}
