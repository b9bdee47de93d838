/// Text and attribute dumps of a buffer, for golden files and debugging.
extension ScreenBuffer {
    /// The characters, one line per row, trailing spaces removed.
    public func textDump() -> String {
        (0..<height).map { y in
            var s = rowText(y)
            while s.last == " " { s.removeLast() }
            return s
        }.joined(separator: "\n") + "\n"
    }

    /// One letter per cell naming its style, and a legend of the letters, in order of first use.
    /// Plain cells (default colours, no attributes) are `.`.
    public func attributeDump() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var code: [Style: Character] = [.plain: "."]
        var legend: [String] = []
        var rows: [String] = []
        for y in 0..<height {
            var row = ""
            for x in 0..<width {
                let st = cells[y * width + x].style
                if let c = code[st] { row.append(c); continue }
                let c = legend.count < letters.count ? letters[legend.count] : "*"
                code[st] = c
                legend.append("\(c) \(st.dumpDescription)")
                row.append(c)
            }
            while row.last == "." { row.removeLast() }
            rows.append(row)
        }
        return legend.joined(separator: "\n") + "\n--\n" + rows.joined(separator: "\n") + "\n"
    }
}

extension ScreenBuffer {
    /// ASCII stand-ins for the few non-ASCII characters panels write in text.
    static let asciiFold: [Character: Character] = [
        "·": ".", "×": "x", "θ": "t", "−": "-", "…": "~", "━": "*", "▶": ">", "✓": "+", "✗": "x",
        "▲": "^", "▼": "v", "≤": "<", "↑": "^", "↓": "v", "←": "<", "→": ">",
    ]

    /// Every non-ASCII character replaced (for terminals whose locale is not UTF-8).
    public mutating func foldToASCII() {
        for i in cells.indices where !cells[i].scalar.isASCII {
            let folded = Self.asciiFold[cells[i].ch] ?? "?"
            cells[i].scalar = folded.unicodeScalars.first!
        }
    }
}
