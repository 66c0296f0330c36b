import NIOCore

/// Matches a peer address against `security.trusted_proxies`: exact IP addresses (v4 or v6)
/// and CIDR blocks (`10.0.0.0/8`, `fd00::/8`).
enum TrustedProxies {
    static func contains(_ address: SocketAddress?, in entries: [String]) -> Bool {
        guard let address, let peer = bytes(of: address) else { return false }
        return entries.contains { entry in
            let parts = entry.split(separator: "/", maxSplits: 1)
            guard let network = bytes(ofText: String(parts[0])), network.count == peer.count else { return false }
            let bits = parts.count == 2 ? Int(parts[1]) ?? -1 : network.count * 8
            guard bits >= 0, bits <= network.count * 8 else { return false }
            return prefixMatches(peer, network, bits: bits)
        }
    }

    static func prefixMatches(_ lhs: [UInt8], _ rhs: [UInt8], bits: Int) -> Bool {
        var remaining = bits
        for index in lhs.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if lhs[index] & mask != rhs[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    static func bytes(of address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4):
            // s_addr holds the address in network order: its bytes in memory are a.b.c.d.
            var raw = v4.address.sin_addr.s_addr
            return withUnsafeBytes(of: &raw) { Array($0) }
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            // An IPv4 peer on a dual-stack socket (::ffff:a.b.c.d) is matched as IPv4.
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                return Array(bytes[12...])
            }
            return bytes
        default:
            return nil
        }
    }

    static func bytes(ofText text: String) -> [UInt8]? {
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        return bytes(of: address)
    }
}
