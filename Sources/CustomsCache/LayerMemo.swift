import CustomsCore
import CustomsWalker
import Synchronization

/// Layer records already produced in this run, by blob digest, for sources whose digests are
/// trusted (registries): the audit job's images share base layers, fetched and walked once.
final class LayerMemo: Sendable {
    private let records = Mutex<[Digest: LayerRecord]>([:])

    func record(_ digest: Digest) -> LayerRecord? { records.withLock { $0[digest] } }

    func keep(_ record: LayerRecord, as digest: Digest) { records.withLock { $0[digest] = record } }
}
