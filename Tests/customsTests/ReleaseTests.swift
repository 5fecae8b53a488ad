import CustomsTestSupport
import Foundation
import Synchronization
import Testing

/// The release runs on a bare machine: the tarball `scripts/release` built (scripts/test runs it
/// before the suite: a build inside `swift test` would wait on the suite's own build lock) is
/// unpacked into a Debian minbase root (debootstrap) that has none of libarchive, PCRE2,
/// Vectorscan or the Swift runtime, and there scans the sample image and finds its
/// planted secrets.
@Suite(.tags(.release), .serialized) struct ReleaseTests {
    static let root = Corpus.repositoryRoot

    static func run(_ command: String, _ arguments: [String]) throws -> CLIRunner.Output {
        try CLIRunner.run(executable: URL(fileURLWithPath: command), arguments, directory: root)
    }

    private static let minbaseLock = Mutex(())

    /// A Debian bookworm minbase root, made once per machine (tests only read it).
    static func minbase() throws -> URL {
        try minbaseLock.withLock { _ in try makeMinbase() }
    }

    private static func makeMinbase() throws -> URL {
        let folder = URL(fileURLWithPath: "/var/tmp/customs-test-minbase-bookworm")
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("etc/debian_version").path) {
            return folder
        }
        let partial = URL(fileURLWithPath: folder.path + ".partial")
        try? FileManager.default.removeItem(at: partial)
        let made = try run(
            "/usr/sbin/debootstrap", ["--variant=minbase", "bookworm", partial.path, "http://deb.debian.org/debian"])
        try #require(made.status == 0, "debootstrap failed: \(made.stderr.suffix(2000))")
        try FileManager.default.moveItem(at: partial, to: folder)
        return folder
    }

    @Test func theReleaseTarballScansTheSampleInABareDebianRoot() throws {
        let dist = Self.root.appendingPathComponent("dist")
        let tarball = try #require(
            (try? FileManager.default.contentsOfDirectory(atPath: dist.path))?.first {
                $0.hasSuffix("-linux-amd64.tar.gz")
            }, "no release tarball in dist/: run scripts/release (scripts/test does)")
        let checked = try CLIRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/sha256sum"), ["--check", tarball + ".sha256"], directory: dist)
        #expect(checked.status == 0, "the checksum file does not match the tarball")

        let base = try Self.minbase()
        let folder = try TemporaryDirectory()
        let machine = folder.path("root")
        // A copy of the minbase root for this run (cp -a keeps devices, links and owners).
        let copied = try Self.run("/bin/cp", ["-a", base.path, machine.path])
        try #require(copied.status == 0, "\(copied.stderr)")
        // Minbase's grep brings PCRE2: take it away, with anything else the release must carry itself.
        let libraries = [
            "-name", "libarchive.so*", "-o", "-name", "libpcre2-8.so*", "-o", "-name", "libhs.so*", "-o", "-name",
            "libswiftCore.so", "-o", "-name", "libFoundation*.so", "-o", "-name", "libstdc++.so*", "-o", "-name",
            "libzstd.so*", "-o", "-name", "libicu*.so*", "-o", "-name", "libisal.so*",
        ]
        _ = try Self.run("/usr/bin/find", [machine.path, "("] + libraries + [")", "-delete"])
        let left = try Self.run("/usr/bin/find", [machine.path, "("] + libraries + [")"])
        #expect(left.status == 0 && left.text.isEmpty, "\(left.text)")

        let unpacked = try Self.run(
            "/bin/tar",
            [
                "-xzf", dist.appendingPathComponent(tarball).path, "-C",
                machine.appendingPathComponent("opt").path,
            ])
        try #require(unpacked.status == 0, "\(unpacked.stderr)")
        let (sample, _) = try CLITests.sample(in: folder)
        try FileManager.default.copyItem(at: sample, to: machine.appendingPathComponent("tmp/sample.tar"))
        let executable = "/opt/" + String(tarball.dropLast(".tar.gz".count)) + "/customs"

        // A root of its own, with /proc mounted as on any machine (a static Swift executable reads its
        // arguments from /proc/self/cmdline), in namespaces that end with the command.
        let inRoot = ["--mount", "--pid", "--fork", "--mount-proc", "--root=\(machine.path)", executable]
        let version = try Self.run("/usr/bin/unshare", inRoot + ["--version"])
        #expect(version.status == 0 && version.text.hasPrefix("customs "), "\(version.stderr)")
        let head = try Self.run("/usr/bin/git", ["rev-parse", "HEAD"])
        if head.status == 0 {
            #expect(version.text.contains(String(head.text.prefix(12))), "dist/ holds a release of another commit")
        }
        let scan = try Self.run(
            "/usr/bin/unshare", inRoot + ["scan", "--format", "json", "--quiet", "/tmp/sample.tar"])
        #expect(scan.status == 1, "\(scan.stderr)")
        let report = try ReportFile.decode(scan.stdout)
        #expect(report.findings.count == 5)
        #expect(report.coverage.complete)
    }
}
