import Foundation

/// A forward-only stream of bytes: a file, standard input, memory, or the data of an entry in
/// an enclosing archive. Readers pull from it; nothing is buffered beyond one read.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Skips up to `count` bytes without reading them; returns how many were skipped (0 when the
    /// source cannot seek, and the reader then reads and discards instead).
    func skip(_ count: Int64) throws -> Int64
}

/// A source that can lend its own buffers instead of copying into the caller's: a reader on top
/// (libarchive) then reads them in place, saving one copy of every byte.
public protocol BlockByteSource: ByteSource {
    /// The next bytes, in a buffer the source owns; empty at the end of the stream. Valid until
    /// the next call to `nextBlock()` or `read(into:)`.
    func nextBlock() throws -> UnsafeRawBufferPointer
}

extension BlockByteSource {
    /// Reads to the end block by block, lending each to `body` without a copy.
    public func drainBlocks(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            let block = try nextBlock()
            if block.isEmpty { return }
            try body(block)
        }
    }
}

extension ByteSource {
    public func skip(_ count: Int64) throws -> Int64 { 0 }

    /// Reads to the end, handing each chunk to `body` (nothing when only the reading matters:
    /// hashing wrappers, padding after a tar's end).
    public func drain(_ body: (UnsafeRawBufferPointer) throws -> Void = { _ in }) throws {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try read(into: chunk)
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }

    /// Reads to the end, failing when more than `limit` bytes arrive (documents, not layers).
    public func readAll(limit: Int) throws -> Data {
        var data = Data()
        try drain { chunk in
            data.append(contentsOf: chunk)
            if data.count > limit { throw ArchiveError(.tooLarge, "more than \(limit) bytes") }
        }
        return data
    }
}

/// Bytes held in memory (small blobs, tests).
public final class DataByteSource: ByteSource {
    private let data: Data
    private var offset = 0

    public init(_ data: Data) { self.data = data }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, data.count - offset)
        guard count > 0 else { return 0 }
        data.withUnsafeBytes { bytes in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// A host file or standard input read through a file descriptor, optionally capped at `limit`
/// bytes so a descriptor's size bounds what is read (`size + 1` lets the caller detect "too long").
public final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var remaining: Int64?
    /// True for regular files opened by path: skips become seeks.
    private var seekable = false

    /// Opens a regular file. Refuses FIFOs, devices and other non-regular files (opened without
    /// blocking, so a FIFO cannot hang the scan); never follows a symlink when `noFollow` is set.
    public convenience init(path: String, limit: Int64? = nil, noFollow: Bool = false) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (noFollow ? O_NOFOLLOW : 0))
        guard fd >= 0 else {
            throw ArchiveError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        try self.init(regularFile: fd, name: path, limit: limit)
    }

    /// Opens `relativePath` under the directory `root` one component at a time (`openat` with
    /// `O_NOFOLLOW`), so no symbolic link anywhere on the way, a directory included, leads outside
    /// `root`; the last component must be a regular file (opened without blocking, so a FIFO
    /// cannot hang the scan).
    public convenience init(root: String, relativePath: String, limit: Int64? = nil) throws {
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !components.contains(".") else {
            throw ArchiveError(.notRegularFile, "\(relativePath) is not a path inside \(root)")
        }
        var directory = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else {
            throw ArchiveError(.io, "cannot open \(root): \(String(cString: strerror(errno)))")
        }
        for component in components.dropLast() {
            let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(directory)
            guard next >= 0 else {
                throw ArchiveError(
                    .notRegularFile, "\(relativePath) in \(root) passes through a link or a missing directory")
            }
            directory = next
        }
        let fd = openat(directory, components.last!, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        let openError = errno
        close(directory)
        guard fd >= 0 else {
            throw ArchiveError(.io, "cannot open \(relativePath) in \(root): \(String(cString: strerror(openError)))")
        }
        try self.init(regularFile: fd, name: relativePath, limit: limit)
    }

    /// Takes `fd` if it is a regular file (closing it otherwise) and makes its reads blocking.
    private init(regularFile fd: Int32, name: String, limit: Int64?) throws {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ArchiveError(.notRegularFile, "\(name) is not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        descriptor = fd
        ownsDescriptor = true
        remaining = limit
        seekable = true
    }

    /// Opens a regular file positioned at byte `offset` (an entry inside an uncompressed archive).
    public convenience init(path: String, offset: Int64, noFollow: Bool = false) throws {
        try self.init(path: path, noFollow: noFollow)
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw ArchiveError(.io, "cannot seek to \(offset) in \(path): \(String(cString: strerror(errno)))")
        }
        seekable = true
    }

    /// Reads from an already open descriptor (standard input) that the caller keeps owning. A pipe
    /// is widened to 1 MiB (the most Linux gives without privileges), so the writer runs ahead and
    /// each read takes a megabyte instead of 64 KiB: fewer reads and thread wake-ups.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        ownsDescriptor = false
        remaining = nil
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO {
            let setPipeSize: Int32 = 1031  // F_SETPIPE_SZ (Linux), which Glibc's module map leaves out
            _ = fcntl(descriptor, setPipeSize, Int32(1 << 20))
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    public func skip(_ count: Int64) throws -> Int64 {
        guard seekable, count > 0 else { return 0 }
        let step = remaining.map { min($0, count) } ?? count
        guard lseek(descriptor, off_t(step), SEEK_CUR) >= 0 else { return 0 }
        if remaining != nil { remaining! -= step }
        return step
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var wanted = buffer.count
        if let remaining {
            if remaining <= 0 { return 0 }
            wanted = Int(min(Int64(wanted), remaining))
        }
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress, wanted)
            if count >= 0 {
                if remaining != nil { remaining! -= Int64(count) }
                return count
            }
            if errno == EINTR { continue }
            throw ArchiveError(.io, "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

extension ByteSource {
    /// Reads up to `count` bytes to look at (to sniff a format); the returned source reads them
    /// again, then the rest of this one.
    public func peek(upTo count: Int) throws -> PrefixedByteSource {
        var prefix = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = try prefix.withUnsafeMutableBytes {
                try self.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            if read == 0 { break }
            filled += read
        }
        prefix.removeLast(count - filled)
        return PrefixedByteSource(prefix: prefix, rest: self)
    }
}

/// Replays bytes already sniffed, then continues with the rest of the stream.
public final class PrefixedByteSource: ByteSource {
    /// The sniffed bytes.
    public let prefix: [UInt8]
    private var offset = 0
    private let rest: ByteSource

    public init(prefix: [UInt8], rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < prefix.count {
            let count = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            offset += count
            return count
        }
        return try rest.read(into: buffer)
    }
}
