import ThreatDocModel
import ThreatDocReport
import Foundation

/// Open Threat Model 0.2 (JSON or YAML) → format 1.
///
/// Trust zones become boundaries (with their parents), components elements (a kind read from the
/// component's type and tags), dataflows flows. OTM declares threats and mitigations once and links them
/// to components and dataflows; each threat becomes one threat targeting every component and dataflow
/// that links it, and a mitigation's status is the least advanced state any link gives it.
enum OTMImport {
    static func read(_ root: SourceValue, modelID: String?, fileStem: String) throws(ImportFailure) -> ImportResult {
        let document = try root.object()
        _ = try document.requiredString("otmVersion")
        var notes = ImportNotes()
        var counts = ImportResult.Counts()
        var ids = IDMaker()
        var seenAssets = SeenIDs(), seenZones = SeenIDs(), seenComponents = SeenIDs(), seenFlows = SeenIDs()
        var seenThreats = SeenIDs(), seenMitigations = SeenIDs()
        let project = try document.required("project").object()
        let title = try project.requiredString("name").singleLine.nonBlank ?? fileStem
        let projectID = try project.requiredString("id")
        var model = ThreatDragonImport.emptyModel(
            id: modelID.map { ids.claim($0) } ?? ids.keepOrMake(source: projectID, name: title, fallback: "model"), title: title)
        model.source = .init(format: .otm, id: projectID)
        model.summary = try project.string("description")?.nonBlank
        model.owner = try project.string("owner")?.singleLine.nonBlank
        // threatdoc's own export: its placeholder ratings are not losses.
        let ours = try project.object("attributes")?.string("generator") == OTMExport.generator
        for key in ["ownerContact", "tags", "attributes"] where project.optional(key) != nil && !(ours && key == "attributes") {
            notes.unmapped("project \(key)", at: "\(project.path).\(key)")
        }
        if !(try document.array("representations")).isEmpty { notes.unmapped("representations (diagram positions, code links)", at: "$.representations") }

        // Assets.
        var assetID: [String: String] = [:]
        for value in try document.array("assets") {
            let asset = try value.object()
            counts.assets += 1
            let sourceID = try asset.requiredString("id")
            try seenAssets.insert(sourceID, of: asset, kind: "asset")
            let name = try asset.requiredString("name").singleLine.nonBlank ?? "Unnamed asset"
            let id = ids.keepOrMake(source: sourceID, name: name, fallback: "asset")
            assetID[sourceID] = id
            let risk = try asset.required("risk").object()
            let scores = [try risk.required("confidentiality").number(), try risk.required("integrity").number(),
                          try risk.required("availability").number()]
            if risk.optional("comment") != nil || risk.optional("riskComments") != nil { notes.unmapped("asset risk comment", at: "\(risk.path)") }
            model.assets.append(.init(id: id, name: name, description: try asset.string("description")?.nonBlank,
                                      sensitivity: Level(score: scores.max() ?? 0), source: .init(format: .otm, id: sourceID)))
        }
        if !model.assets.isEmpty { notes.assumed("asset sensitivity from the highest of confidentiality, integrity and availability (0–25 low, –50 medium, –75 high, above critical)", at: "$.assets") }

        // Trust zones.
        var zoneID: [String: String] = [:]
        var zoneParents: [(Int, String, String)] = []
        for value in try document.array("trustZones") {
            let zone = try value.object()
            counts.boundaries += 1
            let sourceID = try zone.requiredString("id")
            try seenZones.insert(sourceID, of: zone, kind: "trust zone")
            let name = try zone.requiredString("name").singleLine.nonBlank ?? "Unnamed trust zone"
            if sourceID == OTMExport.outsideZone { continue }
            let id = ids.keepOrMake(source: sourceID, name: name, fallback: "zone")
            zoneID[sourceID] = id
            if let parent = try zone.object("parent") {
                if let trustZone = try parent.string("trustZone") { zoneParents.append((model.boundaries.count, trustZone, parent.path)) }
                else { notes.unmapped("trust zone inside a component", at: parent.path) }
            }
            if zone.optional("risk") != nil, !ours { notes.unmapped("trust rating", at: "\(zone.path).risk") }
            if let type = try zone.string("type"), type.nonBlank != nil { notes.unmapped("trust zone type '\(type.singleLine)'", at: "\(zone.path).type") }
            model.boundaries.append(.init(id: id, name: name, description: try zone.string("description")?.nonBlank, parent: nil,
                                          source: .init(format: .otm, id: sourceID)))
        }
        for (index, parent, path) in zoneParents {
            if let id = zoneID[parent] { model.boundaries[index].parent = id } else if parent != OTMExport.outsideZone {
                notes.unmapped("parent trust zone '\(parent.singleLine)' that the file does not declare", at: path)
            }
        }

        // Components.
        var elementID: [String: String] = [:]
        var componentParent: [(Int, String, String)] = []
        var links: [(target: String, value: SourceValue)] = []
        var inferredKinds: [String] = []
        for value in try document.array("components") {
            let component = try value.object()
            counts.elements += 1
            let sourceID = try component.requiredString("id")
            try seenComponents.insert(sourceID, of: component, kind: "component")
            let name = try component.requiredString("name").singleLine.nonBlank ?? "Unnamed component"
            let type = try component.requiredString("type")
            var tags: [String] = []
            for tag in try component.array("tags") where !tag.isNull { tags.append(try tag.string()) }
            let attributes = try component.object("attributes")
            let declared = try attributes?.string("threatdoc-type").flatMap(ElementKind.init(rawValue:))
            if declared == nil { inferredKinds.append("\(component.path).type") }
            let kind = declared ?? kind(type: type, tags: tags)
            let id = ids.keepOrMake(source: sourceID, name: name, fallback: kind.rawValue)
            elementID[sourceID] = id
            var element = ResolvedModel.Element(id: id, kind: kind, name: name, description: try component.string("description")?.nonBlank,
                                                technology: try attributes?.string("technology")?.singleLine.nonBlank, boundary: nil, assets: [],
                                                source: .init(format: .otm, id: sourceID))
            if attributes?.optional("technology") == nil, let typeWords = Self.technology(type: type, tags: tags) { element.technology = typeWords }
            element.internetFacing = try attributes?.bool("internet-facing")
            element.runsAsRoot = try attributes?.bool("runs-as-root")
            element.storesCredentials = try attributes?.bool("stores-credentials")
            let parent = try component.required("parent").object()
            if let zone = try parent.string("trustZone") {
                if let boundary = zoneID[zone] { element.boundary = boundary } else if zone != OTMExport.outsideZone {
                    notes.unmapped("trust zone '\(zone.singleLine)' that the file does not declare", at: parent.path)
                }
            } else if let parentComponent = try parent.string("component") {
                componentParent.append((model.elements.count, parentComponent, parent.path))
            }
            if let assets = try component.object("assets") {
                for key in ["processed", "stored"] {
                    for asset in try assets.array(key) where !asset.isNull {
                        let name = try asset.string()
                        if let id = assetID[name] { if !element.assets.contains(id) { element.assets.append(id) } }
                        else { notes.unmapped("asset '\(name.singleLine)' that the file does not declare", at: asset.path) }
                    }
                }
            }
            for threat in try component.array("threats") { links.append((id, threat)) }
            if !(try component.array("representations")).isEmpty { notes.unmapped("component representation", at: "\(component.path).representations") }
            model.elements.append(element)
        }
        if !inferredKinds.isEmpty {
            for path in inferredKinds {
                notes.assumed("element kind from the component type and tags (clients and users: external; databases, stores, buckets, queues: datastore; the rest: process)", at: path)
            }
        }
        for (index, parent, path) in componentParent {
            if let parentID = elementID[parent], let boundary = model.elements.first(where: { $0.id == parentID })?.boundary {
                model.elements[index].boundary = boundary
            }
            notes.unmapped("component nested in a component (placed in its parent's trust zone)", at: path)
        }

        // Dataflows.
        for value in try document.array("dataflows") {
            let dataflow = try value.object()
            counts.flows += 1
            let sourceID = try dataflow.requiredString("id")
            try seenFlows.insert(sourceID, of: dataflow, kind: "dataflow")
            let from = try dataflow.requiredString("source"), to = try dataflow.requiredString("destination")
            guard let fromID = elementID[from], let toID = elementID[to] else {
                notes.unmapped("dataflow whose ends are not both components", at: dataflow.path)
                continue
            }
            let name = try dataflow.string("name")?.singleLine.nonBlank
            let id = ids.keepOrMake(source: sourceID, name: "\(fromID) to \(toID)", fallback: "flow")
            let attributes = try dataflow.object("attributes")
            var flow = ResolvedModel.Flow(id: id, from: fromID, to: toID, label: name,
                                          protocolName: try attributes?.string("protocol")?.singleLine.nonBlank,
                                          description: try dataflow.string("description")?.nonBlank, assets: [],
                                          source: .init(format: .otm, id: sourceID))
            flow.authenticated = try attributes?.bool("authenticated")
            flow.encrypted = try attributes?.bool("encrypted")
            for asset in try dataflow.array("assets") where !asset.isNull {
                let name = try asset.string()
                if let id = assetID[name] { if !flow.assets.contains(id) { flow.assets.append(id) } }
                else { notes.unmapped("asset '\(name.singleLine)' that the file does not declare", at: asset.path) }
            }
            if try dataflow.bool("bidirectional") == true { notes.unmapped("bidirectional dataflow (imported in one direction)", at: "\(dataflow.path).bidirectional") }
            if !(try dataflow.array("tags")).isEmpty { notes.unmapped("dataflow tags", at: "\(dataflow.path).tags") }
            for threat in try dataflow.array("threats") { links.append((id, threat)) }
            model.flows.append(flow)
        }

        // Mitigations, then threats with their links.
        var mitigationID: [String: String] = [:]
        var mitigationStates: [String: [MitigationStatus]] = [:]
        var explicitStatus = Set<String>()
        for value in try document.array("mitigations") {
            let mitigation = try value.object()
            counts.mitigations += 1
            let sourceID = try mitigation.requiredString("id")
            try seenMitigations.insert(sourceID, of: mitigation, kind: "mitigation")
            let name = try mitigation.requiredString("name").singleLine.nonBlank ?? "Unnamed mitigation"
            let id = ids.keepOrMake(source: sourceID, name: name, fallback: "mitigation")
            mitigationID[sourceID] = id
            _ = try mitigation.required("riskReduction").number()
            if !ours { notes.unmapped("risk reduction", at: "\(mitigation.path).riskReduction") }
            let attributes = try mitigation.object("attributes")
            let status = try attributes?.string("status").flatMap(MitigationStatus.init(rawValue:))
            if status != nil { explicitStatus.insert(id) }
            model.mitigations.append(.init(id: id, title: name, description: try mitigation.string("description")?.nonBlank,
                                           status: status ?? .notStarted,
                                           owner: try attributes?.string("owner")?.singleLine.nonBlank, checks: [], threats: [], note: nil,
                                           references: [], evidence: .noScan, source: .init(format: .otm, id: sourceID)))
        }
        var threatTargets: [String: [String]] = [:], threatMitigations: [String: [String]] = [:]
        for (target, value) in links {
            let link = try value.object()
            let threat = try link.requiredString("threat")
            _ = try link.requiredString("state")
            if !threatTargets[threat, default: []].contains(target) { threatTargets[threat, default: []].append(target) }
            for item in try link.array("mitigations") where !item.isNull {
                let entry = try item.object()
                guard let mitigation = try entry.string("mitigation") else { continue }
                guard let id = mitigationID[mitigation] else {
                    notes.unmapped("mitigation '\(mitigation.singleLine)' that the file does not declare", at: entry.path)
                    continue
                }
                if !threatMitigations[threat, default: []].contains(id) { threatMitigations[threat, default: []].append(id) }
                mitigationStates[id, default: []].append(status(try entry.string("state") ?? ""))
            }
        }
        for index in model.mitigations.indices {
            if let states = mitigationStates[model.mitigations[index].id], !explicitStatus.contains(model.mitigations[index].id) {
                model.mitigations[index].status = states.min(by: { $0.rank < $1.rank }) ?? .notStarted
            }
        }
        var numbering = ThreatNumbering(prefix: "OTM")
        let kindOf = Dictionary(model.elements.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        for value in try document.array("threats") {
            let threat = try value.object()
            counts.threats += 1
            let sourceID = try threat.requiredString("id")
            try seenThreats.insert(sourceID, of: threat, kind: "threat")
            let name = try threat.requiredString("name").singleLine.nonBlank ?? "Untitled threat"
            guard let targets = threatTargets[sourceID], !targets.isEmpty else {
                notes.unmapped("threat that no component or dataflow links (format 1 threats need targets)", at: threat.path)
                continue
            }
            var categories: [StrideCategory] = [], note: [String] = []
            for category in try threat.array("categories") where !category.isNull {
                let text = try category.string()
                if let mapping = Taxonomy.map(text) {
                    categories += mapping.categories.filter { !categories.contains($0) }
                    if let from = mapping.from {
                        note.append("OTM category: \(text.singleLine) (\(from)).")
                        notes.assumed("\(from) category '\(text.singleLine)' read as \(mapping.categories.map(\.title).joined(separator: ", "))", at: category.path)
                    }
                } else {
                    note.append("OTM category: \(text.singleLine).")
                    notes.unmapped("category '\(text.singleLine)' with no STRIDE equivalent", at: category.path)
                }
            }
            if categories.isEmpty {
                let kind: TargetKind = kindOf[targets[0]].map { .element($0) } ?? .flow
                let inferred = Taxonomy.infer(name + " " + (try threat.string("description") ?? "")).filter(kind.applicableCategories.contains)
                categories = inferred.isEmpty ? [kind.applicableCategories.contains(.informationDisclosure) ? .informationDisclosure : kind.applicableCategories.sorted()[0]] : inferred
                notes.assumed("STRIDE category (the threat has none; \(inferred.isEmpty ? "set to" : "read from its text as") \(categories.map(\.title).joined(separator: ", ")))", at: threat.path)
            }
            let risk = try threat.required("risk").object()
            let likelihood: Level
            if let score = try risk.number("likelihood") { likelihood = Level(score: score) } else {
                likelihood = .medium
                notes.assumed("likelihood (null; set to medium)", at: "\(risk.path).likelihood")
            }
            let impact = Level(score: try risk.required("impact").number())
            if risk.optional("likelihoodComment") != nil || risk.optional("impactComment") != nil {
                notes.unmapped("likelihood and impact comments", at: risk.path)
            }
            var references: [String] = []
            for cwe in try threat.array("cwes") where !cwe.isNull {
                let text = try cwe.string()
                if let number = text.uppercased().hasPrefix("CWE-") ? Int(text.dropFirst(4)) : nil {
                    references.append("https://cwe.mitre.org/data/definitions/\(number).html")
                } else { notes.unmapped("CWE reference '\(text.singleLine)'", at: cwe.path) }
            }
            if !(try threat.array("tags")).isEmpty { notes.unmapped("threat tags", at: "\(threat.path).tags") }
            let attributes = try threat.object("attributes")
            let threatID = IDMaker.isReadable(sourceID) ? ids.claim(sourceID) : numbering.next(categories[0], ids: &ids)
            let response = try attributes?.string("response").flatMap(ThreatResponse.init(rawValue:)) ?? .mitigate
            model.threats.append(.init(id: threatID, title: name, stride: categories.sorted(), targets: targets,
                                       description: try threat.string("description")?.nonBlank, likelihood: likelihood, impact: impact,
                                       risk: RiskMatrix.risk(likelihood: likelihood, impact: impact), response: response,
                                       justification: try attributes?.string("justification")?.nonBlank
                                           ?? (response == .mitigate ? nil : "Recorded in OTM."),
                                       mitigations: threatMitigations[sourceID] ?? [],
                                       note: note.isEmpty ? nil : note.joined(separator: " "), references: references, contradicted: false,
                                       source: .init(format: .otm, id: sourceID)))
        }
        return ImportResult(format: .otm, model: model, unmapped: notes.unmapped, assumptions: notes.assumptions, sourceCounts: counts)
    }

    /// OTM component types and tags are free words (IriusRisk's component library, or anything); a
    /// component is an external entity or a data store when its words say so.
    static func kind(type: String, tags: [String]) -> ElementKind {
        let words = ([type] + tags).joined(separator: " ").lowercased()
        let external = ["client", "user", "actor", "external", "browser", "mobile", "android", "ios", "customer", "person", "third-party"]
        let store = ["database", "data-store", "datastore", "store", "storage", "bucket", "s3", "queue", "cache", "redis", "postgres",
                     "mysql", "mongo", "dynamodb", "filesystem", "blob", "db", "sql", "table", "vault", "topic"]
        func has(_ cues: [String]) -> Bool {
            let tokens = Set(words.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
            return cues.contains { cue in cue.contains("-") ? words.contains(cue) : tokens.contains(cue) }
        }
        if has(external) { return .external }
        if has(store) { return .datastore }
        return .process
    }

    /// The component's type as technology words, unless it is one of threatdoc's own kind words.
    static func technology(type: String, tags: [String]) -> String? {
        let words = ([type] + tags).map(\.singleLine).filter { !$0.isEmpty && !OTMExport.kindTypes.values.contains($0) }
        return words.isEmpty ? nil : words.joined(separator: ", ")
    }

    /// An OTM mitigation state on a link, as a status.
    static func status(_ state: String) -> MitigationStatus {
        switch Taxonomy.key(state) {
        case "implemented", "mitigated", "done": .implemented
        case "inprogress", "implementing": .inProgress
        case "required", "planned", "recommended": .planned
        default: .notStarted
        }
    }
}

extension MitigationStatus {
    /// Least to most advanced.
    var rank: Int { [.notStarted, .planned, .inProgress, .implemented].firstIndex(of: self)! }
}
