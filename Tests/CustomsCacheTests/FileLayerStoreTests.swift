import CustomsCore
import CustomsDetect
import CustomsTestSupport
import CustomsWalker
import Foundation
import Testing

@testable import CustomsCache

/// The file store behind the `LayerStore` protocol: batched lookups by key, blob facts by
/// digest, claims that exclude a second worker until released (or abandoned), and records that
/// never hold a clear secret.
@Suite struct FileLayerStoreTests {
    static let secret = "sk_live_" + String(repeating: "Q7", count: 12)

    static func record(diffID: Digest) -> LayerRecord {
        var record = LayerRecord()
        record.digest = Digest.of(Data("blob \(diffID)".utf8))
        record.diffID = diffID
        record.changes = LayerChanges([.file(ImagePath("app/.env"))])
        let rule = RuleSummary(id: RuleID("stripe.secret-key"), name: "Stripe", severity: .high, confidence: .high)
        record.matches = [
            FileMatch(
                path: ImagePath("app/.env"), entryIndex: 0,
                match: ContentMatch(
                    rule: rule, secret: Secret(secret), offset: 7, line: 1, column: 8))
        ]
        return record
    }

    @Test func batchedLookupsReturnWhatWasPutAndNothingElse() throws {
        let directory = try TemporaryDirectory()
        let store = FileLayerStore(directory: directory.url, key: .testing)
        let one = LayerKey(diffID: Digest.of(Data("one".utf8)), profile: "p")
        let two = LayerKey(diffID: Digest.of(Data("two".utf8)), profile: "p")
        let otherProfile = LayerKey(diffID: one.diffID, profile: "q")
        store.put(try #require(CachedLayer(Self.record(diffID: one.diffID), key: .default)), for: one)
        let found = store.layers([one, two, otherProfile])
        #expect(Set(found.keys) == [one])
        let restored = try #require(found[one]?.record)
        #expect(restored.matches.first?.match.secret.clearValue == nil, "a restored secret has no clear value")
        #expect(
            restored.matches.first?.match.secret.fingerprint(rule: RuleID("stripe.secret-key"), key: .default)
                == Secret(Self.secret).fingerprint(rule: RuleID("stripe.secret-key"), key: .default))
        #expect(Array(restored.changes) == [.file(ImagePath("app/.env"))])

        let facts = BlobFacts(diffID: one.diffID, compression: .gzip, size: 42)
        store.put(facts, for: Digest.of(Data("blob".utf8)))
        #expect(
            store.blobs([Digest.of(Data("blob".utf8)), Digest.of(Data("none".utf8))]) == [
                Digest.of(Data("blob".utf8)): facts
            ])
    }

    @Test func storedFilesHoldNoSecretAndOnlyTheirOwnerReadsThem() throws {
        let directory = try TemporaryDirectory()
        let store = FileLayerStore(directory: directory.url, key: .testing)
        let key = LayerKey(diffID: Digest.of(Data("one".utf8)), profile: "p")
        store.put(try #require(CachedLayer(Self.record(diffID: key.diffID), key: .default)), for: key)
        let files = try #require(FileManager.default.enumerator(atPath: directory.url.path)).compactMap {
            $0 as? String
        }
        var checked = 0
        for file in files where file.hasSuffix(".layer") {
            let path = directory.path(file).path
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            let holdsSecret = text.contains(String(Self.secret.dropFirst(8)))
            #expect(!holdsSecret, "\(file) holds the secret")
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0)
            checked += 1
        }
        #expect(checked == 1)
    }

    @Test func aClaimExcludesOthersUntilReleasedOrAbandoned() throws {
        let directory = try TemporaryDirectory()
        var store = FileLayerStore(directory: directory.url, key: .testing)
        let key = LayerKey(diffID: Digest.of(Data("one".utf8)), profile: "p")
        #expect(store.claim(key))
        #expect(!store.claim(key), "a second worker must not claim the same layer")
        #expect(store.claim(LayerKey(diffID: key.diffID, profile: "other")), "another profile is another layer")
        store.release(key)
        #expect(store.claim(key))
        store.claimLifetime = 0
        Thread.sleep(forTimeInterval: 0.01)
        #expect(store.claim(key), "a claim older than its lifetime belongs to a worker that died")
    }
}

/// A neighbour who can write to the cache folder cannot plant what a later scan reads.
@Suite struct CacheNeighbourTests {
    static func storedEntry() throws -> (TemporaryDirectory, FileLayerStore, LayerKey, URL) {
        let directory = try TemporaryDirectory()
        let store = FileLayerStore(directory: directory.url, key: .testing)
        let key = LayerKey(diffID: Digest.of(Data("one".utf8)), profile: "p")
        store.put(try #require(CachedLayer(FileLayerStoreTests.record(diffID: key.diffID), key: .default)), for: key)
        let entries = try #require(FileManager.default.enumerator(atPath: directory.url.path)).compactMap {
            $0 as? String
        }
        let entry = try #require(entries.first { $0.hasSuffix(".layer") })
        #expect(store.layer(key) != nil)
        return (directory, store, key, directory.path(entry))
    }

    @Test func anEntryOfAnotherUserIsNotRead() throws {
        try #require(geteuid() == 0, "changing a file's owner needs root; CI runs as root")
        let (directory, store, key, entry) = try Self.storedEntry()
        defer { withExtendedLifetime(directory) {} }
        #expect(chown(entry.path, 65534, 65534) == 0)
        #expect(store.layer(key) == nil)
    }

    @Test func anEntryOthersCanWriteIsNotRead() throws {
        let (directory, store, key, entry) = try Self.storedEntry()
        defer { withExtendedLifetime(directory) {} }
        #expect(chmod(entry.path, 0o666) == 0)
        #expect(store.layer(key) == nil)
    }

    @Test func aFolderOthersCanWriteIsNotRead() throws {
        let (directory, store, key, entry) = try Self.storedEntry()
        defer { withExtendedLifetime(directory) {} }
        #expect(chmod(entry.deletingLastPathComponent().path, 0o777) == 0)
        #expect(store.layer(key) == nil)
    }

    @Test func aLinkedEntryIsNotFollowed() throws {
        let (directory, store, key, entry) = try Self.storedEntry()
        let elsewhere = directory.path("elsewhere.layer")
        try FileManager.default.moveItem(at: entry, to: elsewhere)
        try FileManager.default.createSymbolicLink(at: entry, withDestinationURL: elsewhere)
        #expect(store.layer(key) == nil)
    }

    @Test func aCacheFolderOthersCanWriteIsNotTrustedUnderTheUsersOwnKey() throws {
        let directory = try TemporaryDirectory()
        #expect(FileLayerStore.trustProblem(directory.url, key: .testing) == nil)
        #expect(chmod(directory.url.path, 0o777) == 0)
        #expect(
            FileLayerStore.trustProblem(directory.url, key: .testing)?.contains("writable by group or others") == true)
        #expect(
            FileLayerStore.trustProblem(directory.path("missing"), key: .testing) == nil,
            "created owner-only when first written")
        #expect(
            FileLayerStore.trustProblem(directory.url, key: CacheKey("team key", shared: true)) == nil,
            "a shared key's seals are the proof")
    }

    @Test func anEntrySealedWithAnotherKeyOrTamperedWithIsNotRead() throws {
        let (directory, store, key, entry) = try Self.storedEntry()
        defer { withExtendedLifetime(directory) {} }
        let planter = FileLayerStore(directory: directory.url, key: CacheKey("the neighbour's key", shared: false))
        #expect(planter.layer(key) == nil, "sealed with another key")
        var bytes = [UInt8](try Data(contentsOf: entry))
        bytes[0] ^= 1
        try Data(bytes).write(to: entry)
        #expect(chmod(entry.path, 0o600) == 0)
        #expect(store.layer(key) == nil, "one byte changed")
    }

    @Test func anEntryMovedToAnotherKeysNameIsNotRead() throws {
        let (directory, store, _, entry) = try Self.storedEntry()
        defer { withExtendedLifetime(directory) {} }
        let other = LayerKey(diffID: Digest.of(Data("two".utf8)), profile: "p")
        store.put(
            try #require(CachedLayer(FileLayerStoreTests.record(diffID: other.diffID), key: .default)), for: other)
        let entries = try #require(FileManager.default.enumerator(atPath: directory.url.path)).compactMap {
            $0 as? String
        }
        let otherEntry = try #require(entries.map(directory.path).first { $0.pathExtension == "layer" && $0 != entry })
        try FileManager.default.removeItem(at: otherEntry)
        try FileManager.default.copyItem(at: entry, to: otherEntry)
        #expect(store.layer(other) == nil)
    }

    @Test func aSharedKeyReadsAFolderOthersCanWriteButStillChecksSeals() throws {
        let directory = try TemporaryDirectory()
        let shared = FileLayerStore(directory: directory.url, key: CacheKey("team key", shared: true))
        let key = LayerKey(diffID: Digest.of(Data("one".utf8)), profile: "p")
        shared.put(try #require(CachedLayer(FileLayerStoreTests.record(diffID: key.diffID), key: .default)), for: key)
        #expect(chmod(directory.url.path, 0o2775) == 0)
        #expect(shared.layer(key) != nil)
        let outsider = FileLayerStore(directory: directory.url, key: CacheKey("guess", shared: true))
        #expect(outsider.layer(key) == nil)
    }
}

/// The key that seals the cache: kept outside it, created once per user, owner-only.
@Suite struct CacheKeyTests {
    @Test func theUsersKeyIsCreatedOnceOwnerOnlyAndASharedKeyWins() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("config/customs/cache-key")
        let first = try CacheKey.load(environment: [:], keyFile: file)
        let second = try CacheKey.load(environment: [:], keyFile: file)
        #expect(!first.isShared)
        #expect(first.name("x") == second.name("x"))
        let mode = try #require(FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let shared = try CacheKey.load(environment: [CacheKey.environmentVariable: "team"], keyFile: file)
        #expect(shared.isShared && shared.name("x") != first.name("x"))
        #expect(CacheKey.defaultKeyFile(["XDG_CONFIG_HOME": "/cfg"]).path == "/cfg/customs/cache-key")
    }

    @Test func aKeyFileOthersCanWriteIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("cache-key")
        _ = try CacheKey.load(environment: [:], keyFile: file)
        #expect(chmod(file.path, 0o666) == 0)
        #expect(throws: CacheKeyError.self) { try CacheKey.load(environment: [:], keyFile: file) }
    }
}
