import ThreatDocModel
import ThreatDocReport
import Foundation

/// OWASP Threat Model Library format (schema 1.0.x) → format 1.
///
/// Trust zones become boundaries; actors external entities, components processes, data stores data
/// stores, data sets assets (placed on their data stores), data flows flows, threats threats and
/// controls mitigations. The format has no STRIDE category: threatdoc's own export keeps it in
/// `extensions.threatdoc`; otherwise it is read from the threat's event and title, and said so. A
/// threat's likelihood and impact come from the highest risk that names it.
enum TMLibraryImport {
    static func read(_ root: SourceValue, modelID: String?, fileStem: String) throws(ImportFailure) -> ImportResult {
        let document = try root.object()
        _ = try document.requiredString("version")
        var notes = ImportNotes()
        var counts = ImportResult.Counts()
        var ids = IDMaker()
        var seen: [String: SeenIDs] = [:]  // per list
        let scope = try document.required("scope").object()
        let title = try scope.requiredString("title").singleLine.nonBlank ?? fileStem
        let extensions = try document.object("extensions")?.object(TMLibraryExport.extensionKey)
        let originalIDs = try extensions?.object("ids")
        let savedModelID = try originalIDs?.string("model")
        var model = ThreatDragonImport.emptyModel(
            id: modelID.map { ids.claim($0) } ?? savedModelID.map { ids.claim($0) } ?? ids.make(from: title, fallback: "model"), title: title)
        let topDescription = try document.string("description")?.nonBlank
        model.summary = try scope.string("description")?.nonBlank ?? topDescription
        model.owner = try extensions?.string("owner")?.singleLine.nonBlank
        if let reviewed = try document.string("reviewed_at"), reviewed.count >= 10 {
            let day = String(reviewed.prefix(10))
            if CalendarDate(day) != nil { model.reviewed = day } else { notes.unmapped("review date '\(reviewed.singleLine)'", at: "$.reviewed_at") }
        }
        // threatdoc's own export (it carries the extension) writes placeholder scope values and a persona.
        for key in ["business_criticality", "data_sensitivity", "exposure", "tier"] where scope.optional(key) != nil && extensions == nil {
            notes.unmapped("scope \(key.replacingOccurrences(of: "_", with: " "))", at: "\(scope.path).\(key)")
        }
        for key in ["frozen", "released_at", "product_release_date", "release_docs_link", "repo_link", "diagrams", "assumptions",
                    "threat_personas", "trust_boundaries"] where document.optional(key) != nil {
            if extensions != nil, ["threat_personas", "trust_boundaries"].contains(key) { continue }
            if key == "description", model.summary != nil { continue }
            notes.unmapped(key.replacingOccurrences(of: "_", with: " "), at: "$.\(key)")
        }
        /// The description, unless it only repeats the title (the format requires one; threatdoc's export
        /// writes the title when a model has none).
        func described(_ object: SourceObject, _ title: String) throws(ImportFailure) -> String? {
            guard let text = try object.string("description")?.nonBlank else { return nil }
            return text.singleLine == title ? nil : text
        }
        func keep(_ symbol: String, _ name: String, _ fallback: String) throws(ImportFailure) -> String {
            if let original = try originalIDs?.string(symbol) { return ids.claim(original) }
            return ids.keepOrMake(source: symbol, name: name, fallback: fallback)
        }

        var zoneID: [String: String] = [:]
        for value in try document.array("trust_zones") {
            let zone = try value.object()
            counts.boundaries += 1
            let symbol = try zone.requiredString("symbolic_name")
            try seen["trust zone", default: SeenIDs()].insert(symbol, of: zone, kind: "trust zone")
            let name = try zone.requiredString("title").singleLine.nonBlank ?? symbol
            let id = try keep(symbol, name, "zone")
            zoneID[symbol] = id
            model.boundaries.append(.init(id: id, name: name, description: try described(zone, name), parent: nil,
                                          source: .init(format: .tmLibrary, id: symbol)))
        }
        let parents = try extensions?.object("parents")
        for index in model.boundaries.indices {
            if let parent = try parents?.string(model.boundaries[index].source?.id ?? "") { model.boundaries[index].parent = zoneID[parent] }
        }

        var elementID: [String: String] = [:]  // "type:symbol" and "symbol" → element ID
        func zone(_ object: SourceObject) throws(ImportFailure) -> String? {
            guard let symbol = try object.string("trust_zone") else { return nil }
            if let id = zoneID[symbol] { return id }
            notes.unmapped("trust zone '\(symbol.singleLine)' that the file does not declare", at: "\(object.path).trust_zone")
            return nil
        }
        let flags = try extensions?.object("flags")
        func addElement(_ value: SourceValue, kind: ElementKind, type: String) throws(ImportFailure) {
            let object = try value.object()
            counts.elements += 1
            let symbol = try object.requiredString("symbolic_name")
            try seen[type, default: SeenIDs()].insert(symbol, of: object, kind: type.replacingOccurrences(of: "_", with: " "))
            let name = try object.requiredString("title").singleLine.nonBlank ?? symbol
            let id = try keep(symbol, name, kind.rawValue)
            elementID["\(type):\(symbol)"] = id
            elementID[symbol] = elementID[symbol] ?? id
            var element = ResolvedModel.Element(id: id, kind: kind, name: name, description: try described(object, name),
                                                technology: nil, boundary: try zone(object), assets: [], source: .init(format: .tmLibrary, id: symbol))
            if let extensions {
                element.technology = try extensions.object("technology")?.string(symbol)
            } else if kind == .datastore {
                let words = [try object.string("vendor"), try object.string("product")].compactMap { $0?.singleLine.nonBlank }
                element.technology = words.isEmpty ? nil : words.joined(separator: " ")
                if let storeType = try object.string("type") {
                    element.technology = element.technology.map { "\($0) (\(storeType))" } ?? storeType
                }
            }
            if let own = try flags?.object(symbol) {
                element.internetFacing = try own.bool("internet-facing")
                element.runsAsRoot = try own.bool("runs-as-root")
                element.storesCredentials = try own.bool("stores-credentials")
            }
            if kind == .external {
                if let permissions = try object.string("permissions")?.nonBlank { notes.unmapped("actor permissions '\(permissions.singleLine)'", at: "\(object.path).permissions") }
            }
            if let parent = try object.string("parent_component") {
                notes.unmapped("component nested in component '\(parent.singleLine)'", at: "\(object.path).parent_component")
            }
            if kind == .process, object.optional("repo_link") != nil { notes.unmapped("component repository link", at: "\(object.path).repo_link") }
            model.elements.append(element)
        }
        for value in try document.array("actors") { try addElement(value, kind: .external, type: "actor") }
        for value in try document.array("components") { try addElement(value, kind: .process, type: "component") }
        for value in try document.array("data_stores") { try addElement(value, kind: .datastore, type: "data_store") }

        // Data sets → assets, held by the data stores they are placed on.
        var assetID: [String: String] = [:]
        for value in try document.array("data_sets") {
            let set = try value.object()
            counts.assets += 1
            let symbol = try set.requiredString("symbolic_name")
            try seen["data set", default: SeenIDs()].insert(symbol, of: set, kind: "data set")
            let name = try set.requiredString("title").singleLine.nonBlank ?? symbol
            let id = try keep(symbol, name, "asset")
            assetID[symbol] = id
            var sensitivity = Level.low
            for item in try set.array("data_sensitivity") { sensitivity = max(sensitivity, Self.sensitivity(try item.string())) }
            if let saved = try extensions?.object("sensitivity")?.string(symbol).flatMap(Level.init(rawValue:)) { sensitivity = saved }
            model.assets.append(.init(id: id, name: name, description: try described(set, name), sensitivity: sensitivity,
                                      source: .init(format: .tmLibrary, id: symbol)))
            for placement in try set.array("placements") {
                let store = try placement.object()
                guard let symbolOfStore = try store.string("data_store"), let element = elementID["data_store:\(symbolOfStore)"] ?? elementID[symbolOfStore],
                      let index = model.elements.firstIndex(where: { $0.id == element }) else { continue }
                if !model.elements[index].assets.contains(id) { model.elements[index].assets.append(id) }
            }
            for key in ["access_control_methods", "record_count"] where set.optional(key) != nil {
                notes.unmapped("data set \(key.replacingOccurrences(of: "_", with: " "))", at: "\(set.path).\(key)")
            }
        }
        if counts.assets > 0, extensions == nil { notes.assumed("asset sensitivity from data sensitivity (cred, pci, phi: critical; pii, fin, ip, gov: high; biz: medium; op: low)", at: "$.data_sets") }
        let elementAssets = try extensions?.object("assets")
        for index in model.elements.indices {
            guard let symbol = model.elements[index].source?.id, let saved = try elementAssets?.optional(symbol) else { continue }
            var list: [String] = []
            for item in try saved.array() { if let id = assetID[try item.string()] { list.append(id) } }
            model.elements[index].assets = list
        }

        var flowID: [String: String] = [:]
        for value in try document.array("data_flows") {
            let flowObject = try value.object()
            counts.flows += 1
            let symbol = try flowObject.requiredString("symbolic_name")
            try seen["data flow", default: SeenIDs()].insert(symbol, of: flowObject, kind: "data flow")
            func end(_ key: String) throws(ImportFailure) -> String? {
                let ref = try flowObject.required(key).object()
                let type = try ref.requiredString("type"), object = try ref.requiredString("object")
                return elementID["\(type):\(object)"] ?? elementID[object]
            }
            guard let from = try end("source"), let to = try end("destination") else {
                notes.unmapped("data flow whose ends the file does not declare", at: flowObject.path)
                continue
            }
            let id = try keep(symbol, "\(from) to \(to)", "flow")
            let label = try flowObject.string("title")?.singleLine.nonBlank
            var flow = ResolvedModel.Flow(id: id, from: from, to: to, label: label,
                                          protocolName: nil, description: try described(flowObject, label ?? ""), assets: [],
                                          source: .init(format: .tmLibrary, id: symbol))
            flow.encrypted = try flowObject.bool("encrypted")
            if let saved = try extensions?.object("flows")?.object(symbol) {
                flow.protocolName = try saved.string("protocol")
                flow.authenticated = try saved.bool("authenticated")
                flow.encrypted = try saved.bool("encrypted")
                for item in try saved.array("assets") { if let asset = assetID[try item.string()] { flow.assets.append(asset) } }
            } else if try flowObject.bool("has_sensitive_data") == true {
                notes.unmapped("has_sensitive_data on a flow (format 1 names the assets a flow carries)", at: "\(flowObject.path).has_sensitive_data")
            }
            flowID[symbol] = id
            model.flows.append(flow)
        }

        // Risks give likelihood and impact; controls give mitigations.
        var rated: [String: (Level, Level)] = [:]
        for value in try document.array("risks") {
            let risk = try value.object()
            let likelihood = Self.likelihood(try risk.requiredString("likelihood")), impact = Self.impact(try risk.requiredString("impact"))
            for threat in try risk.array("threats") {
                let symbol = try threat.string()
                let current = rated[symbol]
                rated[symbol] = (max(current?.0 ?? .low, likelihood), max(current?.1 ?? .low, impact))
            }
            if extensions == nil { notes.unmapped("risk (its likelihood and impact are given to the threats it names)", at: risk.path) }
        }
        var controlsOf: [String: [String]] = [:]
        var controlZones: [String: [String]] = [:]
        for value in try document.array("controls") {
            let control = try value.object()
            counts.mitigations += 1
            let symbol = try control.requiredString("symbolic_name")
            try seen["control", default: SeenIDs()].insert(symbol, of: control, kind: "control")
            let name = try control.requiredString("title").singleLine.nonBlank ?? symbol
            let id = try keep(symbol, name, "mitigation")
            let statusWord = try control.requiredString("status")
            let status = try extensions?.object("status")?.string(symbol).flatMap(MitigationStatus.init(rawValue:)) ?? Self.status(statusWord)
            model.mitigations.append(.init(id: id, title: name, description: try described(control, name), status: status,
                                           owner: nil, checks: [], threats: [], note: nil, references: [], evidence: .noScan,
                                           source: .init(format: .tmLibrary, id: symbol)))
            for threat in try control.array("threats") {
                let threatSymbol = try threat.string()
                controlsOf[threatSymbol, default: []].append(id)
                if let boundary = try control.object("trust_boundary"), let inner = try boundary.string("trust_zone_b") {
                    controlZones[threatSymbol, default: []].append(inner)
                }
            }
            if extensions == nil, control.optional("priority") != nil { notes.unmapped("control priority", at: "\(control.path).priority") }
        }

        let strideSaved = try extensions?.object("stride")
        let targetsSaved = try extensions?.object("targets")
        let threatExtras = try extensions?.object("threats")
        var numbering = ThreatNumbering(prefix: "TML")
        for value in try document.array("threats") {
            let threat = try value.object()
            counts.threats += 1
            let symbol = try threat.requiredString("symbolic_name")
            try seen["threat", default: SeenIDs()].insert(symbol, of: threat, kind: "threat")
            let title = try threat.requiredString("title").singleLine.nonBlank ?? symbol
            let event = try threat.requiredString("event")
            var targets: [String] = []
            for item in try threat.array("components_affected") {
                let name = try item.string()
                if let id = elementID["component:\(name)"] ?? elementID[name] { targets.append(id) }
                else { notes.unmapped("affected component '\(name.singleLine)' that the file does not declare", at: item.path) }
            }
            if let saved = try targetsSaved?.optional(symbol) {
                targets = []
                for item in try saved.array() {
                    let name = try item.string()
                    if let id = elementID[name] ?? flowID[name] { targets.append(id) }
                }
            }
            if targets.isEmpty {
                // No affected components: the processes inside the zones its controls guard, else every process.
                let zones = Set((controlZones[symbol] ?? []).compactMap { zoneID[$0] })
                targets = model.elements.filter { $0.kind == .process && $0.boundary.map(zones.contains) == true }.map(\.id)
                if targets.isEmpty { targets = model.elements.filter { $0.kind == .process }.map(\.id) }
                if targets.isEmpty { targets = model.elements.prefix(1).map(\.id) }
                guard !targets.isEmpty else {
                    notes.unmapped("threat in a model with no elements", at: threat.path)
                    continue
                }
                notes.assumed("targets (the threat names no affected component; taken as the processes in the zones its controls guard)", at: threat.path)
            }
            var categories: [StrideCategory] = []
            if let saved = try strideSaved?.optional(symbol) {
                for item in try saved.array() { if let c = StrideCategory.parse(try item.string()) { categories.append(c) } }
            }
            var note: String?
            if categories.isEmpty {
                categories = Taxonomy.infer(event + " " + title)
                if categories.isEmpty { categories = [.tampering] }
                note = "STRIDE category read from the Threat Model Library event: \(event.singleLine)."
                notes.assumed("STRIDE category read from the threat's event and title", at: "\(threat.path).event")
            }
            let (likelihood, impact): (Level, Level)
            if let saved = try threatExtras?.object(symbol), let l = try saved.string("likelihood").flatMap(Level.init(rawValue:)),
               let i = try saved.string("impact").flatMap(Level.init(rawValue:)) {
                (likelihood, impact) = (l, i)
            } else if let rating = rated[symbol] {
                (likelihood, impact) = rating
            } else {
                (likelihood, impact) = (.medium, .medium)
                notes.assumed("likelihood and impact (no risk names the threat; set to medium)", at: threat.path)
            }
            var references: [String] = []
            for item in try threat.array("attack_mechanisms") {
                if let number = try item.object().optional("capec_id")?.catalogNumber() { references.append("https://capec.mitre.org/data/definitions/\(number).html") }
            }
            for item in try threat.array("weaknesses") {
                if let number = try item.object().optional("cwe_id")?.catalogNumber() { references.append("https://cwe.mitre.org/data/definitions/\(number).html") }
            }
            if extensions == nil {
                if threat.optional("threat_persona") != nil { notes.unmapped("threat persona", at: "\(threat.path).threat_persona") }
                if threat.optional("sources") != nil { notes.unmapped("threat sources", at: "\(threat.path).sources") }
            }
            let saved = try threatExtras?.object(symbol)
            let id = try originalIDs?.string(symbol).map { ids.claim($0) } ?? numbering.next(categories[0], ids: &ids)
            let response = try saved?.string("response").flatMap(ThreatResponse.init(rawValue:)) ?? .mitigate
            model.threats.append(.init(id: id, title: title, stride: categories.sorted(), targets: targets,
                                       description: try described(threat, title), likelihood: likelihood, impact: impact,
                                       risk: RiskMatrix.risk(likelihood: likelihood, impact: impact), response: response,
                                       justification: try saved?.string("justification"), mitigations: controlsOf[symbol] ?? [],
                                       note: try saved?.string("note") ?? note, references: references, contradicted: false,
                                       source: .init(format: .tmLibrary, id: symbol)))
        }
        return ImportResult(format: .tmLibrary, model: model, unmapped: notes.unmapped, assumptions: notes.assumptions, sourceCounts: counts)
    }

    static func sensitivity(_ word: String) -> Level {
        switch word {
        case "cred", "pci", "phi": .critical
        case "pii", "fin", "ip", "gov": .high
        case "biz": .medium
        default: .low
        }
    }

    static func likelihood(_ word: String) -> Level {
        switch word {
        case "certain": .critical
        case "likely": .high
        case "possible": .medium
        default: .low
        }
    }

    static func impact(_ word: String) -> Level {
        switch word {
        case "severe": .critical
        case "major": .high
        case "moderate": .medium
        default: .low
        }
    }

    static func status(_ word: String) -> MitigationStatus {
        switch word {
        case "active", "assumed": .implemented
        case "approved", "scheduled": .planned
        case "under_review": .planned
        default: .notStarted
        }
    }
}
