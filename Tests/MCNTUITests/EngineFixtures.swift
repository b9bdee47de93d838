import Foundation
import MCNTrain

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
}
