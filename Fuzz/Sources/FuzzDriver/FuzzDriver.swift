import Foundation

/// Hands a fuzz target's one-input function to libFuzzer's driver (`LLVMFuzzerRunDriver`, from
/// the toolchain's `libclang_rt.fuzzer_no_main`), so a fuzz target is an ordinary executable with
/// its own `main`, which is what SwiftPM links.
public enum FuzzDriver {
    public typealias Input = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    @_silgen_name("LLVMFuzzerRunDriver")
    private static func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: Input
    ) -> CInt

    /// Runs libFuzzer with the process's arguments; returns its exit status.
    public static func run(_ body: @escaping (UnsafePointer<UInt8>, Int) -> CInt) -> Int32 {
        current = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return runDriver(&argc, &argv) { bytes, count in
            let empty: [UInt8] = [0]
            return empty.withUnsafeBufferPointer { fallback in
                FuzzDriver.current?(bytes ?? fallback.baseAddress!, count) ?? 0
            }
        }
    }

    nonisolated(unsafe) private static var current: ((UnsafePointer<UInt8>, Int) -> CInt)?
}
