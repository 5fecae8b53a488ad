import CustomsTestSupport
import Foundation
import Testing

/// The top-level Containerfile, built with buildah (chroot isolation, vfs storage) from the release
/// tarball in dist/ (scripts/test builds it first), then run with `buildah run` to scan the sample
/// as its non-root user, with CA certificates in place. Docker Hub is out of reach here, so the
/// base `docker.io/library/debian:bookworm-slim` is a Debian bookworm root made with debootstrap
/// and imported under that name.
@Suite(.serialized, .tags(.buildah, .release)) struct ContainerImageTests {
    static let root = Corpus.repositoryRoot

    static func run(_ command: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        let output = try CLIRunner.run(
            executable: URL(fileURLWithPath: command), arguments, directory: directory ?? root)
        guard output.status == 0 else {
            throw FixtureError("\(command) \(arguments.prefix(6)) failed: \(output.stderr.suffix(2000))")
        }
        return output.text
    }

    @Test func theContainerfileBuildsAnImageThatScansAsNonRoot() throws {
        let work = try TemporaryDirectory()
        var template = Array("/tmp/customs-bd-XXXXXX".utf8CString)
        let runRoot = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: runRoot) }
        let storage = ["--root", work.path("storage").path, "--runroot", runRoot, "--storage-driver", "vfs"]
        let base = try ReleaseTests.minbase()
        let rootfs = work.path("rootfs.tar")
        _ = try Self.run("/bin/tar", ["-C", base.path, "-cf", rootfs.path, "."])
        _ = try Self.run(
            "/usr/bin/podman", storage + ["import", rootfs.path, "docker.io/library/debian:bookworm-slim"])
        defer { _ = try? Self.run("/usr/bin/buildah", storage + ["rm", "--all"]) }

        _ = try Self.run(
            "/usr/bin/buildah",
            storage + [
                "bud", "--isolation", "chroot", "--pull-never", "-f", "Containerfile", "-t", "customs:test", ".",
            ])
        let inspected = try Self.run(
            "/usr/bin/buildah",
            storage + ["inspect", "--type", "image", "--format", "{{.OCIv1.Config.User}}", "customs:test"])
        #expect(inspected.trimmingCharacters(in: .whitespacesAndNewlines) == "65532:65532")

        let container = try Self.run("/usr/bin/buildah", storage + ["from", "--pull-never", "customs:test"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (sample, _) = try CLITests.sample(in: work)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: sample.path)
        _ = try Self.run("/usr/bin/buildah", storage + ["copy", container, sample.path, "/tmp/sample.tar"])
        let scan = try CLIRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/buildah"),
            storage + [
                "run", "--isolation", "chroot", "--user", "65532:65532", container, "--",
                "/usr/local/bin/customs", "scan", "--format", "json", "--quiet", "/tmp/sample.tar",
            ])
        #expect(scan.status == 1, "\(scan.stderr)")
        let report = try ReportFile.decode(scan.stdout)
        #expect(report.findings.count == 5 && report.coverage.complete)
        let certificates = try Self.run(
            "/usr/bin/buildah",
            storage + [
                "run", "--isolation", "chroot", container, "--", "/bin/ls",
                "/etc/ssl/certs/ca-certificates.crt",
            ])
        #expect(certificates.contains("ca-certificates.crt"))
    }
}
