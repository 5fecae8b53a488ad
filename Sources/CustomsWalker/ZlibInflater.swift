import CustomsArchive

/// The fallback for gzip streams ISA-L refuses: libarchive's gzip filter (zlib) over the blob's
/// bytes as they are. zlib stops at the end of the gzip data and ignores what follows; this
/// counts it, since no runtime unpacks those bytes yet they could hide a file.
struct ZlibInflater {
    /// The inflated bytes.
    let reader: ArchiveReader

    init(_ compressed: ByteSource) throws {
        reader = try ArchiveReader(source: compressed, format: .raw, decompress: true)
        guard try reader.nextEntry() != nil else { throw ArchiveError(.malformed, "the blob is empty") }
    }

    /// Reads `blob` to its end once the inflated bytes are all read; the bytes zlib left after the
    /// gzip data, or nil when there are none.
    func bytesAfterTheEnd(of blob: PipelinedByteSource) throws -> Int64? {
        try blob.drainBlocks { _ in }
        let ignored = blob.producedByteCount - reader.sourceBytesConsumed
        return ignored > 0 ? ignored : nil
    }
}
