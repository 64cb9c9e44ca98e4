import Foundation
import TongbaoCore
import TongbaoStore
import ZIPFoundation

/// Paths and helpers shared by the test targets.
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The bundled sample package: the transcription of the July 2021 渝北区 bulletin.
    public static let sample = root.appendingPathComponent("Sources/tongbao/Sample/yubei-2021-07")

    /// The seed bulletin (shared/seeds), beside the repository.
    public static let seed = root.deletingLastPathComponent().appendingPathComponent(
        "shared/seeds/000_be9e5e258d45f997.txt")

    /// The sample package's files.
    public static func sampleFiles() throws -> [PackageFile] { try PackageReader.read(sample.path) }

    /// A fresh temporary folder.
    public static func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes files as a package folder.
    public static func writePackage(_ files: [PackageFile], to dir: URL) throws {
        for f in files { try f.data.write(to: dir.appendingPathComponent(f.name)) }
    }

    /// Imports files into a fresh store (in-memory SQLite unless `backend` says otherwise) and runs `body` with it.
    public static func withImported<T>(
        _ files: [PackageFile], district: String = "yubei", backend: TestBackend = .sqlite,
        _ body: (SQLStore, ImportReport) async throws -> T
    ) async throws -> T {
        try await withStore(backend) { store in
            let report = try await Importer(
                store: store, district: district, change: Change(actor: "test", source: "test")
            )
            .run(files: files)
            return try await body(store, report)
        }
    }

    /// Replaces one file of a package (by name) with new text, or adds it.
    public static func replacing(_ files: [PackageFile], _ name: String, with text: String) -> [PackageFile] {
        files.filter { $0.name != name } + [PackageFile(name: name, data: Data(text.utf8))]
    }

    /// The text of one file of a package.
    public static func text(_ files: [PackageFile], _ name: String) -> String {
        String(decoding: files.first { $0.name == name }!.data, as: UTF8.self)
    }

    /// The package re-encoded as GB18030, with Chinese header names and Chinese file names.
    public static func chineseGB18030(_ files: [PackageFile]) -> [PackageFile] {
        files.map { f in
            guard let table = PackageTable(fileName: f.name) else { return f }
            var lines = String(decoding: f.data, as: UTF8.self).components(separatedBy: "\n")
            lines[0] = lines[0].split(separator: ",").map { h in
                table.columns.first { $0.name == String(h) }?.chinese ?? String(h)
            }.joined(separator: ",")
            let text = lines.joined(separator: "\r\n")
            return PackageFile(name: table.chineseName + ".csv", data: TextDecoding.encodeGB18030(text)!)
        }
    }
}

extension Fixtures {
    /// Two units and `rows` case records of March 2022: a package large enough that its import can be interrupted.
    public static func largeRecordPackage(rows: Int) -> [PackageFile] {
        var text = "case_id,unit,category,kind,received_at,completed_at,promised_days,rating\n"
        text.reserveCapacity(rows * 80)
        for i in 0..<rows {
            let day = 1 + i % 28
            text +=
                "K\(i),\(i % 3 == 0 ? "B" : "A"),\(i % 2 == 0 ? "审批" : "服务"),承诺,2022-03-\(day < 10 ? "0" : "")\(day) 09:00,2022-03-28 10:00,5,满意\n"
        }
        return [
            PackageFile(name: "units.csv", data: Data("code,name,tier\nA,区甲局,center\nB,区乙局,center\n".utf8)),
            PackageFile(name: "case_records.csv", data: Data(text.utf8)),
        ]
    }

    /// Zips a package folder (the folder itself becomes the archive's top entry, as Explorer and Finder do).
    public static func zip(_ folder: URL) throws -> URL {
        let out = try tempDir().appendingPathComponent("package.zip")
        try FileManager.default.zipItem(at: folder, to: out)
        return out
    }
}
