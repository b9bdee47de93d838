import Foundation
import XCTest
@testable import MCNTensor

/// OpenBLAS older than the CPU falls back to SSE3 kernels; the shim reopens it with kernels the
/// CPU can run (see CBLAS/shim.c).
final class BLASCoreTests: XCTestCase {
    func testOnlyCoresBelowAVX2AreReplaced() {
        XCTAssertEqual(BLAS.betterCore(than: "Prescott", avx2FMA: true, avx512: true), "SkylakeX")
        XCTAssertEqual(BLAS.betterCore(than: "Prescott", avx2FMA: true, avx512: false), "Haswell")
        XCTAssertEqual(BLAS.betterCore(than: "Nehalem", avx2FMA: true, avx512: false), "Haswell")
        XCTAssertEqual(BLAS.betterCore(than: "Sandybridge", avx2FMA: true, avx512: true), "SkylakeX")
        XCTAssertNil(BLAS.betterCore(than: "Prescott", avx2FMA: false, avx512: false), "an old CPU keeps its kernels")
        for kept in ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "haswell"] {
            XCTAssertNil(BLAS.betterCore(than: kept, avx2FMA: true, avx512: true), kept)
        }
        XCTAssertNil(BLAS.betterCore(than: "", avx2FMA: true, avx512: true), "another CBLAS names no core")
    }

    /// On this machine: the kernels OpenBLAS runs use what the CPU has (/proc/cpuinfo's flags).
    func testLoadedCoreFitsThisCPU() throws {
        try XCTSkipIf(BLAS.unavailable != nil, "no BLAS library")
        try XCTSkipIf(BLAS.core.isEmpty, "not OpenBLAS")
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { throw XCTSkip("no /proc/cpuinfo") }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let avx2FMA = flags.contains("avx2") && flags.contains("fma")
        let avx512 = avx2FMA && ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        if let note = BLAS.coreNote {
            try XCTSkipIf(note.contains("still runs") || note.contains("would not open"),
                          "this OpenBLAS cannot change its kernels: \(note)")
            XCTAssertTrue(note.hasSuffix("OPENBLAS_CORETYPE=\(BLAS.core)"), note)
            XCTAssertNil(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], "the variable is taken away after the reopen")
        } else {
            try XCTSkipIf(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil, "OPENBLAS_CORETYPE set by the user")
        }
        XCTAssertNil(BLAS.betterCore(than: BLAS.core, avx2FMA: avx2FMA, avx512: avx512),
                     "OpenBLAS runs \(BLAS.core) on a CPU with\(avx2FMA ? "" : "out") AVX2+FMA")
    }
}
