import CustomsCore

/// An image reference as users type it (`registry/repo:tag`, `repo@sha256:…`, `alpine`), split
/// into the registry host, the repository and the tag or digest. Docker Hub short names resolve
/// the usual way: `alpine` is `docker.io/library/alpine:latest`.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// The registry as written (`docker.io`, `127.0.0.1:5000`, `ghcr.io`).
    public let registry: String
    /// Repository path inside the registry (`library/alpine`, `team/app`).
    public let repository: String
    /// The tag, when the reference names one (`latest` when it names neither tag nor digest).
    public let tag: String?
    /// The manifest digest, when the reference pins one.
    public let digest: Digest?

    public static let dockerHub = "docker.io"

    /// Parses a reference; nil for anything that is not one (a path, an empty string, upper case
    /// in the repository, a malformed digest).
    /// True when `text` is a reference that names its registry (`registry.example.com/app`,
    /// `localhost:5000/app`), not one that implies Docker Hub (`alpine`, `team/app`).
    public static func namesRegistry(_ text: String) -> Bool {
        guard let reference = ImageReference(parsing: text), let first = text.split(separator: "/").first,
            text.contains("/")
        else { return false }
        return String(first) == reference.registry || (reference.registry == dockerHub && first.contains("."))
    }

    public init?(parsing text: String) {
        guard !text.isEmpty, text.count <= 4096, !text.hasPrefix("/"), !text.hasPrefix("."),
            !text.contains("//"), !text.contains(where: { $0.isWhitespace })
        else { return nil }
        var rest = Substring(text)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            guard let parsed = Digest(parsing: String(rest[rest.index(after: at)...])) else { return nil }
            digest = parsed
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            let candidate = rest[rest.index(after: colon)...]
            guard Self.isTag(candidate) else { return nil }
            tag = String(candidate)
            rest = rest[..<colon]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var registry = Self.dockerHub
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase)
        {
            guard Self.isHost(first) else { return nil }
            registry = first
            components.removeFirst()
        }
        guard !components.isEmpty, components.allSatisfy(Self.isPathComponent) else { return nil }
        if registry == Self.dockerHub && components.count == 1 { components.insert("library", at: 0) }
        self.registry = registry
        repository = components.joined(separator: "/")
        self.digest = digest
        self.tag = tag ?? (digest == nil ? "latest" : nil)
    }

    public init(registry: String, repository: String, tag: String?, digest: Digest?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// The same repository at another tag.
    public func with(tag: String) -> ImageReference {
        ImageReference(registry: registry, repository: repository, tag: tag, digest: nil)
    }

    /// What the manifests endpoint is asked for: the digest when pinned, else the tag.
    public var manifestReference: String { digest?.description ?? tag ?? "latest" }

    /// The host the API is reached at (Docker Hub's API host differs from its name).
    public var apiHost: String { Self.apiHost(of: registry) }

    /// The API host of a registry name.
    public static func apiHost(of registry: String) -> String {
        registry == dockerHub ? "registry-1.docker.io" : registry
    }

    /// `registry/repository[:tag][@digest]`, fully qualified.
    public var description: String {
        var text = "\(registry)/\(repository)"
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    /// True when the text names a repository without a tag or digest (what `--all-tags` needs).
    public static func namesRepositoryOnly(_ text: String) -> Bool {
        let last = text.split(separator: "/").last ?? ""
        return !text.contains("@") && !last.contains(":")
    }

    // Grammar of the distribution reference format (lower-case path components, tags of at
    // most 128 word characters, dots and dashes).
    private static func isPathComponent(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return text.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
            && !text.contains("..")
    }

    private static func isTag(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 128, first != UInt8(ascii: "."),
            first != UInt8(ascii: "-")
        else { return false }
        return text.utf8.allSatisfy {
            isAlphanumeric($0) || (65...90).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
                || $0 == UInt8(ascii: "-")
        }
    }

    private static func isHost(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first, !host.isEmpty else { return false }
        if parts.count == 2 { guard let port = Int(parts[1]), (1...65535).contains(port) else { return false } }
        guard !host.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            return false
        }
        return host.utf8.allSatisfy {
            isAlphanumeric($0) || (65...90).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (97...122).contains(byte) }
}
