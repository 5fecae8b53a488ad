import CustomsCore
import CustomsTestSupport
import Foundation

// customs-fixture: writes a corpus case (Corpus/*.yaml) as a real image, with fake secrets
// generated from a fixed seed. Used by the README's sample scan, the tests and benchmarks.
let layouts = ImageFixture.Layout.allCases.map(\.rawValue).joined(separator: "|")
let usage = "usage: customs-fixture CASE.yaml OUTPUT [--layout \(layouts)] [--compression none|gzip|zstd]"
var arguments = Array(CommandLine.arguments.dropFirst())
/// Removes `name VALUE` from `arguments`; the value.
func option(_ name: String, from arguments: inout [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    let value = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
    return value
}
let layoutName = option("--layout", from: &arguments) ?? ImageFixture.Layout.dockerSaveLegacy.rawValue
let compressionName = option("--compression", from: &arguments) ?? "gzip"
guard arguments.count == 2, let layout = ImageFixture.Layout(rawValue: layoutName),
    let compression = Compression(rawValue: compressionName)
else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
do {
    let spec = try ImageSpec.load(URL(fileURLWithPath: arguments[0]))
    try ImageFixture.write(spec, layout: layout, compression: compression, to: URL(fileURLWithPath: arguments[1]))
} catch {
    FileHandle.standardError.write(Data("customs-fixture: \(error)\n".utf8))
    exit(1)
}
