import Foundation
import MCNTensor

/// Writes the bundled sample dataset: procedural videos in UCF101 layout
/// (`<Class>/v_<Class>_gXX_cYY.avi` plus `ucfTrainTestlist/` with classInd, trainlist01 and
/// testlist01), encoded with libavcodec (MPEG-4 part 2 in AVI).
///
/// Classes are motions. As in real action datasets, where the scene goes with the action, each
/// class has its own loose appearance family (background texture, object shape) whose colours
/// and scales vary freely; a group (`gXX`) shares a background look, like one scene of UCF101, and
/// the test split holds whole groups. Nuisances (colours, size, speed, position, noise) vary
/// per clip. `hard` draws texture and shape at random for every clip: motion is the only cue.
public struct SampleDataGenerator: Sendable {
    public static let classNames = [
        "MoveLeft", "MoveRight", "MoveUp", "MoveDown", "RotateClockwise", "RotateCounterclockwise",
        "ZoomIn", "ZoomOut", "Bounce", "Orbit", "Shake", "Pulse",
    ]

    public var seed: UInt64 = 2021
    public var hard = false
    public var width = 80
    public var height = 80
    public var frames = 32
    public var fps = 25
    /// Groups per class, clips per group, and how many of the groups are test groups. One clip
    /// a group by default: with four clips sharing a scene, r3d-tiny learned the 4 training scenes
    /// of each class and reached only chance (11.5%) on the test scenes after 300 supervised steps;
    /// with a scene per clip the class cues (texture kind, shape, motion) are what generalises.
    public var groups = 24
    public var clipsPerGroup = 1
    public var testGroups = 8
    /// How many of the classes to write (all by default; tests use fewer).
    public var classCount = SampleDataGenerator.classNames.count
    /// MPEG-4 quantiser (2 best ... 31 smallest).
    public var quality = 8

    public init(seed: UInt64 = 2021, hard: Bool = false) {
        self.seed = seed
        self.hard = hard
    }

    public var videosPerClass: Int { groups * clipsPerGroup }

    /// Whether a dataset's classes are the sample data's (all of them, or the first few that
    /// `classCount` writes), wherever it was generated: the folder's name does not tell.
    public static func isSampleData(classNames names: [String]) -> Bool {
        !names.isEmpty && names.count <= classNames.count && Set(names) == Set(classNames.prefix(names.count))
    }

    /// Whether `dir` may be written into: missing, empty, or a sample dataset written before
    /// (regenerating one is harmless); anything else would have its split lists replaced.
    public static func canWrite(into dir: String) -> Bool {
        // Hidden files (.DS_Store and the like) do not make a folder hold something.
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir),
              entries.contains(where: { !$0.hasPrefix(".") }) else { return true }
        let classInd = (dir as NSString).appendingPathComponent("ucfTrainTestlist/classInd.txt")
        guard let names = try? UCF101Splits.classNames(classFile: classInd) else { return false }
        return isSampleData(classNames: names)
    }

    /// The relative name of clip `clip` (0-based) of group `group` (0-based) of a class.
    public func relativeName(classIndex: Int, group: Int, clip: Int) -> String {
        let c = Self.classNames[classIndex]
        return String(format: "%@/v_%@_g%02d_c%02d.avi", c, c, group + 1, clip + 1)
    }

    /// The frames of one clip, RGB UInt8 [frames, height, width, 3]: a pure function of the
    /// generator's settings and (class, group, clip).
    public func renderClip(classIndex: Int, group: Int, clip: Int) -> [UInt8] {
        scene(classIndex: classIndex, group: group, clip: clip).render()
    }

    func scene(classIndex: Int, group: Int, clip: Int) -> SampleScene {
        let motion = SampleScene.Motion(rawValue: classIndex)!
        var groupRNG = RNG.derived(seed: seed, hard ? 1 : 0, classIndex, group)
        var clipRNG = RNG.derived(seed: seed, hard ? 1 : 0, classIndex, group, clip)
        let texture = hard ? SampleScene.Texture(rawValue: clipRNG.int(below: SampleScene.Texture.allCases.count))!
                           : SampleScene.Texture(rawValue: classIndex % SampleScene.Texture.allCases.count)!
        let shape = hard ? SampleScene.Shape(rawValue: clipRNG.int(below: SampleScene.Shape.allCases.count))!
                         : SampleScene.Shape(rawValue: classIndex % SampleScene.Shape.allCases.count)!
        // The background look is shared by a group (a "scene"); hard mode draws it per clip.
        let bg = hard ? SampleScene.background(texture: texture, width: width, height: height, rng: &clipRNG)
                      : SampleScene.background(texture: texture, width: width, height: height, rng: &groupRNG)
        return SampleScene(motion: motion, background: bg, shape: shape, width: width, height: height,
                           frames: frames, rng: &clipRNG)
    }

    /// Writes the dataset under `dir` (created if needed); `progress(done, total)` after each video.
    /// Returns the number of videos written.
    @discardableResult
    public func generate(to dir: String, progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        let fm = FileManager.default
        let lists = (dir as NSString).appendingPathComponent("ucfTrainTestlist")
        do { try fm.createDirectory(atPath: lists, withIntermediateDirectories: true) } catch {
            throw VideoError(.encode, path: dir, "cannot create the dataset directory")
        }
        let names = Array(Self.classNames.prefix(classCount))
        var classInd = "", train = "", test = ""
        let total = names.count * videosPerClass
        var done = 0
        for (k, name) in names.enumerated() {
            classInd += "\(k + 1) \(name)\r\n"
            try? fm.createDirectory(atPath: (dir as NSString).appendingPathComponent(name), withIntermediateDirectories: true)
            for g in 0..<groups {
                for c in 0..<clipsPerGroup {
                    let rel = relativeName(classIndex: k, group: g, clip: c)
                    try writeClip(classIndex: k, group: g, clip: c, to: (dir as NSString).appendingPathComponent(rel))
                    if g < testGroups { test += rel + "\r\n" } else { train += "\(rel) \(k + 1)\r\n" }
                    done += 1
                    progress?(done, total)
                }
            }
        }
        try writeText(classInd, (lists as NSString).appendingPathComponent("classInd.txt"))
        try writeText(train, (lists as NSString).appendingPathComponent("trainlist01.txt"))
        try writeText(test, (lists as NSString).appendingPathComponent("testlist01.txt"))
        return done
    }

    /// Renders and encodes one clip to `path`.
    public func writeClip(classIndex: Int, group: Int, clip: Int, to path: String) throws {
        let rgb = renderClip(classIndex: classIndex, group: group, clip: clip)
        let writer = try VideoWriter(path: path, width: width, height: height, fps: fps, quality: quality)
        let fb = width * height * 3
        try rgb.withUnsafeBufferPointer { buf in
            for f in 0..<frames { try writer.write(rgb: buf.baseAddress! + f * fb) }
        }
        try writer.finish()
    }

    private func writeText(_ s: String, _ path: String) throws {
        do { try s.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw VideoError(.encode, path: path, "cannot write the split file")
        }
    }
}
