/// The keys seen so far in one JSON object, so the scanner can refuse duplicates.
///
/// RFC 8259 leaves duplicate keys to the reader, so they make a body ambiguous:
/// `{"points":[a],"points":[b]}` used to store both arrays, and `{"value":1,"value":2}`
/// silently kept the last. Every object the scanner reads or skips must therefore have
/// distinct keys. Keys compare as Swift strings (canonical equivalence), the same rule the
/// tag dictionaries use, so two spellings that would collide there are duplicates here.
/// Small objects, the common case, are checked linearly without hashing.
struct JSONKeySet {
    private var few: [String] = []
    private var many: Set<String>?
    private static let linearLimit = 12

    /// Adds `key`; `false` when it was already there.
    mutating func insert(_ key: String) -> Bool {
        if many != nil { return many?.insert(key).inserted ?? false }
        if few.contains(key) { return false }
        few.append(key)
        if few.count > Self.linearLimit {
            many = Set(few)
            few = []
        }
        return true
    }
}
