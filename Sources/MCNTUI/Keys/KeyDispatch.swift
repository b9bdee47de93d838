import Foundation
import MCNTrain

/// What a key press did: the new UI state, commands for the engine, and whether to quit.
public struct KeyResult: Sendable, Equatable {
    public var ui: UIState
    public var commands: [EngineCommand]
    public var quit: Bool
}

/// The facts about the run that key handling needs.
public struct KeyContext: Sendable {
    public var state: EngineState
    public var step: Int
    public var lastCheckpointStep: Int
    /// Queries in the retrieval browser after the filter.
    public var queryCount: Int
    /// Whether an evaluation is shown (its R@k), with or without queries to browse.
    public var evaluated: Bool
    public var logCount: Int
    /// Quitting asks first when the last checkpoint is more than this many steps old.
    public var quitConfirmSteps: Int
    /// Rows of the query list / log pane / help on screen, for paging.
    public var pageRows: Int
    /// How far the help scrolls (0 when it fits the screen).
    public var helpScrollLimit: Int
    /// The base learning rate the run started with (nil when unknown).
    public var baseLearningRate: Double?

    public init(state: EngineState = .running, step: Int = 0, lastCheckpointStep: Int = 0, queryCount: Int = 0,
                logCount: Int = 0, quitConfirmSteps: Int = 100, pageRows: Int = 10, baseLearningRate: Double? = nil,
                helpScrollLimit: Int = 0, evaluated: Bool = false) {
        self.state = state; self.step = step; self.lastCheckpointStep = lastCheckpointStep; self.evaluated = evaluated
        self.queryCount = queryCount; self.logCount = logCount; self.quitConfirmSteps = quitConfirmSteps
        self.pageRows = pageRows; self.baseLearningRate = baseLearningRate; self.helpScrollLimit = helpScrollLimit
    }

    public init(snapshot: Snapshot, ui: UIState, quitConfirmSteps: Int, pageRows: Int = 10, helpScrollLimit: Int = 0) {
        self.init(state: snapshot.paused ? .paused : snapshot.state, step: snapshot.step, lastCheckpointStep: snapshot.lastCheckpointStep,
                  queryCount: RetrievalBrowser.filteredQueries(snapshot.retrieval, filter: ui.filter).count,
                  logCount: snapshot.logs.count, quitConfirmSteps: quitConfirmSteps, pageRows: pageRows,
                  baseLearningRate: snapshot.run?.baseLearningRate, helpScrollLimit: helpScrollLimit,
                  evaluated: snapshot.retrieval != nil)
    }
}

/// Key handling as a pure function of (UIState, key): tested without a terminal.
public enum KeyDispatch {
    public static func handle(_ ui0: UIState, _ key: Key, _ ctx: KeyContext) -> KeyResult {
        var ui = ui0
        ui.message = nil
        let wasG = ui.pendingG
        ui.pendingG = false
        // Typing a filter: printable characters go into it.
        if ui.filterEditing, case .char(let c) = key {
            ui.filter.append(c); ui.selectedQuery = 0
            return KeyResult(ui: ui, commands: [], quit: false)
        }
        guard let binding = KeyTable.binding(for: key, ui: ui), let action = binding.action(for: key) else {
            return KeyResult(ui: ui, commands: [], quit: false)
        }
        return perform(action, ui: ui, ctx: ctx, afterG: wasG)
    }

    static func perform(_ action: KeyAction, ui ui0: UIState, ctx: KeyContext, afterG: Bool) -> KeyResult {
        var ui = ui0
        var commands: [EngineCommand] = []
        var quit = false
        func steer(_ c: EngineCommand) {
            if KeyTable.canSteer(ui, state: ctx.state) { commands.append(c) }
            else { ui.message = ui.readOnly ? "read-only view: there is no engine to steer" : "the run has ended" }
        }
        switch action {
        case .pauseResume: steer(ctx.state == .paused ? .resume : .pause)
        case .checkpoint:
            steer(.checkpointNow)
            if !commands.isEmpty { ui.message = "checkpoint requested" }
        case .evaluate:
            steer(.evaluateNow)
            if !commands.isEmpty { ui.message = "evaluation requested" }
        case .freeze: ui.frozen.toggle()
        case .lowerLearningRate, .raiseLearningRate:
            guard let current = ui.requestedLearningRate ?? ctx.baseLearningRate, current > 0 else {
                ui.message = "the run's base learning rate is not known here"
                break
            }
            let next = action == .raiseLearningRate ? current * 2 : current / 2
            steer(.setLearningRate(next))
            if !commands.isEmpty {
                ui.requestedLearningRate = next
                ui.message = "base learning rate \(String(format: "%g", current)) → \(String(format: "%g", next)) from the next step"
            }
        case .focusNext, .focusPrevious:
            let order = ui.focusOrder
            if let i = order.firstIndex(of: ui.focus) {
                let d = action == .focusNext ? 1 : order.count - 1
                ui.focus = order[(i + d) % order.count]
            } else if let f = order.first { ui.focus = f }
        case .togglePanel(let p):
            if ui.visible.contains(p) {
                if ui.visible.count == 1 { ui.message = "at least one panel stays visible"; break }
                ui.visible.remove(p)
                if ui.focus == p, let f = ui.focusOrder.first { ui.focus = f }
            } else {
                ui.visible.insert(p)
            }
        case .toggleHelp: ui.helpOpen.toggle(); ui.helpScroll = 0
        case .closeHelp: ui.helpOpen = false; ui.helpScroll = 0
        case .quit:
            let age = ctx.step - ctx.lastCheckpointStep
            if ui.readOnly || ctx.state.hasEnded || age <= ctx.quitConfirmSteps {
                quit = true
            } else {
                ui.confirmQuit = true
            }
        case .confirmQuit: ui.confirmQuit = false; quit = true
        case .cancelQuit: ui.confirmQuit = false
        case .cycleSmoothing: ui.smoothingIndex = (ui.smoothingIndex + 1) % UIState.smoothingLevels.count
        case .toggleLogY: ui.logY.toggle()
        case .zoomIn:
            let span = ui.zoomSteps ?? max(ctx.step, 8)
            ui.zoomSteps = max(8, span / 2)
        case .zoomOut:
            if let z = ui.zoomSteps { ui.zoomSteps = z * 2 >= ctx.step ? nil : z * 2 }
        case .zoomAll: ui.zoomSteps = nil
        case .nextSeriesSet: ui.seriesSet = (ui.seriesSet + 1) % CurveSeriesSet.presets.count
        case .moveUp, .moveDown, .pageUp, .pageDown, .first, .last:
            move(action, ui: &ui, ctx: ctx)
        case .gPrefix:
            if afterG { move(.first, ui: &ui, ctx: ctx) } else { ui.pendingG = true }
        case .startFilter: ui.filterEditing = true
        case .applyFilter: ui.filterEditing = false
        case .clearFilter: ui.filterEditing = false; ui.filter = ""; ui.selectedQuery = 0
        case .deleteFilterChar:
            if !ui.filter.isEmpty { ui.filter.removeLast(); ui.selectedQuery = 0 }
        case .openDetail:
            if ctx.queryCount > 0 { ui.detailOpen = true }
            else { ui.message = noQueries(ui, ctx) }
        case .closeDetail: ui.detailOpen = false
        }
        // Any action but the quit itself dismisses the quit dialog's state machine cleanly.
        if quit { commands = ui.readOnly ? [] : [.stop] }
        return KeyResult(ui: ui, commands: commands, quit: quit)
    }

    /// Why Enter opens no detail view: the filter hides every query, the evaluation shown has no
    /// neighbour lists (a read-only view reads R@k alone from the run's files), or there is none yet.
    static func noQueries(_ ui: UIState, _ ctx: KeyContext) -> String {
        if !ui.filter.isEmpty { return "no query matches the filter" }
        if ctx.evaluated { return ui.readOnly ? "the neighbours are only shown live" : "this evaluation has no queries" }
        return "no retrieval results yet" + (KeyTable.canSteer(ui, state: ctx.state) ? ": press e" : "")
    }

    /// Scrolls the help (open), moves the query selection (retrieval/detail) or scrolls the log (log focus).
    static func move(_ action: KeyAction, ui: inout UIState, ctx: KeyContext) {
        let page = max(1, ctx.pageRows)
        if ui.helpOpen {
            ui.helpScroll = position(ui.helpScroll, after: action, page: page, last: ctx.helpScrollLimit)
        } else if ui.focus == .log && !ui.detailOpen {
            // logScroll counts entries and entries wrap onto several rows: a page of half the rows
            // in entries keeps some of the last page in view instead of skipping entries.
            ui.logScroll = position(ui.logScroll, after: action, page: max(1, page / 2), last: max(0, ctx.logCount - 1), reversed: true)
        } else {
            ui.selectedQuery = ctx.queryCount > 0 ? position(ui.selectedQuery, after: action, page: page, last: ctx.queryCount - 1) : 0
        }
    }

    /// Where a position in 0...last lands after a move: up/down by one, by a page, to the first
    /// or (any other action) the last. `reversed` for the log, whose 0 is the newest line, at the
    /// bottom: up goes back (+1) and "first" is the oldest.
    static func position(_ p: Int, after action: KeyAction, page: Int, last: Int, reversed: Bool = false) -> Int {
        let s = reversed ? -1 : 1
        let q: Int
        switch action {
        case .moveUp: q = p - s
        case .moveDown: q = p + s
        case .pageUp: q = p - s * page
        case .pageDown: q = p + s * page
        case .first: q = reversed ? last : 0
        default: q = reversed ? 0 : last
        }
        return min(max(0, q), last)
    }
}
