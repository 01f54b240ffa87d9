// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "threatdoc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "threatdoc", targets: ["threatdoc"]),
        .library(name: "ThreatDocKit", targets: ["ThreatDocKit"]),
        .executable(name: "threatdoc-bench", targets: ["threatdoc-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    ],
    targets: [
        // CommonMark prose in the HTML site, through Debian's libcmark (apt: libcmark-dev).
        .systemLibrary(
            name: "CMark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .target(
            name: "ThreatDocKit",
            dependencies: [
                "CMark",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "threatdoc",
            dependencies: [
                "ThreatDocKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Generated hostile and synthetic models, shared by the tests and the benchmark.
        .target(name: "ThreatDocCorpus"),
        .executableTarget(
            name: "threatdoc-bench",
            dependencies: ["ThreatDocCorpus"]
        ),
        .testTarget(
            name: "ThreatDocKitTests",
            dependencies: ["ThreatDocKit", "ThreatDocCorpus"],
            exclude: ["Fixtures"]
        ),
    ]
)
