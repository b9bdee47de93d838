import XCTest
@testable import MCNTUI

/// Short video names keep what tells videos apart.
final class VideoNameTests: XCTestCase {
    func testShortDropsWhatRepeats() {
        XCTAssertEqual(VideoName.short("MoveLeft/v_MoveLeft_g12_c01.avi"), "MoveLeft_g12_c01")
        XCTAssertEqual(VideoName.short("v_ApplyEyeMakeup_g08_c01"), "ApplyEyeMakeup_g08_c01")
        XCTAssertEqual(VideoName.short("brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi"), "April_09_brush_hair_u_nm_np1_ba_goo_0")
        XCTAssertEqual(VideoName.short("abseiling/0wR5jVB-WPk_000417_000427.mp4"), "abseiling/0wR5jVB-WPk_000417_000427", "a folder the name does not repeat stays")
        XCTAssertEqual(VideoName.short("data/v_x.y.z"), "data/v_x.y", "only a short alphanumeric extension goes")
    }

    func testFitKeepsTheDistinguishingTail() {
        XCTAssertEqual(VideoName.fit("MoveLeft/v_MoveLeft_g12_c01.avi", width: 14), "MoveL…_g12_c01")
        XCTAssertEqual(VideoName.fit("MoveLeft/v_MoveLeft_g12_c01.avi", width: 30), "MoveLeft_g12_c01")
        XCTAssertEqual(VideoName.fit("RotateCounterclockwise/v_RotateCounterclockwise_g03_c01.avi", width: 20), "RotateCount…_g03_c01")
        XCTAssertEqual(VideoName.fit("clips/clip7.mp4", className: "ZoomIn", width: 40), "clips/clip7 [ZoomIn]")
        XCTAssertEqual(VideoName.fit("clips/clip7.mp4", className: "ZoomIn", width: 14), "c…ip7 [ZoomIn]", "the class stays")
        XCTAssertEqual(VideoName.fit("ZoomIn/v_ZoomIn_g03_c01.avi", className: "ZoomIn", width: 40), "ZoomIn_g03_c01", "no tag when the name says the class")
        // Names that differ only at the end stay different at every width from 8 columns.
        let names = (1...12).map { "MoveLeft/v_MoveLeft_g\(String(format: "%02d", $0))_c01.avi" }
        for w in 8...20 { XCTAssertEqual(Set(names.map { VideoName.fit($0, width: w) }).count, names.count, "width \(w)") }
    }
}
