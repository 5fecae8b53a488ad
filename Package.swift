// swift-tools-version:6.0
import PackageDescription

/// customs: a daemonless secrets-leak scanner for container images (Linux).
/// Targets follow the pipeline (docs/ARCHITECTURE.md): source (CustomsImage, CustomsRegistry) → layers
/// (CustomsWalker) → detect (CustomsDetect) → provenance (CustomsProvenance) → cache (CustomsCache) → scan
/// (CustomsScan) → model (CustomsModel) → report (CustomsReport) → CLI (customs). C libraries sit behind
/// CustomsArchive (libarchive), CustomsCompression (ISA-L, libzstd) and CustomsRegex (PCRE2, Vectorscan) only.
let package = Package(
    name: "customs",
    products: [
        .executable(name: "customs", targets: ["customs"]),
        .library(name: "CustomsScan", targets: ["CustomsScan"]),
        .library(name: "CustomsRegistry", targets: ["CustomsRegistry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // C libraries: module maps and shims only.
        .systemLibrary(name: "CArchive", path: "Sources/CArchive"),
        .systemLibrary(name: "CPCRE2", path: "Sources/CPCRE2"),
        .systemLibrary(name: "CVectorscan", path: "Sources/CVectorscan"),
        .systemLibrary(name: "CIsal", path: "Sources/CIsal"),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),

        .target(name: "CustomsCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CustomsArchive", dependencies: ["CArchive", "CustomsCore"]),
        .target(name: "CustomsRegex", dependencies: ["CPCRE2", "CVectorscan"]),
        // Layer decompression on the hot path: ISA-L (gzip) and libzstd, ahead of libarchive's tar reader.
        .target(name: "CustomsCompression", dependencies: ["CIsal", "CZstd", "CustomsArchive", "CustomsCore"]),
        .target(name: "CustomsRules", dependencies: ["CustomsCore", "Yams"]),
        .target(
            name: "CustomsBuiltinRules",
            dependencies: ["CustomsRules", "CustomsRegex"],
            plugins: ["EmbedRulesPlugin"]
        ),
        // ① Sources: every kind of target behind one `ImageSource` protocol.
        .target(name: "CustomsImage", dependencies: ["CustomsCore", "CustomsArchive"]),
        // ① The network source, the OCI distribution API. Only the CLI links it; the scan never needs it.
        .target(
            name: "CustomsRegistry",
            dependencies: [
                "CustomsCore", "CustomsArchive", "CustomsImage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // ① The local container engine (Docker Engine API over its socket; podman serves it too).
        .target(
            name: "CustomsEngine",
            dependencies: [
                "CustomsCore", "CustomsArchive", "CustomsImage", "CustomsRegistry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // ② Layers, ③ detection, ④ provenance.
        .target(name: "CustomsDetect", dependencies: ["CustomsCore", "CustomsRegex", "CustomsRules"]),
        .target(
            name: "CustomsWalker",
            dependencies: ["CustomsCore", "CustomsArchive", "CustomsCompression", "CustomsDetect"]),
        .target(
            name: "CustomsProvenance",
            dependencies: ["CustomsCore", "CustomsModel", "CustomsImage", "CustomsDockerfile"]),
        // Layer results kept between runs, behind the `LayerStore` protocol.
        .target(
            name: "CustomsCache",
            dependencies: [
                "CustomsCore", "CustomsArchive", "CustomsImage", "CustomsWalker", "CustomsDetect", "CustomsRegex",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Dockerfiles and .dockerignore files, read as BuildKit reads them; and `customs lint`.
        .target(name: "CustomsDockerfile"),
        .target(
            name: "CustomsLint",
            dependencies: ["CustomsCore", "CustomsDetect", "CustomsDockerfile", "CustomsModel"]
        ),
        // The scheduled audit's shared store: work leases, findings over time, layer results
        // (PostgreSQL for many machines, an embedded SQLite file for one).
        .target(
            name: "CustomsAudit",
            dependencies: [
                "CustomsCore", "CustomsModel", "CustomsCache", "CustomsReport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // What a scan produced; all the reporters need.
        .target(name: "CustomsModel", dependencies: ["CustomsCore"]),
        .target(
            name: "CustomsScan",
            dependencies: [
                "CustomsRegex", "CustomsCore", "CustomsArchive", "CustomsImage", "CustomsWalker", "CustomsDetect",
                "CustomsRules", "CustomsBuiltinRules", "CustomsProvenance", "CustomsCache", "CustomsModel", "Yams",
            ]
        ),
        // ⑤ Reports: the model in, text out. Does not link the scan engine.
        .target(name: "CustomsReport", dependencies: ["CustomsCore", "CustomsModel"]),
        .executableTarget(
            name: "customs",
            dependencies: [
                "CustomsScan", "CustomsModel", "CustomsCache", "CustomsReport", "CustomsRegistry", "CustomsEngine",
                "CustomsDetect", "CustomsCompression", "CustomsDockerfile", "CustomsLint", "CustomsProvenance",
                "CustomsAudit",
                "CustomsRules", "CustomsBuiltinRules", "CustomsArchive", "CustomsRegex", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Build-time: Rules/*.yaml → Swift string literals, so the binary carries its rules and their
        // compiled keyword prefilters.
        .executableTarget(
            name: "customs-embed-rules", dependencies: ["Yams", "CustomsRules", "CustomsRegex", "CustomsDetect"],
            path: "Plugins/EmbedRulesTool"),
        .plugin(name: "EmbedRulesPlugin", capability: .buildTool(), dependencies: ["customs-embed-rules"]),

        // Fixture images built in code, shared by the tests and the sample-image generator, and the
        // source conformance harness.
        .target(
            name: "CustomsTestSupport",
            dependencies: [
                "CustomsCore", "CustomsArchive", "CustomsDetect", "CustomsImage", "CustomsModel",
                "CustomsScan", "CustomsCache", "Yams",
            ]
        ),
        .executableTarget(
            name: "customs-fixture", dependencies: ["CustomsTestSupport"], path: "Tools/customs-fixture"),

        .testTarget(name: "CustomsArchiveTests", dependencies: ["CustomsArchive", "CustomsTestSupport"]),
        .testTarget(name: "CustomsRegexTests", dependencies: ["CustomsRegex"]),
        .testTarget(
            name: "CustomsCompressionTests",
            dependencies: ["CustomsCompression", "CustomsArchive", "CustomsCore", "CustomsTestSupport"]),
        .testTarget(
            name: "CustomsRulesTests",
            dependencies: ["CustomsRules", "CustomsBuiltinRules", "CustomsDetect", "CustomsRegex"]
        ),
        .testTarget(
            name: "CustomsDetectTests", dependencies: ["CustomsDetect", "CustomsBuiltinRules", "CustomsTestSupport"]),
        .testTarget(
            name: "CustomsRegistryTests", dependencies: ["CustomsRegistry", "CustomsImage", "CustomsTestSupport"]),
        .testTarget(
            name: "CustomsProvenanceTests",
            dependencies: ["CustomsProvenance", "CustomsCore", "CustomsModel", "CustomsDockerfile"]),
        .testTarget(name: "CustomsImageTests", dependencies: ["CustomsImage", "CustomsTestSupport"]),
        .testTarget(name: "CustomsCoreTests", dependencies: ["CustomsCore"]),
        .testTarget(name: "CustomsDockerfileTests", dependencies: ["CustomsDockerfile"]),
        .testTarget(
            name: "CustomsLintTests",
            dependencies: [
                "CustomsLint", "CustomsDockerfile", "CustomsDetect", "CustomsBuiltinRules", "CustomsTestSupport",
            ]
        ),
        .testTarget(
            name: "CustomsWalkerTests",
            dependencies: [
                "CustomsWalker", "CustomsArchive", "CustomsCore", "CustomsDetect", "CustomsBuiltinRules",
                "CustomsTestSupport",
            ]
        ),
        .testTarget(
            name: "CustomsReportTests",
            dependencies: ["CustomsReport", "CustomsModel", "CustomsCore", "CustomsTestSupport"]),
        .testTarget(
            name: "CustomsCacheTests",
            dependencies: ["CustomsCache", "CustomsScan", "CustomsModel", "CustomsTestSupport"]),
        .testTarget(
            name: "CustomsScanTests",
            dependencies: [
                "CustomsScan", "CustomsModel", "CustomsArchive", "CustomsWalker", "CustomsTestSupport",
                "CustomsCache", "CustomsImage", "CustomsRegistry", "CustomsReport",
            ]
        ),
        .testTarget(
            name: "customsTests",
            dependencies: ["customs", "CustomsBuiltinRules", "CustomsTestSupport", "CustomsRegistry", "Yams"]),
    ],
    swiftLanguageModes: [.v6]
)
