import ChurnGuardCore
@testable import ChurnGuardEngine
import Foundation
import Testing

/// The narrative templates: the shipped ones render every kind, a broken one names its file and line.
@Suite("Insight narratives")
struct InsightNarratorTests {
    /// `templates/insights/` of this checkout.
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates/insights").path

    /// A finding of `kind` carrying every variable its template may use.
    static func finding(_ kind: InsightKind, broad: Bool = false) -> InsightFinding {
        var variables: [String: String] = [:]
        for name in InsightTemplateVariables.specific(kind) { variables[name] = "<\(name)>" }
        variables["broad"] = broad ? "true" : nil
        return InsightFinding(kind: kind, metricName: "m", severity: .medium, confidence: 0.834, title: "T", evidence: [:],
                              variables: variables)
    }

    @Test("the shipped templates load, equal the built-in copies and render every kind's variables")
    func shippedTemplates() throws {
        let narrator = try InsightNarrator.load(directory: Self.shipped)
        for kind in InsightKind.allCases {
            let text = try String(contentsOfFile: "\(Self.shipped)/\(kind.rawValue).mustache", encoding: .utf8)
            #expect(text == BuiltInInsightTemplates.texts[kind], "built-in copy of \(kind.rawValue) differs from the file")
            let sentence = narrator.narrate(Self.finding(kind))
            #expect(!sentence.contains("{{") && !sentence.isEmpty, "\(kind.rawValue): \(sentence)")
            #expect(sentence.contains("<metric>") || kind == .revenueAtRisk, "\(kind.rawValue): \(sentence)")
            #expect(!sentence.contains("&lt;"), "plain text, not HTML: \(sentence)")
            #expect(!sentence.contains("\n") && !sentence.contains("  "))
        }
        let contribution = narrator.narrate(Self.finding(.segmentContribution))
        #expect(contribution.hasPrefix("<share_percent> of the <direction> in <metric> comes from <dimension> <value>"))
        #expect(contribution.contains("confidence 83 %"))
        let broad = narrator.narrate(Self.finding(.segmentContribution, broad: true))
        #expect(broad.hasPrefix("The <direction> of <change_percent> in <metric> affects every segment alike"))
        #expect(!broad.contains("comes from"))
    }

    @Test("a template with a syntax error names its file and line")
    func syntaxError() throws {
        var texts = BuiltInInsightTemplates.texts
        texts[.trendChange] = "first line\nsecond {{#metric}} never closed\nthird\n"
        do {
            _ = try InsightNarrator(texts: texts, files: [.trendChange: "custom/trend_change.mustache"])
            Issue.record("a broken template was accepted")
        } catch let error as InsightTemplateError {
            #expect(error.file == "custom/trend_change.mustache")
            #expect(error.line >= 2, "\(error)")
            #expect(error.description.hasPrefix("custom/trend_change.mustache:"))
            #expect(error.message.hasPrefix("template syntax"), "\(error)")
        }
    }

    @Test("a template naming a variable its kind does not have is refused with the line")
    func unknownVariable() throws {
        var texts = BuiltInInsightTemplates.texts
        texts[.revenueAtRisk] = "{{! comment }}\nAt risk: {{mrr_at_risk}}\nand {{ mrr_at_rsik }}.\n"
        #expect(throws: InsightTemplateError(file: "revenue_at_risk.mustache", line: 3, message:
            "unknown variable 'mrr_at_rsik'; this kind has " + InsightTemplateVariables.allowed(for: .revenueAtRisk).sorted().joined(separator: ", "))) {
            _ = try InsightNarrator(texts: texts)
        }
    }

    @Test("a missing template or folder is refused, naming it")
    func missing() throws {
        var texts = BuiltInInsightTemplates.texts
        texts[.leadingIndicator] = nil
        #expect(throws: InsightTemplateError.self) { _ = try InsightNarrator(texts: texts) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-templates-\(UUID().uuidString)").path
        do {
            _ = try InsightNarrator.load(directory: folder)
            Issue.record("a missing folder was accepted")
        } catch let error as InsightTemplateError {
            #expect(error.file.hasPrefix(folder))
        }
    }
}
