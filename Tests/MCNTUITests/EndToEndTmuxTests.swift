import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Drives the real binary (`mcn-tui demo`, a synthetic engine) in a detached tmux session: the
/// header moves, p pauses and resumes, c writes a checkpoint, e fills the retrieval panel, arrows
/// move the query, ? opens help, a resize to 80×24 reflows, q exits 0 with the terminal restored.
/// Skips when tmux or the built binary is absent.
final class EndToEndTmuxTests: XCTestCase {
    var session = ""
    var tmp: URL!

    static func binary() -> URL? {
        let candidates = [
            Bundle(for: EndToEndTmuxTests.self).bundleURL.deletingLastPathComponent().appendingPathComponent("mcn-tui"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/mcn-tui"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func tmuxPath() -> String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs tmux and returns its output. Output goes through a file, not a pipe: the tmux server
    /// that `new-session` starts would inherit a pipe and keep it open forever. The child is
    /// spawned and reaped here with waitpid and a deadline: Foundation's Process was seen to miss
    /// the exit of a tmux client (left a zombie) and wait forever.
    @discardableResult
    func tmux(_ args: String...) -> String {
        let outPath = tmp.appendingPathComponent("tmux-out").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([Self.tmuxPath()!] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, Self.tmuxPath()!, &actions, nil, argv, environ) == 0 else { return "" }
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL); waitpid(pid, &status, 0); break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    func screen() -> String { tmux("capture-pane", "-p", "-t", session) }

    /// Polls the screen until `ok` holds (at most `seconds`).
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 8, _ ok: (String) -> Bool) -> String {
        let end = Date().addingTimeInterval(seconds)
        var s = screen()
        while !ok(s) && Date() < end { Thread.sleep(forTimeInterval: 0.05); s = screen() }
        XCTAssertTrue(ok(s), "timed out waiting for \(what); screen:\n\(s)")
        return s
    }

    func step(_ s: String) -> Int? {
        guard let r = s.range(of: #"step (\d+)/"#, options: .regularExpression) else { return nil }
        return Int(s[r].dropFirst(5).dropLast())
    }

    override func tearDown() {
        if !session.isEmpty, tmp != nil, Self.tmuxPath() != nil { tmux("kill-session", "-t", session) }
        if let tmp { try? FileManager.default.removeItem(at: tmp) }
    }

    /// Makes the temp folder and tmux session name; nil when tmux or the binary is missing.
    func prepare() throws -> URL {
        guard Self.tmuxPath() != nil else { throw XCTSkip("tmux is not installed") }
        guard let bin = Self.binary() else { throw XCTSkip("the mcn-tui binary is not built (swift build)") }
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mcn-tui-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        session = "mcn-tui-e2e-\(getpid())-\(UUID().uuidString.prefix(6))"
        return bin
    }

    func testDemoInTmux() throws {
        let bin = try prepare()
        let ckpt = tmp.appendingPathComponent("ckpt").path
        try scenario(command: "'\(bin.path)' demo --steps-per-second 40 --quit-confirm-steps 1000000 --checkpoint-dir '\(ckpt)'",
                     checkpointDir: ckpt, patience: 8)
    }

    /// The real thing: `mcn-tui` training a small R3D on the bundled sample data.
    func testTrainingOnSampleDataInTmux() throws {
        let bin = try prepare()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = root.appendingPathComponent("sample-data").path
        guard FileManager.default.fileExists(atPath: data + "/ucfTrainTestlist") else { throw XCTSkip("no sample-data") }
        let run = tmp.appendingPathComponent("run").path
        let sets = ["model.width=0.25", "model.feature_dim=32", "model.proj_dim=16", "model.meta_hidden=8",
                    "data.clip_frames=4", "data.clip_size=16", "eval.clips=1", "run.monitor_every=0",
                    "data.cache_dir=\(tmp.appendingPathComponent("cache").path)"].map { "--set \($0)" }.joined(separator: " ")
        try scenario(command: "'\(bin.path)' --data '\(data)' --run-dir '\(run)' --steps 100000 --quit-confirm-steps 1000000 \(sets)",
                     checkpointDir: run + "/checkpoints", patience: 60)
    }

    /// A run that finished while the screen was open: q exits 0 at once (the screen had taken the
    /// engine's last events, and the command once waited for them forever).
    func testQuitAfterTheRunFinished() throws {
        let bin = try prepare()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = root.appendingPathComponent("sample-data").path
        guard FileManager.default.fileExists(atPath: data + "/ucfTrainTestlist") else { throw XCTSkip("no sample-data") }
        let sets = ["model.width=0.25", "model.feature_dim=32", "model.proj_dim=16", "model.meta_hidden=8",
                    "data.clip_frames=4", "data.clip_size=16", "run.monitor_every=0",
                    "data.cache_dir=\(tmp.appendingPathComponent("cache").path)"].map { "--set \($0)" }.joined(separator: " ")
        let exitFile = tmp.appendingPathComponent("exit").path
        let cmd = "LANG=C.UTF-8 '\(bin.path)' --data '\(data)' --run-dir '\(tmp.appendingPathComponent("run").path)' --steps 3 \(sets); echo $? > '\(exitFile)'; sleep 3"
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd)
        waitFor("FINISHED", seconds: 60) { $0.contains("FINISHED") }
        tmux("send-keys", "-t", session, "q")
        let end = Date().addingTimeInterval(20)
        let code = exitCode(exitFile, until: end)
        XCTAssertEqual(code, "0", "q after the run finished did not exit")
    }

    /// Launch, watch, pause/resume, checkpoint, evaluate, browse, help, resize, quit.
    func scenario(command: String, checkpointDir ckpt: String, patience: Double) throws {
        let exitFile = tmp.appendingPathComponent("exit").path
        let cmd = "LANG=C.UTF-8 \(command); echo $? > '\(exitFile)'; sleep 3"
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", cmd)

        // The header and curves move.
        var s = waitFor("the running header", seconds: patience) { $0.contains("RUNNING") && (self.step($0) ?? 0) > 2 }
        XCTAssertTrue(s.contains("Loss curves"))
        let s1 = step(s) ?? 0
        s = waitFor("the step to advance", seconds: patience) { (self.step($0) ?? 0) > s1 + 3 }

        // p pauses: the header says so and the step stops; p again resumes.
        tmux("send-keys", "-t", session, "p")
        s = waitFor("PAUSED", seconds: patience) { $0.contains("PAUSED") }
        let p1 = step(s)
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(step(screen()), p1, "paused: the step count stops")
        tmux("send-keys", "-t", session, "p")
        s = waitFor("running again", seconds: patience) { $0.contains("RUNNING") && (self.step($0) ?? 0) > (p1 ?? 0) }

        // c writes a checkpoint file; e fills the retrieval panel.
        tmux("send-keys", "-t", session, "c")
        let deadline = Date().addingTimeInterval(patience)
        while Date() < deadline && ((try? FileManager.default.contentsOfDirectory(atPath: ckpt))?.isEmpty ?? true) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertFalse((try? FileManager.default.contentsOfDirectory(atPath: ckpt))?.isEmpty ?? true, "c wrote no checkpoint")
        tmux("send-keys", "-t", session, "e")
        s = waitFor("retrieval results", seconds: patience) { $0.contains("R@1 ") }

        // Arrows move the selected query once the browser has focus.
        tmux("send-keys", "-t", session, "Tab", "Tab")
        s = waitFor("browser focus") { $0.contains("Enter detail") }
        let before = s.split(separator: "\n").firstIndex { $0.contains("▶") }
        tmux("send-keys", "-t", session, "Down")
        s = waitFor("the selection to move") { $0.split(separator: "\n").firstIndex { $0.contains("▶") } != before }

        // ? opens help, Esc closes it.
        tmux("send-keys", "-t", session, "?")
        waitFor("help") { $0.contains("Keys (? or Esc closes)") }
        tmux("send-keys", "-t", session, "Escape")
        waitFor("help closed") { !$0.contains("Keys (? or Esc closes)") }

        // Resize to 80×24: everything reflows into 80 columns.
        tmux("resize-window", "-t", session, "-x", "80", "-y", "24")
        s = waitFor("the 80×24 layout") { s in
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            return s.contains("1 Loss curves") && lines.filter { !$0.isEmpty }.count >= 23 && lines.allSatisfy { $0.count <= 80 }
        }

        // q exits 0 and the screen is back to the shell (the alternate screen is gone).
        tmux("send-keys", "-t", session, "q")
        let end = Date().addingTimeInterval(patience)
        let code = exitCode(exitFile, until: end)
        XCTAssertEqual(code, "0")
        XCTAssertFalse(screen().contains("Loss curves"), "the terminal was not restored")
    }

    /// The exit status the shell wrote to `file` (`echo $? > file`), once it is there: the shell
    /// creates the file before it writes the digits, so an empty file is waited on too.
    private func exitCode(_ file: String, until deadline: Date) -> String? {
        while Date() < deadline {
            if let s = try? String(contentsOfFile: file, encoding: .utf8), s.hasSuffix("\n") {
                return s.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
