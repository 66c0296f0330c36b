#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A plain blocking TCP connection to the test server, for clients no HTTP library will
/// imitate: half-sent heads, trickled bytes, bodies that never finish.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    /// Connects to `127.0.0.1:port`.
    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    /// Sends `text`; `false` once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        return bytes.withUnsafeBytes { sendBytes(descriptor, $0.baseAddress, $0.count, flags) } == bytes.count
    }

    /// Reads what arrives within `seconds`; `nil` when the server closed the connection
    /// (or reset it) before sending anything.
    private func receiveBlocking(within seconds: Double) -> String? {
        var collected: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            if ready <= 0 { break }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return collected.isEmpty ? nil : String(decoding: collected, as: UTF8.self) }
            collected += buffer[0..<count]
            if let text = String(bytes: collected, encoding: .utf8), text.contains("\r\n\r\n") { return text }
        }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Whether the server closes the connection within `seconds` (reading and dropping
    /// anything it sends first).
    private func isClosedBlocking(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            if ready < 0 { return true }
            if ready == 0 { return false }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return true }
        }
        return false
    }

    /// Reads what arrives within `seconds` (see ``receiveBlocking(within:)``). The wait runs on
    /// a thread of its own: a blocking `poll` on one of the few cooperative threads would
    /// starve the server under test, whose handlers need them to answer.
    func receive(within seconds: Double) async -> String? {
        await Self.offPool { self.receiveBlocking(within: seconds) }
    }

    /// Whether the server closes the connection within `seconds`, waiting off the pool.
    func isClosed(within seconds: Double) async -> Bool {
        await Self.offPool { self.isClosedBlocking(within: seconds) }
    }

    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

#if canImport(Glibc)
private func sendBytes(_ socket: Int32, _ buffer: UnsafeRawPointer?, _ length: Int, _ flags: Int32) -> Int {
    Glibc.send(socket, buffer, length, flags)
}
#else
private func sendBytes(_ socket: Int32, _ buffer: UnsafeRawPointer?, _ length: Int, _ flags: Int32) -> Int {
    Darwin.send(socket, buffer, length, flags)
}
#endif
