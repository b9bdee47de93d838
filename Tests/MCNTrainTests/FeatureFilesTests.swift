import XCTest
@testable import MCNTrain

final class FeatureFilesTests: XCTestCase {
    func testNPYHeaderIsAligned() {
        for shape in [[3], [4000, 512], [2, 3, 4], []] {
            let h = NPY.header(shape: shape)
            XCTAssertEqual(h.count % 64, 0, "\(shape)")
            XCTAssertEqual(h.last, 0x0A)
        }
        XCTAssertTrue(String(decoding: NPY.header(shape: [3]), as: UTF8.self).contains("'shape': (3,)"))
    }

    func testSaveLoadRoundTripAndNumPyReadsIt() throws {
        let dir = try temporaryDirectory()
        let info = FeatureSetInfo(videos: ["a/v_A_g01_c01.avi", "b/v_B_g02_c01.avi", "a/v_A_g03_c02.avi"],
                                  labels: [0, 1, 0], classNames: ["A", "B"], feature: "gap", dim: 2, clips: 10,
                                  protocolInfo: ["split": "1"])
        let feats: [Float] = [1, 2, 3, 4.5, -1, 0]
        let paths = try FeatureFiles.save(features: feats, info: info, to: dir + "/test")
        let back = try FeatureFiles.load(base: dir + "/test")
        XCTAssertEqual(back.features, feats)
        XCTAssertEqual(back.info, info)
        XCTAssertThrowsError(try FeatureFiles.save(features: [1], info: info, to: dir + "/bad"))

        guard (try? runProcess(python, ["-c", "import numpy"])) != nil else { throw XCTSkip("python3 with numpy not installed") }
        let out = try runProcess(python, ["-c", """
        import json, sys, numpy as np
        a = np.load(sys.argv[1])
        j = json.load(open(sys.argv[2]))
        print(a.dtype, a.shape, a[1, 1], j['labels'], j['videos'][2], j['class_names'])
        """, paths.npy, paths.json])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines),
                       "float32 (3, 2) 4.5 [0, 1, 0] a/v_A_g03_c02.avi ['A', 'B']")
        // And a file NumPy wrote reads back here.
        let npPath = dir + "/np.npy"
        _ = try runProcess(python, ["-c", "import numpy as np, sys; np.save(sys.argv[1], np.arange(6, dtype='<f4').reshape(3, 2))", npPath])
        let r = try NPY.read(path: npPath)
        XCTAssertEqual(r.shape, [3, 2])
        XCTAssertEqual(r.floats, [0, 1, 2, 3, 4, 5])
    }
}
