import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// The scan's two ways through an archive file agree: one streaming pass (standard input,
/// compressed archives, one core) and the seekable two-phase pass that walks layers in parallel.
@Suite struct ScanTests {
    static func summary(_ result: ScanResult) -> [String] {
        result.findings.flatMap { finding in
            finding.locations.map { location -> String in
                switch location.place {
                case .file(let file):
                    return "\(finding.fingerprint) \(file.layerIndex) \(file.path.value) \(file.line):\(file.column) \(file.visibility.kind) \(file.changedBy ?? "")"
                case .metadata(let metadata):
                    return "\(finding.fingerprint) \(metadata.field)"
                }
            }
        }.sorted()
    }

    @Test(arguments: ["sample-app", "hardlink", "overwritten-file", "chunk-boundary"])
    func streamingAndSeekablePassesAgree(_ name: String) throws {
        let spec = try #require(try Corpus.cases().first { $0.name == name })
        let directory = try TemporaryDirectory()
        for layout in [ImageFixture.Layout.dockerSaveLegacy, .ociTar] {
            let image = directory.path(layout.fileName("\(name)-\(layout.rawValue)"))
            try ImageFixture.write(spec, layout: layout, compression: .gzip, to: image)
            var sequential = ScanOptions()
            sequential.concurrency = 1
            var parallel = ScanOptions()
            parallel.concurrency = 4
            let streamed = try Scan(options: sequential).run([image.path])
            let seeked = try Scan(options: parallel).run([image.path])
            #expect(!streamed.findings.isEmpty)
            #expect(Self.summary(streamed) == Self.summary(seeked), "\(layout.rawValue)")
            #expect(streamed.images.map { $0.layers.map(\.digest) } == seeked.images.map { $0.layers.map(\.digest) })
            #expect(streamed.isComplete && seeked.isComplete)
        }
    }
}
