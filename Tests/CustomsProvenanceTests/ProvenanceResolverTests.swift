import CustomsCore
import Testing

@testable import CustomsProvenance

/// The overlay model, fed by hand: OCI whiteout semantics, opaque directories, overwrites.
@Suite struct ProvenanceResolverTests {
    func file(_ path: String) -> ProvenanceChange { .added(ImagePath(path), isDirectory: false) }
    func dir(_ path: String) -> ProvenanceChange { .added(ImagePath(path), isDirectory: true) }

    /// A resolver that may be asked about every path the layers add.
    func resolver(_ layers: [[ProvenanceChange]]) -> ProvenanceResolver {
        let added = layers.joined().compactMap { change -> ImagePath? in
            if case .added(let path, _) = change { path } else { nil }
        }
        return ProvenanceResolver(layers: layers, asking: added)
    }

    @Test func indexesOnlyThePathsAskedAboutAndTheirAncestors() {
        var big = (0..<10_000).map { file("usr/share/doc/pkg\($0)/README") }
        big += [.whiteout(ImagePath("usr/lib/old")), .opaque(directory: ImagePath("var/cache")), dir("app")]
        let resolver = ProvenanceResolver(
            layers: [[file("app/.env")], big, [file("app/.env")]], asking: [ImagePath("app/.env")])
        #expect(resolver.layers.map(\.entries.count) == [1, 1, 1])
        #expect(resolver.layers[1].whiteouts.isEmpty && resolver.layers[1].opaques.isEmpty)
        #expect(resolver.visibility(of: ImagePath("app/.env"), layer: 0, entryIndex: 0) == .overwritten(layer: 2))
    }

    @Test func untouchedFileIsVisible() {
        let resolver = resolver([[dir("app"), file("app/.env")], [file("app/other")]])
        #expect(resolver.visibility(of: ImagePath("app/.env"), layer: 0, entryIndex: 1) == .visible)
    }

    @Test func whiteoutOfFileOrAncestorDeletes() {
        let file = ImagePath("app/conf/.env")
        #expect(
            resolver([[self.file("app/conf/.env")], [], [.whiteout(file)]])
                .visibility(of: file, layer: 0, entryIndex: 0) == .deleted(layer: 2))
        #expect(
            resolver([[self.file("app/conf/.env")], [.whiteout(ImagePath("app"))]])
                .visibility(of: file, layer: 0, entryIndex: 0) == .deleted(layer: 1))
    }

    @Test func whiteoutInTheSameLayerDoesNotDelete() {
        let resolver = resolver([[file("a/b"), .whiteout(ImagePath("a/b"))]])
        #expect(resolver.visibility(of: ImagePath("a/b"), layer: 0, entryIndex: 0) == .visible)
    }

    @Test func opaqueDirectoryHidesLowerContentOnly() {
        let resolver = resolver([
            [file("etc/app/key")], [.opaque(directory: ImagePath("etc/app")), file("etc/app/new")],
        ])
        #expect(
            resolver.visibility(of: ImagePath("etc/app/key"), layer: 0, entryIndex: 0)
                == .hiddenByOpaqueDirectory(layer: 1))
        #expect(resolver.visibility(of: ImagePath("etc/app/new"), layer: 1, entryIndex: 1) == .visible)
    }

    @Test func laterEntriesOverwrite() {
        let resolver = resolver([[file("x"), file("x"), file("d/y")], [file("x")], [file("d")]])
        #expect(resolver.visibility(of: ImagePath("x"), layer: 0, entryIndex: 0) == .overwritten(layer: 0))
        #expect(resolver.visibility(of: ImagePath("x"), layer: 0, entryIndex: 1) == .overwritten(layer: 1))
        #expect(resolver.visibility(of: ImagePath("x"), layer: 1, entryIndex: 0) == .visible)
        #expect(
            resolver.visibility(of: ImagePath("d/y"), layer: 0, entryIndex: 2) == .overwritten(layer: 2),
            "a file replacing the parent directory")
    }

    @Test func theFirstLaterChangeDecides() {
        let resolver = resolver([[file("s")], [.whiteout(ImagePath("s"))], [file("s")]])
        #expect(resolver.visibility(of: ImagePath("s"), layer: 0, entryIndex: 0) == .deleted(layer: 1))
    }
}
