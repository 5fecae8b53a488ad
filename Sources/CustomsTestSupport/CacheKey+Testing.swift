import CustomsCache

extension CacheKey {
    /// The key tests seal their cache folders with (each test uses a folder of its own).
    public static let testing = CacheKey("customs-tests-cache-key", shared: false)
}
