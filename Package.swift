// swift-tools-version:6.0
import PackageDescription

/// customs: a daemonless secrets-leak scanner for container images.
/// Targets follow the pipeline: source (CustomsImage) → layers (CustomsWalker) → detect
/// (CustomsDetect) → provenance (CustomsProvenance) → scan (CustomsScan) → report (CustomsReport)
/// → CLI (customs). C libraries sit behind CustomsArchive (libarchive) and CustomsRegex (PCRE2,
/// Vectorscan) only.
let package = Package(
    name: "customs",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "customs", targets: ["customs"]),
        .library(name: "CustomsScan", targets: ["CustomsScan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // C libraries: module maps and shims only.
        .systemLibrary(name: "CArchive", path: "Sources/CArchive"),
        .systemLibrary(name: "CPCRE2", path: "Sources/CPCRE2"),
        .systemLibrary(name: "CVectorscan", path: "Sources/CVectorscan"),

        .target(name: "CustomsCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CustomsArchive", dependencies: ["CArchive", "CustomsCore"]),
        .target(name: "CustomsRegex", dependencies: ["CPCRE2", "CVectorscan"]),
        .target(name: "CustomsRules", dependencies: ["CustomsCore", "Yams"]),
        .target(
            name: "CustomsBuiltinRules",
            dependencies: ["CustomsRules"],
            plugins: ["EmbedRulesPlugin"]
        ),
        .target(name: "CustomsImage", dependencies: ["CustomsCore", "CustomsArchive"]),
        .target(name: "CustomsDetect", dependencies: ["CustomsCore", "CustomsRegex", "CustomsRules"]),
        .target(name: "CustomsWalker", dependencies: ["CustomsCore", "CustomsArchive", "CustomsDetect"]),
        // Network source: the OCI distribution API. Only the CLI links it; the scan never needs it.
        .target(name: "CustomsRegistry", dependencies: ["CustomsCore", "CustomsArchive", "CustomsImage",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "CustomsProvenance", dependencies: ["CustomsCore"]),
        .target(name: "CustomsScan", dependencies: ["Yams", "CustomsRegex",
            "CustomsCore", "CustomsArchive", "CustomsImage", "CustomsWalker", "CustomsDetect",
            "CustomsRules", "CustomsBuiltinRules", "CustomsProvenance",
        ]),
        .target(name: "CustomsReport", dependencies: ["CustomsCore", "CustomsScan"]),
        .executableTarget(name: "customs", dependencies: [
            "CustomsScan", "CustomsReport", "CustomsRegistry", "CustomsDetect", "CustomsRules", "CustomsBuiltinRules",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Build-time: Rules/*.yaml → Swift string literals, so the binary carries its rules.
        .executableTarget(name: "customs-embed-rules", dependencies: ["Yams"], path: "Plugins/EmbedRulesTool"),
        .plugin(name: "EmbedRulesPlugin", capability: .buildTool(), dependencies: ["customs-embed-rules"]),

        // Fixture images built in code, shared by the tests and the sample-image generator.
        .target(name: "CustomsTestSupport", dependencies: ["CustomsCore", "CustomsArchive", "CustomsDetect", "Yams"]),
        .executableTarget(name: "customs-fixture", dependencies: ["CustomsTestSupport"], path: "Tools/customs-fixture"),

        .testTarget(name: "CustomsArchiveTests", dependencies: ["CustomsArchive", "CustomsTestSupport"]),
        .testTarget(name: "CustomsRegexTests", dependencies: ["CustomsRegex"]),
        .testTarget(name: "CustomsRulesTests", dependencies: ["CustomsRules", "CustomsBuiltinRules", "CustomsDetect", "CustomsRegex"]),
        .testTarget(name: "CustomsDetectTests", dependencies: ["CustomsDetect", "CustomsBuiltinRules", "CustomsTestSupport"]),
        .testTarget(name: "CustomsRegistryTests", dependencies: ["CustomsRegistry"]),
        .testTarget(name: "CustomsProvenanceTests", dependencies: ["CustomsProvenance", "CustomsCore"]),
        .testTarget(name: "CustomsImageTests", dependencies: ["CustomsImage", "CustomsTestSupport"]),
        .testTarget(name: "CustomsScanTests", dependencies: ["CustomsScan", "CustomsArchive", "CustomsWalker", "CustomsTestSupport"]),
        .testTarget(name: "customsTests", dependencies: ["customs", "CustomsBuiltinRules", "CustomsTestSupport", "Yams"]),
    ],
    swiftLanguageModes: [.v5]
)
