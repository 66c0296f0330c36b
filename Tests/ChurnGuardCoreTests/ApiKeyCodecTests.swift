import ChurnGuardCore
import Testing

@Suite("API keys")
struct ApiKeyCodecTests {
    @Test("minted keys have the documented shape and at least 128 bits of secret")
    func shape() {
        let minted = ApiKeyCodec.mint()
        let parts = minted.key.split(separator: "_")
        #expect(parts.count == 3 && parts[0] == "cg")
        #expect(parts[1].count == 12 && parts[2].count == 32)
        // 32 base-62 characters: 32 × log2(62) ≈ 190 bits.
        #expect(Double(parts[2].count) * 5.95 >= 128)
        #expect(ApiKeyCodec.identifier(of: minted.key) == minted.id)
        #expect(minted.hash == ApiKeyCodec.hash(minted.key))
        #expect(minted.hash.count == 32)
    }

    @Test("keys are different every time")
    func unique() {
        let keys = Set((0..<1000).map { _ in ApiKeyCodec.mint().key })
        #expect(keys.count == 1000)
    }

    @Test("malformed keys have no identifier", arguments: [
        "", "cg_", "cg_abc_def", "xx_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        "cg_AAAAAAAAAAA!_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "cg_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB_x",
    ])
    func malformed(_ key: String) {
        #expect(ApiKeyCodec.identifier(of: key) == nil)
    }

    @Test("digest comparison")
    func comparison() {
        #expect(ApiKeyCodec.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!ApiKeyCodec.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!ApiKeyCodec.constantTimeEquals([1, 2, 3], [1, 2]))
    }
}
