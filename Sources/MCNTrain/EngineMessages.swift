import Foundation

/// What a screen (or the headless printer) can ask of a running engine. The engine takes them at
/// step boundaries.
public enum EngineCommand: Sendable, Equatable {
    case pause
    case resume
    case checkpointNow
    case evaluateNow
    case stop
    /// Replaces the base learning rate of the outer optimiser (the schedule still scales it).
    case setLearningRate(Double)

    public var isStop: Bool { self == .stop }
}

/// The engine's state as a screen shows it.
public enum EngineState: String, Sendable, Codable {
    case starting, running, paused, evaluating, checkpointing, finished, error
    /// Only `view` says this: the run's trainer is gone without saying the run ended (killed, or
    /// the machine went down); a resume continues from its last checkpoint.
    case interrupted

    /// Whether the run has ended (nothing more will happen in it).
    public var hasEnded: Bool { self == .finished || self == .error || self == .interrupted }
}

/// Fixed facts about a run, sent once when it starts.
public struct RunInfo: Sendable, Codable, Equatable {
    /// Epochs a run of `totalSteps` takes, the last one maybe partial (nil when the epoch's length
    /// is not known).
    public static func epochs(totalSteps: Int, stepsPerEpoch: Int) -> Int? {
        stepsPerEpoch > 0 ? (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch : nil
    }

    public var name: String
    public var runDirectory: String
    /// "mcn" or "contrastive".
    public var method: String
    /// "first-order", "second-order" or "mldg" (empty for the contrastive baseline).
    public var mode: String
    public var backbone: String
    public var totalSteps: Int
    public var stepsPerEpoch: Int
    public var startStep: Int
    public var batchVideos: Int
    public var clipShape: [Int]  // [T, H, W]
    public var datasetSummary: String
    /// The base learning rate the engine starts with (before the schedule); nil when unknown.
    public var baseLearningRate: Double?

    public init(name: String, runDirectory: String, method: String, mode: String, backbone: String,
                totalSteps: Int, stepsPerEpoch: Int, startStep: Int, batchVideos: Int,
                clipShape: [Int], datasetSummary: String, baseLearningRate: Double? = nil) {
        self.name = name; self.runDirectory = runDirectory; self.method = method; self.mode = mode
        self.backbone = backbone; self.totalSteps = totalSteps; self.stepsPerEpoch = stepsPerEpoch
        self.startStep = startStep; self.batchVideos = batchVideos; self.clipShape = clipShape
        self.datasetSummary = datasetSummary; self.baseLearningRate = baseLearningRate
    }
}

/// The metrics of one training step. `values` holds every named loss and accuracy, with the
/// names of metrics.jsonl: `loss_con_support`, `loss_meta_support`, `loss_con_query`,
/// `loss_meta_query`, `loss_total`, `acc_meta_support`, `acc_meta_query`, `inner_grad_norm`,
/// `inner_drop` (L(Q;θ) − L(Q;θ')), `lr`, `lr_inner`, ...
public struct StepMetrics: Sendable, Codable, Equatable {
    public var step: Int
    public var epoch: Int
    public var values: [String: Double]
    /// Clips per second over this step (all views).
    public var clipsPerSecond: Double
    /// Seconds the trainer waited for data in this step, and the step's whole time.
    public var dataWaitSeconds: Double
    public var stepSeconds: Double

    public init(step: Int, epoch: Int, values: [String: Double], clipsPerSecond: Double,
                dataWaitSeconds: Double, stepSeconds: Double) {
        self.step = step; self.epoch = epoch; self.values = values
        self.clipsPerSecond = clipsPerSecond; self.dataWaitSeconds = dataWaitSeconds
        self.stepSeconds = stepSeconds
    }
}

/// One meta-learning task of the current query set: the pairs anchored at one video.
public struct TaskLoss: Sendable, Codable, Equatable {
    public var video: String
    public var metaLoss: Double
    public var pairAccuracy: Double

    public init(video: String, metaLoss: Double, pairAccuracy: Double) {
        self.video = video; self.metaLoss = metaLoss; self.pairAccuracy = pairAccuracy
    }
}

/// A small RGB image (row-major, 3 bytes a pixel), e.g. a video's middle frame.
public struct Thumbnail: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    public var rgb: [UInt8]

    public init(width: Int, height: Int, rgb: [UInt8]) {
        self.width = width; self.height = height; self.rgb = rgb
    }
}

/// One gallery video among a query's nearest neighbours.
public struct Neighbour: Sendable, Codable, Equatable {
    public var video: String
    public var className: String
    public var similarity: Double
    public var hit: Bool

    public init(video: String, className: String, similarity: Double, hit: Bool) {
        self.video = video; self.className = className; self.similarity = similarity; self.hit = hit
    }
}

/// A query video and its ranked neighbours.
public struct RetrievalQuery: Sendable, Codable, Equatable {
    public var video: String
    public var className: String
    public var neighbours: [Neighbour]

    public init(video: String, className: String, neighbours: [Neighbour]) {
        self.video = video; self.className = className; self.neighbours = neighbours
    }
}

/// The outcome of a retrieval evaluation: R@k for k = 1, 5, 10, 20, 50, and the queries.
public struct RetrievalSummary: Sendable, Codable, Equatable {
    public var step: Int
    /// k → fraction of queries with a same-class video among the k nearest.
    public var recall: [Int: Double]
    public var queries: [RetrievalQuery]
    /// Middle-frame thumbnails by video name (queries and their neighbours), where available.
    public var thumbnails: [String: Thumbnail]

    public init(step: Int, recall: [Int: Double], queries: [RetrievalQuery], thumbnails: [String: Thumbnail]) {
        self.step = step; self.recall = recall; self.queries = queries; self.thumbnails = thumbnails
    }
}

/// Process and pipeline figures for the system panel.
public struct SystemStats: Sendable, Codable, Equatable {
    /// CPU use of this process, in cores (0...number of cores).
    public var cpuCores: Double
    public var residentBytes: Int
    public var blasThreads: Int
    /// Per step: seconds decoding/assembling data vs computing.
    public var decodeSeconds: Double
    public var computeSeconds: Double
    public var cacheHits: Int
    public var cacheMisses: Int
    public var skippedVideos: Int
    /// Cores of the machine (0 when unknown).
    public var machineCores: Int
    /// The kernel set OpenBLAS runs ("SkylakeX", "Haswell"; nil when unknown or another BLAS).
    public var blasCore: String?

    public init(cpuCores: Double, residentBytes: Int, blasThreads: Int, decodeSeconds: Double,
                computeSeconds: Double, cacheHits: Int, cacheMisses: Int, skippedVideos: Int, machineCores: Int = 0,
                blasCore: String? = nil) {
        self.cpuCores = cpuCores; self.residentBytes = residentBytes; self.blasThreads = blasThreads
        self.decodeSeconds = decodeSeconds; self.computeSeconds = computeSeconds
        self.cacheHits = cacheHits; self.cacheMisses = cacheMisses; self.skippedVideos = skippedVideos
        self.machineCores = machineCores
        self.blasCore = blasCore
    }
}

public enum LogLevel: String, Sendable, Codable { case info, warning, error }

/// What the engine tells its screen. Every event is a value; a screen folds them into a snapshot.
public enum EngineEvent: Sendable, Equatable {
    case started(RunInfo)
    case state(EngineState)
    case step(StepMetrics)
    /// The current query set's tasks, one per anchor video.
    case tasks(step: Int, [TaskLoss])
    /// Cheap monitors (kNN top-1, small retrieval R@1, collapse meter `embedding_std` vs `embedding_std_ref`).
    case monitors(step: Int, [String: Double])
    case retrieval(RetrievalSummary)
    case checkpointSaved(step: Int, path: String)
    case system(SystemStats)
    case log(LogLevel, String)
    /// A log line that says which step it belongs to (nil: none), such as a line of a run's
    /// train.log read back by the viewer; a `.log` line belongs to the step the screen is at.
    case logEntry(LogLevel, String, step: Int?)
    case finished(step: Int)
    case failed(String)
    /// A run's results.json as the eval commands left it, nil when it is gone or cannot be read
    /// (the viewer reads it; the engine never sends it).
    case savedResults(RunResults?)
    /// The viewer reads a run's metrics again from the start (a resume rewrote the file shorter):
    /// what is summed over rows starts over.
    case metricsRestarted
}
