import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Times frames of a 20k-step synthetic run at 200×60: the render into a ScreenBuffer plus the
/// cell diff against the previous frame the backend does (terminal output excluded).
public enum RenderBenchmark {
    public struct Result: Sendable {
        public var frames: Int
        public var cpuMillisecondsPerFrame: Double
        public var wallMillisecondsPerFrame: Double
    }

    public static func measure(options: WorkbenchOptions, generator: SyntheticEvents, steps: Int = 20_000,
                               width: Int = 200, height: Int = 60, frames: Int = 200) -> Result {
        var builder = SnapshotBuilder()
        builder.apply(generator.history(steps: steps, evaluateEvery: 5000, checkpointEvery: 2500))
        let base = builder.snapshot()
        var ui = UIState(); ui.smoothingIndex = 2; ui.focus = .retrieval
        let ctx = options.renderContext
        var previous = ScreenBuffer(width: width, height: height)
        var changed = 0
        // Warm up, then time; each frame adds a step so nothing can be cached between frames.
        var s = base
        _ = ScreenRenderer.render(s, ui, width: width, height: height, ctx)
        let cpu0 = cpuSeconds(), wall0 = Date()
        for f in 0..<frames {
            s.step = base.step + f + 1
            s.version += 1
            let frame = ScreenRenderer.render(s, ui, width: width, height: height, ctx)
            for i in 0..<frame.cells.count where frame.cells[i] != previous.cells[i] { changed += 1 }
            previous = frame
        }
        let cpu = cpuSeconds() - cpu0, wall = Date().timeIntervalSince(wall0)
        precondition(changed >= 0)
        return Result(frames: frames, cpuMillisecondsPerFrame: cpu * 1000 / Double(frames),
                      wallMillisecondsPerFrame: wall * 1000 / Double(frames))
    }

    public static func run(options: WorkbenchOptions, generator: SyntheticEvents) {
        let r = measure(options: options, generator: generator)
        print(String(format: "render 200x60, 20k-step run, %d frames: %.3f ms CPU/frame, %.3f ms wall/frame (target < 2 ms CPU)",
                     r.frames, r.cpuMillisecondsPerFrame, r.wallMillisecondsPerFrame))
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
