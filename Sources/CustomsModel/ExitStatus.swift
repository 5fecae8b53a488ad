/// The process exit codes, in one place (DESIGN.md).
public enum ExitStatus {
    /// Scanned completely, no finding at or above the fail threshold.
    public static let clean: Int32 = 0
    /// At least one finding at or above the threshold.
    public static let findings: Int32 = 1
    /// Usage error, or nothing could be scanned.
    public static let unusable: Int32 = 2
    /// No finding, but the scan was incomplete.
    public static let incomplete: Int32 = 3
}
