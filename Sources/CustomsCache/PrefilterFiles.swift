import CustomsCore
import CustomsRegex
import Foundation

/// Compiled keyword prefilters, kept in the cache directory beside the layer results: compiling
/// one takes longer than the rest of a rescan served from the cache. Each file is sealed with the
/// cache key, checked before Vectorscan sees a byte: a database planted without a rule would blind
/// every scan that loaded it.
public struct PrefilterFiles: PrefilterStore {
    let directory: URL
    let key: CacheKey

    public init(directory: URL, key: CacheKey) {
        self.directory = directory
        self.key = key
    }

    private func file(_ name: String) -> URL {
        directory.appendingPathComponent(Digest.of(Data(name.utf8)).hex + ".hsdb")
    }

    public func load(_ name: String) -> Data? {
        guard var bytes = OwnedFiles.read(file(name), under: directory, owned: !key.isShared),
            key.open(&bytes, as: "prefilter|\(name)")
        else { return nil }
        return Data(bytes)
    }

    public func save(_ data: Data, as name: String) {
        var bytes = [UInt8](data)
        key.seal(&bytes, as: "prefilter|\(name)")
        AtomicFile.write([bytes], to: file(name))
    }
}
