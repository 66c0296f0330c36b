// swift-tools-version: 6.1
// Release-mode benchmarks of the analytics module, kept out of the main build.
// Run through scripts/bench-analytics, which also times scikit-learn on the same data.

import PackageDescription

let package = Package(
    name: "churnguard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "churnguard", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "analytics-bench",
            dependencies: [.product(name: "ChurnGuardAnalytics", package: "churnguard")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "realtime-bench",
            dependencies: [
                .product(name: "ChurnGuardEngine", package: "churnguard"),
                .product(name: "ChurnGuardAnalytics", package: "churnguard"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
