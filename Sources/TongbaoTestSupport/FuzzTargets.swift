import Foundation
import TongbaoCore
import TongbaoOffice
import TongbaoStore

/// The readers that take a stranger's bytes, each as one function of bytes for the fuzzer (`Fuzz/`, run by
/// bench/fuzz.sh) and for the regression test that replays every input the fuzzer once crashed on
/// (`Fuzz/regressions/<target>/`). A target may refuse its input in any way but a crash, a hang or a leak.
public enum FuzzTargets {
    public static let names = ["csv", "xlsx", "zip", "cases"]

    /// Runs target `name` on `data`; false for an unknown name.
    @discardableResult
    public static func run(_ name: String, _ data: Data) -> Bool {
        switch name {
        case "csv": csv(data)
        case "xlsx": xlsx(data)
        case "zip": zip(data)
        case "cases": cases(data)
        default: return false
        }
        return true
    }

    /// The package parser on one CSV file (text decoding, the CSV reader, table layout, rows).
    static func csv(_ data: Data) {
        _ = PackageParser(existingUnits: sampleUnits).parse([PackageFile(name: "cases.csv", data: data)])
    }

    /// The .xlsx reader and its sheets as tables (as `tongbao import` reads a workbook), then the package parser.
    static func xlsx(_ data: Data) {
        _ = try? XLSXReader.read(data, maxPartSize: 16 << 20)
        let done = DispatchSemaphore(value: 0)
        let box = Box()
        Task {
            box.files = await WorkbookFiles.expand([PackageFile(name: "cases.xlsx", data: data)]).0
            done.signal()
        }
        done.wait()
        _ = PackageParser(existingUnits: sampleUnits).parse(box.files)
    }

    private final class Box: @unchecked Sendable { var files: [PackageFile] = [] }

    /// The zip reader of packages (entry names, limits, inflating), on a temporary file.
    static func zip(_ data: Data) {
        let path = scratch.appendingPathComponent("fuzz.zip")
        guard (try? data.write(to: path)) != nil else { return }
        var limits = PackageReader.Limits()
        limits.entrySize = 16 << 20
        limits.totalSize = 32 << 20
        limits.entries = 1_000
        _ = try? PackageReader.read(path.path, limits: limits)
    }

    /// The case-record export parser: the first line as its header, every further line as a row.
    static func cases(_ data: Data) {
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let first = lines.first else { return }
        let header = String(decoding: first, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            .map(String.init)
        guard var parser = try? CaseExportParser(header: header, directory: directory, file: "cases.csv") else {
            return
        }
        var out: [UInt8] = []
        for (n, line) in lines.dropFirst().enumerated() {
            line.withUnsafeBytes { raw in
                _ = parser.encode(raw.bindMemory(to: UInt8.self), number: n + 2, into: &out)
            }
            out.removeAll(keepingCapacity: true)
        }
    }

    static let sampleUnits: [OrgUnit] = {
        let files = (try? Fixtures.sampleFiles()) ?? []
        return PackageParser().parse(files.filter { $0.name.hasSuffix("units.csv") }).0.units
    }()
    static let directory = UnitDirectory(sampleUnits)
    static let scratch: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()
}
