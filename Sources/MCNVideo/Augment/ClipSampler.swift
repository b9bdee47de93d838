import MCNTensor

/// What to do when a video has fewer frames than a clip needs.
public enum ShortVideoMode: String, Sendable, Codable {
    /// Start again from the first frame.
    case loop
    /// Repeat the last frame.
    case pad
}

/// Where clips start, and which frames they take.
public enum ClipSampler {
    /// Training: a start frame uniform over every start that fits (0 when the video is short).
    public static func randomStart(frameCount n: Int, clipFrames t: Int, rng: inout RNG) -> Int {
        n > t ? rng.int(below: n - t + 1) : 0
    }

    /// Evaluation (the VCOP protocol): `count` starts uniformly spaced, the clip centres at
    /// linspace(T/2, n − T/2, count), so starts = linspace(0, n − T, count), rounded down.
    public static func evalStarts(frameCount n: Int, clipFrames t: Int, count: Int = 10) -> [Int] {
        let last = Double(max(0, n - t))
        if count == 1 { return [Int(last / 2)] }
        return (0..<count).map { i in Int(last * Double(i) / Double(count - 1)) }
    }

    /// The T frame numbers of a clip from `start`, looped or padded past the end.
    public static func indices(start: Int, clipFrames t: Int, frameCount n: Int, mode: ShortVideoMode = .loop) -> [Int] {
        precondition(n > 0, "a clip needs a video with frames")
        return (0..<t).map { i in
            let f = start + i
            if f < n { return f }
            return mode == .loop ? f % n : n - 1
        }
    }
}
