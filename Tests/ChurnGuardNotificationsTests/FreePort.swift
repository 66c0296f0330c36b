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
        let bound = try LocalSMTPServer.bindLoopback()
        socket = Mutex(bound.socket)
        port = bound.port
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
