import Foundation
import MCNTrain

/// A stand-in engine on a background thread: emits `SyntheticEvents` at a steady pace and obeys
/// pause, resume, checkpoint, evaluate and stop, so the screen can be seen without training.
public final class SyntheticEngine: Sendable {
    public let events: MessageChannel<EngineEvent>
    public let commands: MessageChannel<EngineCommand>
    let generator: SyntheticEvents
    let stepsPerSecond: Double
    let checkpointDirectory: String?

    /// `checkpointDirectory`: where `c` writes a (tiny placeholder) checkpoint file; nil writes none.
    public init(events: MessageChannel<EngineEvent>, commands: MessageChannel<EngineCommand>,
                generator: SyntheticEvents = SyntheticEvents(), stepsPerSecond: Double = 20,
                checkpointDirectory: String? = nil) {
        self.events = events; self.commands = commands; self.generator = generator
        self.stepsPerSecond = stepsPerSecond; self.checkpointDirectory = checkpointDirectory
    }

    /// Starts the engine thread; it ends after `stop` or the last step.
    public func start() {
        let t = Thread { [self] in self.loop() }
        t.name = "synthetic-engine"
        t.start()
    }

    private func loop() {
        let g = generator
        events.send(.started(g.runInfo))
        events.send(.log(.info, "synthetic engine: no training happens, the numbers are made up"))
        events.send(.state(.running))
        var step = 0, paused = false
        let dt = 1 / stepsPerSecond
        while step < g.totalSteps {
            for c in commands.drain() {
                switch c {
                case .pause:
                    if !paused { paused = true; events.send(.state(.paused)); events.send(.log(.info, "paused at step \(step)")) }
                case .resume:
                    if paused { paused = false; events.send(.state(.running)); events.send(.log(.info, "resumed")) }
                case .checkpointNow: checkpoint(step, paused: paused)
                case .evaluateNow: evaluate(step, paused: paused)
                case .stop:
                    events.send(.log(.info, "stopped at step \(step)")); events.send(.finished(step: step)); return
                case .setLearningRate(let lr): events.send(.log(.info, "learning rate set to \(lr)"))
                }
            }
            if paused { Thread.sleep(forTimeInterval: 0.02); continue }
            step += 1
            // The made-up step time follows the demo's pace, so elapsed and ETA make sense.
            var m = g.step(step)
            let scale = dt / m.stepSeconds
            m.stepSeconds *= scale; m.dataWaitSeconds *= scale; m.clipsPerSecond /= scale
            events.send(.step(m))
            if step % 10 == 0 { events.send(.tasks(step: step, g.tasks(step))); events.send(.system(g.system(step))) }
            if step % 500 == 0 { evaluate(step, paused: false) }
            Thread.sleep(forTimeInterval: dt)
        }
        events.send(.finished(step: step))
        events.send(.log(.info, "finished after \(step) steps"))
    }

    private func checkpoint(_ step: Int, paused: Bool) {
        events.send(.state(.checkpointing))
        var path = "runs/demo-mcn/checkpoints/step-\(String(format: "%08d", step)).safetensors (not written: demo)"
        if let dir = checkpointDirectory {
            let p = (dir as NSString).appendingPathComponent("step-\(String(format: "%08d", step)).safetensors")
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                // Temp name, then rename, as real checkpoints are written.
                try Data("demo checkpoint at step \(step)\n".utf8).write(to: URL(fileURLWithPath: p + ".tmp"))
                if FileManager.default.fileExists(atPath: p) { try FileManager.default.removeItem(atPath: p) }
                try FileManager.default.moveItem(atPath: p + ".tmp", toPath: p)
                path = p
            } catch {
                events.send(.log(.error, "\(p): cannot write checkpoint (\(error.localizedDescription))"))
            }
        }
        events.send(.log(.info, "checkpoint written: \(path)"))
        events.send(.checkpointSaved(step: step, path: path))
        events.send(.state(paused ? .paused : .running))
    }

    private func evaluate(_ step: Int, paused: Bool) {
        events.send(.state(.evaluating))
        Thread.sleep(forTimeInterval: 0.2)
        events.send(.retrieval(generator.retrieval(step)))
        events.send(.monitors(step: step, ["knn_top1": 0.2 + 0.3 * (1 - exp(-Double(step) / 1500)), "embedding_std": 0.8, "embedding_std_ref": 1.0]))
        events.send(.log(.info, "evaluation at step \(step) done"))
        events.send(.state(paused ? .paused : .running))
    }
}
