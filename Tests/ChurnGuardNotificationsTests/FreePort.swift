import Foundation
import SMTPTesting
import Synchronization

/// Free loopback ports for servers started later in a test.
enum FreePort {
    static func next() throws -> Int { try LocalSMTPServer.freePort() }
}

/// A loopback port bound but not listening: connections to it are refused (a receiver that is
/// down), and no server of a test running beside this one can be given it, as it could a port
/// that was only looked up free, until ``release()`` hands it to this test's own receiver.
final class HeldPort: Sendable {
    /// The port number.
    let port: Int
    /// The bound socket until released.
    private let socket: Mutex<Int32?>

    /// Binds a free loopback port.
    init() throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw HeldPortError.failed("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(socket)
            throw HeldPortError.failed("bind")
        }
        self.socket = Mutex(socket)
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Frees the port for the server that is to bind it next (once; later calls do nothing).
    func release() {
        socket.withLock { held in
            if let socket = held { close(socket) }
            held = nil
        }
    }

    deinit { release() }
}

/// Why a port could not be held.
enum HeldPortError: Error {
    case failed(String)
}
