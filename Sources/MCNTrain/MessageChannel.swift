import Synchronization

/// A lock-protected FIFO between threads: the engine sends, the screen drains on its tick.
/// (A blocking ncurses loop starves DispatchQueue.main, so the screen polls instead.)
public final class MessageChannel<Message: Sendable>: Sendable {
    private let queue = Mutex<[Message]>([])

    public init() {}

    public func send(_ message: Message) {
        queue.withLock { $0.append(message) }
    }

    /// Everything sent since the last drain, in order.
    public func drain() -> [Message] {
        queue.withLock { q in
            let all = q
            q.removeAll(keepingCapacity: true)
            return all
        }
    }
}
