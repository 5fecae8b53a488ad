import CustomsCore
import Foundation

/// A plain root filesystem directory, seen as a one-layer image with no config.
public struct RootFilesystemSource: ImageSource {
    public let target: String
    let root: URL

    public init(target: String, root: URL) {
        self.target = target
        self.root = root
    }

    public func images<Reader: LayerReading>(platform: Platform?, reader: Reader) throws -> ResolvedImages<Reader.Layer>
    {
        let plan = ImagePlan.rootFilesystem(name: target, path: root.path)
        return ResolvedImages(images: [(plan, [reader.read(directory: root)])], diagnostics: [])
    }
}
