/// A video or dataset problem, described in one line that names the file and what is wrong.
public struct VideoError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem, for counting (e.g. unreadable vs too short vs missing).
    public enum Kind: String, Sendable, Codable {
        case open          // the container could not be opened or parsed
        case noVideoStream // opened, but there is no video stream
        case codec         // no decoder, or the decoder refused to open
        case decode        // decoding failed, or nothing decoded
        case truncated     // fewer frames decode than the container declares
        case notFound      // the file or directory does not exist
        case unreadable    // permissions, or not a regular file
        case dataset       // a dataset layout or split-file problem
        case encode        // writing a video failed
        case cache         // the frame cache could not be written or read
    }

    public var kind: Kind
    public var path: String
    public var reason: String

    public init(_ kind: Kind, path: String, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
