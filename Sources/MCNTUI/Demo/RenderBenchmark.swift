import Foundation
import MCNTrain
#if canImport(Glibc)
import Glibc
#endif

/// Times frames of a 20k-step synthetic run at 200×60: folding a new step, the render into a
/// ScreenBuffer, plus the cell diff against the previous frame the backend does (terminal output
/// excluded).
public enum RenderBenchmark {
    public struct Result: Sendable {
        public var frames: Int
        public var cpuMillisecondsPerFrame: Double
        public var wallMillisecondsPerFrame: Double
        /// The render alone, without the diff.
        public var renderCPUMillisecondsPerFrame: Double
        /// Folding one step's events into the snapshot (the screen thread does it once per step).
        public var foldCPUMillisecondsPerStep: Double
    }

    /// Each timed frame first folds one more training step into the history (step metrics, tasks,
    /// system), as the live screen does, so a frame cannot reuse the previous frame's work.
    public static func measure(options: WorkbenchOptions, generator: SyntheticEvents, steps: Int = 20_000,
                               width: Int = 200, height: Int = 60, frames: Int = 200) -> Result {
        var builder = SnapshotBuilder()
        builder.apply(generator.history(steps: steps, evaluateEvery: 5000, checkpointEvery: 2500))
        var next = builder.snapshot().step + 1
        var ui = UIState(); ui.smoothingIndex = 2; ui.focus = .retrieval
        let ctx = options.renderContext
        var previous = ScreenBuffer(width: width, height: height)
        var changed = 0
        func stepEvents() -> [EngineEvent] {
            defer { next += 1 }
            return [.step(generator.step(next)), .tasks(step: next, generator.tasks(next)), .system(generator.system(next))]
        }
        // Warm up, then time.
        builder.apply(stepEvents())
        _ = ScreenRenderer.render(builder.snapshot(), ui, width: width, height: height, ctx)
        let cpu0 = cpuSeconds(), wall0 = Date()
        for _ in 0..<frames {
            builder.apply(stepEvents())
            let frame = ScreenRenderer.render(builder.snapshot(), ui, width: width, height: height, ctx)
            for i in 0..<frame.cells.count where frame.cells[i] != previous.cells[i] { changed += 1 }
            previous = frame
        }
        let cpu = cpuSeconds() - cpu0, wall = Date().timeIntervalSince(wall0)
        precondition(changed >= 0)
        let r0 = cpuSeconds()
        var folds = 0.0
        for _ in 0..<frames {
            let events = stepEvents()
            let f0 = cpuSeconds()
            builder.apply(events)
            folds += cpuSeconds() - f0
            _ = ScreenRenderer.render(builder.snapshot(), ui, width: width, height: height, ctx)
        }
        let renderOnly = cpuSeconds() - r0 - folds
        return Result(frames: frames, cpuMillisecondsPerFrame: cpu * 1000 / Double(frames),
                      wallMillisecondsPerFrame: wall * 1000 / Double(frames),
                      renderCPUMillisecondsPerFrame: renderOnly * 1000 / Double(frames),
                      foldCPUMillisecondsPerStep: folds * 1000 / Double(frames))
    }

    public static func run(options: WorkbenchOptions, generator: SyntheticEvents) {
        let r = measure(options: options, generator: generator)
        print(String(format: "render 200x60, 20k-step run, %d frames each after a new step: %.3f ms CPU/frame with the step fold and cell diff (%.3f ms render alone, %.3f ms fold), %.3f ms wall/frame (target < 2 ms CPU)",
                     r.frames, r.cpuMillisecondsPerFrame, r.renderCPUMillisecondsPerFrame, r.foldCPUMillisecondsPerStep, r.wallMillisecondsPerFrame))
        // Where the time goes: each panel alone into its place of the full layout.
        var builder = SnapshotBuilder()
        builder.apply(generator.history(steps: 20_000, evaluateEvery: 5000, checkpointEvery: 2500))
        let s = builder.snapshot()
        var ui = UIState(); ui.smoothingIndex = 2; ui.focus = .retrieval
        let layout = ScreenLayout(width: 200, height: 60, visible: ui.visible)
        var b = ScreenBuffer(width: 200, height: 60)
        var parts: [String] = []
        for id in PanelID.allCases {
            let c0 = cpuSeconds()
            for _ in 0..<50 { ScreenRenderer.renderPanel(id, s, ui, into: &b, rect: layout.panels[id]!, options.renderContext) }
            parts.append(String(format: "%@ %.3f", "\(id)", (cpuSeconds() - c0) * 1000 / 50))
        }
        let c0 = cpuSeconds()
        for _ in 0..<50 { HeaderPanel.render(s, ui, into: &b, rect: layout.header, options.renderContext) }
        parts.append(String(format: "header %.3f", (cpuSeconds() - c0) * 1000 / 50))
        print("  ms CPU per panel: " + parts.joined(separator: ", "))
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
