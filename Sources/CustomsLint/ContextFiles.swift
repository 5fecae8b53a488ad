import CustomsDockerfile
import Foundation

/// The regular files a build would send from a context directory, relative to it, in a stable
/// order; `.dockerignore` applied as BuildKit applies it. Symbolic links are not followed.
enum ContextFiles {
    static func list(_ context: URL, ignore: DockerIgnore?) -> [String] {
        let root = context.standardizedFileURL.path
        guard
            let walker = FileManager.default.enumerator(
                at: context, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey])
        else { return [] }
        // Without `!` patterns nothing under an excluded directory can come back: skip it whole.
        let canReinclude = ignore?.patterns.contains(where: \.exclusion) ?? false
        var files: [String] = []
        for case let url as URL in walker {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(root + "/") else { continue }
            let relative = String(path.dropFirst(root.count + 1))
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey])
            let excluded = ignore?.excludes(relative) ?? false
            if values?.isDirectory == true, values?.isSymbolicLink != true {
                if excluded, !canReinclude { walker.skipDescendants() }
                continue
            }
            if values?.isRegularFile == true, values?.isSymbolicLink != true, !excluded { files.append(relative) }
        }
        return files.sorted()
    }
}
