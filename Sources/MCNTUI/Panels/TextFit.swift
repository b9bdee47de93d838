/// Fitting text into a number of columns without cutting where it misleads: at a clause or word
/// boundary, in the middle (keeping a distinguishing tail), or wrapped onto more rows; paths
/// shortened to their last parts.
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

    /// `s` in rows of at most `width` characters (`firstWidth` for the first), broken at spaces; a
    /// word longer than a row is broken after a `/` or where the row ends.
    public static func wrap(_ s: String, width: Int, firstWidth: Int? = nil) -> [String] {
        guard width > 0, (firstWidth ?? width) > 0 else { return [] }
        var rows: [String] = [], row = ""
        var limit: Int { rows.isEmpty ? firstWidth ?? width : width }
        for word in s.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = row.isEmpty ? word : row + " " + word
            if candidate.count <= limit { row = candidate; continue }
            if !row.isEmpty { rows.append(row); row = "" }
            var rest = Substring(word)
            while rest.count > limit { let n = breakAt(rest, limit); rows.append(String(rest.prefix(n))); rest = rest.dropFirst(n) }
            row = String(rest)
        }
        if !row.isEmpty || rows.isEmpty { rows.append(row) }
        return rows
    }

    /// Where to break a word too long for a row of `limit`: after its last `/` in the row's second
    /// half (a path breaks between its parts), else at the row's end.
    static func breakAt(_ word: Substring, _ limit: Int) -> Int {
        let head = word.prefix(limit)
        if let slash = head.lastIndex(of: "/") {
            let n = head.distance(from: head.startIndex, to: slash) + 1
            if n * 2 >= limit { return n }
        }
        return limit
    }

    /// `s` cut into rows of exactly `width` characters (`firstWidth` for the first), the last shorter.
    public static func chunk(_ s: String, width: Int, firstWidth: Int? = nil) -> [String] {
        guard width > 0, (firstWidth ?? width) > 0 else { return [] }
        var rows: [String] = [], rest = Substring(s)
        repeat {
            let n = rows.isEmpty ? firstWidth ?? width : width
            rows.append(String(rest.prefix(n))); rest = rest.dropFirst(n)
        } while !rest.isEmpty
        return rows
    }

    /// `s` with each path (a word with `/`) of more than `keep` parts shortened to its last
    /// `keep` (`/work/data/MoveLeft/v_MoveLeft_g01_c01.avi:` → `…/MoveLeft/v_MoveLeft_g01_c01.avi:`).
    public static func shortenPaths(_ s: String, keep: Int = 2, ellipsis: Character = "…") -> String {
        s.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            let parts = word.split(separator: "/", omittingEmptySubsequences: true)
            guard parts.count > keep, keep > 0 else { return String(word) }
            return String(ellipsis) + "/" + parts.suffix(keep).joined(separator: "/")
        }.joined(separator: " ")
    }
}

extension String {
    func trimmingTrailing(_ characters: String) -> String {
        var s = Substring(self)
        while let last = s.last, characters.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
