import CustomsCore
import CustomsImage
import Foundation

/// Which tags of a repository an audit takes: all, the newest N by their config's `created`, or
/// those matching a glob (`v*`, `release-[0-9]*`).
public enum TagPolicy: Sendable, Equatable {
    case all
    case newest(Int)
    case matching(String)

    /// `all`, `newest:N`, or a glob.
    public init?(parsing text: String) {
        if text == "all" {
            self = .all
        } else if text.hasPrefix("newest:") {
            guard let count = Int(text.dropFirst("newest:".count)), count > 0 else { return nil }
            self = .newest(count)
        } else if !text.isEmpty {
            self = .matching(text)
        } else {
            return nil
        }
    }
}

/// A whole registry as audit targets: the repositories its catalog lists (following pages),
/// filtered by globs, each expanded to the tags a `TagPolicy` takes.
public struct RegistryCatalog: Sendable {
    public let source: RegistrySource
    /// Repositories asked for per catalog page.
    let pageSize: Int

    public init(source: RegistrySource, pageSize: Int = 1000) {
        self.source = source
        self.pageSize = pageSize
    }

    /// Every repository of `registry`'s catalog (`GET /v2/_catalog`, `Link` pages followed).
    public func repositories(of registry: String) throws -> [String] {
        struct Page: Decodable { var repositories: [String]? }
        let root = ImageReference(registry: registry, repository: "_catalog", tag: nil, digest: nil)
        var repositories: [String] = []
        var path = "_catalog?n=\(pageSize)"
        for _ in 0..<10_000 {
            let (head, data) = try source.client.fetch(root, path, limit: JSONDocument.maxBytes, catalog: true)
            guard let page = try? JSONDecoder().decode(Page.self, from: data) else {
                throw RegistryError(.protocolError, "\(registry): the catalog is not valid JSON")
            }
            repositories += page.repositories ?? []
            guard let link = head.headers.first(name: "Link"),
                let next = RegistrySource.nextPage(link, under: "/v2/")
            else { break }
            path = next
        }
        return repositories
    }

    /// The references an audit of `registry` scans: repositories matching any of `repositories`
    /// (globs; all when empty), each with the tags `policy` takes, sorted.
    public func targets(of registry: String, repositories globs: [String], tags policy: TagPolicy) throws -> [String] {
        let names = try repositories(of: registry).filter { name in
            globs.isEmpty || globs.contains { fnmatch($0, name, 0) == 0 }
        }
        var targets: [String] = []
        for name in names.sorted() {
            let repository = ImageReference(registry: registry, repository: name, tag: nil, digest: nil)
            let tags = try source.tags(of: repository)
            let chosen: [String]
            switch policy {
            case .all: chosen = tags
            case .matching(let glob): chosen = tags.filter { fnmatch(glob, $0, 0) == 0 }
            case .newest(let count):
                let dated = try tags.map { tag in (tag, try created(repository.with(tag: tag)) ?? .distantPast) }
                chosen = dated.sorted { ($0.1, $0.0) > ($1.1, $1.0) }.prefix(count).map(\.0)
            }
            targets += chosen.sorted().map { repository.with(tag: $0).description }
        }
        return targets
    }

    /// The `created` date of the image `reference` names (for an index, of its first image).
    public func created(_ reference: ImageReference) throws -> Date? {
        struct Document: Decodable {
            struct Descriptor: Decodable { var digest: String }
            var manifests: [Descriptor]?
            var config: Descriptor?
        }
        var manifest = try source.client.fetch(
            reference, "manifests/\(reference.manifestReference)", accept: RegistryBlobStore.manifestTypes,
            limit: JSONDocument.maxBytes
        ).1
        if let first = (try? JSONDecoder().decode(Document.self, from: manifest))?.manifests?.first {
            manifest = try source.client.fetch(
                reference, "manifests/\(first.digest)", accept: RegistryBlobStore.manifestTypes,
                limit: JSONDocument.maxBytes
            ).1
        }
        guard let config = (try? JSONDecoder().decode(Document.self, from: manifest))?.config else { return nil }
        struct Config: Decodable { var created: String? }
        let data = try source.client.fetch(reference, "blobs/\(config.digest)", limit: JSONDocument.maxBytes).1
        guard let text = (try? JSONDecoder().decode(Config.self, from: data))?.created, text.count >= 19 else {
            return nil
        }
        // To the second (configs write up to nanoseconds, which the formatter does not read), as UTC.
        return ISO8601DateFormatter().date(from: text.prefix(19) + "Z")
    }
}
