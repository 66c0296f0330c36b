public import ServiceLifecycle

/// Sends every anomaly published on the bus to the stream's subscribers of its series as an
/// `anomaly` message. Runs until graceful shutdown.
public struct AnomalyStreamRelay: Service {
    let bus: any EventBus
    let hub: StreamHub

    /// Creates the relay.
    public init(bus: any EventBus, hub: StreamHub) {
        self.bus = bus
        self.hub = hub
    }

    public func run() async throws {
        let subscription = bus.subscribe("anomaly_stream", bufferCapacity: 1024, kinds: [.anomalyDetected])
        await withGracefulShutdownHandler {
            for await event in subscription {
                if case .anomalyDetected(let anomaly) = event { hub.publish(anomaly) }
            }
        } onGracefulShutdown: {
            subscription.unsubscribe()
        }
    }
}
