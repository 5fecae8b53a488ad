import CustomsCore
import CustomsImage
import CustomsRegistry
import CustomsScan
import CustomsTestSupport
import Foundation
import Synchronization
import Testing

/// Every image source × every corpus case, in-process: each presentation of a case yields the
/// same images, layers, findings and provenance, and exactly the findings the case expects.
@Suite(.tags(.registry)) struct SourceConformanceTests {
    /// One plain-http registry for the suite, started on first use.
    final class Registry: Sendable {
        let folder: TemporaryDirectory
        let server: TestServer
        let source: RegistrySource

        init() throws {
            folder = try TemporaryDirectory()
            let storage = folder.path("storage")
            try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
            server = try TestServer.registry(storage: storage, auth: .anonymous, in: folder)
            var options = RegistryOptions()
            options.insecureRegistries = [server.host]
            options.credentialStore = nil
            source = try RegistrySource(options: options)
        }

        /// Pushes `spec` (gzip layers) and opens it by reference.
        func open(_ spec: ImageSpec) throws -> any ImageSource {
            let archive = folder.path("\(spec.name)-\(UUID().uuidString.prefix(8)).tar")
            try ImageFixture.write(spec, layout: .ociTar, compression: .gzip, to: archive)
            let reference = "\(server.host)/conformance/\(spec.name):latest"
            try TestServer.push(ociArchive: archive, to: reference)
            return try #require(try source.source(for: reference))
        }
    }

    private static let registry = Mutex<Result<Registry, any Error>?>(nil)

    static func sharedRegistry() throws -> Registry {
        try registry.withLock { shared in
            if shared == nil { shared = Result { try Registry() } }
            return try shared!.get()
        }
    }

    static var caseNames: [String] { (try? Corpus.cases().map(\.name)) ?? [] }

    @Test(arguments: caseNames)
    func everySourceYieldsTheSameImage(_ name: String) throws {
        let spec = try #require(try Corpus.cases().first { $0.name == name })
        let directory = try TemporaryDirectory()
        var observations: [(String, SourceConformance.Observation)] = []
        for presentation in SourceConformance.localPresentations where SourceConformance.supports(presentation, spec) {
            let source = try SourceConformance.openLocal(spec, presentation, in: directory)
            observations.append((presentation.description, try SourceConformance.observe(source, spec: spec)))
        }
        observations.append(("registry", try SourceConformance.observe(Self.sharedRegistry().open(spec), spec: spec)))
        #expect(observations.count >= 4)

        let expected = Set(spec.expect)
        let reference = observations[0].1
        for (presentation, observed) in observations {
            #expect(
                observed.findings == expected,
                """
                \(presentation): missing:
                \(Corpus.describe(expected.subtracting(observed.findings)))
                unexpected:
                \(Corpus.describe(observed.findings.subtracting(expected)))
                """)
            #expect(observed.complete, "\(presentation): \(observed.problems)")
            #expect(
                observed.images == reference.images,
                """
                \(presentation) differs from \(observations[0].0):
                \(observed.images.joined(separator: "\n"))
                ---
                \(reference.images.joined(separator: "\n"))
                """)
        }

        // The root filesystem source reads the final filesystem: one layer, no config.
        guard spec.images.count == 1 else { return }
        let root = try SourceConformance.writeRootFilesystem(spec, in: directory)
        let flat = try SourceConformance.observe(RootFilesystemSource(target: root.path, root: root), spec: spec)
        let flatExpected = SourceConformance.rootFilesystemExpectations(spec)
        #expect(
            flat.findings == flatExpected,
            """
            root filesystem: missing:
            \(Corpus.describe(flatExpected.subtracting(flat.findings)))
            unexpected:
            \(Corpus.describe(flat.findings.subtracting(flatExpected)))
            """)
        #expect(flat.complete, "root filesystem: \(flat.problems)")
    }

    /// `--all-tags` lists at most `maxTags` tags of a repository; more is an error, not a flood.
    @Test func aRepositoryWithTooManyTagsIsRefused() throws {
        let registry = try Self.sharedRegistry()
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let archive = registry.folder.path("tags-\(UUID().uuidString.prefix(8)).tar")
        try ImageFixture.write(spec, layout: .ociTar, compression: .gzip, to: archive)
        for tag in ["a", "b", "c"] {
            try TestServer.push(ociArchive: archive, to: "\(registry.server.host)/conformance/tags:\(tag)")
        }
        var options = RegistryOptions()
        options.insecureRegistries = [registry.server.host]
        options.credentialStore = nil
        options.allTags = true
        options.maxTags = 2
        let bounded = try RegistrySource(options: options)
        #expect {
            _ = try bounded.expand("\(registry.server.host)/conformance/tags")
        } throws: { error in
            "\(error)".contains("lists more than 2 tags")
        }
        options.maxTags = 3
        #expect(try RegistrySource(options: options).expand("\(registry.server.host)/conformance/tags").count == 3)
    }
}
