import Foundation
import MCNTrain

/// The screen loop: owns the terminal, ticks on the key-read timeout, folds engine events into the
/// snapshot, renders, handles keys, and always restores the terminal.
public enum Workbench {
    /// Why the loop ended.
    public enum Exit: Sendable, Equatable { case quit, signal(Int32) }

    @discardableResult
    public static func run(events: MessageChannel<EngineEvent>, commands: MessageChannel<EngineCommand>,
                           options: WorkbenchOptions) throws -> Exit {
        let backend = try NcursesBackend(timeoutMs: 100)  // a key returns at once; the tick only paces data
        defer { backend.close() }
        var loop = ScreenLoop(options: options)
        while true {
            let key = backend.readKey()
            if key == .resize { backend.invalidate() }
            let (w, h) = backend.size
            let step = loop.tick(events: events.drain(), key: key, width: w, height: h)
            for c in step.commands { commands.send(c) }
            if step.quit { return .quit }
            let sig = backend.takeQuitSignal()
            if sig != 0 {
                if !options.readOnly { commands.send(.stop) }
                return .signal(sig)
            }
            if let frame = step.frame { backend.present(frame) }
        }
    }
}

/// The loop's state and one tick of it, without a terminal (tests drive it directly).
public struct ScreenLoop {
    public let options: WorkbenchOptions
    public private(set) var builder = SnapshotBuilder()
    public private(set) var ui: UIState
    /// The snapshot shown while the display is frozen.
    private var frozen: Snapshot?
    private var lastDrawn: (version: Int, ui: UIState, width: Int, height: Int)?
    private var lastDrawTime = Date.distantPast
    /// `options.notes`, said in the log after the first events (so that a run's history, read
    /// first, does not scroll them out of sight), or after `notesWaitTicks` ticks without any.
    private var pendingNotes: [String]
    private var ticks = 0
    static let notesWaitTicks = 10

    public init(options: WorkbenchOptions) {
        self.options = options
        ui = UIState(readOnly: options.readOnly, vimKeys: options.vimKeys)
        pendingNotes = options.notes
    }

    /// How the screen's log says notes (also for `--dump` frames).
    public static func noteEvents(_ notes: [String]) -> [EngineEvent] {
        notes.map { .logEntry(.warning, $0, step: nil) }
    }

    public struct Tick {
        public var frame: ScreenBuffer?
        public var commands: [EngineCommand]
        public var quit: Bool
    }

    /// Folds `events`, handles `key`, and renders: at once when the view changed (a key, a resize), for
    /// new data when `dataRedrawSeconds` passed since the last frame, and anyway after `idleRedrawSeconds`.
    public mutating func tick(events: [EngineEvent], key: Key?, width: Int, height: Int, now: Date = Date()) -> Tick {
        builder.apply(events)
        ticks += 1
        if !pendingNotes.isEmpty, !events.isEmpty || ticks >= Self.notesWaitTicks {
            builder.apply(Self.noteEvents(pendingNotes))
            pendingNotes = []
        }
        var commands: [EngineCommand] = []
        var current = builder.snapshot()
        if let key, key != .resize {
            let small = width < ScreenLayout.minWidth || height < ScreenLayout.minHeight
            if small {
                // Only quitting makes sense on a too-small screen.
                if key == .char("q") { return Tick(frame: nil, commands: options.readOnly ? [] : [.stop], quit: true) }
            } else {
                var ctx = KeyContext(snapshot: current, ui: ui, quitConfirmSteps: options.quitConfirmSteps,
                                     pageRows: ScreenRenderer.queryPageRows(width: width, height: height, ui: ui))
                if ui.helpOpen {
                    let help = ScreenRenderer.helpLayout(current, ui, width: width, height: height)
                    ctx.pageRows = help.visibleRows; ctx.helpScrollLimit = help.maxScroll
                }
                let r = KeyDispatch.handle(ui, key, ctx)
                commands = r.commands
                if r.quit { return Tick(frame: nil, commands: commands, quit: true) }
                if r.ui.frozen && !ui.frozen { frozen = current }
                if !r.ui.frozen { frozen = nil }
                ui = r.ui
            }
        }
        if let f = frozen {
            // Frozen: the run's data stays, the engine state and log stay live enough to steer by.
            var shown = f; shown.state = current.state; shown.version = current.version
            current = shown
        }
        let since = now.timeIntervalSince(lastDrawTime)
        let viewChanged = lastDrawn.map { $0.ui != ui || $0.width != width || $0.height != height } ?? true
        let dataChanged = lastDrawn.map { $0.version != current.version } ?? true
        let due = viewChanged || (dataChanged && since >= options.dataRedrawSeconds) || since >= options.idleRedrawSeconds
        guard due else {
            return Tick(frame: nil, commands: commands, quit: false)
        }
        lastDrawn = (current.version, ui, width, height)
        lastDrawTime = now
        let frame = ScreenRenderer.render(current, ui, width: width, height: height, options.renderContext)
        return Tick(frame: frame, commands: commands, quit: false)
    }
}
