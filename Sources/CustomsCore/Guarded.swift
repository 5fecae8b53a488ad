import Foundation

/// State shared by threads that wait for each other (a producer and a consumer), behind one
/// condition variable. The state is reachable only inside `withLock`, which can first wait until
/// the state is ready and wakes every waiter after, so no caller pairs lock and unlock by hand.
/// Use `Synchronization.Mutex` where nobody waits.
///
/// `@unchecked Sendable`: `state` is read and written only with `condition` locked.
public final class Guarded<State>: @unchecked Sendable {
    private let condition = NSCondition()
    private var state: State

    public init(_ state: State) { self.state = state }

    /// Runs `body` on the state once `ready` holds or `deadline` passes (nil: waiting as long as
    /// it takes), then wakes every thread waiting on this state.
    public func withLock<Result>(
        waitingUntil ready: (State) -> Bool = { _ in true }, deadline: Date? = nil,
        _ body: (inout State) throws -> Result
    ) rethrows -> Result {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        while !ready(state) {
            if let deadline {
                guard condition.wait(until: deadline) else { break }
            } else {
                condition.wait()
            }
        }
        return try body(&state)
    }
}
