/// One labelled video of a dataset.
public struct VideoItem: Sendable, Hashable, Codable {
    /// Full path of the file on disk.
    public var path: String
    /// Path relative to the dataset root, e.g. `ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi`:
    /// the video's name in logs, retrieval results and thumbnails.
    public var relativeName: String
    /// 0-based class index into `VideoDataset.classNames`.
    public var label: Int
    public var className: String

    public init(path: String, relativeName: String, label: Int, className: String) {
        self.path = path; self.relativeName = relativeName; self.label = label; self.className = className
    }
}

/// Dataset layouts `VideoDataset.load` understands.
public enum DatasetFormat: String, Sendable, Codable, CaseIterable {
    /// Detect from the files present.
    case auto
    /// `<Class>/v_<Class>_gXX_cYY.avi` plus `ucfTrainTestlist/` (classInd, trainlist0N, testlist0N).
    case ucf101
    /// `<class>/*.avi` plus `testTrainMulti_7030_splits/<class>_test_split{1,2,3}.txt`.
    case hmdb51
    /// Class subfolders of videos; the train/test split is made from a seed.
    case folders
}

/// File extensions taken as videos when listing folders.
let videoExtensions: Set<String> = ["avi", "mp4", "mkv", "mov", "webm", "mpg", "mpeg", "m4v", "flv", "wmv", "3gp", "ogv"]
