import CustomsArchive
import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsWalker
import Foundation
import FuzzDriver

/// Any bytes as a layer blob (gzip, zstd or plain, sniffed as a scan does): tar entries,
/// whiteouts, nested archives, and every file through the detectors. Small budgets keep one
/// input fast; they are hit, reported and never crash.
nonisolated(unsafe) let engine = try! DetectionEngine(ruleSet: BuiltinRules.load())

func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var limits = WalkLimits()
    limits.maxLayerBytes = 8 << 20
    limits.maxNestedBytes = 8 << 20
    limits.maxEntries = 10_000
    let record = LayerWalker(engine: engine, limits: limits).walk(DataByteSource(Data(bytes: bytes, count: count)))
    _ = record.isComplete
    return 0
}

exit(FuzzDriver.run(fuzz))
