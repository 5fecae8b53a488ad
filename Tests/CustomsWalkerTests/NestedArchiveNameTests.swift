import Testing

@testable import CustomsWalker

/// Which file names are worth sniffing as archives (every file of a layer is asked).
@Suite struct NestedArchiveNameTests {
    @Test(arguments: [
        "app.jar", "a.b.war", "x.ear", "lib.aar", "pkg-1.0-py3-none-any.whl", "old.egg", "app.apk", "lib.nupkg",
        "bundle.zip", "layer.tar", "src.tgz", "src.tar.gz", "src.tar.zst", "src.tzst", ".zip",
    ])
    func archiveNamesAreSniffed(_ name: String) {
        #expect(NestedArchive.mayBeArchive(named: name))
    }

    @Test(arguments: [
        "readme", "notes.gz", "data.zst", "jar", "app.jar.txt", "archive.tar.bz2", "tar.gz.txt", "zip", "app.jarx",
        "file.", "",
    ])
    func otherNamesAreNot(_ name: String) {
        #expect(!NestedArchive.mayBeArchive(named: name))
    }
}
