import Foundation

/// How registries are reached: which are plain http, extra trusted CAs, where credentials come
/// from, timeouts and retries. Filled from CLI flags.
public struct RegistryOptions: Sendable {
    /// `HOST[:PORT]` reached over plain http (`--insecure-registry`); all others use verified TLS.
    public var insecureRegistries: Set<String> = []
    /// PEM file of extra CA certificates trusted besides the system's (`--ca-file`).
    public var caFile: String?
    /// Credentials given on the command line, by registry; they win over the Docker config.
    public var credentials: [String: RegistryCredential] = [:]
    /// Where other credentials come from; nil for anonymous only.
    public var credentialStore: DockerCredentialStore? = DockerCredentialStore()
    /// Expand a repository to all of its tags (`--all-tags`).
    public var allTags = false
    public var connectTimeout: TimeInterval = 15
    /// Longest silence while a response is streaming.
    public var readTimeout: TimeInterval = 60
    /// Longest a document request (manifest, config, token, tag list) may take in all.
    public var documentDeadline: TimeInterval = 120
    /// The slowest transfer a blob may keep up in all: a server that sends a byte a minute never
    /// trips `readTimeout`, but cannot hold a blob past `documentDeadline` plus its size at this rate.
    public var slowestBlobBytesPerSecond: Double = 256 * 1024
    /// The most tags one repository may list for `--all-tags`.
    public var maxTags = 10_000

    /// The whole-request deadline of a blob of `size` bytes (unknown: the size of a large layer).
    func blobDeadline(size: Int64?) -> TimeInterval {
        documentDeadline + Double(size ?? (4 << 30)) / slowestBlobBytesPerSecond
    }

    /// Extra attempts after a 429, a 5xx or a failed connection.
    public var retries = 3
    /// First backoff; doubled per attempt, capped at 10 s (a `Retry-After` is honoured up to the cap).
    public var retryDelay: TimeInterval = 0.5
    /// Redirects followed per request.
    public var maxRedirects = 5
    /// Resolves the host names of token realms and redirect targets to addresses (the system's
    /// resolver). Each name is resolved once per client; its first address, checked against the
    /// endpoint policy, is the one every connection to that name uses.
    public var resolveHost: @Sendable (String) -> [String] = { EndpointPolicy.resolve($0) }
    /// The most distinct realm and redirect hosts one client connects to.
    public var maxPinnedHosts = 32

    public init() {}
}
