import Testing
@testable import ChurnGuardAnalytics

@Suite("Named setting overrides")
struct SettingsOverrideTests {
    /// The error of a refused override, nil when it was applied.
    func failure(_ result: Result<Void, SettingOverrideError>) -> SettingOverrideError? {
        if case let .failure(error) = result { return error }
        return nil
    }

    @Test("every listed name is accepted and changes the settings")
    func everyNameWorks() {
        for name in DetectionSettings.overrideNames {
            var settings = DetectionSettings()
            #expect(failure(settings.set(name, to: name == "seasonal.weekly" || name == "solo.regime" || name == "ungated.regime" ? 0 : 7)) == nil, "\(name) was refused")
            #expect(settings != DetectionSettings(), "\(name) changed nothing")
        }
    }

    @Test("name=value text sets the field; counts are rounded")
    func parsesAssignments() {
        var settings = DetectionSettings()
        #expect(failure(settings.apply(" cooldown = 300 ")) == nil)
        #expect(failure(settings.apply("rarity_margin=1.4")) == nil)
        #expect(failure(settings.apply("seasonal.weekly=0")) == nil)
        #expect(failure(settings.apply("window=99.6")) == nil)
        #expect(settings.cooldown == 300)
        #expect(settings.rarityMargin == 1.4)
        #expect(settings.seasonal.weekly == false)
        #expect(settings.window == 100)
    }

    @Test("unknown names, malformed text and non-numbers are refused without changes")
    func refusesBadInput() {
        var settings = DetectionSettings()
        #expect(failure(settings.apply("astrology=1")) == .unknownName("astrology"))
        #expect(failure(settings.apply("cooldown")) == .malformed("cooldown"))
        #expect(failure(settings.apply("cooldown=soon")) == .notANumber(name: "cooldown", text: "soon"))
        #expect(failure(settings.apply("cooldown=nan")) == .notANumber(name: "cooldown", text: "nan"))
        #expect(failure(settings.set("window", to: 1e300)) == nil)
        #expect(settings.window == Int.max)
        var fresh = DetectionSettings()
        _ = fresh.apply("astrology=1")
        #expect(fresh == DetectionSettings())
    }

    @Test("settings that quietly silence methods are named; the defaults warn about nothing")
    func warnings() {
        #expect(DetectionSettings().warnings.isEmpty)
        var probation = DetectionSettings()
        probation.minimumHistory = 576
        #expect(probation.warnings.count == 1 && probation.warnings[0].contains("exceeds window (288)"))
        probation.minimumHistory = 2_001
        #expect(probation.warnings.count == 2 && probation.warnings[1].contains("regime detector never judges"))
        var flat = DetectionSettings()
        flat.sensitivity = -1
        #expect(flat.warnings == ["sensitivity -1.0 is not a positive number: the default 1.75 is used"])
    }
}
