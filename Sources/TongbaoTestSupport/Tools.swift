import Foundation
import TongbaoOffice

/// The programs the document tests use, from Debian (.ci/run installs them) and PyPI. A missing one fails the test
/// with the package to install; it is not skipped.
public enum Tools {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static func program(_ name: String, package: String) throws -> ExternalProgram {
        guard let p = ExternalProgram.find([name]) else {
            throw Missing(description: "\(name) not found: install the Debian package \(package) (bash .ci/run does)")
        }
        return p
    }

    /// Runs a program and fails unless it exits 0.
    @discardableResult
    public static func run(_ p: ExternalProgram, _ args: [String], timeout: Duration = .seconds(180)) async throws
        -> String
    {
        let outcome = try await p.run(args, timeout: timeout)
        guard outcome.status == 0 else {
            throw Missing(
                description: "\(p.path) \(args.joined(separator: " ")) failed (\(outcome.status)): \(outcome.output)")
        }
        return outcome.output
    }

    /// Text of a PDF (or one page of it), by poppler's pdftotext.
    /// With `layout`, each table row comes out as one line, its cells in order.
    public static func pdfText(_ pdf: URL, page: Int? = nil, layout: Bool = false) async throws -> String {
        let out = pdf.deletingPathExtension().appendingPathExtension("\(page ?? 0).txt")
        let range = (page.map { ["-f", "\($0)", "-l", "\($0)"] } ?? []) + (layout ? ["-layout"] : [])
        try await run(try program("pdftotext", package: "poppler-utils"), range + [pdf.path, out.path])
        return try String(contentsOf: out, encoding: .utf8)
    }

    /// The names of the fonts a PDF embeds, by poppler's pdffonts.
    public static func pdfFonts(_ pdf: URL) async throws -> [String] {
        let table = try await run(try program("pdffonts", package: "poppler-utils"), [pdf.path])
        return table.split(separator: "\n").dropFirst(2).compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    public static func pageCount(_ pdf: URL) async throws -> Int {
        let info = try await run(try program("pdfinfo", package: "poppler-utils"), [pdf.path])
        let line = info.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
        return Int(line.split(separator: " ").last ?? "") ?? 0
    }

    /// Converts `file` with headless LibreOffice (`pdf`, `txt:Text`, …) into its folder; returns the new file.
    /// Each call has its own profile, so conversions may run side by side.
    public static func libreOffice(_ file: URL, to format: String) async throws -> URL {
        let soffice = try program("soffice", package: "libreoffice-writer-nogui")
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lo-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let dir = file.deletingLastPathComponent()
        try await run(
            soffice,
            [
                "-env:UserInstallation=\(profile.absoluteString)", "--headless", "--norestore", "--convert-to", format,
                "--outdir", dir.path, file.path,
            ])
        let ext = String(format.split(separator: ":").first ?? "")
        let out = file.deletingPathExtension().appendingPathExtension(ext)
        guard FileManager.default.fileExists(atPath: out.path) else {
            throw Missing(description: "LibreOffice wrote no \(out.lastPathComponent)")
        }
        return out
    }

    /// Runs a Python script (python3 with openpyxl and the other PyPI packages .ci/run installs).
    @discardableResult
    public static func python(_ script: String, _ args: [String] = []) async throws -> String {
        let python = try program("python3", package: "python3")
        return try await run(python, ["-c", script] + args, timeout: .seconds(60))
    }

    /// Every number printed in `text` (`309055`, `5.57`), with how often.
    public static func figures(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        let regex = try! NSRegularExpression(pattern: "[0-9]+(?:\\.[0-9]+)?")
        let ns = text as NSString
        for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            counts[ns.substring(with: m.range), default: 0] += 1
        }
        return counts
    }

    /// The figures of `expected` that `actual` prints fewer times.
    public static func missingFigures(_ expected: String, in actual: String) -> [String: (Int, Int)] {
        let have = figures(actual)
        return Dictionary(
            uniqueKeysWithValues: figures(expected).compactMap { figure, n in
                have[figure, default: 0] < n ? (figure, (n, have[figure, default: 0])) : nil
            })
    }
}
