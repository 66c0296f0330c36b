// swift-tools-version: 6.1
// ChurnGuard Analytics: a self-hosted churn-analytics service.
// Layers point downwards only; see docs/ARCHITECTURE.md.

import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "churnguard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "churnguard", targets: ["churnguard"]),
        .executable(name: "churnguard-fuzz", targets: ["ChurnGuardFuzz"]),
        .library(name: "ChurnGuardAnalytics", targets: ["ChurnGuardAnalytics"]),
        .library(name: "ChurnGuardBootstrap", targets: ["ChurnGuardBootstrap"]),
        // For the benchmarks package (Benchmarks/): the rate limiter and the real-time engine; not an API promise.
        .library(name: "ChurnGuardEngine", targets: ["ChurnGuardEngine", "ChurnGuardStorage", "ChurnGuardCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Domain values, validation and errors. Depends on nothing of ours.
        .target(
            name: "ChurnGuardCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // Pure, deterministic algorithms: statistics and anomaly detectors. No I/O, no clock.
        .target(
            name: "ChurnGuardAnalytics",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: strict
        ),

        // Store protocols and their in-memory implementations.
        .target(name: "ChurnGuardStorage", dependencies: ["ChurnGuardCore"], swiftSettings: strict),

        // The embedded default backend.
        .target(
            name: "StorageSQLite",
            dependencies: [
                "ChurnGuardStorage", "ChurnGuardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The PostgreSQL backend (weekly partitions, row-level security); see docs/POSTGRES.md.
        .target(
            name: "StoragePostgres",
            dependencies: [
                "ChurnGuardStorage", "ChurnGuardCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // One conformance suite every backend runs; linked into tests only.
        .target(name: "StorageTesting", dependencies: ["ChurnGuardStorage", "ChurnGuardCore"], swiftSettings: strict),

        // Throwaway databases on the tests' PostgreSQL server; linked into tests only.
        .target(
            name: "StoragePostgresTesting",
            dependencies: [
                "StoragePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Long-running services (ingest pipeline, …), each a swift-service-lifecycle Service.
        .target(
            name: "ChurnGuardEngine",
            dependencies: [
                "ChurnGuardStorage", "ChurnGuardCore", "ChurnGuardAnalytics",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),

        // A small SMTP client on swift-nio and swift-nio-ssl (EHLO, STARTTLS, AUTH, dot-stuffing).
        .target(
            name: "ChurnGuardSMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Throwaway SMTP servers (aiosmtpd, scripts/lib/smtp_test_server.py) for tests; linked into tests only.
        .target(name: "SMTPTesting", swiftSettings: strict),

        // Notification channels (Slack, signed webhooks, email) and the outbox delivery service.
        .target(
            name: "ChurnGuardNotifications",
            dependencies: [
                "ChurnGuardEngine", "ChurnGuardStorage", "ChurnGuardCore", "ChurnGuardSMTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),

        // HTTP routes and middleware.
        .target(
            name: "ChurnGuardAPI",
            dependencies: [
                "ChurnGuardEngine", "ChurnGuardStorage", "ChurnGuardCore", "ChurnGuardAnalytics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/dashboard")],
            swiftSettings: strict
        ),

        // The one composition root: configuration, backends, application, services.
        .target(
            name: "ChurnGuardBootstrap",
            dependencies: [
                "ChurnGuardAPI", "ChurnGuardEngine", "ChurnGuardStorage", "ChurnGuardCore",
                "ChurnGuardAnalytics", "StorageSQLite", "StoragePostgres", "ChurnGuardNotifications",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),

        // The thin command-line front end.
        .executableTarget(
            name: "churnguard",
            dependencies: [
                "ChurnGuardBootstrap", "ChurnGuardAnalytics", "ChurnGuardCore", "ChurnGuardStorage", "ChurnGuardEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),

        // Coverage-guided fuzzing of the input parsers (scripts/fuzz-parsers); built normally,
        // the executable replays inputs through the same checks.
        .target(name: "ChurnGuardFuzzTargets", dependencies: ["ChurnGuardCore", "ChurnGuardStorage", "ChurnGuardAnalytics"],
                swiftSettings: strict),
        .executableTarget(name: "ChurnGuardFuzz", dependencies: ["ChurnGuardFuzzTargets"], swiftSettings: strict),
        .testTarget(name: "ChurnGuardCoreTests", dependencies: ["ChurnGuardCore", "ChurnGuardFuzzTargets"], swiftSettings: strict),
        .testTarget(
            name: "ChurnGuardAnalyticsTests",
            dependencies: ["ChurnGuardAnalytics"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["ChurnGuardStorage", "StorageSQLite", "StorageTesting", "ChurnGuardCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StoragePostgresTests",
            dependencies: [
                "StoragePostgres", "StoragePostgresTesting", "StorageTesting", "ChurnGuardStorage", "ChurnGuardCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChurnGuardEngineTests",
            dependencies: [
                "ChurnGuardEngine", "ChurnGuardStorage", "ChurnGuardCore", "StorageSQLite", "StoragePostgres", "StoragePostgresTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChurnGuardAPITests",
            dependencies: [
                "ChurnGuardBootstrap", "ChurnGuardAPI", "ChurnGuardEngine", "ChurnGuardStorage", "ChurnGuardCore", "StorageSQLite",
                "StoragePostgres", "StoragePostgresTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChurnGuardSMTPTests",
            dependencies: [
                "ChurnGuardSMTP", "SMTPTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChurnGuardNotificationsTests",
            dependencies: [
                "ChurnGuardNotifications", "ChurnGuardSMTP", "SMTPTesting", "ChurnGuardEngine", "ChurnGuardStorage", "ChurnGuardCore",
                "ChurnGuardBootstrap", "StorageSQLite", "StoragePostgres", "StoragePostgresTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChurnGuardCLITests",
            dependencies: ["churnguard", "ChurnGuardStorage", "StorageSQLite", "StoragePostgres", "StoragePostgresTesting", "ChurnGuardCore"],
            swiftSettings: strict
        ),
    ]
)
