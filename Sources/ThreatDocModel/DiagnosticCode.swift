import Foundation

/// A stable diagnostic code. The `id` never changes meaning once released; the README lists every code.
public struct DiagnosticCode: Sendable, Hashable, Comparable {
    /// Stable identifier, such as `TD303`.
    public let id: String
    /// Short kebab-case name, such as `unresolved-reference`.
    public let name: String
    public let severity: Severity
    /// General advice, used when a diagnostic has no more specific help.
    public let help: String

    init(_ id: String, _ name: String, _ severity: Severity, help: String) {
        self.id = id
        self.name = name
        self.severity = severity
        self.help = help
    }

    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id < rhs.id }
}

extension DiagnosticCode {
    // MARK: Reading files (TD1xx)
    public static let ioError = DiagnosticCode("TD100", "io-error", .error,
        help: "check that the path exists, is a regular file and is readable")
    public static let fileTooLarge = DiagnosticCode("TD101", "file-too-large", .error,
        help: "split the model, or raise the cap with --max-file-size")
    public static let invalidUTF8 = DiagnosticCode("TD102", "invalid-utf8", .error,
        help: "save the file as UTF-8")
    public static let yamlSyntax = DiagnosticCode("TD103", "yaml-syntax", .error,
        help: "fix the YAML syntax at the marked position")
    public static let multipleDocuments = DiagnosticCode("TD104", "multiple-documents", .error,
        help: "keep one model per file; move the next document into a file of its own")
    public static let aliasNotAllowed = DiagnosticCode("TD105", "anchor-or-alias", .error,
        help: "anchors (&name) and aliases (*name) are not supported; write the value out in full")
    public static let nestingTooDeep = DiagnosticCode("TD106", "nesting-too-deep", .error,
        help: "a model never needs more than a few levels; flatten the structure")
    public static let scalarTooLarge = DiagnosticCode("TD107", "value-too-large", .error,
        help: "shorten the value; link to longer documents with `references`")
    public static let complexKey = DiagnosticCode("TD108", "non-scalar-key", .error,
        help: "mapping keys must be plain field names")
    public static let duplicateKey = DiagnosticCode("TD109", "duplicate-key", .error,
        help: "remove one of the two keys")
    public static let unknownTag = DiagnosticCode("TD110", "unknown-tag", .error,
        help: "remove the tag; threatdoc accepts only YAML's core tags such as !!str")
    public static let emptyDocument = DiagnosticCode("TD111", "empty-document", .error,
        help: "a model file holds one mapping that starts with `threatdoc: 1`")
    public static let repeatsOmitted = DiagnosticCode("TD113", "repeats-omitted", .note,
        help: "fix the diagnostics shown first; the rest are usually the same mistake")
    public static let linkOutsideModels = DiagnosticCode("TD114", "link-outside-folder", .error,
        help: "copy the file into the folder; a models folder, the project file's paths and a templates folder may not reach outside the project through links")
    public static let bidiCharacter = DiagnosticCode("TD112", "bidi-control-character", .warning,
        help: "remove invisible bidirectional or control characters; they can make text read differently than it is")

    // MARK: Shape (TD2xx)
    public static let unknownKey = DiagnosticCode("TD201", "unknown-key", .error,
        help: "remove the key or correct its spelling; the README lists every field")
    public static let wrongType = DiagnosticCode("TD202", "wrong-type", .error,
        help: "change the value to the expected type")
    public static let missingField = DiagnosticCode("TD203", "missing-field", .error,
        help: "add the required field")
    public static let invalidValue = DiagnosticCode("TD204", "invalid-value", .error,
        help: "use one of the allowed values")
    public static let unsupportedVersion = DiagnosticCode("TD205", "unsupported-version", .error,
        help: "set `threatdoc: 1`, the format version this threatdoc reads")
    public static let invalidID = DiagnosticCode("TD206", "invalid-id", .error,
        help: "IDs start with a letter, then up to 63 letters, digits, '.', '_' or '-', with no '..'")
    public static let invalidDate = DiagnosticCode("TD207", "invalid-date", .error,
        help: "write dates as YYYY-MM-DD")
    public static let invalidURL = DiagnosticCode("TD208", "invalid-url", .error,
        help: "use an http, https or mailto URL, or a relative link")
    public static let reservedModelID = DiagnosticCode("TD210", "reserved-model-id", .error,
        help: "rename the model: its ID names its output files, which must not replace threatdoc's own (README, index, threatdoc) or be a name Windows reserves (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9)")
    public static let invalidCheckReference = DiagnosticCode("TD209", "invalid-check-reference", .error,
        help: "write checks as TOOL:ID or TOOL@VERSION:ID, for example docker:2.14 or kubernetes@cis-1.9:1.2.16")

    // MARK: Meaning (TD3xx)
    public static let duplicateID = DiagnosticCode("TD301", "duplicate-id", .error,
        help: "IDs are unique within a model, ignoring case; rename one of them")
    public static let duplicateModelID = DiagnosticCode("TD302", "duplicate-model-id", .error,
        help: "model IDs are unique across all models; rename one of them")
    public static let unresolvedReference = DiagnosticCode("TD303", "unresolved-reference", .error,
        help: "refer to an ID defined in the same model")
    public static let wrongReferenceKind = DiagnosticCode("TD304", "wrong-reference-kind", .error,
        help: "refer to an ID of the expected kind")
    public static let unaddressedThreat = DiagnosticCode("TD305", "unaddressed-threat", .warning,
        help: "add `mitigations:`, or set `response:` to accept, transfer or avoid with a `justification:`")
    public static let missingJustification = DiagnosticCode("TD306", "missing-justification", .error,
        help: "say why in `justification:`; accepted, transferred and avoided risks need a reason on record")
    public static let unusedMitigation = DiagnosticCode("TD307", "unused-mitigation", .warning,
        help: "list the mitigation under a threat's `mitigations:`, or remove it")
    public static let strideNotApplicable = DiagnosticCode("TD308", "stride-not-applicable", .warning,
        help: "STRIDE per element: external entities face S and R; processes all six; data stores T, R, I and D; data flows T, I and D")
    public static let coverageGap = DiagnosticCode("TD309", "coverage-gap", .note,
        help: "add a threat for the category, or acknowledge the gap under `gaps:` with a reason")
    public static let boundaryCycle = DiagnosticCode("TD310", "boundary-cycle", .error,
        help: "a boundary cannot contain itself; break the `parent:` chain")
    public static let reviewInFuture = DiagnosticCode("TD311", "review-in-future", .warning,
        help: "set `reviewed:` to the date of the last review")
    public static let reviewOverdue = DiagnosticCode("TD312", "review-overdue", .warning,
        help: "review the model and update `reviewed:` (the age limit is set with --max-review-age)")
    public static let staleGap = DiagnosticCode("TD313", "stale-gap", .warning,
        help: "remove the acknowledgement: the category is covered by a threat, does not apply, or is acknowledged already")
    public static let coverageSummary = DiagnosticCode("TD314", "coverage-summary", .note,
        help: "each element and flow should have a threat, or an acknowledged gap, for every STRIDE category that applies to it")

    // MARK: Benchmarks and evidence (TD4xx)
    public static let unknownCheck = DiagnosticCode("TD401", "unknown-check", .error,
        help: "use a check ID from the catalog; `threatdoc bench list` lists them and `--search` finds them by words")
    public static let undeclaredBenchmark = DiagnosticCode("TD402", "undeclared-benchmark", .error,
        help: "declare the tool's catalog under `benchmarks:`, for example `benchmarks: { docker: cis-docker-1.6.0 }`")
    public static let unknownCatalog = DiagnosticCode("TD403", "unknown-catalog", .error,
        help: "use a bundled catalog version; `threatdoc bench list --help` names them")
    public static let scanUnreadable = DiagnosticCode("TD410", "scan-unreadable", .error,
        help: "fix or re-create the scan file; the other scans still count")
    public static let scanFormatUnknown = DiagnosticCode("TD411", "scan-format-unknown", .error,
        help: "threatdoc reads docker-bench-security and kube-bench JSON reports")
    public static let scanInModelFolder = DiagnosticCode("TD413", "scan-not-a-model", .note,
        help: "pass the report with --scan, or list it under `scans:` in the project file (.threatdoc.yaml)")
    public static let scanStatusUnknown = DiagnosticCode("TD414", "scan-status-unknown", .note,
        help: "the result counts as unverified; docker-bench reports PASS, WARN, NOTE and INFO, kube-bench PASS, FAIL, WARN and INFO")
    public static let checkRemapped = DiagnosticCode("TD412", "check-remapped", .note,
        help: "the scan numbers checks differently from the model's catalog; the check was matched by its title")
    public static let evidence = DiagnosticCode("TD420", "evidence", .note,
        help: "evidence states: verified, contradicted, unverified, failing-as-expected (see the README)")
    public static let contradictedEvidence = DiagnosticCode("TD421", "contradicted-evidence", .warning,
        help: "fix the control so the check passes, or correct the mitigation's `status:`")
    public static let threatContradicted = DiagnosticCode("TD422", "threat-mitigation-contradicted", .warning,
        help: "a mitigation this threat relies on is contradicted by a scan; the threat is less covered than the model says")
    public static let uncoveredFindings = DiagnosticCode("TD423", "uncovered-findings", .note,
        help: "link the checks to mitigations under `checks:`, or add threats and mitigations for them")
    public static let statusBehindEvidence = DiagnosticCode("TD424", "status-behind-evidence", .note,
        help: "every linked check passes; consider setting `status: implemented`")

    // MARK: Templates and output (TD5xx)
    public static let templateSyntax = DiagnosticCode("TD501", "template-syntax", .error,
        help: "fix the Mustache syntax at the marked position")
    public static let templateUnknownName = DiagnosticCode("TD502", "template-unknown-name", .error,
        help: "use a name the template context has; `threatdoc render --dump-context MODEL` prints it")
    public static let templateMissingPartial = DiagnosticCode("TD503", "template-missing-partial", .error,
        help: "add the partial to the templates folder, or use a built-in one")
    public static let templateContentType = DiagnosticCode("TD504", "template-content-type", .error,
        help: "start every template and partial with its content type, and only with it: {{% CONTENT_TYPE: MARKDOWN }} in markdown/, {{% CONTENT_TYPE: HTML }} in html/, so values are escaped for the format")
    public static let templateUnescaped = DiagnosticCode("TD505", "template-unescaped", .error,
        help: "use {{name}}, which escapes; only values threatdoc has made safe may be emitted raw ({{{…HTML}}} and {{{…SVG}}} in HTML, anchors, files, Mermaid and prose in Markdown)")
    public static let templatePartialCycle = DiagnosticCode("TD506", "template-partial-cycle", .error,
        help: "a partial may not include itself, directly or through others, and partials nest at most 16 deep")
    public static let templatePrintsStructure = DiagnosticCode("TD507", "template-prints-structure", .error,
        help: "print one of its fields, or open it as a section: {{#name}}…{{/name}}")
    public static let diagramFailed = DiagnosticCode("TD511", "diagram-failed", .warning,
        help: "the page was written without the diagram; its text version is still there")
    public static let diagramOverBudget = DiagnosticCode("TD512", "diagram-over-budget", .warning,
        help: "the page says how it was drawn instead; a layout this close to its share may come out differently on another machine, so raise --diagram-budget")
    public static let outputFailure = DiagnosticCode("TD510", "output-failure", .error,
        help: "the previous output was left as it was; fix the cause and render again")

    // MARK: Threat rules (TD6xx)
    public static let ruleDuplicateID = DiagnosticCode("TD601", "rule-duplicate-id", .error,
        help: "give the rule another ID; to replace a built-in rule, disable it under `rules: disable:` in the project file")
    public static let ruleConditionMismatch = DiagnosticCode("TD602", "rule-condition-mismatch", .error,
        help: "element conditions (technology, neighbours, internet-facing, runs-as-root, stores-credentials) need element types; flow conditions (from, to, protocol, crosses-boundary, encrypted, authenticated) need `flow`; split the rule in two")
    public static let ruleStrideNotApplicable = DiagnosticCode("TD603", "rule-stride-not-applicable", .error,
        help: "STRIDE per element: external entities face S and R; data stores T, R, I and D; flows T, I and D; processes all six")
    public static let ruleInvalidReference = DiagnosticCode("TD604", "rule-invalid-reference", .error,
        help: "write CAPEC-n, CWE-n, or an https link")
    public static let ruleUnknownDisabled = DiagnosticCode("TD605", "rule-unknown-disabled", .warning,
        help: "`threatdoc suggest --list-rules` lists every rule ID")
    public static let ruleFolder = DiagnosticCode("TD606", "rule-folder", .error,
        help: "name a folder of rule files (threatdoc-rules: 1), relative to the project file")
    public static let ruleFileInModelFolder = DiagnosticCode("TD607", "rule-file-not-a-model", .note,
        help: "threatdoc suggest reads rule files from the folders under `rules: folders:` in the project file")

    // MARK: Import and export (TD7xx)
    public static let importFormatUnknown = DiagnosticCode("TD701", "import-format-unknown", .error,
        help: "name the format with --format threat-dragon, otm or tm-library")
    public static let importShape = DiagnosticCode("TD702", "import-shape", .error,
        help: "the file does not hold what its format requires at this JSON path; fix it in the tool that wrote it, or by hand")
    public static let importTooComplex = DiagnosticCode("TD703", "import-too-complex", .error,
        help: "the diagram holds more shapes or points than threatdoc places; split it into smaller diagrams")
    public static let importUnmapped = DiagnosticCode("TD704", "import-unmapped", .note,
        help: "format 1 has no place for this; the comment at the top of the written model lists it")
    public static let outputExists = DiagnosticCode("TD705", "output-exists", .error,
        help: "choose another file with -o, or replace it with --force")
    public static let importInvalidResult = DiagnosticCode("TD706", "import-invalid-result", .error,
        help: "the imported model does not validate, so nothing was written; the diagnostics show why")
    public static let exportLoss = DiagnosticCode("TD707", "export-loss", .note,
        help: "the target format has no place for this; the README lists what each format keeps")

    /// Every code by its ID (`TD101`).
    public static let byID: [String: DiagnosticCode] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    /// Every code, in order. The README's table and the JSON output come from this list.
    public static let all: [DiagnosticCode] = [
        .ioError, .fileTooLarge, .invalidUTF8, .yamlSyntax, .multipleDocuments, .aliasNotAllowed,
        .nestingTooDeep, .scalarTooLarge, .complexKey, .duplicateKey, .unknownTag, .emptyDocument,
        .bidiCharacter, .repeatsOmitted, .linkOutsideModels,
        .unknownKey, .wrongType, .missingField, .invalidValue, .unsupportedVersion, .invalidID,
        .invalidDate, .invalidURL, .invalidCheckReference, .reservedModelID,
        .duplicateID, .duplicateModelID, .unresolvedReference, .wrongReferenceKind, .unaddressedThreat,
        .missingJustification, .unusedMitigation, .strideNotApplicable, .coverageGap, .boundaryCycle,
        .reviewInFuture, .reviewOverdue, .staleGap, .coverageSummary,
        .unknownCheck, .undeclaredBenchmark, .unknownCatalog, .scanUnreadable, .scanFormatUnknown, .scanStatusUnknown, .checkRemapped, .scanInModelFolder,
        .evidence, .contradictedEvidence, .threatContradicted, .uncoveredFindings, .statusBehindEvidence,
        .templateSyntax, .templateUnknownName, .templateMissingPartial, .templateContentType, .templateUnescaped,
        .templatePartialCycle, .templatePrintsStructure, .outputFailure, .diagramFailed, .diagramOverBudget,
        .ruleDuplicateID, .ruleConditionMismatch, .ruleStrideNotApplicable, .ruleInvalidReference, .ruleUnknownDisabled,
        .ruleFolder, .ruleFileInModelFolder,
        .importFormatUnknown, .importShape, .importTooComplex, .importUnmapped, .outputExists, .importInvalidResult,
        .exportLoss,
    ]
}
