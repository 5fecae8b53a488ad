import CustomsCore
import CustomsTestSupport
import Foundation
import Testing

/// `-o FILE` writes a new owner-only file and renames it over the target at the end: it never
/// writes through a symbolic link, never changes an existing file's mode or owner, writes to a
/// device as it is, and refuses another user's file or an input of the scan.
@Suite(.tags(.process)) struct ReportFileTests {
    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aRegularFileIsReplacedByAnOwnerOnlyReport() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let report = directory.path("report.json")
        try Data("old".utf8).write(to: report)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: report.path)
        let output = try CLIRunner.run(["scan", "--format", "json", "-o", report.path, image.path])
        #expect(output.status == 1)
        #expect(try ReportFile.decode(Data(contentsOf: report)).findings.count == 5)
        #expect(try Self.mode(report.path) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter {
            $0.hasPrefix(".customs-report-")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func aSymbolicLinkIsNotWrittenThrough() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let victim = directory.path("victim")
        try Data("keep me".utf8).write(to: victim)
        let link = directory.path("report.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim)
        let output = try CLIRunner.run(["scan", "--format", "json", "-o", link.path, image.path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("symbolic link"))
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me")
    }

    @Test func anInputIsNeverTheReport() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let before = try Data(contentsOf: image)
        let output = try CLIRunner.run(["scan", "-o", image.path, image.path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("is an input of this scan"))
        #expect(try Data(contentsOf: image) == before)
    }

    @Test func aDeviceIsWrittenAsItIs() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let before = try Self.mode("/dev/null")
        let output = try CLIRunner.run(["scan", "-o", "/dev/null", image.path])
        #expect(output.status == 1)
        #expect(try Self.mode("/dev/null") == before, "the device's mode is never changed")
    }

    @Test func anotherUsersFileIsRefused() throws {
        try #require(geteuid() == 0, "changing a file's owner needs root; CI runs as root")
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let report = directory.path("theirs.json")
        try Data("theirs".utf8).write(to: report)
        #expect(chown(report.path, 65534, 65534) == 0)
        let output = try CLIRunner.run(["scan", "-o", report.path, image.path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("belongs to another user"))
        #expect(try String(contentsOf: report, encoding: .utf8) == "theirs")
    }
}
