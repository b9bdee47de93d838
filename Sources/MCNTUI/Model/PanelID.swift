/// The panels a user can show, hide and focus; the raw value is the digit key that toggles it.
public enum PanelID: Int, CaseIterable, Sendable, Hashable {
    case curves = 1, tasks, retrieval, system, log

    public var title: String {
        switch self {
        case .curves: return "Loss curves"
        case .tasks: return "Per-task meta loss"
        case .retrieval: return "Retrieval"
        case .system: return "System"
        case .log: return "Log"
        }
    }
}
