import Foundation
import TongbaoCore
import ZIPFoundation

/// Reads a data package from a folder, a .zip of one, or a single CSV file.
public enum PackageReader {
    public static func read(_ path: String) throws -> [PackageFile] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ImportFailed([Issue(.unreadablePackage, file: path, value: "文件或文件夹不存在")])
        }
        if isDir.boolValue { return try readFolder(URL(fileURLWithPath: path)) }
        let url = URL(fileURLWithPath: path)
        if url.pathExtension.lowercased() == "zip" { return try readZip(url) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportFailed([Issue(.unreadablePackage, file: path, value: "无法读取")])
        }
        return [PackageFile(name: url.lastPathComponent, data: data)]
    }

    static func skipped(_ name: String) -> Bool {
        let base = (name as NSString).lastPathComponent
        return base.hasPrefix(".") || name.contains("__MACOSX") || base.hasPrefix("~$")
            || base.lowercased() == "readme.md"
            || base.lowercased() == "readme.txt"
    }

    static func readFolder(_ url: URL) throws -> [PackageFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return try names.sorted().filter { !skipped($0) }.compactMap { name in
            let file = url.appendingPathComponent(name)
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: file.path, isDirectory: &isDir)
            if isDir.boolValue { return nil }
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw ImportFailed([Issue(.unreadablePackage, file: name, value: "无法读取")])
            }
            return PackageFile(name: name, data: data)
        }
    }

    static func readZip(_ url: URL) throws -> [PackageFile] {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw ImportFailed([Issue(.unreadablePackage, file: url.lastPathComponent, value: "不是有效的 zip 文件")])
        }
        var files: [PackageFile] = []
        for entry in archive where entry.type == .file && !skipped(entry.path) {
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            } catch {
                throw ImportFailed([
                    Issue(.unreadablePackage, file: "\(url.lastPathComponent)/\(entry.path)", value: "zip 内容损坏")
                ])
            }
            files.append(PackageFile(name: (entry.path as NSString).lastPathComponent, data: data))
        }
        return files
    }
}

/// An import refused: every issue found, errors first. Nothing was written.
public struct ImportFailed: Error, LocalizedError {
    public var issues: [Issue]
    public init(_ issues: [Issue]) { self.issues = issues }
    public var errors: [Issue] { issues.filter { $0.severity == .error } }
    /// How many errors the message lists; a package with a systematic mistake can have one per row.
    public static let listed = 100

    public var errorDescription: String? {
        let errors = self.errors
        var lines = ["数据包有 \(errors.count) 处错误，未导入任何数据："]
        lines += errors.prefix(Self.listed).map { "  " + $0.description }
        if errors.count > Self.listed { lines.append("  ……另有 \(errors.count - Self.listed) 处错误未列出（请先改正以上错误）") }
        return lines.joined(separator: "\n")
    }
}
