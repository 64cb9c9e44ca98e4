import Foundation
import TongbaoCore
import TongbaoOffice
import ZIPFoundation

/// Reads a data package from a folder (with its subfolders), a .zip of one, or a single file; several paths make
/// one package.
///
/// Files that are no data (Thumbs.db, desktop.ini, .DS_Store, __MACOSX/, read-me texts, scans) are passed on as
/// ignored, so the import names them in a notice. A zip's entry names in the Windows code page (GBK, without the
/// UTF-8 flag) are decoded as such. An empty folder or zip, or a damaged zip, is an error. A zip is bounded:
/// ``Limits``.
public enum PackageReader {
    /// What a zip may hold: a few kilobytes can inflate to gigabytes (a zip bomb), so entries are counted and sizes
    /// checked before and while inflating.
    public struct Limits: Sendable {
        public var entries = 10_000
        public var entrySize: UInt64 = 256 << 20
        public var totalSize: UInt64 = 512 << 20
        public init() {}
    }

    public static func read(_ path: String, limits: Limits = Limits()) throws -> [PackageFile] {
        try read([path], limits: limits)
    }

    public static func read(_ paths: [String], limits: Limits = Limits()) throws -> [PackageFile] {
        var files: [PackageFile] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw ImportFailed([Issue(.unreadablePackage, file: path, value: "文件或文件夹不存在")])
            }
            let url = URL(fileURLWithPath: path)
            let found: [PackageFile]
            if isDir.boolValue {
                found = try readFolder(url)
            } else if url.pathExtension.lowercased() == "zip" {
                found = try readZip(url, limits: limits)
            } else {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ImportFailed([Issue(.unreadablePackage, file: path, value: "无法读取")])
                }
                found = [PackageFile(name: url.lastPathComponent, data: data)]
            }
            if isDir.boolValue || url.pathExtension.lowercased() == "zip", !found.contains(where: { $0.ignored == nil })
            {
                let what = isDir.boolValue ? "文件夹" : "zip 文件"
                throw ImportFailed([
                    Issue(.unreadablePackage, file: url.lastPathComponent, value: "\(what)中没有可导入的 CSV 或 Excel 文件")
                ])
            }
            files += found
        }
        return files
    }

    /// Why a file in a folder or zip is not read, or nil when it may hold data.
    static func ignoredReason(_ path: String) -> String? {
        let base = (path as NSString).lastPathComponent
        let lower = base.lowercased()
        if path.contains("__MACOSX") || base.hasPrefix("._") { return "macOS 压缩时附带的文件" }
        if ["thumbs.db", "desktop.ini", ".ds_store"].contains(lower) { return "系统文件" }
        if base.hasPrefix("~$") || base.hasPrefix(".~lock") { return "Office/WPS 打开文件时的临时文件" }
        if base.hasPrefix(".") { return "隐藏文件" }
        switch (base as NSString).pathExtension.lowercased() {
        case "txt", "md": return "说明文字"
        case "doc", "docx", "wps", "pdf": return "文档"
        case "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff": return "图片"
        default: return nil
        }
    }

    /// A file of a folder or zip: its data, or only its name and why it is not read.
    static func entry(_ name: String, _ data: () throws -> Data) rethrows -> PackageFile {
        if let why = ignoredReason(name) { return PackageFile(name: name, data: Data(), ignored: why) }
        return PackageFile(name: name, data: try data())
    }

    /// Folders nested deeper than this are not read (a package is a folder of files, maybe by town or unit).
    static let maxDepth = 4

    static func readFolder(_ url: URL, prefix: String = "", depth: Int = 0) throws -> [PackageFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        var files: [PackageFile] = []
        for name in names.sorted() {
            let file = url.appendingPathComponent(name)
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: file.path, isDirectory: &isDir)
            if isDir.boolValue {
                if depth < maxDepth, ignoredReason(name + "/") == nil, !name.hasPrefix(".") {
                    files += try readFolder(file, prefix: prefix + name + "/", depth: depth + 1)
                }
                continue
            }
            files.append(
                try entry(prefix + name) {
                    guard let data = FileManager.default.contents(atPath: file.path) else {
                        throw ImportFailed([Issue(.unreadablePackage, file: prefix + name, value: "无法读取")])
                    }
                    return data
                })
        }
        return files
    }

    static func readZip(_ url: URL, limits: Limits) throws -> [PackageFile] {
        let zip = url.lastPathComponent
        func refuse(_ why: String, _ entry: String? = nil) -> ImportFailed {
            ImportFailed([Issue(.unreadablePackage, file: entry.map { "\(zip)/\($0)" } ?? zip, value: why)])
        }
        // ZIPFoundation lists the entries (their names in any code page); their bytes come out through ZipCheck,
        // bounded, without ZIPFoundation's extraction, which spins for ever on a damaged deflate stream.
        let bytes: Data
        let located: [ZipCheck.Entry]
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
            located = try ZipCheck.list(bytes)
        } catch ZipCheck.ExtractError.pastTheEnd(let entry) {
            throw refuse("zip 文件不完整或已损坏（\(entry) 的数据超出文件末尾）")
        } catch {
            throw refuse("无法读取")
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw refuse("不是有效的 zip 文件或已损坏")
        }
        var files: [PackageFile] = []
        var count = 0
        var total: UInt64 = 0
        for (index, item) in archive.enumerated() where item.type == .file {
            count += 1
            guard count <= limits.entries else { throw refuse("zip 中的文件超过 \(limits.entries) 个") }
            let name = entryName(item)
            files.append(
                try entry(name) {
                    guard index < located.count, item.uncompressedSize <= limits.entrySize else {
                        throw refuse("解压后超过 \(limits.entrySize >> 20) MB", name)
                    }
                    let left = limits.totalSize - min(total, limits.totalSize)
                    let data: Data
                    do {
                        data = try ZipCheck.extract(
                            located[index], from: bytes, limit: Int(min(limits.entrySize, left)))
                    } catch ZipCheck.ExtractError.tooLarge {
                        throw refuse("解压后超过 \(min(limits.entrySize, limits.totalSize) >> 20) MB", name)
                    } catch ZipCheck.ExtractError.encrypted {
                        throw refuse("文件已加密，请解密后重新压缩", name)
                    } catch {
                        throw refuse("zip 内容损坏", name)
                    }
                    total += UInt64(data.count)
                    return data
                })
        }
        return files
    }

    /// An entry's name: UTF-8 when it is (flagged or not), else GBK as Windows' “send to compressed folder” writes
    /// it, else the zip standard's code page 437.
    static func entryName(_ entry: Entry) -> String {
        // ISO Latin-1 maps every byte to one scalar, so it gives back the name's raw bytes.
        let bytes = entry.path(using: .isoLatin1).unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        if let gbk = TextDecoding.gb18030ToUTF8(bytes), let s = String(validating: gbk, as: UTF8.self) { return s }
        return entry.path
    }
}

/// An import refused: every issue found, errors first. Nothing was written.
public struct ImportFailed: Error, LocalizedError {
    public var issues: [Issue]
    /// The error past ``listed`` at which reading stopped (ingest reads no further): the file has at least that
    /// many errors, not exactly; its file and line say where it stopped.
    public var stoppedAt: Issue?
    /// Refused by `tongbao ingest` without `--skip-bad`: the input is called an export, and the message says
    /// how to set its rows in error aside.
    public var ingestWithoutSkipBad = false
    public init(_ issues: [Issue], stoppedAt: Issue? = nil) {
        self.issues = issues
        self.stoppedAt = stoppedAt
    }
    public var errors: [Issue] { issues.filter { $0.severity == .error } }
    /// How many errors the message lists; a package with a systematic mistake can have one per row.
    public static let listed = 100

    public var errorDescription: String? {
        let errors = self.errors
        var lines: [String]
        if let stop = stoppedAt, let line = stop.line {
            let place = stop.file.map { "\($0) " } ?? ""
            lines = [
                "至少有 \(issues.errorCount) 处错误（读到 \(place)第 \(line) 行时已超过 \(Self.listed) 处，其后未再检查），未导入任何数据："
            ]
        } else {
            lines = ["\(ingestWithoutSkipBad ? "导出文件" : "数据包")有 \(issues.errorCount) 处错误，未导入任何数据："]
        }
        lines += errors.prefix(Self.listed).map { "  " + $0.description }
        let skipBad = "加 --skip-bad 文件名，把出错的行连同原因另存到该文件，导入其余的行"
        if stoppedAt?.line != nil {
            lines.append("  ……请先改正以上错误；或" + skipBad)
        } else if errors.count > Self.listed {
            lines.append("  ……另有 \(errors.count - Self.listed) 处错误未列出（请先改正以上错误）")
        }
        // Only errors of rows can be set aside (a missing column or a published month cannot).
        if stoppedAt == nil, ingestWithoutSkipBad, errors.contains(where: { $0.line != nil }) {
            lines.append("  请改正以上错误后重新导入；或" + skipBad)
        }
        return lines.joined(separator: "\n")
    }
}
