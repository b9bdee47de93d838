/// The size `--dump WIDTHxHEIGHT` prints a frame at: whole cells, 1 to `limit` each way (a frame is
/// a buffer of width × height cells: a mistyped 100000x100000 would ask for 160 GB).
public enum DumpSize {
    public static let limit = 1000

    /// `120x40` → (120, 40); the one-line error names the flag.
    public static func parse(_ text: String) throws -> (width: Int, height: Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
            throw BackendError(description: "--dump takes WIDTHxHEIGHT, e.g. 120x40 (got '\(text)')")
        }
        guard (1...limit).contains(w), (1...limit).contains(h) else {
            throw BackendError(description: "--dump \(text): width and height are 1 to \(limit) each, e.g. 120x40")
        }
        return (w, h)
    }
}
