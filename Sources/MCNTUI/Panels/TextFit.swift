/// Fitting text into a number of columns without cutting where it misleads: at a clause or word
/// boundary, in the middle (keeping a distinguishing tail), or wrapped onto more rows.
public enum TextFit {
    /// `s` when it fits in `width`; otherwise its longest prefix that ends at a clause (`, ` `; `
    /// `: `), or failing that at a word, followed by `ellipsis`. Never cuts inside a word (so never
    /// inside a number). Nil when not even the first word fits.
    public static func atBoundary(_ s: String, width: Int, ellipsis: Character = "…") -> String? {
        if s.count <= width { return s }
        let chars = Array(s)
        var clause: String? = nil, word: String? = nil
        for i in chars.indices where chars[i] == " " && i > 0 {
            let prefix = String(chars[..<i]).trimmingTrailing(" ,;:/·-")
            guard !prefix.isEmpty else { continue }
            if prefix.count + 1 > width { break }
            if ",;:".contains(chars[i - 1]) { clause = prefix }
            word = prefix
        }
        return (clause ?? word).map { $0 + String(ellipsis) }
    }

    /// `s` when it fits in `width`; otherwise its start and its last `tail` characters around
    /// `ellipsis`. The tail comes first: it is shortened only so that one character of the start
    /// stays.
    public static func middle(_ s: String, width: Int, tail: Int, ellipsis: Character = "…") -> String {
        if s.count <= width { return s }
        guard width >= 3 else { return ScreenBuffer.truncate(s, to: width, ellipsis: ellipsis) }
        let t = max(1, min(tail, width - 2))
        return String(s.prefix(width - 1 - t)) + String(ellipsis) + String(s.suffix(t))
    }

    /// `s` in rows of at most `width` characters, broken at spaces; a word longer than a row is
    /// broken where the row ends.
    public static func wrap(_ s: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var rows: [String] = [], row = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = row.isEmpty ? word : row + " " + word
            if candidate.count <= width { row = candidate; continue }
            if !row.isEmpty { rows.append(row); row = "" }
            var rest = Substring(word)
            while rest.count > width { rows.append(String(rest.prefix(width))); rest = rest.dropFirst(width) }
            row = String(rest)
        }
        if !row.isEmpty || rows.isEmpty { rows.append(row) }
        return rows
    }
}

extension String {
    func trimmingTrailing(_ characters: String) -> String {
        var s = Substring(self)
        while let last = s.last, characters.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
