import CustomsCore
import Testing

@testable import CustomsRegistry

@Suite struct ImageReferenceTests {
    @Test(arguments: [
        ("alpine", "docker.io", "library/alpine", "latest"),
        ("alpine:3.20", "docker.io", "library/alpine", "3.20"),
        ("team/app:v1", "docker.io", "team/app", "v1"),
        ("docker.io/library/debian", "docker.io", "library/debian", "latest"),
        ("ghcr.io/org/tool:1.2.3-rc_1", "ghcr.io", "org/tool", "1.2.3-rc_1"),
        ("127.0.0.1:5000/corpus/app:latest", "127.0.0.1:5000", "corpus/app", "latest"),
        ("localhost/app", "localhost", "app", "latest"),
        ("registry.example.com:8443/a/b/c", "registry.example.com:8443", "a/b/c", "latest"),
    ])
    func parses(_ text: String, _ registry: String, _ repository: String, _ tag: String) throws {
        let reference = try #require(ImageReference(parsing: text))
        #expect(reference.registry == registry)
        #expect(reference.repository == repository)
        #expect(reference.tag == tag)
        #expect(reference.digest == nil)
    }

    @Test func digestPinsTheManifest() throws {
        let hex = String(repeating: "ab", count: 32)
        let reference = try #require(ImageReference(parsing: "ghcr.io/org/app@sha256:\(hex)"))
        #expect(reference.tag == nil)
        #expect(reference.manifestReference == "sha256:\(hex)")
        #expect(reference.description == "ghcr.io/org/app@sha256:\(hex)")
        #expect(ImageReference(parsing: "app:v1@sha256:\(hex)")?.tag == "v1")
        #expect(ImageReference(parsing: "app@sha256:abc") == nil)
    }

    @Test(arguments: [
        "", "/abs/path.tar", "./image.tar", "../x", "app/UPPER", "a//b", "app:", "app:-bad", "has space",
        "host:99999/app", "app:\(String(repeating: "t", count: 129))", "a..b/c", ".host/app",
    ])
    func rejectsWhatIsNotAReference(_ text: String) {
        #expect(ImageReference(parsing: text) == nil)
    }

    @Test func dockerHubUsesItsAPIHost() throws {
        #expect(ImageReference(parsing: "alpine")?.apiHost == "registry-1.docker.io")
        #expect(ImageReference(parsing: "quay.io/a/b")?.apiHost == "quay.io")
    }

    @Test func repositoryOnlyTargetsForAllTags() {
        #expect(ImageReference.namesRepositoryOnly("127.0.0.1:5000/team/app"))
        #expect(!ImageReference.namesRepositoryOnly("127.0.0.1:5000/team/app:v1"))
        #expect(!ImageReference.namesRepositoryOnly("team/app@sha256:\(String(repeating: "0", count: 64))"))
    }
}

/// A password given on standard input goes only to a registry the target names: a short name
/// implies Docker Hub, which the user never named.
@Suite struct NamedRegistryTests {
    @Test(arguments: [
        ("registry.example.com/team/app:1", true), ("localhost:5000/app", true), ("docker.io/library/alpine", true),
        ("127.0.0.1:5000/app@sha256:" + String(repeating: "a", count: 64), true),
        ("alpine", false), ("team/app:1.4", false), ("library/alpine", false), ("app.tar", false),
    ])
    func namesRegistry(_ target: String, _ expected: Bool) {
        #expect(ImageReference.namesRegistry(target) == expected)
    }
}
