import CustomsCore
import CustomsWalker
import Testing

/// The flat encoding a layer's changes are kept in (a million entries cost their paths' bytes).
@Suite struct LayerChangesTests {
    static let every: [LayerChanges.Change] = [
        .directory(ImagePath("")), .directory(ImagePath("app")), .file(ImagePath("app/.env")),
        .symlink(ImagePath("app/link")), .hardlink(name: ImagePath("app/copy"), target: ImagePath("app/.env")),
        .hardlink(name: ImagePath("app/odd"), target: ImagePath("")), .other(ImagePath("dev/null")),
        .whiteout(ImagePath("etc/old")), .opaque(directory: ImagePath("var/cache")), .file(ImagePath("über/ß")),
    ]

    @Test func everyKindOfChangeRoundTripsInOrder() throws {
        let changes = LayerChanges(Self.every)
        #expect(changes.count == Self.every.count && changes.hardlinkCount == 2)
        #expect(Array(changes) == Self.every)
        let decoded = try #require(LayerChanges(encoded: changes.encoded))
        #expect(decoded.count == Self.every.count && decoded.hardlinkCount == 2)
        #expect(Array(decoded) == Self.every)
        #expect(LayerChanges(encoded: [])?.count == 0)
    }

    @Test(arguments: [
        Array("fapp".utf8), Array("xapp\0".utf8), Array("happ\0".utf8), Array("fa\0\0".utf8),
    ])
    func aMalformedEncodingIsRefused(_ bytes: [UInt8]) {
        #expect(LayerChanges(encoded: bytes) == nil)
    }
}
