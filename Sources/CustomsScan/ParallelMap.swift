import Dispatch
import Foundation

/// Maps items on up to `width` threads, keeping input order. Each call of `transform` runs on
/// its own thread with its own state, so per-task objects (walkers, scratch) are never shared.
enum ParallelMap {
    static func map<Item, Output>(_ items: [Item], width: Int, _ transform: (Item) -> Output) -> [Output] {
        guard items.count > 1, width > 1 else { return items.map(transform) }
        let lock = NSLock()
        var results = [Output?](repeating: nil, count: items.count)
        var next = 0
        DispatchQueue.concurrentPerform(iterations: min(width, items.count)) { _ in
            while true {
                lock.lock()
                let index = next
                next += 1
                lock.unlock()
                guard index < items.count else { return }
                let output = transform(items[index])
                lock.lock()
                results[index] = output
                lock.unlock()
            }
        }
        return results.map { $0! }
    }
}
