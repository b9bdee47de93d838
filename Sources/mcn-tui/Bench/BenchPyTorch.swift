import Foundation
import MCNModel
import MCNTensor
import MCNTrain

/// `pytorch.*`: scripts/pytorch-reference.py (the same networks and steps in PyTorch) run beside
/// our own figures in the same process run, one network at a time, so each ratio compares
/// measurements taken minutes apart. Both backbone passes are also given as a share of sgemm
/// measured in pairs (`PairedRatio`; the script calls the same OpenBLAS with the same core), the
/// issue's own scale. Runs only when asked for (`--only pytorch`: it takes minutes); skipped with
/// one line when `import torch` fails.
let pytorchSuite = BenchSuite(prefix: "pytorch") { report, options in
    guard !options.only.isEmpty else { report.comment("pytorch: side-by-side figures with --only pytorch"); return }
    guard let script = pytorchScript() else {
        report.comment("pytorch: scripts/pytorch-reference.py not found, skipped"); return
    }
    guard runPython(["-c", "import torch"]) != nil else {
        report.comment("pytorch: python3 cannot import torch, skipped"); return
    }
    var rng = RNG(seed: 5)
    let clips = Tensor.randn(BenchNetworks.clipShape, rng: &rng)
    for name in BenchNetworks.names where options.wants("pytorch.\(name)") {
        let flops = BenchNetworks.trainFlops(BenchNetworks.convGeometries(BenchNetworks.make(name), input: clips))
        var args = [script, "--threads", "\(options.threads)", "--only", ".\(name).",
                    "--paired-flops", "\(flops)"]
        if options.quick { args.append("--quick") }
        guard let out = runPython(args, environment: BLAS.core.isEmpty ? [:] : ["OPENBLAS_CORETYPE": BLAS.core]) else {
            report.comment("pytorch: the script failed for \(name)"); continue
        }
        var torch: [String: Double] = [:]
        for line in out.split(separator: "\n") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let n = obj["name"] as? String, let v = obj["value"] as? Double else { continue }
            torch[n] = v
            let numbers = obj.compactMapValues { $0 as? Double }.filter { $0.key != "value" && $0.key != "threads" }
            report.record(n, v, unit: obj["unit"] as? String ?? "s", extra: numbers)
            if let core = obj["blas_core"] as? String, core.caseInsensitiveCompare(BLAS.core) != .orderedSame {
                report.comment("pytorch: its sgemm ran OpenBLAS's \(core) kernels, ours \(BLAS.core): the paired figures compare unlike references")
            }
        }
        if !torch.keys.contains(where: { $0.hasPrefix("pytorch.paired.") }) {
            report.comment("pytorch: no paired figures (python3 could not call OpenBLAS's cblas_sgemm through ctypes)")
        }
        // Ours, right after, and the ratios (our seconds over PyTorch's: below 1 is faster).
        var ours: [(String, Double)] = [("backbone.\(name).train", backboneTrainSeconds(name, clips, quick: options.quick))]
        for mode in StepMode.all { ours.append(("step.\(name).\(mode.name)", stepSeconds(name, mode, clips, quick: options.quick).wall)) }
        for (figure, seconds) in ours {
            var extra: [String: Double] = [:]
            for layout in ["default", "channels-last"] {
                if let t = torch["pytorch.\(figure).\(layout)"] { extra["vs_pytorch_\(layout.replacingOccurrences(of: "-", with: "_"))"] = seconds / t }
            }
            report.record("ours.\(figure)", seconds, unit: "s", extra: extra)
        }
        // Our pass's paired share of sgemm over PyTorch's (above 1: we get more of the same sgemm).
        let paired = PairedRatio.ofPass(name, clips, quick: options.quick)
        var extra: [String: Double] = [:]
        for layout in ["default", "channels-last"] {
            if let r = torch["pytorch.paired.backbone.\(name).train.\(layout)"], r > 0 {
                extra["times_pytorch_\(layout.replacingOccurrences(of: "-", with: "_"))"] = paired.value / r
            }
        }
        paired.record(as: "ours.paired.backbone.\(name).train", in: report, extra: extra)
    }
}

/// Seconds of one backbone forward + backward on `clips` (best of a few).
// clips: [16, 3, 8, 64, 64]
func backboneTrainSeconds(_ name: String, _ clips: Tensor, quick: Bool) -> Double {
    let inst = BenchNetworks.make(name)
    return benchTime(minSeconds: quick ? 0.3 : 1) { BenchNetworks.trainingPass(inst, clips) }
}

/// The package root (where scripts/ lives): the working directory when it has the script, else
/// the checkout this binary was built from.
func pytorchScript() -> String? {
    let rel = "scripts/pytorch-reference.py"
    let fm = FileManager.default
    if fm.fileExists(atPath: rel) { return rel }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let p = root.appendingPathComponent(rel).path
    return fm.fileExists(atPath: p) ? p : nil
}

/// Runs python3 with `args` and `environment` added to ours; its standard output, or nil when it
/// could not run or failed.
func runPython(_ args: [String], environment: [String: String] = [:]) -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3"] + args
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}
