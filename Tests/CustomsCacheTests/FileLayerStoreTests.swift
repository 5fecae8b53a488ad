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
        let store = FileLayerStore(directory: directory.url)
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
        #expect(restored.changes.changes == [.file(ImagePath("app/.env"))])

        let facts = BlobFacts(diffID: one.diffID, compression: .gzip, size: 42)
        store.put(facts, for: Digest.of(Data("blob".utf8)))
        #expect(
            store.blobs([Digest.of(Data("blob".utf8)), Digest.of(Data("none".utf8))]) == [
                Digest.of(Data("blob".utf8)): facts
            ])
    }

    @Test func storedFilesHoldNoSecretAndOnlyTheirOwnerReadsThem() throws {
        let directory = try TemporaryDirectory()
        let store = FileLayerStore(directory: directory.url)
        let key = LayerKey(diffID: Digest.of(Data("one".utf8)), profile: "p")
        store.put(try #require(CachedLayer(Self.record(diffID: key.diffID), key: .default)), for: key)
        let files = try #require(FileManager.default.enumerator(atPath: directory.url.path)).compactMap {
            $0 as? String
        }
        var checked = 0
        for file in files where file.hasSuffix(".json") {
            let path = directory.path(file).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
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
        var store = FileLayerStore(directory: directory.url)
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
