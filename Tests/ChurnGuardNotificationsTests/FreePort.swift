import SMTPTesting

/// Free loopback ports for servers started later in a test.
enum FreePort {
    static func next() throws -> Int { try LocalSMTPServer.freePort() }
}
