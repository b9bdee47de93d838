import Foundation
import MCNTUI
import MCNTrain

/// The full-screen workbench over a prepared session. When the screen closes (q, Ctrl-C), the
/// engine is asked to stop; it writes its checkpoint and the command waits for it. The exit status.
func runWorkbench(_ session: TrainingSession, screen: ScreenArguments) throws -> Int32 {
    let options = try screen.workbenchOptions(readOnly: false)
    let engine = session.engine
    StopSignals.keepRunningOnBrokenPipes()
    // A resumed run's screen starts with what the run did before (as `view` shows it).
    if engine.step > 0 {
        for event in RunHistory.events(directory: session.run.path, throughStep: engine.step) { engine.events.send(event) }
    }
    engine.start()
    _ = try Workbench.run(events: engine.events, commands: engine.commands, options: options)
    screen.sayNotes(options)
    // The screen is gone; say what happens while the engine finishes its step and checkpoint.
    engine.commands.send(.stop)
    // From here a Ctrl-C exits at once (without the checkpoint, as the line below says); a hangup
    // changes nothing.
    StopSignals.install(alreadyStopping: true)
    if engine.outcome == nil {
        printError("stopping: finishing the step and writing a checkpoint in \(session.run.path)/checkpoints … (Ctrl-C again exits without it)")
    }
    while true {
        // Read before draining: the engine sends its last events before it records how it ended.
        let ended = engine.outcome
        for event in engine.events.drain() {
            switch event {
            case .checkpointSaved(_, let path): printError("checkpoint written: \(path)")
            case .finished(let step):
                printError("stopped at step \(step). Resume with: mcn-tui --run-dir \(session.run.path) --resume auto")
                return 0
            case .failed(let message): printError("error: \(message)"); return 1
            default: break
            }
        }
        // The run had ended while the screen was open (the screen took its last events).
        switch ended {
        case .finished(let step)?:
            printError("the run had ended at step \(step): \(session.run.path)")
            return 0
        case .failed(let message)?:
            printError("error: \(message)")
            return 1
        case nil: break
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
}
