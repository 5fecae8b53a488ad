import Foundation

/// The cache's defence against its neighbours: a cache folder or entry that someone else could
/// have written is not read. Whoever can write to the cache could otherwise plant a clean record
/// for a layer, or a prefilter compiled without a rule, and blind every later scan. Trusted means
/// owned by the effective user and not writable by group or others, at every level from the
/// cache folder down; entries are opened without following a link and must be regular files.
enum OwnedFiles {
    /// Why `folder` cannot hold a trusted cache, or nil when it can (or does not exist yet).
    static func problem(with folder: URL) -> String? {
        var info = stat()
        guard lstat(folder.path, &info) == 0 else { return nil }
        return problem(info, kind: S_IFDIR, path: folder.path)
    }

    private static func problem(_ info: stat, kind: mode_t, path: String) -> String? {
        if info.st_mode & S_IFMT != kind {
            return "\(path) is not a \(kind == S_IFDIR ? "directory" : "regular file")"
        }
        if info.st_uid != geteuid() { return "\(path) belongs to another user" }
        if info.st_mode & 0o022 != 0 { return "\(path) is writable by group or others" }
        return nil
    }

    /// The bytes of `file` (at most `limit`), when it and every folder from `root` down to it are
    /// trusted; nil otherwise (a missing entry, or one a neighbour could have written). With
    /// `owned` false (a store shared under a key, whose entries prove themselves) only the kind of
    /// each is checked: folders, and a regular file opened without following a link.
    static func read(_ file: URL, under root: URL, limit: Int = 64 << 20, owned: Bool = true) -> [UInt8]? {
        var folder = file.deletingLastPathComponent().standardizedFileURL
        let top = root.standardizedFileURL.path
        while owned {
            var info = stat()
            guard lstat(folder.path, &info) == 0, problem(info, kind: S_IFDIR, path: folder.path) == nil else {
                return nil
            }
            if folder.path == top || folder.path.count <= top.count { break }
            folder = folder.deletingLastPathComponent()
        }
        let descriptor = open(file.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size <= limit,
            owned ? problem(info, kind: S_IFREG, path: file.path) == nil : info.st_mode & S_IFMT == S_IFREG
        else { return nil }
        let size = Int(info.st_size)
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let got = Foundation.read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { break }
                count += got
            }
            complete = count == size
        }
        return complete ? bytes : nil
    }
}
