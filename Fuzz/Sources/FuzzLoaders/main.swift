import CustomsCore
import CustomsRules
import CustomsScan
import Foundation
import FuzzDriver

/// Rule files (YAML and JSON), settings files (`.customs.yaml`) and baselines (JSON), as a team's
/// repository holds them.
func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    let text = String(decoding: data, as: UTF8.self)
    _ = try? RuleLoader.rules(fromYAML: text, origin: "fuzz.yaml")
    _ = try? RuleLoader.rules(fromJSON: data, origin: "fuzz.json")
    _ = (try? ScanConfiguration.parse(text, name: ".customs.yaml", base: URL(fileURLWithPath: "/repo")))?.applied
    if let baseline = try? JSONDecoder().decode(Baseline.self, from: data) {
        var policy = FindingPolicy()
        _ = try? baseline.apply(to: &policy, key: .default, file: "fuzz.json")
    }
    return 0
}

exit(FuzzDriver.run(fuzz))
