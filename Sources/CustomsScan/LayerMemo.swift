import CustomsCore
import CustomsWalker
import Foundation

/// Layer records already produced in this run, by blob digest, for sources whose digests are
/// trusted (registries): the audit job's images share base layers, fetched and walked once.
final class LayerMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [Digest: LayerRecord] = [:]

    func record(_ digest: Digest) -> LayerRecord? { lock.withLock { records[digest] } }

    func keep(_ record: LayerRecord, as digest: Digest) { lock.withLock { records[digest] = record } }
}
