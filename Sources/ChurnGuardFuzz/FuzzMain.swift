import ChurnGuardFuzzTargets
import Foundation

/// The target a fuzzing run exercises, from `FUZZ_TARGET` (read once).
let selectedTarget = ProcessInfo.processInfo.environment["FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))

/// libFuzzer's entry: one input through the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let target = selectedTarget else { preconditionFailure("set FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))") }
    target.runOrTrap(UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : count))
    return 0
}

#if FUZZING
/// libFuzzer's driver, linked in by `-sanitize=fuzzer`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt) -> CInt

/// Built by `scripts/fuzz-parsers` (`-sanitize=fuzzer -DFUZZING`): hands the command line to
/// libFuzzer (`FUZZ_TARGET=json-batch churnguard-fuzz CORPUS -max_total_time=60`).
@main
enum FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { fuzzOneInput($0, $1) })
    }
}
#else
/// Built normally: replays files through a target (`churnguard-fuzz TARGET FILE…`), e.g. a
/// crash input libFuzzer wrote, without the fuzzing toolchain.
@main
enum FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: churnguard-fuzz TARGET FILE…  (TARGET: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(1)
            }
            data.withUnsafeBytes { target.runOrTrap($0) }
            print("ok \(path)")
        }
    }
}
#endif
