import Foundation
import Testing
import TongbaoCore
import TongbaoOffice
import TongbaoStore
import TongbaoTestSupport
import ZIPFoundation

/// Every input kept in Fuzz/regressions/TARGET/ goes through its reader again: a crash there fails the run.
@Suite struct FuzzRegressionTests {
    static var inputs: [(String, URL)] {
        FuzzTargets.names.flatMap { target -> [(String, URL)] in
            let dir = Fixtures.root.appendingPathComponent("Fuzz/regressions/\(target)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.sorted().map { (target, dir.appendingPathComponent($0)) }
        }
    }

    @Test(.timeLimit(.minutes(2))) func everyKeptInputIsReadWithoutACrash() throws {
        let inputs = Self.inputs
        #expect(Set(inputs.map(\.0)) == Set(FuzzTargets.names), "each target keeps at least one input")
        for (target, file) in inputs {
            #expect(FuzzTargets.run(target, try Data(contentsOf: file)), "\(target) \(file.lastPathComponent)")
        }
    }

    /// The fuzzer's zip whose compressed data runs past the end of the file hung ZIPFoundation for ever; it is
    /// refused at once, naming the entry, and a sound zip passes the same check.
    @Test func aZipWhoseDataRunsPastItsEndIsRefusedAtOnce() throws {
        let hang = Fixtures.root.appendingPathComponent("Fuzz/regressions/zip/hang-compressed-data-past-the-end.zip")
        let started = ContinuousClock.now
        #expect(throws: ImportFailed.self) { try PackageReader.read(hang.path) }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(ZipCheck.entryPastTheEnd(try Data(contentsOf: hang)) != nil)
        let sound = try Fixtures.tempDir().appendingPathComponent("sound.zip")
        let archive = try Archive(url: sound, accessMode: .create)
        try archive.addEntry(with: "cases.csv", type: .file, uncompressedSize: Int64(3), compressionMethod: .deflate) {
            _, _ in Data("a,b".utf8)
        }
        #expect(ZipCheck.entryPastTheEnd(try Data(contentsOf: sound)) == nil)
    }
}
