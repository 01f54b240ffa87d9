// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "threatdoc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "threatdoc", targets: ["threatdoc"]),
        .library(name: "ThreatDocKit", targets: ["ThreatDocKit"]),
        .executable(name: "threatdoc-bench", targets: ["threatdoc-bench"]),
        .executable(name: "threatdoc-fuzz", targets: ["threatdoc-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        // SHA-256 for cache keys (a collision would serve one model's page for another).
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        // The live preview's HTTP and WebSocket server (`threatdoc serve`): FlyingFox is small and has no
        // dependency beyond its own FlyingSocks, where Hummingbird brings swift-nio and its tree, minutes
        // more for every CI run, which builds dependencies from scratch.
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        // CommonMark prose in the HTML site, through Debian's libcmark (apt: libcmark-dev).
        .systemLibrary(
            name: "CMark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // renameat2(RENAME_EXCHANGE) and the build ID, which neither Glibc's module nor swift-system exposes.
        .target(name: "CPlatform"),
        // The model: values, IDs, source locations and diagnostics. No I/O, no C library, nothing of the
        // project below it; every other layer depends on it.
        .target(name: "ThreatDocModel"),
        // Files, processes, digests and the cache folder: the system beneath the pipeline.
        .target(
            name: "ThreatDocSupport",
            dependencies: ["CPlatform", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // YAML and JSON to the model as written; the only target that sees libyaml (through Yams).
        .target(
            name: "ThreatDocLoad",
            dependencies: ["ThreatDocModel", "ThreatDocSupport", .product(name: "Yams", package: "Yams")]
        ),
        // The rules, one per file, over the model as written.
        .target(name: "ThreatDocValidate", dependencies: ["ThreatDocModel", "ThreatDocSupport"]),
        // CIS catalogs, scan reports and the evidence they give each mitigation.
        .target(
            name: "ThreatDocBench",
            dependencies: ["ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocValidate"]
        ),
        // Threat rules: the built-in library, embedded in the binary as package resources (so an installed
        // threatdoc needs no files beside it), a project's own rule folders, and the threats they suggest.
        .target(
            name: "ThreatDocSuggest",
            dependencies: ["ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocValidate", "ThreatDocBench"],
            resources: [.embedInCode("Rules")]
        ),
        // The pipeline's model side (load → validate → link → resolve), the resolved model's view model,
        // gates, diffs and diagnostics as text, JSON and SARIF: every count and sort happens here.
        .target(
            name: "ThreatDocReport",
            dependencies: ["ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocValidate", "ThreatDocBench",
                           "ThreatDocSuggest"]
        ),
        // Other tools' formats: Threat Dragon, OTM and the OWASP Threat Model Library format, read into format 1
        // (`threatdoc import`) and written from the resolved model (`threatdoc export`).
        .target(
            name: "ThreatDocInterop",
            dependencies: ["ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocReport"]
        ),
        // `threatdoc init` and `threatdoc new model`: a new project's files, and starter models (embedded, so
        // that an installed threatdoc needs no files beside it).
        .target(
            name: "ThreatDocScaffold",
            dependencies: ["ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad"],
            resources: [.embedInCode("Starters")]
        ),
        // `threatdoc serve`: the preview server, the reload script, and the file watcher (inotify, or polling).
        .target(
            name: "ThreatDocServe",
            dependencies: ["ThreatDocSupport", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        // Markdown, HTML, DOT, Mermaid and templates; the only target that sees libcmark and swift-mustache,
        // and the only one that starts Graphviz.
        .target(
            name: "ThreatDocRender",
            dependencies: [
                "ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocValidate", "ThreatDocBench", "ThreatDocReport",
                "CMark",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The page cache, the site as files, and the writer that swaps it into place.
        .target(
            name: "ThreatDocOutput",
            dependencies: [
                "ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocValidate", "ThreatDocBench", "ThreatDocReport",
                "ThreatDocRender", "CPlatform",
            ]
        ),
        // The library's one import: every layer, re-exported.
        .target(
            name: "ThreatDocKit",
            dependencies: [
                "ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocValidate", "ThreatDocBench", "ThreatDocSuggest",
                "ThreatDocReport", "ThreatDocInterop", "ThreatDocScaffold",
                "ThreatDocRender", "ThreatDocOutput",
            ]
        ),
        .executableTarget(
            name: "threatdoc",
            dependencies: [
                "ThreatDocKit", "ThreatDocServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A GNU build ID (a hash of the linked binary) identifies the build in cache keys.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--build-id=sha1"], .when(platforms: [.linux]))]
        ),
        // Generated hostile and synthetic models, shared by the tests and the benchmark.
        .target(name: "ThreatDocCorpus"),
        .executableTarget(
            name: "threatdoc-bench",
            dependencies: ["ThreatDocCorpus"]
        ),
        // libFuzzer targets (.ci/fuzz builds them with -sanitize=fuzzer,address -DFUZZING).
        .target(name: "CFuzzer"),
        .executableTarget(name: "threatdoc-fuzz", dependencies: ["ThreatDocKit", "CFuzzer"]),
        .testTarget(
            name: "ThreatDocKitTests",
            dependencies: [
                "ThreatDocKit", "ThreatDocModel", "ThreatDocSupport", "ThreatDocLoad", "ThreatDocValidate", "ThreatDocBench",
                "ThreatDocSuggest", "ThreatDocReport", "ThreatDocInterop", "ThreatDocScaffold", "ThreatDocServe", "ThreatDocRender", "ThreatDocOutput", "ThreatDocCorpus",
            ],
            exclude: ["Fixtures"]
        ),
    ]
)
