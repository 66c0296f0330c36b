import ChurnGuardBootstrap
import Foundation
import Logging
import Testing

/// The shape of one structured log line, without a server.
@Suite struct StructuredLogLineTests {
    @Test("a line is one JSON object: the event's metadata wins over the logger's, every value is a string, nothing escapes")
    func lineShape() throws {
        let log = CapturedLog()
        var logger = log.logger(format: "structured", level: "info")
        logger[metadataKey: "organization_id"] = "from-logger"
        logger[metadataKey: "hb.request.id"] = "req-1"
        logger.info("quote \" and newline \n in the message", metadata: [
            "organization_id": "from-event", "status": .stringConvertible(201),
            "list": .array(["a", "b"]), "injected": "\"}\n{\"level\":\"critical",
        ])
        #expect(log.all.count == 1)
        let line = try #require(log.all.first)
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false)
        let object = try #require(log.objects.first)
        #expect(object["message"] == "quote \" and newline \n in the message")
        #expect(object["level"] == "info")
        #expect(object["organization_id"] == "from-event")
        #expect(object["request_id"] == "req-1")
        #expect(object["status"] == "201")
        #expect(object["list"] == #"["a", "b"]"#)
        #expect(object["injected"] == "\"}\n{\"level\":\"critical")
        #expect(object["time"].flatMap { RFC3339Check.isValid($0) } == true)
    }
}

private enum RFC3339Check {
    static func isValid(_ text: String) -> Bool {
        text.count >= 20 && text.hasSuffix("Z") && text.dropFirst(10).first == "T"
    }
}
