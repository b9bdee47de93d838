import XCTest
import MCNTrain
@testable import MCNTUI

/// Panels at narrow widths cut text where it still reads right (a walkthrough found numbers cut
/// short, names cut before what tells them apart, headings overwritten and series dropped silently).
final class PanelFitTests: XCTestCase {
    let ctx = Fixtures.dark

    func run(_ summary: String, name: String = "polish-run") -> RunInfo {
        RunInfo(name: name, runDirectory: "/tmp/\(name)", method: "mcn", mode: "first-order", backbone: "r3d-tiny",
                totalSteps: 400, stepsPerEpoch: 12, startStep: 0, batchVideos: 16, clipShape: [8, 64, 64],
                datasetSummary: summary)
    }

    func headerRow(_ s: Snapshot, width: Int, ui: UIState = UIState()) -> String {
        var b = ScreenBuffer(width: width, height: 2)
        HeaderPanel.render(s, ui, into: &b, rect: b.bounds, ctx)
        return b.rowText(0)
    }

    /// At 120 columns the header read "…192 train / 9  RUNNING": 96 test videos cut to 9.
    func testHeaderCutsTheDatasetAtAClauseNotInsideANumber() {
        var s = Fixtures.snapshot
        s.run = run("/work/main/sample-data: ucf101 split 1, 12 classes, 192 train / 96 test videos")
        let wide = headerRow(s, width: 120)
        XCTAssertTrue(wide.contains("batch 16 · /work/main/sample-data: ucf101 split 1…   "), wide)
        XCTAssertFalse(wide.contains("/ 9"), wide)
        XCTAssertTrue(headerRow(s, width: 160).contains("192 train / 96 test videos"))
        // Too narrow for any word of the dataset: it is dropped, with a sign that something is.
        let narrow = headerRow(s, width: 80)
        XCTAssertTrue(narrow.contains("batch 16 · …"), narrow)
        XCTAssertTrue(narrow.contains("RUNNING"))
        // Every width: the row ends in a whole fact or a whole word with an ellipsis.
        for w in 64...170 {
            let row = headerRow(s, width: w).replacingOccurrences(of: " RUNNING ", with: "").trimmingCharacters(in: .whitespaces)
            let last = row.split(separator: " ").last.map(String.init) ?? ""
            XCTAssertTrue(last.hasSuffix("…") || last == "videos" || last == "16" || last == "8×64×64", "width \(w): \(row)")
            XCTAssertFalse(row.contains("/ 9…") || row.hasSuffix("/ 9"), "width \(w): \(row)")
        }
    }

    func retrievalSnapshot() -> Snapshot {
        var s = Fixtures.snapshot
        let classes = ["MoveLeft", "ZoomIn", "RotateCounterclockwise"]
        let queries = (1...8).map { g in
            RetrievalQuery(video: "MoveLeft/v_MoveLeft_g\(String(format: "%02d", g))_c01.avi", className: "MoveLeft",
                           neighbours: (0..<5).map { k in
                               let c = classes[(g + k) % 3]
                               return Neighbour(video: "\(c)/v_\(c)_g\(String(format: "%02d", 10 + k))_c01.avi", className: c,
                                                similarity: 0.98 - 0.01 * Double(k), hit: c == "MoveLeft")
                           })
        }
        s.retrieval = RetrievalSummary(step: 42, recall: [1: 0.208, 5: 0.5], queries: queries, thumbnails: [:])
        return s
    }

    /// At 80 columns every query read `MoveLeft/v_Mo…`: the rows could not be told apart.
    func testRetrievalRowsKeepWhatTellsVideosApart() {
        let s = retrievalSnapshot()
        for (w, h) in [(80, 24), (120, 40)] {
            let screen = ScreenRenderer.render(s, UIState(), width: w, height: h, ctx).textDump()
            for g in 1...3 { XCTAssertTrue(screen.contains("_g0\(g)_c01 "), "\(w) columns: query \(g)\n\(screen)") }
            XCTAssertTrue(screen.contains("1. ZoomIn_g10_c01"), "\(w) columns: neighbour 1\n\(screen)")
            XCTAssertTrue(screen.contains("2. Rota"), "\(w) columns: neighbour 2\n\(screen)")
            XCTAssertTrue(screen.contains("_g11_c01"), "\(w) columns: neighbour 2\n\(screen)")
            XCTAssertTrue(screen.contains("+0.98"), "\(w) columns: similarity\n\(screen)")
        }
    }

    /// At 80 columns "+2 more" overwrote the "pair acc" heading and "25%" read "25".
    func testTasksHeadingAndPercentagesAreWhole() {
        var s = Fixtures.snapshot
        s.tasks = (1...10).map { TaskLoss(video: "MoveUp/v_MoveUp_g\(String(format: "%02d", $0))_c01", metaLoss: 0.7 - 0.001 * Double($0), pairAccuracy: 0.25) }
        for (w, h, accHeading) in [(80, 24, " acc "), (120, 40, " pair acc "), (120, 24, " pair acc ")] {
            let screen = ScreenRenderer.render(s, UIState(), width: w, height: h, ctx)
            let rows = (0..<h).map { screen.rowText($0) }
            let heading = rows.first { $0.contains("│video ") || $0.contains("│hardest first ") } ?? ""
            XCTAssertTrue(heading.contains(" meta loss ") && heading.contains(accHeading) && !heading.contains("more"), "\(w) columns: \(heading)")
            let taskRows = rows.filter { $0.contains("│Mov") }
            XCTAssertGreaterThan(taskRows.count, 3)
            for r in taskRows { XCTAssertTrue(r.contains(" 25%│"), "\(w) columns: \(r)") }
            XCTAssertEqual(Set(taskRows.map { $0.components(separatedBy: "_c01 ")[0].suffix(3) }).count, taskRows.count, "names tell tasks apart")
            XCTAssertEqual(rows.contains { $0.contains("│+\(10 - taskRows.count) more ") }, taskRows.count < 10, "\(w) columns\n\(screen.textDump())")
        }
    }

    /// The System panel: the monitors' long labels (embedding_std_ref) no longer push the system
    /// figures along (at 80 columns "BLAS Skylake…" was cut), and the CPU bar stays clear of the
    /// CPU figure (it covered "of 2").
    func testSystemFiguresKeepTheirRoomBesideLongMonitorNames() {
        var s = Fixtures.snapshot
        s.system?.machineCores = 2
        s.system?.blasCore = "SkylakeX"
        s.monitors = ["embedding_std": 0.05, "embedding_std_ref": 0.09, "knn_top1": 0.3]
        // 80×24: three rows, the BLAS kernel set cut only at the panel's edge; 120×40: all of it.
        for (w, h, blas, monitors) in [(80, 24, "BLAS SkylakeX…", false), (120, 40, "BLAS SkylakeX ×2", true)] {
            let rows = (0..<h).map { ScreenRenderer.render(s, UIState(), width: w, height: h, ctx).rowText($0) }
            let dump = rows.joined(separator: "\n")
            XCTAssertTrue(rows.contains { $0.contains("│CPU   1.76 cores of 2 ") }, "\(w) columns\n\(dump)")
            XCTAssertTrue(rows.contains { $0.contains("│RSS   613 MiB   \(blas)") }, "\(w) columns\n\(dump)")
            XCTAssertEqual(rows.contains { $0.contains("│embedding_std_ref 0.09") }, monitors, "\(w) columns\n\(dump)")
        }
    }

    /// A contrastive baseline never has tasks: the panel says why instead of "no tasks yet".
    func testTasksPanelOfTheBaselineSaysItHasNoMetaBranch() {
        var s = Fixtures.snapshot
        s.tasks = []
        let mcn = ScreenRenderer.render(s, UIState(), width: 120, height: 40, ctx).textDump()
        XCTAssertTrue(mcn.contains("no tasks yet"), mcn)
        s.run?.method = "contrastive"
        let baseline = ScreenRenderer.render(s, UIState(), width: 80, height: 24, ctx).textDump()
        XCTAssertTrue(baseline.contains("the contrastive") && baseline.contains("meta branch"), baseline)
    }

    /// The loss legend dropped series silently (`total` only appeared at 200 columns).
    func testCurvesLegendSaysHowManySeriesItHides() {
        XCTAssertEqual(CurvesPanel.legendCount([10, 10, 10], width: 34), 3)
        XCTAssertEqual(CurvesPanel.legendCount([10, 10, 10], width: 33), 2, "two entries and '  +1'")
        XCTAssertEqual(CurvesPanel.legendCount([10, 10, 10], width: 25), 1)
        XCTAssertEqual(CurvesPanel.legendCount([10, 10, 10], width: 5), 0)
        let s = Fixtures.snapshot
        let total = s.series.keys.filter { $0.hasPrefix("loss_") }.count
        for (w, h) in [(80, 24), (120, 40), (200, 50)] {
            let legend = ScreenRenderer.render(s, UIState(), width: w, height: h, ctx).rowText(3)
            let shown = legend.components(separatedBy: "━").count - 1
            XCTAssertGreaterThan(shown, 0)
            if shown < total { XCTAssertTrue(legend.contains("  +\(total - shown)"), "\(w) columns: \(legend)") }
            else { XCTAssertFalse(legend.contains("+"), "\(w) columns: \(legend)") }
            // The total is listed first: a narrow legend hides its parts, never the loss itself.
            XCTAssertTrue(legend.contains("━total "), "\(w) columns: \(legend)")
        }
        XCTAssertEqual(CurvesPanel.legendOrder(["loss_con_query", "loss_meta_query", "loss_total"]), [2, 0, 1])
        XCTAssertEqual(CurvesPanel.legendOrder(["acc_meta_support", "acc_meta_query"]), [0, 1])
    }

    /// The log pane cut "warn: skipped unreadable video…" before the file name, the one thing the
    /// user needs.
    func testLongLogEntriesWrapAndKeepTheirEnd() {
        let skipped = LogLine(level: .warning, text: "skipped unreadable video: /work/main/sample-data/MoveLeft/v_MoveLeft_g07_c01.avi: no video stream", step: 333)
        // A step of a million and more: the text moves along, nothing falls off the row.
        let late = LogLine(level: .info, text: "finished 1234567 steps", step: 1_234_567)
        let lateRows = LogPanel.rows(late, width: 40, maxRows: 3, ellipsis: "…")
        XCTAssertTrue(lateRows.allSatisfy { $0.count <= 40 }, "\(lateRows)")
        XCTAssertEqual(lateRows.joined(separator: " ").split(separator: " ").last, "steps", "\(lateRows)")
        XCTAssertEqual(LogPanel.rows(skipped, width: 70, maxRows: 10, ellipsis: "…"),
                       ["   333 warn: skipped unreadable video:",
                        "       /work/main/sample-data/MoveLeft/v_MoveLeft_g07_c01.avi: no",
                        "       video stream"])
        // Too long for the pane wrapped at spaces: cut into full rows, the path kept whole.
        XCTAssertEqual(LogPanel.rows(skipped, width: 60, maxRows: 2, ellipsis: "…"),
                       ["   333 warn: skipped unreadable video: /work/main/sample-dat",
                        "       a/MoveLeft/v_MoveLeft_g07_c01.avi: no video stream"])
        // A checkpoint's path stays whole in the 80-column pane, to be copied.
        let ckpt = LogLine(level: .info, text: "checkpoint written: /tmp/wt-polish-run/checkpoints/step-00000072.safetensors", step: 72)
        XCTAssertEqual(LogPanel.rows(ckpt, width: 30, maxRows: 3, ellipsis: "…").joined().replacingOccurrences(of: " ", with: ""),
                       "72checkpointwritten:/tmp/wt-polish-run/checkpoints/step-00000072.safetensors")
        let demo = LogLine(level: .info, text: "checkpoint written: runs/demo-mcn/checkpoints/step-00000159.safetensors (not written: demo)", step: 159)
        XCTAssertTrue(LogPanel.rows(demo, width: 30, maxRows: 3, ellipsis: "…").joined().replacingOccurrences(of: " ", with: "")
                        .contains("…/checkpoints/step-00000159.safetensors(notwritten:demo)"), "a relative path shortens too")
        // Too long even so: the path loses its leading folders, not its file name.
        XCTAssertEqual(LogPanel.rows(skipped, width: 50, maxRows: 2, ellipsis: "…"),
                       ["   333 warn: skipped unreadable video: …/MoveLeft/",
                        "       v_MoveLeft_g07_c01.avi: no video stream"])
        XCTAssertEqual(LogPanel.rows(skipped, width: 30, maxRows: 3, ellipsis: "…"),
                       ["   333 warn: skipped unreadabl",
                        "  e video: …/v_MoveLeft_g07_c0",
                        "  1.avi: no video stream"], "a narrow pane: file names only, cut into full rows")
        XCTAssertEqual(LogPanel.rows(LogLine(level: .info, text: "short", step: nil), width: 30, maxRows: 4, ellipsis: "…"), ["       short"])
        // Every row of every entry fits the pane, at most maxRows of them, and the end stays.
        for w in 10...60 {
            for maxRows in 1...5 {
                let rows = LogPanel.rows(skipped, width: w, maxRows: maxRows, ellipsis: "…")
                XCTAssertLessThanOrEqual(rows.count, maxRows); XCTAssertTrue(rows.allSatisfy { $0.count <= w }, "\(w) \(maxRows): \(rows)")
                if w >= 19, maxRows >= 2 { XCTAssertTrue(rows.joined().replacingOccurrences(of: " ", with: "").hasSuffix("videostream"), "\(w) \(maxRows): \(rows)") }
            }
        }
        // On screen at 80 columns, newest at the bottom.
        var s = Fixtures.snapshot
        s.logs = [LogLine(level: .info, text: "retrieval at step 42: R@1 0.208", step: 42), skipped]
        let screen = ScreenRenderer.render(s, UIState(), width: 80, height: 24, ctx)
        let rows = (0..<24).map { screen.rowText($0) }
        XCTAssertTrue(rows.contains { $0.contains("v_MoveLeft_g07") }, screen.textDump())
        XCTAssertTrue(rows[21].contains("no video stream"), screen.textDump())
    }

    /// At 80 columns the inner-drop heading read "… 8.0…": the label shortens, not the number.
    func testInnerDropKeepsItsNumber() {
        var b = SnapshotBuilder()
        b.apply(Fixtures.generator.history(steps: 30))
        b.apply(.step(StepMetrics(step: 31, epoch: 0, values: ["inner_drop": 0.000812], clipsPerSecond: 1, dataWaitSeconds: 0, stepSeconds: 1)))
        let number = Format.number(0.000812)
        XCTAssertEqual(number, "8.1e-04")
        for (w, h, label) in [(80, 24, "inner drop 8.1e-04"), (120, 40, "inner drop L(Q;θ)−L(Q;θ') 8.1e-04")] {
            let screen = ScreenRenderer.render(b.snapshot(), UIState(), width: w, height: h, ctx)
            XCTAssertTrue((0..<h).contains { screen.rowText($0).contains("│\(label) ") }, "\(w) columns\n\(screen.textDump())")
        }
    }

    /// At 80 columns the Retrieval panel (46 wide inside) showed R@1 to R@20 and cut R@50 off.
    func testRecallRowShowsEveryKAtEveryWidth() {
        var s = Fixtures.snapshot
        s.retrieval = RetrievalSummary(step: 79, recall: [1: 0.229, 5: 0.458, 10: 0.667, 20: 0.833, 50: 1.0],
                                       queries: [], thumbnails: [:])
        func row(_ width: Int) -> String {
            var b = ScreenBuffer(width: width, height: 6)
            RetrievalPanel.render(s, UIState(), into: &b, rect: b.bounds, ctx)
            return b.rowText(1)
        }
        XCTAssertTrue(row(120).contains("R@1 22.9%  R@5 45.8%  R@10 66.7%  R@20 83.3%  R@50 100.0%"), row(120))
        XCTAssertTrue(row(56).contains("R@1 22.9% R@5 45.8% R@10 66.7% R@20 83.3% R@50 100.0%"), row(56))
        XCTAssertTrue(row(48).contains("R@ 1:22.9 5:45.8 10:66.7 20:83.3 50:100.0%"), row(48))
        for w in 44...130 { XCTAssertTrue(row(w).contains("100.0%"), "\(w) columns: \(row(w))") }
    }
}
