import CustomsArchive
import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// HOSTILE-INPUTS.md, built on the fly: each broken or malicious input gets a clear error or a
/// coverage entry, keeps what was already found, and never ends "clean".
@Suite struct HostileInputTests {
    /// Two layers; the token is in the first, so damage to the second must not lose it.
    static let twoLayers = try! ImageSpec.parse(
        """
        name: hostile-two-layers
        secrets: {gh: github-classic, npm: npm}
        image:
          layers:
            - created_by: "COPY . /app"
              entries:
                - {path: app/.env, content: "GITHUB_TOKEN={{gh}}\\n"}
            - created_by: "COPY more /more"
              entries:
                - {path: more/.npmrc, content: "NPM={{npm}}\\n"}
        expect: []
        """)

    static func scan(_ targets: [String], options: ScanOptions = ScanOptions()) throws -> ScanResult {
        try Scan(options: options).run(targets)
    }

    static func write(_ files: FileSet, as layout: ImageFixture.Layout, in directory: TemporaryDirectory) throws
        -> String
    {
        let url = directory.path(layout.fileName("image"))
        if layout == .ociDirectory {
            try files.writeDirectory(url)
        } else {
            try files.writeTar(url, compression: .none)
        }
        return url.path
    }

    static func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    /// Edits the config of the first image of a legacy docker-save file set.
    static func editLegacyConfig(_ files: inout FileSet, _ edit: (inout [String: Any]) -> Void) throws {
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: files.data("manifest.json")!) as? [[String: Any]])
        let path = try #require(manifest[0]["Config"] as? String)
        var config = try #require(try JSONSerialization.jsonObject(with: files.data(path)!) as? [String: Any])
        edit(&config)
        files.add(path, try json(config))
    }

    @Test func unsafeManifestPathsAreRefused() throws {
        // Same document in a directory layout (read before any layer): nothing is scanned.
        let layoutDirectory = try TemporaryDirectory()
        var layout = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
        var entries = try #require(
            try JSONSerialization.jsonObject(with: layout.data("manifest.json")!) as? [[String: Any]])
        entries[0]["Layers"] = ["../../etc/shadow"]
        layout.add("manifest.json", try Self.json(entries))
        let root = try Self.write(layout, as: .ociDirectory, in: layoutDirectory)
        try Data("{\"imageLayoutVersion\": \"1.0.0\"}".utf8).write(
            to: URL(fileURLWithPath: root).appendingPathComponent("oci-layout"))
        let refused = try Self.scan([root])
        #expect(refused.failedTargets.first?.message.contains("unsafe path") == true, "\(refused.failedTargets)")
        #expect(refused.exitCode(failOn: .low) == ExitStatus.unusable)

        for bad in ["../etc/passwd", "/etc/passwd", "a\\..\\b.json"] {
            let directory = try TemporaryDirectory()
            var files = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
            var manifest = try #require(
                try JSONSerialization.jsonObject(with: files.data("manifest.json")!) as? [[String: Any]])
            manifest[0]["Config"] = bad
            files.add("manifest.json", try Self.json(manifest))
            let result = try Self.scan([try Self.write(files, as: .dockerSaveLegacy, in: directory)])
            // The manifest is refused with a clear error; layers already streamed keep their findings.
            #expect(result.diagnostics.contains { $0.incomplete && $0.message.contains("unsafe path") })
            #expect(result.findings.count == 2)
            #expect(!result.isComplete)
        }
    }

    @Test func indexWithoutManifestsOrAmbiguousIsAnError() throws {
        for (index, expected) in [
            (["schemaVersion": 2, "manifests": NSNull()] as [String: Any], "no manifests"),
            (["schemaVersion": 2, "manifests": []], "no manifests"),
            (["schemaVersion": 2, "manifests": [], "layers": []], "ambiguous"),
        ] {
            let directory = try TemporaryDirectory()
            var files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
            files.add("index.json", try Self.json(index))
            let result = try Self.scan([try Self.write(files, as: .ociDirectory, in: directory)])
            #expect(result.failedTargets.first?.message.contains(expected) == true, "\(result.failedTargets)")
        }
    }

    @Test func malformedDigestIsRejectedBeforeUse() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        var index = try #require(try JSONSerialization.jsonObject(with: files.data("index.json")!) as? [String: Any])
        var manifests = index["manifests"] as! [[String: Any]]
        manifests[0]["digest"] = "sha256:../../../etc/passwd"
        index["manifests"] = manifests
        files.add("index.json", try Self.json(index))
        let result = try Self.scan([try Self.write(files, as: .ociDirectory, in: directory)])
        #expect(result.failedTargets.first?.message.contains("malformed digest") == true)
    }

    /// One malformed entry of an index (a traversal digest) is reported; the valid manifest beside
    /// it is still scanned.
    @Test func oneBadIndexEntryDoesNotStopTheOthers() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        var index = try #require(try JSONSerialization.jsonObject(with: files.data("index.json")!) as? [String: Any])
        var manifests = index["manifests"] as! [[String: Any]]
        var bad = manifests[0]
        bad["digest"] = "sha256:../../../etc/passwd"
        manifests.insert(bad, at: 0)
        index["manifests"] = manifests
        files.add("index.json", try Self.json(index))
        let result = try Self.scan([try Self.write(files, as: .ociDirectory, in: directory)])
        #expect(result.images.count == 1 && result.findings.count == 2)
        #expect(result.diagnostics.contains { $0.code == .invalidDocument && $0.message.contains("malformed digest") })
        #expect(result.exitCode(failOn: .low) == ExitStatus.findings && !result.isComplete)
    }

    /// In a legacy `docker save`, an entry with an unsafe path costs only itself, and one whose
    /// config is missing or malformed still has its layers scanned.
    @Test(arguments: ["missing", "malformed"])
    func oneBadManifestJSONEntryDoesNotStopTheOthers(_ damage: String) throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
        var entries = try #require(
            try JSONSerialization.jsonObject(with: files.data("manifest.json")!) as? [[String: Any]])
        var traversal = entries[0]
        traversal["Config"] = "../../../etc/passwd"
        traversal["RepoTags"] = ["bad:traversal"]
        var damaged = entries[0]
        damaged["Config"] = "damaged.json"
        damaged["RepoTags"] = ["bad:config"]
        if damage == "malformed" { files.add("damaged.json", Data("{\"rootfs\": 7".utf8)) }
        entries = [traversal, damaged, entries[0]]
        files.add("manifest.json", try JSONSerialization.data(withJSONObject: entries))
        let result = try Self.scan([try Self.write(files, as: .dockerSaveLegacy, in: directory)])
        #expect(result.images.map(\.name).sorted() == ["bad:config", "customs-corpus/hostile-two-layers:latest"])
        #expect(result.findings.count == 2)
        #expect(result.findings.allSatisfy { $0.locations.count == 2 }, "both images' layers were scanned")
        #expect(result.diagnostics.contains { $0.message.contains("the entries beside it are still scanned") })
        #expect(result.diagnostics.contains { $0.message.contains("scanned without history") && $0.incomplete })
        #expect(result.exitCode(failOn: .low) == ExitStatus.findings && !result.isComplete)
    }

    /// The config's path in an OCI directory's file set (the one blob with `rootfs`).
    static func configPath(_ files: FileSet) throws -> String {
        try #require(
            files.order.first { path in
                path.hasPrefix("blobs/")
                    && String(decoding: files.data(path) ?? Data(), as: UTF8.self).contains("rootfs")
            })
    }

    /// Without its config (missing, or not matching its digest) an image still has every layer
    /// scanned; the run says the config was unusable and is incomplete.
    @Test(arguments: ["missing", "tampered"])
    func aBadConfigCostsTheHistoryNotTheLayers(_ damage: String) throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        let config = try Self.configPath(files)
        if damage == "missing" {
            files.remove(config)
        } else {
            var text = String(decoding: files.data(config)!, as: UTF8.self)
            text = text.replacingOccurrences(of: "COPY more /more", with: "COPY less /less")
            files.add(config, Data(text.utf8))
        }
        let result = try Self.scan([try Self.write(files, as: .ociDirectory, in: directory)])
        #expect(result.findings.count == 2, "both layers were scanned")
        #expect(result.diagnostics.contains { $0.message.contains("scanned without history") && $0.incomplete })
        #expect(result.exitCode(failOn: .low) == ExitStatus.findings)
    }

    @Test(arguments: [ImageFixture.Layout.ociDirectory, .ociTar])
    func missingLayerBlobIsIncompleteAndOtherLayersStillScanned(_ layout: ImageFixture.Layout) throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: layout, compression: .gzip)
        files.remove(files.layerBlobPaths[1])
        let result = try Self.scan([try Self.write(files, as: layout, in: directory)])
        #expect(result.findings.map(\.rule.id.rawValue) == ["github.pat.classic"])
        #expect(result.diagnostics.contains { $0.code == .missingBlob && $0.incomplete && $0.layer == 1 })
        #expect(!result.isComplete)
    }

    @Test func corruptGzipTrailerIsCaughtByTheDigest() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        let path = files.layerBlobPaths[0]
        var blob = files.data(path)!
        blob[blob.count - 8] ^= 0xff  // first byte of the CRC32 trailer
        files.add(path, blob)
        let result = try Self.scan([try Self.write(files, as: .ociDirectory, in: directory)])
        #expect(result.diagnostics.contains { $0.code == .digestMismatch && $0.layer == 0 && $0.incomplete })
        #expect(
            result.findings.contains { $0.rule.id.rawValue == "github.pat.classic" },
            "findings from a corrupt layer are kept, flagged")
        #expect(result.exitCode(failOn: .low) == ExitStatus.findings)
    }

    @Test func truncatedArchiveKeepsEarlierFindings() throws {
        let directory = try TemporaryDirectory()
        let files = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
        let whole = directory.path("whole.tar")
        try files.writeTar(whole, compression: .none)
        let data = try Data(contentsOf: whole)
        let firstLayerSize = files.data(files.order[0])!.count
        let cut = directory.path("cut.tar")
        try data.prefix(firstLayerSize + 2048 + 700).write(to: cut)
        let result = try Self.scan([cut.path])
        #expect(result.diagnostics.contains { $0.code == .readError && $0.incomplete })
        #expect(!result.isComplete)
        #expect(result.exitCode(failOn: .low) != ExitStatus.clean)
    }

    @Test func unsupportedLayerMediaTypeIsReportedNotGuessed() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        let index = try #require(try JSONSerialization.jsonObject(with: files.data("index.json")!) as? [String: Any])
        let manifestDigest = try #require(
            Digest(parsing: (index["manifests"] as! [[String: Any]])[0]["digest"] as! String))
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: files.data("blobs/sha256/\(manifestDigest.hex)")!) as? [String: Any])
        var layers = manifest["layers"] as! [[String: Any]]
        layers[1]["mediaType"] = "application/vnd.oci.image.layer.v1.tar+xz"
        manifest["layers"] = layers
        let newManifest = try Self.json(manifest)
        let newDigest = Digest.of(newManifest)
        files.add("blobs/sha256/\(newDigest.hex)", newManifest)
        var top = (index["manifests"] as! [[String: Any]])[0]
        top["digest"] = newDigest.description
        top["size"] = newManifest.count
        files.add("index.json", try Self.json(["schemaVersion": 2, "manifests": [top]]))
        let result = try Self.scan([try Self.write(files, as: .ociDirectory, in: directory)])
        #expect(result.diagnostics.contains { $0.code == .unsupportedMediaType && $0.layer == 1 && $0.incomplete })
        #expect(result.findings.map(\.rule.id.rawValue) == ["github.pat.classic"])
    }

    @Test func diffIDCountMismatchAndHistoryMismatchAreReported() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
        try Self.editLegacyConfig(&files) { config in
            config["rootfs"] = ["type": "layers", "diff_ids": ["sha256:" + String(repeating: "a", count: 64)]]
            config["history"] = [["created_by": "only one"]]
        }
        let result = try Self.scan([try Self.write(files, as: .dockerSaveLegacy, in: directory)])
        #expect(result.diagnostics.contains { $0.code == .invalidDocument && $0.message.contains("diff_ids") })
        #expect(result.diagnostics.contains { $0.code == .historyMismatch })
        #expect(result.findings.count == 2, "both layers are still scanned")
    }

    @Test func wrongDiffIDIsAnIntegrityFailure() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
        try Self.editLegacyConfig(&files) { config in
            var ids = (config["rootfs"] as! [String: Any])["diff_ids"] as! [String]
            ids[1] = "sha256:" + String(repeating: "b", count: 64)
            config["rootfs"] = ["type": "layers", "diff_ids": ids]
        }
        let result = try Self.scan([try Self.write(files, as: .dockerSaveLegacy, in: directory)])
        #expect(result.diagnostics.contains { $0.code == .diffIDMismatch && $0.layer == 1 })
    }

    @Test func absentPlatformListsThoseAvailable() throws {
        let directory = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "multi-platform" })
        let image = directory.path("image")
        try ImageFixture.write(spec, layout: .ociDirectory, compression: .gzip, to: image)
        var options = ScanOptions()
        options.platform = Platform(parsing: "linux/s390x")
        let result = try Self.scan([image.path], options: options)
        let message = try #require(result.failedTargets.first?.message)
        #expect(message.contains("linux/amd64") && message.contains("linux/arm64/v8"))
        options.platform = Platform(parsing: "linux/amd64")
        let amd64 = try Self.scan([image.path], options: options)
        #expect(amd64.images.count == 1 && amd64.findings.isEmpty && amd64.isComplete)
    }

    @Test func partialMultiPlatformSaveScansWhatIsThere() throws {
        let directory = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "multi-platform" })
        var files = try ImageFixture.files(spec, layout: .ociDirectory, compression: .gzip)
        // Drop the arm64 manifest blob: the index still names it.
        let manifests = files.order.filter { path in
            guard let data = files.data(path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return false }
            return object["config"] != nil && object["layers"] != nil
        }
        let arm = try #require(
            manifests.first { path in
                let config =
                    (try? JSONSerialization.jsonObject(with: files.data(path)!) as? [String: Any])?["config"]
                    as? [String: Any]
                let digest = Digest(parsing: config?["digest"] as? String ?? "")!
                return String(decoding: files.data("blobs/sha256/\(digest.hex)")!, as: UTF8.self).contains("arm64")
            })
        files.remove(arm)
        let result = try Self.scan([try Self.write(files, as: .ociDirectory, in: directory)])
        #expect(result.images.count == 1)
        #expect(result.diagnostics.contains { $0.code == .missingBlob && $0.incomplete })
        #expect(result.exitCode(failOn: .low) == ExitStatus.incomplete)
    }

    @Test func sameLayerListedTwiceIsScannedOnceAndReportedTwice() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: files.data("manifest.json")!) as? [[String: Any]])
        let layers = manifest[0]["Layers"] as! [String]
        manifest[0]["Layers"] = [layers[0], layers[1], layers[0]]
        files.add("manifest.json", try Self.json(manifest))
        try Self.editLegacyConfig(&files) { config in
            let ids = (config["rootfs"] as! [String: Any])["diff_ids"] as! [String]
            config["rootfs"] = ["type": "layers", "diff_ids": [ids[0], ids[1], ids[0]]]
            config["history"] = [["created_by": "a"], ["created_by": "b"], ["created_by": "c"]]
        }
        let result = try Self.scan([try Self.write(files, as: .dockerSaveLegacy, in: directory)])
        let github = try #require(result.findings.first { $0.rule.id.rawValue == "github.pat.classic" })
        let layerIndexes = github.locations.compactMap { location -> Int? in
            if case .file(let file) = location.place { return file.layerIndex }
            return nil
        }
        #expect(layerIndexes.sorted() == [0, 2])
        #expect(result.isComplete)
    }

    @Test func nonRegularBlobsInALayoutAreRefused() throws {
        let directory = try TemporaryDirectory()
        let files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        let root = try Self.write(files, as: .ociDirectory, in: directory)
        let blob = URL(fileURLWithPath: root).appendingPathComponent(files.layerBlobPaths[1])
        try FileManager.default.removeItem(at: blob)
        try FileManager.default.createSymbolicLink(atPath: blob.path, withDestinationPath: "/dev/zero")
        let result = try Self.scan([root])
        #expect(result.diagnostics.contains { $0.layer == 1 && $0.incomplete })
        #expect(result.findings.map(\.rule.id.rawValue) == ["github.pat.classic"])

        try FileManager.default.removeItem(at: blob)
        #expect(mkfifo(blob.path, 0o600) == 0)
        let fifo = try Self.scan([root])
        #expect(fifo.diagnostics.contains { $0.layer == 1 && $0.incomplete })
    }

    /// A symbolic link to a folder inside the layout (here `blobs/sha256`) would read blobs from
    /// outside it: every component is opened without following links.
    @Test func aLinkedFolderInsideALayoutIsNotFollowed() throws {
        let directory = try TemporaryDirectory()
        let files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        let root = try Self.write(files, as: .ociDirectory, in: directory)
        let blobs = URL(fileURLWithPath: root).appendingPathComponent("blobs/sha256")
        let outside = directory.path("outside")
        try FileManager.default.moveItem(at: blobs, to: outside)
        try FileManager.default.createSymbolicLink(at: blobs, withDestinationURL: outside)
        let result = try Self.scan([root])
        #expect(result.findings.isEmpty && !result.isComplete)
    }

    /// A FIFO where a document belongs would block a reader forever: it is refused at once.
    @Test(.timeLimit(.minutes(1))) func aFIFONamedIndexJSONIsRefusedNotAwaited() throws {
        let directory = try TemporaryDirectory()
        let files = try ImageFixture.files(Self.twoLayers, layout: .ociDirectory, compression: .gzip)
        let root = try Self.write(files, as: .ociDirectory, in: directory)
        let index = URL(fileURLWithPath: root).appendingPathComponent("index.json")
        try FileManager.default.removeItem(at: index)
        #expect(mkfifo(index.path, 0o600) == 0)
        let result = try Self.scan([root])
        #expect(result.images.isEmpty && result.failedTargets.count == 1)
        #expect(result.failedTargets.first?.message.contains("not a regular file") == true)
    }

    @Test func notAnArchiveIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let junk = directory.path("junk.tar")
        var generator = SeededGenerator(seed: 7)
        try Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }).write(to: junk)
        let result = try Self.scan([junk.path, "/nonexistent/image.tar"])
        #expect(result.failedTargets.count == 2)
        #expect(result.exitCode(failOn: .low) == ExitStatus.unusable)
    }

    @Test func layerAndFileBudgetsAreReportedAndKeepEarlierFindings() throws {
        let spec = try ImageSpec.parse(
            """
            name: budgets
            secrets: {gh: github-classic}
            image:
              layers:
                - created_by: "COPY big /big"
                  entries:
                    - {path: big/early.txt, content: "GITHUB_TOKEN={{gh}}\\n"}
                    - {path: big/huge.log, content: "just log lines\\n", pad_to: 3000000}
            expect: []
            """)
        let directory = try TemporaryDirectory()
        let image = directory.path("image")
        try ImageFixture.write(spec, layout: .ociDirectory, compression: .gzip, to: image)
        var options = ScanOptions()
        options.limits.maxFileBytes = 1_000_000
        let fileLimited = try Self.scan([image.path], options: options)
        #expect(
            fileLimited.diagnostics.contains { $0.code == .sizeLimit && $0.incomplete && $0.path == "big/huge.log" })
        #expect(fileLimited.findings.count == 1)
        options = ScanOptions()
        options.limits.maxLayerBytes = 2_000_000
        let layerLimited = try Self.scan([image.path], options: options)
        #expect(layerLimited.diagnostics.contains { $0.code == .sizeLimit && $0.incomplete })
        #expect(layerLimited.findings.count == 1, "the token before the budget was hit is kept")
    }

    @Test func hostileEntryNamesAreDataAndEscaped() throws {
        let spec = try ImageSpec.parse(
            """
            name: names
            secrets: {gh: github-classic}
            image:
              layers:
                - created_by: "COPY x /"
                  entries:
                    - {path: "../../etc/evil\\u001b[31mred\\nFAKE LINE", content: "t={{gh}}\\n"}
                    - {path: "app/.wh.", content: ""}
            expect: []
            """)
        let directory = try TemporaryDirectory()
        let image = directory.path("image.tar")
        try ImageFixture.write(spec, layout: .ociTar, compression: .gzip, to: image)
        let result = try Self.scan([image.path])
        let finding = try #require(result.findings.first)
        guard case .file(let file) = finding.locations[0].place else {
            Issue.record("not a file location")
            return
        }
        #expect(!file.path.display.contains("\u{1b}") && !file.path.display.contains("\n"))
        #expect(result.diagnostics.contains { $0.code == .entryWarning && $0.message.contains("bare whiteout") })
        #expect(!FileManager.default.fileExists(atPath: "/etc/evil"))
    }

    @Test func docker25LayoutsThatDisagreeAreWarnedAndTheIndexWins() throws {
        let directory = try TemporaryDirectory()
        var files = try ImageFixture.files(Self.twoLayers, layout: .dockerSave25, compression: .none)
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: files.data("manifest.json")!) as? [[String: Any]])
        manifest[0]["Layers"] = [(manifest[0]["Layers"] as! [String])[0]]
        files.add("manifest.json", try Self.json(manifest))
        let result = try Self.scan([try Self.write(files, as: .dockerSave25, in: directory)])
        #expect(result.diagnostics.contains { $0.code == .layoutConflict && !$0.incomplete })
        #expect(result.images.count == 1 && result.images[0].layers.count == 2, "one layer set, the index's")
        #expect(result.findings.count == 2)
    }

    @Test func duplicateOuterEntriesAreResolvedByTheLastCopyWithAWarning() throws {
        let directory = try TemporaryDirectory()
        let files = try ImageFixture.files(Self.twoLayers, layout: .dockerSaveLegacy, compression: .none)
        let writer = try ArchiveWriter()
        try writer.add("manifest.json", .file(Data("[]".utf8)))
        for path in files.order { try writer.add(path, .file(files.data(path)!)) }
        let archive = directory.path("dup.tar")
        try writer.finish().write(to: archive)
        let result = try Self.scan([archive.path])
        #expect(result.diagnostics.contains { $0.code == .layoutConflict && $0.message.contains("manifest.json") })
        #expect(result.findings.count == 2 && result.images.count == 1)
    }
}
