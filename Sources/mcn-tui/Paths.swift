import Foundation

/// The bundled sample data: `sample-data/` of the current directory, else next to the package the
/// binary was built in (`.build/<config>/mcn-tui` → `sample-data/`).
func defaultSampleData() -> String {
    let fm = FileManager.default
    if fm.fileExists(atPath: "sample-data/ucfTrainTestlist") { return "sample-data" }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        let candidate = url.appendingPathComponent("sample-data")
        if fm.fileExists(atPath: candidate.appendingPathComponent("ucfTrainTestlist").path) { return candidate.path }
        url.deleteLastPathComponent()
    }
    return "sample-data"
}
