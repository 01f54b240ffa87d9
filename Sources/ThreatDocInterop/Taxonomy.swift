import ThreatDocModel

/// Threat categories of the other tools' taxonomies, mapped to STRIDE. STRIDE names map to themselves;
/// CIA and LINDDUN categories map to the STRIDE category that names the same harm, and the import says
/// so in the model's header and in the threat's note.
enum Taxonomy {
    struct Mapping {
        var categories: [StrideCategory]
        /// The taxonomy the category came from, when it was not STRIDE.
        var from: String?
    }

    static func key(_ text: String) -> String {
        text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic }.map(String.init).joined()
    }

    private static let stride: [String: StrideCategory] = [
        "spoofing": .spoofing, "tampering": .tampering, "repudiation": .repudiation,
        "informationdisclosure": .informationDisclosure, "denialofservice": .denialOfService,
        "elevationofprivilege": .elevationOfPrivilege, "s": .spoofing, "t": .tampering, "r": .repudiation,
        "i": .informationDisclosure, "d": .denialOfService, "e": .elevationOfPrivilege,
    ]

    private static let cia: [String: StrideCategory] = [
        "confidentiality": .informationDisclosure, "integrity": .tampering, "availability": .denialOfService,
    ]

    /// LINDDUN's privacy threats. Each is a kind of disclosure except non-repudiation (being unable to
    /// deny an action, the privacy side of repudiation).
    private static let linddun: [String: StrideCategory] = [
        "linkability": .informationDisclosure, "identifiability": .informationDisclosure,
        "nonrepudiation": .repudiation, "detectability": .informationDisclosure,
        "disclosureofinformation": .informationDisclosure, "datadisclosure": .informationDisclosure,
        "unawareness": .informationDisclosure, "unawarenessandunintervenability": .informationDisclosure,
        "noncompliance": .informationDisclosure,
    ]

    /// The STRIDE categories for a category name, looked up in STRIDE, then CIA, then LINDDUN.
    static func map(_ category: String, model: String? = nil) -> Mapping? {
        let k = key(category)
        if let found = stride[k] { return Mapping(categories: [found], from: nil) }
        if let found = cia[k] { return Mapping(categories: [found], from: "CIA") }
        if let found = linddun[k] { return Mapping(categories: [found], from: "LINDDUN") }
        return nil
    }

    /// STRIDE categories read from free text (an OWASP Threat Model Library threat's `event`), by the
    /// words that name each harm. Empty when none is named.
    static func infer(_ text: String) -> [StrideCategory] {
        let lower = text.lowercased()
        let words: [(StrideCategory, [String])] = [
            (.spoofing, ["spoof", "impersonat", "phish", "credential theft", "stolen credential", "forged"]),
            (.tampering, ["tamper", "modif", "poison", "supply chain", "integrity", "inject", "perturbation", "alter"]),
            (.repudiation, ["repudiat", "deny having", "untraceable", "audit trail"]),
            (.informationDisclosure, ["disclos", "exposure", "expose", "leak", "confidential", "exfiltrat", "sensitive data", "eavesdrop"]),
            (.denialOfService, ["denial of service", "dos", "exhaust", "availability", "outage", "flood"]),
            (.elevationOfPrivilege, ["privilege", "escalat", "code execution", "rce", "compromise", "takeover", "take over"]),
        ]
        return words.compactMap { category, cues in
            cues.contains { cue in
                cue.count <= 3 ? lower.split(whereSeparator: { !$0.isLetter }).contains { $0 == cue } : lower.contains(cue)
            } ? category : nil
        }
    }
}

extension Level {
    /// A 0–100 score (OTM) as a level: up to 25 low, 50 medium, 75 high, above critical.
    init(score: Double) {
        self = score <= 25 ? .low : score <= 50 ? .medium : score <= 75 ? .high : .critical
    }

    /// The middle of the level's band, for formats that hold scores.
    var score: Int {
        switch self {
        case .low: 25
        case .medium: 50
        case .high: 75
        case .critical: 100
        }
    }

    /// "Low", "Medium", …, as Threat Dragon writes severities.
    var capitalized: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
