// swift-tools-version:6.0
import PackageDescription

// The month-end load client of bench/load.sh: compiled, so that on a two-core machine the client takes less of the
// CPU the server under test needs (measured: 0.6 s of CPU for 2,000 requests and their read-back, where the Python
// client, bench/load.py, took 1.3 s).
let package = Package(
    name: "LoadClient",
    targets: [.executableTarget(name: "loadclient")]
)
