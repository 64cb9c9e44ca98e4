import Foundation

/// Converts the spreadsheets offices still keep in other formats (.xls, WPS's .et, .ods) to .xlsx with LibreOffice
/// headless, through the same bounded runner as PDF printing, so they are read like any workbook.
public enum SpreadsheetConverter {
    /// A format that needs converting, named for users.
    public enum Format: String, Sendable {
        case xls, et, ods

        public var userName: String {
            switch self {
            case .xls: return "旧版 Excel 97-2003 工作簿（.xls）"
            case .et: return "WPS 表格文件（.et）"
            case .ods: return "OpenDocument 电子表格（.ods）"
            }
        }
    }

    /// Why a conversion did not happen. ``userMessage`` is the Chinese text for users.
    public enum Failure: Error, Equatable, Sendable {
        case libreOfficeMissing(Format)
        case failed(Format, String)

        public var userMessage: String {
            switch self {
            case .libreOfficeMissing(let f):
                return "这是\(f.userName)，需用 LibreOffice 转换后读取，但服务器上未安装 LibreOffice：请安装 Debian 软件包 "
                    + "libreoffice-calc-nogui（apt-get install libreoffice-calc-nogui），或用环境变量 TONGBAO_SOFFICE 指定 soffice；"
                    + "也可在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入"
            case .failed(let f, let why):
                return "LibreOffice 未能转换这个\(f.userName)（\(why)）；请在 Excel 或 WPS 中打开并“另存为”.xlsx 后再导入"
            }
        }
    }

    /// How long one conversion may take before LibreOffice is killed.
    public static let timeout: Duration = .seconds(120)

    /// The format of `data` (named `name`) when it needs converting; nil for an .xlsx, a CSV or an encrypted
    /// workbook (which no converter opens without its password).
    public static func format(of data: Data, name: String) -> Format? {
        let ext = (name as NSString).pathExtension.lowercased()
        if data.starts(with: XLSXReader.compoundFileMagic) {
            guard !XLSXReader.isEncrypted(data) else { return nil }
            return ext == "et" ? .et : .xls
        }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // An OpenDocument file stores its media type uncompressed as its first entry.
            let head = data.prefix(128)
            if ext == "ods" || head.range(of: Data("opendocument.spreadsheet".utf8)) != nil { return .ods }
        }
        return nil
    }

    /// LibreOffice's `soffice`: `TONGBAO_SOFFICE`, or the first on `PATH`.
    public static func soffice() -> ExternalProgram? {
        let env = ProcessInfo.processInfo.environment["TONGBAO_SOFFICE"].map { [$0] } ?? []
        return ExternalProgram.find(env + ["soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice"])
    }

    /// The workbook converted to .xlsx bytes.
    public static func convert(
        _ data: Data, format: Format, soffice: ExternalProgram? = SpreadsheetConverter.soffice()
    ) async throws(Failure) -> Data {
        guard let soffice else { throw .libreOfficeMissing(format) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-convert-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // LibreOffice finds the filter by content; the extension only has to be one it opens.
        let input = dir.appendingPathComponent("input." + (format == .ods ? "ods" : "xls"))
        let output = dir.appendingPathComponent("out/input.xlsx")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try data.write(to: input)
            // Its own profile: two conversions at once, or a desktop session of the same user, do not collide.
            let outcome = try await soffice.run(
                [
                    "-env:UserInstallation=file://" + dir.appendingPathComponent("profile").path, "--headless",
                    "--norestore", "--nolockcheck", "--convert-to", "xlsx", "--outdir",
                    dir.appendingPathComponent("out").path, input.path,
                ], timeout: timeout)
            if outcome.timedOut { throw Failure.failed(format, "超过 \(timeout.components.seconds) 秒未完成") }
            guard let xlsx = FileManager.default.contents(atPath: output.path) else {
                throw Failure.failed(format, "退出码 \(outcome.status)，没有生成 .xlsx")
            }
            return xlsx
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .failed(format, "无法运行 \(soffice.path)")
        }
    }
}
