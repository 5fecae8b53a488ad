import CustomsArchive
import CustomsCore
import CustomsImage
import Foundation
import FuzzDriver

/// An image archive as a stream: the outer tar, then every document decoded and resolved into
/// image plans (index → manifests → config, legacy manifest.json, attestations). Layer blobs are
/// left unread here (FuzzLayer covers them).
func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    if let pass = try? ArchivePass.read(DataByteSource(data), name: "fuzz", walkLayer: { _, _ in 0 }) {
        _ = try? ImageResolver.resolve(pass, name: "fuzz", platform: nil)
        _ = try? ImageResolver.resolve(pass, name: "fuzz", platform: Platform(parsing: "linux/arm64"))
    }
    _ = try? JSONDecoder().decode(ImageConfig.self, from: data)
    return 0
}

exit(FuzzDriver.run(fuzz))
