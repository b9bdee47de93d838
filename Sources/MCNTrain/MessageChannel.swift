import Synchronization

/// A lock-protected FIFO between threads: the engine sends, the screen drains on its tick.
/// (A blocking ncurses loop starves DispatchQueue.main, so the screen polls instead.)
public final class MessageChannel<Message: Sendable>: Sendable {
    private let queue = Mutex<[Message]>([])

    public init() {}

    public func send(_ message: Message) {
        queue.withLock { $0.append(message) }
    }

    /// Whether a message waiting to be drained matches (it stays in the channel).
    public func contains(where matches: (Message) -> Bool) -> Bool {
        queue.withLock { $0.contains(where: matches) }
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
