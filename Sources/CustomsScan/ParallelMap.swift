import Dispatch
import Synchronization

/// Maps items on up to `width` threads, keeping input order. Each call of `transform` runs on
/// its own thread with its own state, so per-task objects (walkers, scratch) are never shared.
enum ParallelMap {
    /// - Parameter cost: when given, the costliest items start first (largest layers first), so
    ///   no thread is left alone with a big item at the end.
    static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], width: Int, cost: ((Item) -> Int64)? = nil,
        _ transform: @Sendable (Item) -> Output
    ) -> [Output] {
        guard items.count > 1, width > 1 else { return items.map(transform) }
        let order =
            cost.map { cost in items.indices.sorted { cost(items[$0]) > cost(items[$1]) } } ?? Array(items.indices)
        let state = Mutex((next: 0, results: [Output?](repeating: nil, count: items.count)))
        DispatchQueue.concurrentPerform(iterations: min(width, items.count)) { _ in
            while true {
                let position = state.withLock { state in
                    defer { state.next += 1 }
                    return state.next
                }
                guard position < items.count else { return }
                let index = order[position]
                let output = transform(items[index])
                state.withLock { $0.results[index] = output }
            }
        }
        return state.withLock { $0.results.map { $0! } }
    }
}
