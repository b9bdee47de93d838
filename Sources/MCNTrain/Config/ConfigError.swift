/// A config problem, as one line naming the source (file or `--set`) and the key.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
