import ThreatDocModel
import ThreatDocSupport
/// A model's ID names its output files (`ID.md`, `html/ID.html`), and models travel through git to
/// every platform. So an ID must not replace a file threatdoc writes for itself (`README.md`,
/// `html/index.html`, the stylesheet `threatdoc.css`, the manifest), even on a file system that ignores
/// case, nor be a name Windows reserves for a device, with any extension, in any case.
public struct ModelIDsAreSafeFileNames: ModelRule {
    public static let codes: [DiagnosticCode] = [.reservedModelID]

    /// The names of the files threatdoc writes beside the models' pages, without extensions.
    public static let generatedNames: Set<String> = ["readme", "index", "threatdoc"]

    /// DOS device names: `CON.md` or `con.backup.md` cannot be checked out on Windows.
    static let windowsDevices: Set<String> = Set(["con", "prn", "aux", "nul"]
        + (0...9).map { "com\($0)" } + (0...9).map { "lpt\($0)" })

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        guard let id = context.model.id, let problem = Self.problem(with: id.value) else { return }
        diagnostics.report(.reservedModelID, "model ID '\(id.value)' \(problem)", at: id.location)
    }

    /// Why `id` cannot name a model's files, or nil when it can.
    public static func problem(with id: String) -> String? {
        let lowered = id.lowercased()
        if generatedNames.contains(lowered) {
            return "is reserved: threatdoc names its own files so (README.md, html/index.html, html/threatdoc.css), ignoring case"
        }
        // Windows ignores everything from the first dot: `nul.prod` is the device NUL.
        let stem = lowered.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? lowered
        if windowsDevices.contains(stem) {
            return "is a device name on Windows (\(stem.uppercased())), so its files could not be checked out there"
        }
        return nil
    }
}
