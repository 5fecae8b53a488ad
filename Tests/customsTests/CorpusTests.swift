import CustomsCore
import CustomsTestSupport
import Foundation
import Testing

/// The CLI end to end, once per layout: the sample image written as each layout (and read from
/// standard input where a pipe is how users run it) must yield exactly its planted findings, with
/// the right layer and status, and nothing else. Every other corpus case runs in-process through
/// every source in `SourceConformanceTests`.
@Suite(.tags(.process)) struct CorpusTests {
    /// A layout, a layer compression, and whether the archive arrives on standard input.
    struct Variant: CustomTestStringConvertible, Sendable {
        let layout: ImageFixture.Layout
        let compression: Compression
        let viaStandardInput: Bool
        var testDescription: String { "\(layout.rawValue)/\(compression.rawValue)\(viaStandardInput ? "/stdin" : "")" }
    }

    static let variants: [Variant] = [
        Variant(layout: .dockerSaveLegacy, compression: .none, viaStandardInput: false),
        Variant(layout: .dockerSaveLegacy, compression: .none, viaStandardInput: true),
        Variant(layout: .dockerSaveLegacyGzip, compression: .none, viaStandardInput: true),
        Variant(layout: .dockerSave25, compression: .none, viaStandardInput: false),
        Variant(layout: .ociDirectory, compression: .gzip, viaStandardInput: false),
        Variant(layout: .ociDirectory, compression: .zstd, viaStandardInput: false),
        Variant(layout: .ociTar, compression: .none, viaStandardInput: false),
        Variant(layout: .ociTar, compression: .gzip, viaStandardInput: false),
        Variant(layout: .ociTar, compression: .zstd, viaStandardInput: true),
    ]

    @Test func corpusIsPresent() throws {
        let count = try Corpus.cases().count
        #expect(count >= 10)
    }

    @Test(arguments: variants)
    func sampleImageYieldsExactlyItsFindings(_ variant: Variant) throws {
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        if spec.skip_layouts?.contains(variant.layout.rawValue) == true { return }
        let directory = try TemporaryDirectory()
        let image = directory.path(variant.layout.fileName(spec.name))
        try ImageFixture.write(spec, layout: variant.layout, compression: variant.compression, to: image)
        let output =
            variant.viaStandardInput
            ? try CLIRunner.run(["scan", "--format", "json", "-"], stdin: image)
            : try CLIRunner.run(["scan", "--format", "json", image.path])
        let report = try ReportFile.decode(output.stdout)
        let observed = try Corpus.observed(report, spec: spec)
        let expected = Set(spec.expect)
        #expect(
            observed == expected,
            """
            missing:
            \(Corpus.describe(expected.subtracting(observed)))
            unexpected:
            \(Corpus.describe(observed.subtracting(expected)))
            """)
        #expect(report.coverage.complete, "coverage: \(report.coverage.diagnostics.map(\.message))")
        #expect(output.status == (expected.isEmpty ? 0 : 1), "exit code \(output.status); stderr: \(output.stderr)")
        #expect(report.findings.allSatisfy { $0.redacted })
    }

    /// Every corpus case with a Dockerfile (one per way a secret leaks): with `--dockerfile`, each
    /// location points at the instruction that put it there and carries the fix for how it leaked.
    @Test(arguments: try Corpus.cases().filter { $0.dockerfile != nil || $0.dockerfile_file != nil }.map(\.name))
    func findingsPointAtTheirDockerfileLineWithTheRightFix(_ name: String) throws {
        let spec = try #require(try Corpus.cases().first { $0.name == name })
        let directory = try TemporaryDirectory()
        let image = directory.path(ImageFixture.Layout.dockerSaveLegacy.fileName(spec.name))
        try ImageFixture.write(spec, layout: .dockerSaveLegacy, compression: .gzip, to: image)
        let dockerfile = directory.path("Dockerfile")
        try Data(try #require(try spec.dockerfileText()).utf8).write(to: dockerfile)
        let output = try CLIRunner.run(["scan", "--format", "json", "--dockerfile", dockerfile.path, image.path])
        let observed = try Corpus.observedSources(try ReportFile.decode(output.stdout), spec: spec)
        let expected = Set(spec.sources ?? [])
        let describe = { (items: Set<ImageSpec.ExpectedSource>) in
            items.map { "\($0.secret) \($0.path ?? $0.field ?? "") line \($0.line ?? 0) \($0.fix)" }.sorted()
        }
        #expect(
            observed == expected,
            "missing: \(describe(expected.subtracting(observed))) unexpected: \(describe(observed.subtracting(expected)))"
        )
    }
}
