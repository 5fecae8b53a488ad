import CustomsCore
import CustomsImage
import Foundation

/// Registry references as scan targets: any target that is not an existing path and parses as
/// an image reference is fetched from its registry. Plugged into `ScanOptions.remoteImages` by
/// the CLI, so the scan itself never links the network code.
public final class RegistrySource: RemoteImageSource {
    public let client: RegistryClient

    public init(options: RegistryOptions) throws {
        client = try RegistryClient(options: options)
    }

    public func expand(_ target: String) throws -> [String] {
        guard client.options.allTags, !FileManager.default.fileExists(atPath: target),
            let reference = ImageReference(parsing: target)
        else { return [target] }
        guard ImageReference.namesRepositoryOnly(target) else {
            throw RegistryError(.protocolError, "--all-tags takes a repository without a tag or digest; got \(target)")
        }
        return try tags(of: reference).map { reference.with(tag: $0).description }
    }

    public func source(for target: String) throws -> (any ImageSource)? {
        guard !Self.looksLikeFile(target), let reference = ImageReference(parsing: target) else { return nil }
        return try RegistryBlobStore(client: client, reference: reference, target: target)
    }

    /// A missing `app.tar` is a mistyped path, not Docker Hub's `library/app.tar`.
    static func looksLikeFile(_ target: String) -> Bool {
        let name = target.lowercased()
        return [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".gz", ".zst", ".oci"].contains { name.hasSuffix($0) }
    }

    /// Every tag of the repository, following `Link: <…>; rel="next"` pages.
    public func tags(of reference: ImageReference) throws -> [String] {
        struct Page: Decodable { var tags: [String]? }
        var tags: [String] = []
        var path = "tags/list?n=1000"
        for _ in 0..<1000 {
            let (head, data) = try client.fetch(reference, path, limit: JSONDocument.maxBytes)
            guard let page = try? JSONDecoder().decode(Page.self, from: data) else {
                throw RegistryError(
                    .protocolError, "\(reference.registry)/\(reference.repository): the tag list is not valid JSON")
            }
            tags += page.tags ?? []
            guard tags.count <= client.options.maxTags else {
                throw RegistryError(
                    .protocolError,
                    "\(reference.registry)/\(reference.repository) lists more than \(client.options.maxTags) tags; "
                        + "scan the tags you need by name")
            }
            guard let link = head.headers.first(name: "Link"),
                let next = Self.nextPage(link, under: "/v2/\(reference.repository)/")
            else { break }
            path = next
        }
        guard !tags.isEmpty else {
            throw RegistryError(.notFound, "\(reference.registry)/\(reference.repository) has no tags")
        }
        return tags.filter { ImageReference(parsing: "x:\($0)") != nil }.sorted()
    }

    /// The part after `prefix` (`/v2/<repository>/`, or `/v2/` for the catalog) of a `Link`
    /// header's next page; nil when there is none or it leaves `prefix`.
    public static func nextPage(_ link: String, under prefix: String) -> String? {
        guard link.contains("rel=\"next\""), let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"),
            open < close
        else { return nil }
        let target = link[link.index(after: open)..<close]
        let path = URL(string: String(target), relativeTo: URL(string: "http://registry/"))?.absoluteURL
        guard let path, let components = URLComponents(url: path, resolvingAgainstBaseURL: false) else { return nil }
        guard components.path.hasPrefix(prefix) else { return nil }
        return String(components.path.dropFirst(prefix.count)) + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
    }
}
