/// What `mcn-tui inspect` reports for one file: its properties and the frames that really
/// decode, or the one-line reason it can't be read.
public struct VideoInfo: Sendable, Equatable {
    public var path: String
    public var container: String?
    public var codec: String?
    public var width: Int?
    public var height: Int?
    public var fps: Double?
    /// Frames decoded (a full pass), or nil when the file could not be read.
    public var frames: Int?
    /// nil when the file is fine.
    public var error: VideoError?

    /// Opens `path` and decodes every frame (without converting them). Never throws.
    public static func probe(_ path: String) -> VideoInfo {
        var info = VideoInfo(path: path)
        var reader: VideoReader?
        do {
            let r = try VideoReader(path: path)
            reader = r
            info.container = r.container
            info.codec = r.codec
            info.width = r.width
            info.height = r.height
            info.fps = r.fps
            info.frames = try r.frameCount(exact: true)
        } catch let e as VideoError {
            info.error = e
            info.frames = reader?.knownFrameCount // a truncated file still says how many decoded
        } catch {
            info.error = VideoError(.decode, path: path, "\(error)")
        }
        return info
    }

    public init(path: String, container: String? = nil, codec: String? = nil, width: Int? = nil, height: Int? = nil,
                fps: Double? = nil, frames: Int? = nil, error: VideoError? = nil) {
        self.path = path; self.container = container; self.codec = codec; self.width = width
        self.height = height; self.fps = fps; self.frames = frames; self.error = error
    }
}
