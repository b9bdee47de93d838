import XCTest
@testable import MCNTrain

final class SafeTensorsTests: XCTestCase {
    private func sample() throws -> SafeTensorsWriter {
        var w = SafeTensorsWriter(metadata: ["format": "pt", "step": "12"])
        try w.add("conv1.weight", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6.5])
        try w.add("bn1.num_batches_tracked", shape: [], int64s: [42])
        try w.add("fc.bias", shape: [3], floats: [-1, 0, 1])
        try w.add("empty", shape: [0, 4], floats: [])
        return w
    }

    func testRoundTrip() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/m.safetensors"
        try sample().write(to: path)
        let f = try SafeTensorsFile(path: path)
        XCTAssertEqual(f.names, ["conv1.weight", "bn1.num_batches_tracked", "fc.bias", "empty"])
        XCTAssertEqual(f.metadata, ["format": "pt", "step": "12"])
        XCTAssertEqual(try f.floats("conv1.weight"), [1, 2, 3, 4, 5, 6.5])
        XCTAssertEqual(try f.info("conv1.weight").shape, [2, 3])
        XCTAssertEqual(try f.int64s("bn1.num_batches_tracked"), [42])
        XCTAssertEqual(try f.info("bn1.num_batches_tracked").shape, [])
        XCTAssertEqual(try f.floats("fc.bias"), [-1, 0, 1])
        XCTAssertEqual(try f.floats("empty"), [])
        XCTAssertEqual(f.header.dataStart % 8, 0)
        XCTAssertEqual(try SafeTensorsFile.readHeader(path: path), f.header)
        XCTAssertThrowsError(try f.floats("missing")) { XCTAssertTrue("\($0)".contains("missing")) }
        XCTAssertThrowsError(try f.int64s("fc.bias")) { XCTAssertTrue("\($0)".contains("not I64")) }
    }

    func testWriterRefusesBadInput() throws {
        var w = SafeTensorsWriter()
        try w.add("a", shape: [1], floats: [1])
        XCTAssertThrowsError(try w.add("a", shape: [1], floats: [1]))
        XCTAssertThrowsError(try w.add("b", shape: [2], floats: [1]))
        XCTAssertThrowsError(try w.add("__metadata__", shape: [1], floats: [1]))
    }

    func testTruncatedAndCorruptFilesAreRefusedWithOneLine() throws {
        let good = try sample().encoded()
        func check(_ data: Data, _ expect: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try SafeTensorsFile(data: data, source: "x.safetensors"), file: file, line: line) { e in
                let m = "\(e)"
                XCTAssertTrue(m.hasPrefix("x.safetensors: "), m, file: file, line: line)
                XCTAssertTrue(m.contains(expect), m, file: file, line: line)
                XCTAssertFalse(m.contains("\n"), file: file, line: line)
            }
        }
        check(good.prefix(good.count - 4), "truncated")
        check(good.prefix(5), "8-byte")
        check(good.prefix(30), "past the end")
        check(good + Data([0, 0, 0, 0]), "data section")
        var garbled = good
        garbled[9] = UInt8(ascii: "x")
        check(garbled, "not a JSON object")
        // Header declares a wrong byte length for a shape.
        check(handMade(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 8), "needs 12")
        check(handMade(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8), "gap")
        check(handMade(#"{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4), "dtype")
        check(handMade(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, dataBytes: 4), "shape")
    }

    private func handMade(_ json: String, dataBytes: Int) -> Data {
        var j = Array(json.utf8)
        while j.count % 8 != 0 { j.append(0x20) }
        var d = Data()
        withUnsafeBytes(of: UInt64(j.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: j)
        d.append(Data(count: dataBytes))
        return d
    }

    /// The file parses by hand in Python (struct + json + numpy), as any safetensors reader would.
    func testPythonReadsTheFileByHand() throws {
        guard (try? runProcess(python, ["-c", "import json"])) != nil else { throw XCTSkip("python3 not installed") }
        let dir = try temporaryDirectory()
        let path = dir + "/m.safetensors"
        try sample().write(to: path)
        let script = """
        import json, struct, sys
        raw = open(sys.argv[1], 'rb').read()
        n, = struct.unpack('<Q', raw[:8])
        assert (8 + n) % 8 == 0
        h = json.loads(raw[8:8 + n])
        assert h.pop('__metadata__') == {'format': 'pt', 'step': '12'}
        data = raw[8 + n:]
        out = []
        for name, e in h.items():
            a, b = e['data_offsets']
            fmt = {'F32': 'f', 'I64': 'q'}[e['dtype']]
            vals = struct.unpack('<%d%s' % ((b - a) // struct.calcsize(fmt), fmt), data[a:b])
            out.append('%s %s %s %s' % (name, e['dtype'], e['shape'], list(vals)))
        try:
            import numpy as np
            assert np.frombuffer(data[0:24], dtype='<f4').reshape(2, 3)[1, 2] == 6.5
        except ImportError:
            pass
        print(';'.join(out))
        """
        let out = try runProcess(python, ["-c", script, path])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines),
                       "conv1.weight F32 [2, 3] [1.0, 2.0, 3.0, 4.0, 5.0, 6.5];bn1.num_batches_tracked I64 [] [42];fc.bias F32 [3] [-1.0, 0.0, 1.0];empty F32 [0, 4] []")
    }

    /// The official `safetensors` Python package loads the file (skipped when it is not installed).
    func testOfficialSafetensorsPackageLoadsTheFile() throws {
        guard (try? runProcess(python, ["-c", "import safetensors.numpy"])) != nil else {
            throw XCTSkip("python3 with the safetensors package not installed (pip install safetensors)")
        }
        let dir = try temporaryDirectory()
        let path = dir + "/m.safetensors"
        try sample().write(to: path)
        let script = """
        import sys
        from safetensors.numpy import load_file
        from safetensors import safe_open
        t = load_file(sys.argv[1])
        assert t['conv1.weight'].shape == (2, 3) and t['conv1.weight'].dtype.name == 'float32'
        assert t['conv1.weight'][1, 2] == 6.5
        assert t['bn1.num_batches_tracked'].dtype.name == 'int64' and int(t['bn1.num_batches_tracked']) == 42
        assert list(t['fc.bias']) == [-1, 0, 1]
        assert t['empty'].shape == (0, 4)
        with safe_open(sys.argv[1], framework='numpy') as f:
            assert f.metadata() == {'format': 'pt', 'step': '12'}
        print('ok')
        """
        XCTAssertEqual(try runProcess(python, ["-c", script, path]).trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }
}

/// python3 as found on PATH.
let python = "python3"

/// Runs a program (looked up on PATH) and returns its standard output; throws when it exits non-zero.
func runProcess(_ exe: String, _ args: [String]) throws -> String {
    struct Failed: Error, CustomStringConvertible { let description: String }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [exe] + args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        throw Failed(description: "\(exe) exited \(p.terminationStatus): \(String(decoding: e, as: UTF8.self))")
    }
    return String(decoding: o, as: UTF8.self)
}
