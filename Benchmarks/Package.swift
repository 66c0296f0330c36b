// swift-tools-version: 6.1
// Release-mode benchmarks of the analytics module, kept out of the main build.
// Run through scripts/bench-analytics, which also times scikit-learn on the same data.

import PackageDescription

let package = Package(
    name: "churnguard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "churnguard", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "analytics-bench",
            dependencies: [.product(name: "ChurnGuardAnalytics", package: "churnguard")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The bare-framework reference of scripts/bench-auth.
        .executableTarget(
            name: "hello-hummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The rate limiter's cost per request, for scripts/bench-auth.
        .executableTarget(
            name: "ratelimit-bench",
            dependencies: [.product(name: "ChurnGuardEngine", package: "churnguard")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The real-time engine's cost per point, for scripts/bench-realtime.
        .executableTarget(
            name: "realtime-bench",
            dependencies: [
                .product(name: "ChurnGuardEngine", package: "churnguard"),
                .product(name: "ChurnGuardAnalytics", package: "churnguard"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The anomaly monitor's cost per interval, for scripts/bench-monitor.
        .executableTarget(
            name: "monitor-bench",
            dependencies: [
                .product(name: "ChurnGuardEngine", package: "churnguard"),
                .product(name: "ChurnGuardAnalytics", package: "churnguard"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // One insight generation run of the demo organization, for scripts/bench-insights.
        .executableTarget(
            name: "insights-bench",
            dependencies: [
                .product(name: "ChurnGuardEngine", package: "churnguard"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
