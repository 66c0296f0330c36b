import NIOCore

/// How a peer address appears in logs: the IP alone (ports change per connection).
enum ClientAddress {
    static func describe(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        return address.ipAddress ?? address.description
    }
}
