import Foundation
import Testing
import TongbaoTestSupport

/// Every input kept in Fuzz/regressions/TARGET/ goes through its reader again: a crash there fails the run.
@Suite struct FuzzRegressionTests {
    static var inputs: [(String, URL)] {
        FuzzTargets.names.flatMap { target -> [(String, URL)] in
            let dir = Fixtures.root.appendingPathComponent("Fuzz/regressions/\(target)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.sorted().map { (target, dir.appendingPathComponent($0)) }
        }
    }

    @Test func everyKeptInputIsReadWithoutACrash() throws {
        let inputs = Self.inputs
        #expect(Set(inputs.map(\.0)) == Set(FuzzTargets.names), "each target keeps at least one input")
        for (target, file) in inputs {
            #expect(FuzzTargets.run(target, try Data(contentsOf: file)), "\(target) \(file.lastPathComponent)")
        }
    }
}
