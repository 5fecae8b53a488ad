/// The version of customs, reported in outputs and (later) cache keys.
public enum CustomsVersion {
    public static let current = "0.1.0"
}
