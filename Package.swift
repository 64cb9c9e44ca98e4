// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "tongbao",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tongbao", targets: ["tongbao"]),
        .library(name: "TongbaoCore", targets: ["TongbaoCore"]),
        .library(name: "TongbaoStore", targets: ["TongbaoStore"]),
        .library(name: "TongbaoReport", targets: ["TongbaoReport"]),
        .library(name: "TongbaoOffice", targets: ["TongbaoOffice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.29.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.22.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
    ],
    targets: [
        .target(name: "TongbaoCore"),
        .target(name: "TongbaoOffice", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(
            name: "TongbaoStore",
            dependencies: [
                "TongbaoCore", "TongbaoOffice",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TongbaoReport",
            dependencies: ["TongbaoCore", "TongbaoOffice"]
        ),
        .target(
            name: "TongbaoServer",
            dependencies: [
                "TongbaoCore", "TongbaoStore", "TongbaoReport", "TongbaoOffice",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Templates"), .copy("Assets")]
        ),
        .executableTarget(
            name: "tongbao",
            dependencies: [
                "TongbaoCore", "TongbaoStore", "TongbaoReport", "TongbaoServer", "TongbaoOffice",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Sample")]
        ),
        .target(
            name: "TongbaoTestSupport",
            dependencies: [
                "TongbaoCore", "TongbaoStore", "TongbaoOffice",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ]
        ),
        // Fuzz targets: bench/fuzz.sh builds it for libFuzzer; a plain build replays inputs (Fuzz/regressions).
        .executableTarget(name: "tongbao-fuzz", dependencies: ["TongbaoTestSupport"], path: "Fuzz/TongbaoFuzz"),
        .testTarget(name: "TongbaoCoreTests", dependencies: ["TongbaoCore", "TongbaoTestSupport"]),
        .testTarget(name: "TongbaoOfficeTests", dependencies: ["TongbaoOffice", "TongbaoTestSupport"]),
        .testTarget(
            name: "TongbaoStoreTests",
            dependencies: [
                "TongbaoStore", "TongbaoTestSupport", "TongbaoOffice",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(
            name: "TongbaoReportTests",
            dependencies: [
                "TongbaoReport", "TongbaoStore", "TongbaoOffice", "TongbaoTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Golden"]),
        .testTarget(
            name: "TongbaoServerTests",
            dependencies: [
                "TongbaoServer", "TongbaoStore", "TongbaoTestSupport", "TongbaoOffice", "TongbaoReport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "TongbaoCLITests", dependencies: ["tongbao", "TongbaoStore", "TongbaoTestSupport"]),
    ]
)
