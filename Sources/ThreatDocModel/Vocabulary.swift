import Foundation

/// A value written as one of a fixed set of words in a model file.
public protocol ModelKeyword: CaseIterable, Sendable, Hashable, RawRepresentable where RawValue == String {
    /// Other spellings accepted for the same value (for example STRIDE letters).
    static func alias(_ text: String) -> Self?
    /// The other spellings, for the JSON Schema.
    static var aliases: [String] { get }
    /// The JSON Schema definition that fields of this type share; nil writes the values where they are used.
    static var schemaDefinition: String? { get }
    /// Words people write for a value, which are not accepted but suggested: `done` → `implemented`.
    static var synonyms: [String: Self] { get }
}

extension ModelKeyword {
    public static func alias(_ text: String) -> Self? { nil }
    public static var aliases: [String] { [] }
    public static var schemaDefinition: String? { nil }
    public static var synonyms: [String: Self] { [:] }

    public static func parse(_ text: String) -> Self? { Self(rawValue: text) ?? alias(text) }

    public static var allowedList: String { allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") }
}

/// The six STRIDE categories, in their canonical order.
public enum StrideCategory: String, ModelKeyword, Comparable, Codable {
    case spoofing
    case tampering
    case repudiation
    case informationDisclosure = "information-disclosure"
    case denialOfService = "denial-of-service"
    case elevationOfPrivilege = "elevation-of-privilege"

    public var letter: String {
        switch self {
        case .spoofing: "S"
        case .tampering: "T"
        case .repudiation: "R"
        case .informationDisclosure: "I"
        case .denialOfService: "D"
        case .elevationOfPrivilege: "E"
        }
    }

    public var title: String {
        switch self {
        case .spoofing: "Spoofing"
        case .tampering: "Tampering"
        case .repudiation: "Repudiation"
        case .informationDisclosure: "Information disclosure"
        case .denialOfService: "Denial of service"
        case .elevationOfPrivilege: "Elevation of privilege"
        }
    }

    public static func alias(_ text: String) -> StrideCategory? {
        allCases.first { $0.letter == text }
    }

    public static var aliases: [String] { allCases.map(\.letter) }
    public static var schemaDefinition: String? { "stride" }
    public static var synonyms: [String: StrideCategory] {
        ["info-disclosure": .informationDisclosure, "disclosure": .informationDisclosure, "dos": .denialOfService,
         "elevation": .elevationOfPrivilege, "privilege-escalation": .elevationOfPrivilege, "eop": .elevationOfPrivilege,
         "spoof": .spoofing, "tamper": .tampering]
    }

    private var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.order < rhs.order }

    public static func letters(_ set: Set<StrideCategory>) -> String {
        allCases.filter(set.contains).map(\.letter).joined(separator: ", ")
    }
}

/// What a data-flow element is. Flows are not elements but face STRIDE too.
public enum ElementKind: String, ModelKeyword, Codable {
    case external, process, datastore

    public var title: String {
        switch self {
        case .external: "external entity"
        case .process: "process"
        case .datastore: "data store"
        }
    }
}

/// Anything a threat can target: an element of some kind, or a data flow.
public enum TargetKind: Hashable, Sendable {
    case element(ElementKind)
    case flow

    /// STRIDE per element, as in Microsoft's Threat Modeling Tool table.
    public var applicableCategories: Set<StrideCategory> {
        switch self {
        case .element(.external): [.spoofing, .repudiation]
        case .element(.process): Set(StrideCategory.allCases)
        case .element(.datastore): [.tampering, .repudiation, .informationDisclosure, .denialOfService]
        case .flow: [.tampering, .informationDisclosure, .denialOfService]
        }
    }

    public var title: String {
        switch self {
        case .element(let kind): kind.title
        case .flow: "data flow"
        }
    }

    /// "external entities", "processes", "data stores", "data flows".
    public var pluralTitle: String {
        switch self {
        case .element(.external): "external entities"
        case .element(.process): "processes"
        case .element(.datastore): "data stores"
        case .flow: "data flows"
        }
    }
}

/// A share as a whole percentage, rounded, but never 100 while something is left and never 0 once
/// something is done: 1 of 6 is 17%, 199 of 200 is 99%.
public func wholePercent(_ part: Int, of total: Int) -> Int {
    guard total > 0 else { return 100 }
    let rounded = (part * 200 + total) / (total * 2)
    if part < total { return max(part > 0 ? 1 : 0, min(rounded, 99)) }
    return rounded
}

/// The four-step scale used for sensitivity, likelihood, impact and risk.
public enum Level: String, ModelKeyword, Comparable, Codable {
    case low, medium, high, critical

    public static var schemaDefinition: String? { "level" }

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// How the owner answers a threat.
public enum ThreatResponse: String, ModelKeyword, Codable {
    case mitigate, accept, transfer, avoid

    /// Responses other than mitigation must be justified on record.
    public var needsJustification: Bool { self != .mitigate }
}

public enum MitigationStatus: String, ModelKeyword, Codable {
    case implemented
    case inProgress = "in-progress"
    case planned
    case notStarted = "not-started"

    public static var synonyms: [String: MitigationStatus] {
        ["done": .implemented, "complete": .implemented, "completed": .implemented, "deployed": .implemented,
         "wip": .inProgress, "started": .inProgress, "ongoing": .inProgress, "todo": .notStarted, "open": .notStarted]
    }
}

/// Risk from likelihood and impact, by one fixed matrix (documented in the README).
public enum RiskMatrix {
    /// Rows are likelihood, columns impact, both low → critical.
    public static let table: [[Level]] = [
        [.low, .low, .medium, .medium],
        [.low, .medium, .high, .high],
        [.medium, .high, .high, .critical],
        [.medium, .high, .critical, .critical],
    ]

    public static func risk(likelihood: Level, impact: Level) -> Level {
        table[likelihood.rank][impact.rank]
    }
}

/// The other tools' formats that `threatdoc import` reads and `threatdoc export` writes.
public enum InteropFormat: String, ModelKeyword, Codable {
    /// OWASP Threat Dragon, format version 2.
    case threatDragon = "threat-dragon"
    /// Open Threat Model (IriusRisk, StartLeft), version 0.2.0.
    case otm
    /// The OWASP Threat Model Library format (sometimes called TM-BOM), schema 1.0.x.
    case tmLibrary = "tm-library"

    public var title: String {
        switch self {
        case .threatDragon: "Threat Dragon v2"
        case .otm: "Open Threat Model (OTM)"
        case .tmLibrary: "OWASP Threat Model Library"
        }
    }
}
