import CustomsTestSupport
import Foundation
import Synchronization
import Testing

/// The local engine as a source, against a real one: podman's Docker-compatible API service,
/// started by the tests, images put in with `podman load`. What customs reads from the engine is
/// what it reads from the archive the image came from.
@Suite(.tags(.process, .engine)) struct EngineTests {
    static let shared = Mutex<Result<(TestEngine, URL, TemporaryDirectory), any Error>?>(nil)

    /// One engine for the suite, holding the sample image; and the archive it was loaded from.
    static func engine() throws -> (TestEngine, URL) {
        try shared.withLock { shared in
            if shared == nil {
                shared = Result {
                    let folder = try TemporaryDirectory()
                    let (archive, _) = try CLITests.sample(in: folder)
                    let engine = try TestEngine()
                    try engine.load(archive)
                    return (engine, archive, folder)
                }
            }
            let (engine, archive, _) = try shared!.get()
            return (engine, archive)
        }
    }

    static func scan(_ target: String, engine: TestEngine?) throws -> (CLIRunner.Output, ReportFile?) {
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_HOST"] = engine?.dockerHost ?? "unix:///nonexistent/customs-test.sock"
        let output = try CLIRunner.run(["scan", "--format", "json", "--no-cache", target], environment: environment)
        return (output, try? ReportFile.decode(output.stdout))
    }

    /// What identifies a finding and where it is, independent of how the image was read.
    static func placed(_ report: ReportFile) -> Set<String> {
        Set(
            report.findings.flatMap { finding in
                finding.locations.map {
                    [
                        finding.rule.id, finding.fingerprint, "\($0.layer?.index ?? -1)", $0.path ?? $0.field ?? "",
                        $0.status?.kind ?? "",
                    ].joined(separator: " ")
                }
            })
    }

    @Test(arguments: ["docker-daemon:customs-corpus/sample-app:latest", "customs-corpus/sample-app:latest"])
    func anEngineImageReadsLikeItsArchive(_ target: String) throws {
        let (engine, archive) = try Self.engine()
        let (fromArchive, archiveReport) = try Self.scan(archive.path, engine: nil)
        let (fromEngine, engineReport) = try Self.scan(target, engine: engine)
        #expect(fromArchive.status == 1 && fromEngine.status == 1, "\(fromEngine.stderr)")
        let expected = try #require(archiveReport), actual = try #require(engineReport)
        #expect(actual.findings.count == 5)
        #expect(Self.placed(actual) == Self.placed(expected))
        #expect(actual.coverage.complete)
        #expect(
            actual.images.map(\.target) == [
                "docker-daemon:\(target.replacingOccurrences(of: "docker-daemon:", with: ""))"
            ],
            "the report names the engine as the source")
    }

    @Test func aPlatformIsAskedOfTheEngineAndChecked() throws {
        let (engine, _) = try Self.engine()
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_HOST"] = engine.dockerHost
        let target = "docker-daemon:customs-corpus/sample-app:latest"
        let present = try CLIRunner.run(
            ["scan", "--quiet", "--no-cache", "--platform", "linux/amd64", target], environment: environment)
        #expect(present.status == 1, "\(present.stderr)")
        let absent = try CLIRunner.run(
            ["scan", "--quiet", "--no-cache", "--platform", "linux/arm64", target], environment: environment)
        #expect(absent.status == 2 && absent.stderr.contains("linux/amd64"), "\(absent.stderr)")
    }

    @Test func anImageTheEngineDoesNotHaveIsAClearError() throws {
        let (engine, _) = try Self.engine()
        let (output, report) = try Self.scan("docker-daemon:customs-corpus/absent:1", engine: engine)
        #expect(output.status == 2)
        let message = report?.coverage.failedTargets.first?.message ?? ""
        #expect(message.contains("has no image customs-corpus/absent:1"), "\(message)")
    }

    @Test func anEngineThatDoesNotAnswerIsAClearError() throws {
        let (output, report) = try Self.scan("docker-daemon:customs-corpus/sample-app:latest", engine: nil)
        #expect(output.status == 2)
        let message = report?.coverage.failedTargets.first?.message ?? ""
        #expect(message.contains("does not answer") && message.contains("DOCKER_HOST"), "\(message)")
    }

    @Test(arguments: [
        ("docker-archive:", ImageFixture.Layout.dockerSaveLegacy), ("oci-archive:", .ociTar), ("oci:", .ociDirectory),
    ])
    func transportPrefixesNameLocalFiles(_ prefix: String, _ layout: ImageFixture.Layout) throws {
        let folder = try TemporaryDirectory()
        let (archive, _) = try CLITests.sample(layout, in: folder)
        let (output, report) = try Self.scan(prefix + archive.path, engine: nil)
        #expect(output.status == 1, "\(output.stderr)")
        #expect(report?.findings.count == 5)
        let (missing, _) = try Self.scan(prefix + folder.path("absent").path, engine: nil)
        #expect(missing.status == 2)
    }
}
