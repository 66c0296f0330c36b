import Dispatch

/// Runs `body` over `0..<count` split into at most `parallelism` contiguous chunks, one thread
/// each, and returns when all are done.
///
/// Used only for work whose chunks are independent and write disjoint outputs, so the result
/// never depends on the thread count or on scheduling: parallel runs are bit-for-bit equal to
/// the sequential one. `parallelism` ≤ 1, or a small `count`, runs inline on the caller's thread.
func forEachChunk(count: Int, parallelism: Int, minimumChunk: Int = 1024, _ body: @Sendable (Range<Int>) -> Void) {
    let chunks = max(1, min(parallelism, count / max(1, minimumChunk)))
    guard chunks > 1 else {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let lower = count * chunk / chunks
        let upper = count * (chunk + 1) / chunks
        body(lower..<upper)
    }
}

/// A raw pointer that crosses into `forEachChunk` workers.
///
/// `@unchecked Sendable` because the workers write disjoint index ranges through it and the
/// owner keeps the memory alive until `forEachChunk` returns; nothing else touches it meanwhile.
struct SharedPointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// A read-only raw pointer shared with `forEachChunk` workers.
///
/// `@unchecked Sendable` because the memory is only read while the workers run and outlives them.
struct SharedReadPointer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
}
