import CustomsCore
import CustomsRegex
import Foundation

/// Compiled keyword prefilters, kept in the cache directory beside the layer results: compiling
/// one takes longer than the rest of a rescan served from the cache. Each file starts with the
/// SHA-256 (64 hex characters) of the database after it, checked before Vectorscan sees a byte.
public struct PrefilterFiles: PrefilterStore {
    let directory: URL

    public init(directory: URL) { self.directory = directory }

    private func file(_ key: String) -> URL {
        directory.appendingPathComponent(Digest.of(Data(key.utf8)).hex + ".hsdb")
    }

    public func load(_ key: String) -> Data? {
        guard let data = OwnedFiles.read(file(key), under: directory), data.count > 64 else { return nil }
        let body = Data(data.dropFirst(64))
        return data.prefix(64).elementsEqual(Digest.of(body).hex.utf8) ? body : nil
    }

    public func save(_ data: Data, as key: String) {
        AtomicFile.write(Data(Digest.of(data).hex.utf8) + data, to: file(key))
    }
}
