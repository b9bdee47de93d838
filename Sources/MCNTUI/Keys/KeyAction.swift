/// What a key does. Dispatch turns an action into a UIState change and/or engine commands.
public enum KeyAction: Hashable, Sendable {
    case pauseResume, checkpoint, evaluate, freeze
    /// Halve / double the engine's base learning rate.
    case lowerLearningRate, raiseLearningRate
    case focusNext, focusPrevious, togglePanel(PanelID)
    case toggleHelp, closeHelp, quit, confirmQuit, cancelQuit
    case cycleSmoothing, toggleLogY, zoomIn, zoomOut, zoomAll, nextSeriesSet
    case moveUp, moveDown, pageUp, pageDown, first, last
    case startFilter, applyFilter, clearFilter, deleteFilterChar
    case openDetail, closeDetail
    /// `g` waiting for a second `g` (vim keys).
    case gPrefix

    /// Whether the action asks something of the engine (and so means nothing without one).
    public var steersEngine: Bool {
        switch self {
        case .pauseResume, .checkpoint, .evaluate, .lowerLearningRate, .raiseLearningRate: return true
        default: return false
        }
    }
}

/// Where a binding applies. The help screen has one section per scope.
public enum KeyScope: String, CaseIterable, Sendable {
    case global = "Everywhere"
    case curves = "Loss curves"
    case retrieval = "Retrieval browser (focus it with Tab)"
    case detail = "Retrieval detail view"
    case log = "Log pane (focused)"
    case filter = "While typing a filter"
    case help = "Help screen"
    case dialog = "Quit confirmation"
}

/// Which key set a binding belongs to: always, only with `--vim-keys`, or only without.
public enum KeyMode: Sendable {
    case always, vimOnly, plainOnly
}

/// One row of the key table: the keys, what they do, the help text, the footer hint (if any) and
/// where it applies.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    /// One action for all keys, or one per key (`↑/↓` → previous, next).
    public var actions: [KeyAction]
    public var help: String
    /// A short hint for the footer bar; nil keeps the binding out of the footer.
    public var footer: String?
    /// Which hints give way first when the footer is too narrow for all: 0 stays (the current
    /// panel's keys, pause, help, quit), 1 next, 2 goes first.
    public var footerRank: Int
    public var scope: KeyScope
    public var mode: KeyMode
    /// Other words for the help and footer in some states (`help(_:)`, `footer(_:)`).
    public var variants: [KeyVariant]

    public init(_ keys: [Key], _ action: KeyAction, _ help: String, footer: String? = nil, rank: Int = 0,
                scope: KeyScope = .global, mode: KeyMode = .always, variants: [KeyVariant] = []) {
        self.init(keys, [action], help, footer: footer, rank: rank, scope: scope, mode: mode, variants: variants)
    }

    public init(_ keys: [Key], _ actions: [KeyAction], _ help: String, footer: String? = nil, rank: Int = 0,
                scope: KeyScope = .global, mode: KeyMode = .always, variants: [KeyVariant] = []) {
        precondition(actions.count == 1 || actions.count == keys.count, "one action, or one per key")
        self.keys = keys; self.actions = actions; self.help = help; self.footer = footer
        self.footerRank = rank; self.scope = scope; self.mode = mode; self.variants = variants
    }

    /// What `key` does under this binding (nil when the binding does not have that key).
    public func action(for key: Key) -> KeyAction? {
        guard let i = keys.firstIndex(of: key) else { return nil }
        return actions.count == 1 ? actions[0] : actions[i]
    }

    /// Whether the keys ask something of the engine (pause, checkpoint, eval, learning rate).
    public var steersEngine: Bool { actions.contains { $0.steersEngine } }

    /// The keys as the help screen and footer write them (`space/p`).
    public var label: String { keys.map(\.label).joined(separator: "/") }

    public func applies(vimKeys: Bool) -> Bool {
        switch mode {
        case .always: return true
        case .vimOnly: return vimKeys
        case .plainOnly: return !vimKeys
        }
    }
}
