/// Every named style a theme sets. The raw value is the key in a theme's `[styles]` table.
public enum ThemeRole: String, CaseIterable, Sendable {
    case normal, dim, border, borderFocused = "border_focused", title, titleFocused = "title_focused"
    case headerBar = "header_bar", headerName = "header_name", headerLabel = "header_label"
    case stateRunning = "state_running", statePaused = "state_paused", stateBusy = "state_busy"
    case stateFinished = "state_finished", stateError = "state_error"
    case progressDone = "progress_done", progressTodo = "progress_todo"
    case axis, note, good, bad, warn
    case barLoss = "bar_loss", barAccuracy = "bar_accuracy", barSimilarity = "bar_similarity"
    case selection, filter
    case footerKey = "footer_key", footerText = "footer_text"
    case helpKey = "help_key", helpText = "help_text", helpSection = "help_section"
    case dialog, logInfo = "log_info", logWarning = "log_warning", logError = "log_error"
}
