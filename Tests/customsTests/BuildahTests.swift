import CustomsCore
import CustomsTestSupport
import Foundation
import Testing

/// An image built by a real builder (Debian's buildah, daemonless, chroot isolation), so the
/// history format and layer tars are a real builder's, not only what our fixtures write.
/// Needs `buildah` and `busybox-static` (installed by .ci/run); fails, never skips, without them.
@Suite(.serialized, .tags(.buildah, .process)) struct BuildahTests {
    static let buildah = "/usr/bin/buildah"
    static let busybox = "/bin/busybox"

    @discardableResult
    static func run(_ arguments: [String], in directory: URL) throws -> String {
        let output = try CLIRunner.run(executable: URL(fileURLWithPath: buildah), arguments, directory: directory)
        guard output.status == 0 else {
            throw FixtureError(
                "buildah \(arguments.first ?? "") failed: \(output.text.suffix(1000)) \(output.stderr.suffix(1000))")
        }
        return output.text
    }

    @Test func buildahImageYieldsBuildArgAndDeletedFile() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.buildah), "install buildah (apt-get install buildah)")
        #expect(FileManager.default.isExecutableFile(atPath: Self.busybox), "install busybox-static")
        let work = try TemporaryDirectory()
        let context = work.path("context")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.busybox, toPath: context.appendingPathComponent("busybox").path)
        try Data(
            """
            FROM scratch
            COPY busybox /bin/busybox
            ARG NPM_TOKEN
            RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /app && echo \\"//registry.npmjs.org/:_authToken=$NPM_TOKEN\\" > /app/.npmrc"]
            RUN ["/bin/busybox", "rm", "/app/.npmrc"]
            LABEL org.opencontainers.image.title=buildah-fixture
            """.utf8
        ).write(to: context.appendingPathComponent("Containerfile"))
        let token = try FakeSecrets.make("npm", seed: "buildah")
        let storage = ["--root", work.path("root").path, "--runroot", work.path("run").path, "--storage-driver", "vfs"]
        try Self.run(
            storage + [
                "bud", "--isolation", "chroot", "--layers", "--build-arg", "NPM_TOKEN=\(token)",
                "-t", "customs-buildah-fixture", ".",
            ], in: context)
        defer { _ = try? Self.run(storage + ["rmi", "--all", "--force"], in: context) }
        for (transport, file) in [("oci-archive", "image-oci.tar"), ("docker-archive", "image-docker.tar")] {
            let archive = work.path(file)
            try Self.run(storage + ["push", "customs-buildah-fixture", "\(transport):\(archive.path)"], in: context)
            let output = try CLIRunner.run(["scan", "--format", "json", archive.path])
            let report = try ReportFile.decode(output.stdout)
            #expect(output.status == 1, "\(transport): exit \(output.status)")
            #expect(report.coverage.complete, "\(transport): \(report.coverage.diagnostics.map(\.message))")
            let finding = try #require(report.findings.first, "\(transport): no finding")
            #expect(report.findings.count == 1 && finding.rule.id == "npm.token" && finding.rule.confidence == "high")
            let file = try #require(finding.locations.first { $0.kind == "file" })
            #expect(file.path == "/app/.npmrc" && file.layer?.index == 1)
            #expect(file.status?.kind == "deleted" && file.status?.layer == 2)
            #expect(file.status?.createdBy == #"RUN ["/bin/busybox", "rm", "/app/.npmrc"]"#)
            #expect(file.layer?.createdBy?.hasPrefix(#"RUN ["/bin/busybox", "sh", "-c""#) == true)
            let fields = Set(finding.locations.compactMap(\.field))
            #expect(
                fields == ["history[2] build-arg NPM_TOKEN", "history[3] build-arg NPM_TOKEN"],
                "\(transport): \(fields)")
            // buildah's history, mapped back to the Containerfile's lines.
            let mapped = try CLIRunner.run([
                "scan", "--format", "json", "--dockerfile", context.appendingPathComponent("Containerfile").path,
                archive.path,
            ])
            let places = try ReportFile.decode(mapped.stdout).findings.flatMap(\.locations).map {
                "\($0.path ?? $0.field ?? "") \($0.dockerfile?.line ?? 0) \($0.remediation?.kind ?? "")"
            }
            #expect(
                Set(places) == [
                    "/app/.npmrc 4 removed-in-later-layer", "history[2] build-arg NPM_TOKEN 3 build-argument",
                    "history[3] build-arg NPM_TOKEN 3 build-argument",
                ], "\(transport): \(places)")
        }
    }
}
