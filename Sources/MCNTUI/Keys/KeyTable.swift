import MCNTrain

/// THE key table: dispatch, the footer hints and the `?` help screen all read it.
public enum KeyTable {
    public static let bindings: [KeyBinding] = [
        // Everywhere.
        KeyBinding([.char(" "), .char("p")], .pauseResume, "pause or resume training (at the next step boundary)", footer: "pause",
                   variants: [KeyVariant(.paused, footer: "resume")]),
        KeyBinding([.char("c")], .checkpoint, "write a checkpoint now", footer: "ckpt", rank: 1),
        KeyBinding([.char("e")], .evaluate, "run a retrieval evaluation now", footer: "eval", rank: 1),
        KeyBinding([.char("f")], .freeze, "freeze the display (training goes on)", footer: "freeze", rank: 2,
                   variants: [KeyVariant(.frozen, help: "unfreeze the display", footer: "unfreeze")]),
        KeyBinding([.char("["), .char("]")], [.lowerLearningRate, .raiseLearningRate],
                   "halve / double the base learning rate", footer: "lr", rank: 2),
        KeyBinding([.tab], .focusNext, "focus the next panel", footer: "focus", rank: 2),
        KeyBinding([.backTab], .focusPrevious, "focus the previous panel"),
        KeyBinding([.char("1")], .togglePanel(.curves), "show or hide the loss curves"),
        KeyBinding([.char("2")], .togglePanel(.tasks), "show or hide the per-task meta losses"),
        KeyBinding([.char("3")], .togglePanel(.retrieval), "show or hide the retrieval panel"),
        KeyBinding([.char("4")], .togglePanel(.system), "show or hide the system panel"),
        KeyBinding([.char("5")], .togglePanel(.log), "show or hide the log pane"),
        KeyBinding([.char("?")], .toggleHelp, "this help", footer: "help"),
        KeyBinding([.char("q")], .quit, "quit: training stops and writes a checkpoint (asks first when the last one is old)", footer: "quit",
                   variants: [KeyVariant(.readOnly, help: "close the viewer (the run and its trainer go on untouched)", footer: "close"),
                              KeyVariant(.ended, help: "quit (the run has ended: nothing is stopped or written)")]),
        // Curves (they act whatever has focus: the curves are the main view).
        KeyBinding([.char("s")], .cycleSmoothing, "smoothing: cycle EMA 0 / 0.6 / 0.9 / 0.99", footer: "smooth", rank: 1, scope: .curves),
        KeyBinding([.char("l")], .toggleLogY, "logarithmic y axis on or off", footer: "log-y", rank: 1, scope: .curves, mode: .plainOnly),
        KeyBinding([.char("L")], .toggleLogY, "logarithmic y axis on or off", footer: "log-y", rank: 1, scope: .curves, mode: .vimOnly),
        KeyBinding([.char("v")], .nextSeriesSet, "next series set (losses, query, support, accuracy, other)", footer: "series", rank: 1, scope: .curves),
        KeyBinding([.char("+")], .zoomIn, "zoom in: show fewer recent steps", footer: "zoom", rank: 2, scope: .curves),
        KeyBinding([.char("-")], .zoomOut, "zoom out: show more steps", scope: .curves),
        KeyBinding([.char("=")], .zoomAll, "show all steps", scope: .curves),
        // Retrieval browser.
        KeyBinding([.up, .down], [.moveUp, .moveDown], "previous / next query", footer: "query", scope: .retrieval),
        KeyBinding([.char("k")], .moveUp, "previous query", scope: .retrieval, mode: .vimOnly),
        KeyBinding([.char("j")], .moveDown, "next query", scope: .retrieval, mode: .vimOnly),
        KeyBinding([.pageUp, .pageDown, .left, .right], [.pageUp, .pageDown, .pageUp, .pageDown], "previous / next page of queries", scope: .retrieval),
        KeyBinding([.char("h")], .pageUp, "previous page of queries", scope: .retrieval, mode: .vimOnly),
        KeyBinding([.char("l")], .pageDown, "next page of queries", scope: .retrieval, mode: .vimOnly),
        KeyBinding([.home, .end], [.first, .last], "first / last query", scope: .retrieval),
        KeyBinding([.char("g")], .gPrefix, "gg: first query", scope: .retrieval, mode: .vimOnly),
        KeyBinding([.char("G")], .last, "last query", scope: .retrieval, mode: .vimOnly),
        KeyBinding([.char("/")], .startFilter, "filter queries by video or class name", footer: "filter", scope: .retrieval),
        KeyBinding([.enter], .openDetail, "open the detail view with thumbnails", footer: "detail", scope: .retrieval),
        // Detail view.
        KeyBinding([.escape, .enter], .closeDetail, "back to the panels", footer: "back", scope: .detail),
        KeyBinding([.up, .down], [.moveUp, .moveDown], "previous / next query", footer: "query", scope: .detail),
        KeyBinding([.char("k")], .moveUp, "previous query", scope: .detail, mode: .vimOnly),
        KeyBinding([.char("j")], .moveDown, "next query", scope: .detail, mode: .vimOnly),
        // Log pane.
        KeyBinding([.up, .down], [.moveUp, .moveDown], "scroll back / forward", footer: "scroll", scope: .log),
        KeyBinding([.pageUp, .pageDown], [.pageUp, .pageDown], "scroll a page", scope: .log),
        KeyBinding([.end], .last, "back to the newest line", scope: .log),
        // Typing a filter.
        KeyBinding([.enter], .applyFilter, "keep the filter", footer: "apply", scope: .filter),
        KeyBinding([.escape], .clearFilter, "clear the filter", footer: "clear", scope: .filter),
        KeyBinding([.backspace], .deleteFilterChar, "delete a character", scope: .filter),
        // Help and the quit dialog.
        KeyBinding([.char("?"), .escape, .char("q")], .closeHelp, "close the help", footer: "close", scope: .help),
        KeyBinding([.up, .down], [.moveUp, .moveDown], "scroll the help (when it does not fit)", scope: .help),
        KeyBinding([.pageUp, .pageDown], [.pageUp, .pageDown], "scroll the help a page", scope: .help),
        KeyBinding([.home, .end], [.first, .last], "top / bottom of the help", scope: .help),
        KeyBinding([.char("k")], .moveUp, "scroll the help up a line", scope: .help, mode: .vimOnly),
        KeyBinding([.char("j")], .moveDown, "scroll the help down a line", scope: .help, mode: .vimOnly),
        KeyBinding([.char("y"), .char("q"), .enter], .confirmQuit, "stop training, write a checkpoint and quit", footer: "stop", scope: .dialog),
        KeyBinding([.char("n"), .escape], .cancelQuit, "keep training", footer: "keep training", scope: .dialog),
    ]

    /// Whether there is an engine to steer: not in a read-only view, nor once the run has ended.
    /// When there is none, the footer and the help leave the engine keys out.
    public static func canSteer(_ ui: UIState, state: EngineState) -> Bool {
        !ui.readOnly && !state.hasEnded
    }

    /// The scopes active in this state, most specific first.
    public static func activeScopes(_ ui: UIState) -> [KeyScope] {
        if ui.confirmQuit { return [.dialog] }
        if ui.helpOpen { return [.help] }
        if ui.filterEditing { return [.filter] }
        if ui.detailOpen { return [.detail, .global, .curves] }
        var s: [KeyScope] = []
        if ui.focus == .retrieval, ui.visible.contains(.retrieval) { s.append(.retrieval) }
        if ui.focus == .log, ui.visible.contains(.log) { s.append(.log) }
        return s + [.global, .curves]
    }

    /// The binding a key triggers now, if any.
    public static func binding(for key: Key, ui: UIState) -> KeyBinding? {
        for scope in activeScopes(ui) {
            if let b = bindings.first(where: { $0.scope == scope && $0.applies(vimKeys: ui.vimKeys) && $0.keys.contains(key) }) {
                return b
            }
        }
        return nil
    }

    /// Footer hints for this state, as (keys label, hint), in table order and worded for `facts`;
    /// without the engine keys when there is no engine to steer.
    public static func footerHints(_ ui: UIState, facts: KeyFacts = KeyFacts()) -> [(keys: String, hint: String)] {
        rankedFooterHints(ui, facts: facts).map { ($0.keys, $0.hint) }
    }

    /// The footer hints that fit in `width` columns, each drawn as ` keys hint ` (see `FooterBar`):
    /// when not all fit, the highest-ranked hints give way first, later ones before earlier ones,
    /// so a narrow terminal keeps the current panel's keys, pause, help and quit.
    public static func footerHints(_ ui: UIState, width: Int, facts: KeyFacts = KeyFacts()) -> [(keys: String, hint: String)] {
        var hints = rankedFooterHints(ui, facts: facts)
        func used() -> Int { hints.reduce(0) { $0 + footerWidth($1.keys, $1.hint) } }
        while used() > width, let worst = hints.map(\.rank).max(),
              let drop = hints.lastIndex(where: { $0.rank == worst }) {
            hints.remove(at: drop)
        }
        return hints.map { ($0.keys, $0.hint) }
    }

    /// Columns one hint takes in the footer: ` keys hint `.
    public static func footerWidth(_ keys: String, _ hint: String) -> Int { keys.count + hint.count + 3 }

    private static func rankedFooterHints(_ ui: UIState, facts: KeyFacts) -> [(keys: String, hint: String, rank: Int)] {
        var out: [(String, String, Int)] = []
        for scope in activeScopes(ui) {
            // The browser's keys are no use on an empty list (the help still lists them).
            if scope == .retrieval && !facts.hasQueries { continue }
            for b in bindings where b.scope == scope && b.applies(vimKeys: ui.vimKeys) && shown(b, facts) {
                if let f = b.footer(facts) { out.append((b.label, f, b.footerRank)) }
            }
        }
        return out
    }

    /// The help screen's sections in table order, for the key set in use. With no engine to steer,
    /// without the engine keys, and without the quit confirmation, which then never comes.
    public static func helpSections(vimKeys: Bool, facts: KeyFacts = KeyFacts()) -> [(scope: KeyScope, rows: [KeyBinding])] {
        KeyScope.allCases.compactMap { scope in
            let rows = bindings.filter { $0.scope == scope && $0.applies(vimKeys: vimKeys) && shown($0, facts) }
            return rows.isEmpty ? nil : (scope, rows)
        }
    }

    /// Whether a binding means anything under these facts: the engine keys and the quit dialog's
    /// only while there is an engine to steer (`q` then quits at once).
    static func shown(_ b: KeyBinding, _ facts: KeyFacts) -> Bool {
        facts.canSteer || (!b.steersEngine && b.scope != .dialog)
    }
}
