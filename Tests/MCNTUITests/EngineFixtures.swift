import Foundation
import MCNTrain
@testable import MCNTUI

extension Fixtures {
    /// A real engine on synthetic data with a very small R3D (a few seconds for a few steps).
    static func tinyEngine(run: RunDirectory, _ extra: [String] = []) throws -> TrainingEngine {
        let config = try RunConfig.load(file: nil, overrides: [
            "model.width=0.25", "model.feature_dim=32", "model.proj_dim=16", "model.meta_hidden=8",
            "data.clip_frames=4", "data.clip_size=16", "optim.batch_videos=4", "method.temperature=0.2",
            "run.monitor_every=0",
        ] + extra)
        return try TrainingEngine(config: config, run: run,
                                  data: SyntheticTrainingData(videosPerBatch: 4, viewsPerVideo: 2, clipShape: [3, 4, 16, 16], stepsPerEpoch: 3))
    }

    /// A tiny engine's whole run in `run`: the snapshot its events gave the live screen, and the one
    /// `view` reads back from the files it wrote.
    static func liveAndViewed(run: RunDirectory, _ extra: [String]) throws -> (live: Snapshot, view: Snapshot) {
        let engine = try tinyEngine(run: run, extra)
        engine.runLoop()
        var live = SnapshotBuilder()
        live.apply(engine.events.drain())
        var view = SnapshotBuilder()
        var follower = RunDirectoryFollower(directory: run.path)
        view.apply(follower.poll())
        return (live.snapshot(), view.snapshot())
    }
}
