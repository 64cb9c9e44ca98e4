import Foundation
import TongbaoTestSupport

// One executable for every fuzz target, chosen by TONGBAO_FUZZ_TARGET (csv, xlsx, zip, cases).
//
// Built for libFuzzer (bench/fuzz.sh: `-sanitize=fuzzer -DFUZZING`), libFuzzer's own main drives
// LLVMFuzzerTestOneInput. Built plainly (`swift build`), it replays the files it is given, which is how a crash
// the fuzzer found is checked after a fix.

let target = ProcessInfo.processInfo.environment["TONGBAO_FUZZ_TARGET"] ?? "csv"

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
        FuzzTargets.run(target, Data(bytes: start, count: count))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt
    ) -> CInt

    // SwiftPM links an executable's entry point under the name <product>_main: hand it to libFuzzer's driver.
    @_cdecl("tongbao_fuzz_main")
    public func fuzzMain(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> CInt {
        var count = argc
        var arguments = argv
        return runDriver(&count, &arguments, fuzz)
    }
#else
    @main struct Replay {
        static func main() throws {
            guard FuzzTargets.names.contains(target) else {
                FileHandle.standardError.write(Data("TONGBAO_FUZZ_TARGET: one of \(FuzzTargets.names)\n".utf8))
                exit(2)
            }
            for path in CommandLine.arguments.dropFirst() {
                FuzzTargets.run(target, try Data(contentsOf: URL(fileURLWithPath: path)))
                print("ok \(path)")
            }
        }
    }
#endif
