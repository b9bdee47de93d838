// swift-tools-version: 6.0
import PackageDescription

// The compute-heavy targets are built optimised even in debug builds so tests stay fast.
let optimised: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"])]

let package = Package(
    name: "mcn-tui",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mcn-tui", targets: ["mcn-tui"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C shims: headers for the system libraries plus tiny helpers for macros Swift can't import.
        // OpenBLAS is opened with dlopen (see CBLAS.h): only its header is needed to build.
        .target(name: "CBLAS", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CFFmpeg", linkerSettings: [
            .linkedLibrary("avformat"), .linkedLibrary("avcodec"),
            .linkedLibrary("swscale"), .linkedLibrary("avutil"),
        ]),
        .target(name: "CNcurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        // vol2col and friends: optimised even in debug builds; -fno-builtin keeps short row
        // copies as inline vector loops instead of memcpy/memset calls.
        .target(name: "CTensorKernels", cSettings: [.unsafeFlags(["-O3", "-fno-builtin"])]),

        .target(name: "MCNTensor", dependencies: ["CBLAS", "CTensorKernels"], swiftSettings: optimised),
        .target(name: "MCNVideo", dependencies: ["CFFmpeg", "MCNTensor"], swiftSettings: optimised),
        .target(name: "MCNModel", dependencies: ["MCNTensor"], swiftSettings: optimised),
        .target(name: "MCNTrain", dependencies: ["MCNModel", "MCNVideo", "MCNTensor", "TOMLKit"],
                swiftSettings: optimised),
        .target(name: "MCNTUI", dependencies: ["MCNTrain", "CNcurses", "TOMLKit"], swiftSettings: optimised),
        .executableTarget(name: "mcn-tui", dependencies: [
            "MCNTUI", "MCNTrain", "MCNModel", "MCNVideo", "MCNTensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "MCNTensorTests", dependencies: ["MCNTensor"], swiftSettings: optimised),
        .testTarget(name: "MCNVideoTests", dependencies: ["MCNVideo"]),
        .testTarget(name: "MCNModelTests", dependencies: ["MCNModel"], swiftSettings: optimised),
        .testTarget(name: "MCNTrainTests", dependencies: ["MCNTrain"]),
        .testTarget(name: "MCNTUITests", dependencies: ["MCNTUI"], resources: [.copy("Golden")]),
    ]
)
