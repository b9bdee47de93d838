/// The facts about the screen and the run that the keys' words in the footer and the help depend
/// on: `q` closes a read-only view but stops a live run; `space/p` offers to resume while paused.
public struct KeyFacts: Sendable, Equatable {
    /// A read-only view (`mcn-tui view`): nothing to steer or stop.
    public var readOnly: Bool
    /// The run has ended (finished, failed, interrupted): nothing left to steer or stop.
    public var ended: Bool
    public var paused: Bool
    /// The display is frozen (`f`).
    public var frozen: Bool
    /// The retrieval browser has queries to browse (before any filter): without, the footer does
    /// not offer to move through, filter or open them.
    public var hasQueries: Bool

    public init(readOnly: Bool = false, ended: Bool = false, paused: Bool = false, frozen: Bool = false, hasQueries: Bool = true) {
        self.readOnly = readOnly; self.ended = ended; self.paused = paused; self.frozen = frozen; self.hasQueries = hasQueries
    }

    /// The facts of this screen: the snapshot's run and the UI state.
    public init(_ s: Snapshot, _ ui: UIState) {
        self.init(readOnly: ui.readOnly, ended: s.state.hasEnded, paused: s.paused || s.state == .paused, frozen: ui.frozen,
                  hasQueries: !(s.retrieval?.queries.isEmpty ?? true))
    }

    /// Whether there is an engine to steer, and so a quit to confirm (`KeyTable.canSteer`).
    public var canSteer: Bool { !readOnly && !ended }
}

/// When a binding's words differ from its usual ones.
public enum KeyCondition: Sendable {
    case readOnly, ended, paused, frozen

    func holds(_ f: KeyFacts) -> Bool {
        switch self {
        case .readOnly: return f.readOnly
        case .ended: return f.ended
        case .paused: return f.paused
        case .frozen: return f.frozen
        }
    }
}

/// Other words for a binding while a condition holds (nil keeps the usual ones).
public struct KeyVariant: Sendable {
    public var when: KeyCondition
    public var help: String?
    public var footer: String?

    public init(_ when: KeyCondition, help: String? = nil, footer: String? = nil) {
        self.when = when; self.help = help; self.footer = footer
    }
}

extension KeyBinding {
    /// The help text under these facts: the first variant whose condition holds and that has one.
    public func help(_ facts: KeyFacts) -> String {
        variants.first { $0.when.holds(facts) && $0.help != nil }?.help ?? help
    }

    /// The footer hint under these facts (nil: the binding stays out of the footer).
    public func footer(_ facts: KeyFacts) -> String? {
        guard let usual = footer else { return nil }
        return variants.first { $0.when.holds(facts) && $0.footer != nil }?.footer ?? usual
    }
}
