/// Video names for narrow columns. Dataset names repeat their class (`MoveLeft/v_MoveLeft_g12_c01.avi`
/// in UCF101 layout) and differ at the end, so the short form drops what repeats and elides in the
/// middle, keeping the tail that tells videos apart.
public enum VideoName {
    /// `MoveLeft/v_MoveLeft_g12_c01.avi` → `MoveLeft_g12_c01`: without the extension, without a
    /// folder the file name repeats, and without UCF101's `v_` before the class.
    public static func short(_ video: String) -> String {
        var file = Substring(video), folder: Substring = ""
        if let slash = file.lastIndex(of: "/") { folder = file[..<slash]; file = file[file.index(after: slash)...] }
        if let dot = file.lastIndex(of: "."), dot > file.startIndex {
            let ext = file[file.index(after: dot)...]
            if (1...4).contains(ext.count), ext.allSatisfy({ $0.isLetter || $0.isNumber }) { file = file[..<dot] }
        }
        let className = folder.split(separator: "/").last.map(String.init) ?? ""
        if file.hasPrefix("v_"), className.isEmpty || file.dropFirst(2).lowercased().hasPrefix(className.lowercased()) {
            file = file.dropFirst(2)
        }
        if className.isEmpty || file.lowercased().contains(className.lowercased()) { return String(file) }
        return String(folder) + "/" + String(file)
    }

    /// The name with its class in `width` columns: elided in the middle, keeping its last two `_`
    /// parts (`_g12_c01`) and the class tag.
    public static func fit(_ video: String, className: String = "", width: Int, ellipsis: Character = "…") -> String {
        let name = short(video), tag = classTag(name, className)
        return TextFit.middle(name + tag, width: width, tail: tailLength(name) + tag.count, ellipsis: ellipsis)
    }

    static func classTag(_ name: String, _ className: String) -> String {
        className.isEmpty || name.lowercased().contains(className.lowercased()) ? "" : " [\(className)]"
    }

    /// Length of the distinguishing end: from the second-to-last `_`, else a third of the name.
    static func tailLength(_ name: String) -> Int {
        let underscores = name.indices.filter { name[$0] == "_" }
        if underscores.count >= 2 { return name.distance(from: underscores[underscores.count - 2], to: name.endIndex) }
        return max(1, name.count / 3)
    }
}
