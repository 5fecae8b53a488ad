import CustomsCore
import Foundation

/// Local blobs already hashed and found to match their digest, remembered (in the cache
/// directory) by the identity of the file holding them, so a rescan of an unchanged file serves
/// its cached layers without reading them again. A file is the same when its device, inode,
/// size, modification and change times are: the change time cannot be set back by a user, and
/// any write, rename-over or `touch` moves it. A file changed less than `settleTime` before it
/// was read is not remembered, since a write within one tick of the file system's clock could
/// leave every time stamp as it was.
struct VerifiedBlobs: Sendable {
    let directory: URL
    /// Names each mark: only the key's holders can make one (a mark is an empty file).
    let key: CacheKey
    var settleTime: TimeInterval = 1

    /// Where a blob's bytes lie: a local file, and the offset of the blob (or its tar entry) in it.
    struct Location: Sendable {
        var path: String
        var offset: Int64
    }

    /// A location's file as it was just before its bytes were read.
    struct Sighting: Sendable {
        let location: Location
        let identity: FileIdentity
        let time: Date
    }

    /// The file at `location` now, before reading it; nil when it is not a regular file.
    func sight(_ location: Location) -> Sighting? {
        let time = Date()
        return FileIdentity(path: location.path).map { Sighting(location: location, identity: $0, time: time) }
    }

    /// True when the bytes at `sighting` hashed to `digest` before, and the file has not changed since.
    func contains(_ sighting: Sighting, _ digest: Digest) -> Bool {
        OwnedFiles.read(marker(sighting, digest), under: directory, owned: !key.isShared) != nil
    }

    /// Records that the bytes read since `sighting` hashed to `digest`, if the file is still the
    /// one sighted and had been left alone for `settleTime` before it was read.
    func insert(_ sighting: Sighting, _ digest: Digest) {
        guard FileIdentity(path: sighting.location.path) == sighting.identity,
            sighting.identity.changed < sighting.time.addingTimeInterval(-settleTime).timeIntervalSince1970
        else { return }
        AtomicFile.write([], to: marker(sighting, digest))
    }

    private func marker(_ sighting: Sighting, _ digest: Digest) -> URL {
        let name = key.name("customs-verified-v2|\(sighting.identity)|\(sighting.location.offset)|\(digest)")
        return directory.appendingPathComponent(String(name.prefix(2))).appendingPathComponent(name)
    }
}

/// What tells one version of a file from another without reading it.
struct FileIdentity: Equatable, Sendable, CustomStringConvertible {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedNanoseconds: Int64
    let changedNanoseconds: Int64

    /// `lstat` of a regular file; nil for anything else or when it cannot be read.
    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changedNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// The change time, in seconds since 1970.
    var changed: TimeInterval { TimeInterval(changedNanoseconds) / 1e9 }

    var description: String { "\(device)|\(inode)|\(size)|\(modifiedNanoseconds)|\(changedNanoseconds)" }
}
