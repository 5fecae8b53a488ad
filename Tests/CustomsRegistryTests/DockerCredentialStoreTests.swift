import Foundation
import Testing

@testable import CustomsRegistry

@Suite struct DockerCredentialStoreTests {
    func store(_ json: String) throws -> (DockerCredentialStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "customs-docker-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("config.json")
        try Data(json.utf8).write(to: file)
        return (DockerCredentialStore(configFile: file), folder)
    }

    @Test func authsEntriesByHostAndDockerHubAliases() throws {
        let auth = Data("alice:s3cret:with:colons".utf8).base64EncodedString()
        let (store, folder) = try store(
            #"{"auths": {"registry.example.com": {"auth": "\#(auth)"}, "https://index.docker.io/v1/": {"username": "bob", "password": "pw"}}}"#
        )
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            try store.credential(for: "registry.example.com")
                == RegistryCredential(username: "alice", password: "s3cret:with:colons"))
        #expect(try store.credential(for: "docker.io")?.username == "bob")
        #expect(try store.credential(for: "other.example.com") == nil)
    }

    @Test func aMissingConfigIsAnonymous() throws {
        #expect(
            try DockerCredentialStore(configFile: URL(fileURLWithPath: "/nonexistent/config.json")).credential(
                for: "x.io") == nil)
    }

    @Test func helpersAreNamedSafelyAndMustExist() throws {
        let (bad, folder) = try store(#"{"credHelpers": {"x.io": "../../bin/sh"}}"#)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: RegistryError.self) { try bad.credential(for: "x.io") }
        let (missing, other) = try store(#"{"credsStore": "customs-no-such-helper"}"#)
        defer { try? FileManager.default.removeItem(at: other) }
        #expect { try missing.credential(for: "x.io") } throws: { "\($0)".contains("not on PATH") }
    }

    @Test func aCredentialNeverPrintsItsSecret() {
        let credential = RegistryCredential(username: "alice", password: "hunter2-secret")
        #expect(!"\(credential)".contains("hunter2"))
        #expect(credential.basicAuthorization == "Basic " + Data("alice:hunter2-secret".utf8).base64EncodedString())
    }

    @Test func linkHeaderNextPage() {
        #expect(
            RegistrySource.nextPage(#"</v2/team/app/tags/list?last=v9&n=1000>; rel="next""#, under: "/v2/team/app/")
                == "tags/list?last=v9&n=1000")
        #expect(RegistrySource.nextPage(#"</v2/other/tags/list?n=1>; rel="next""#, under: "/v2/team/app/") == nil)
        #expect(RegistrySource.nextPage(#"</v2/team/app/tags/list>; rel="prev""#, under: "/v2/team/app/") == nil)
    }
}
