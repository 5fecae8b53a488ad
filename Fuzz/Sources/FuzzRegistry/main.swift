import CustomsRegistry
import Foundation
import FuzzDriver

/// What a registry (or a user) sends that customs parses: WWW-Authenticate challenges, Link
/// headers of paginated tag lists and catalogs, image references, tag policies.
func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    _ = AuthChallenge(header: text)
    _ = RegistrySource.nextPage(text, under: "/v2/team/app/")
    _ = RegistrySource.nextPage(text, under: "/v2/")
    _ = TagPolicy(parsing: text)
    if let reference = ImageReference(parsing: text) { _ = reference.description }
    _ = ImageReference.namesRepositoryOnly(text)
    return 0
}

exit(FuzzDriver.run(fuzz))
