import Foundation
import XCTest
@testable import ThreatDocKit
@testable import ThreatDocModel
@testable import ThreatDocSupport
@testable import ThreatDocLoad
@testable import ThreatDocValidate
@testable import ThreatDocBench
@testable import ThreatDocSuggest
@testable import ThreatDocReport

/// `threatdoc suggest`: the built-in threat rule library, its checks, the suggestions it makes, and
/// the text it adds to a model.
final class SuggestTests: XCTestCase {
    static let suggestFixtures = TestSupport.fixtures.appendingPathComponent("suggest")

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("td-suggest-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("models"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func contexts(_ paths: [String]) -> [ModelContext] {
        let outcome = TestSupport.pipeline().run(paths: paths.map { $0.hasPrefix("/") ? $0 : TestSupport.packageRoot.appendingPathComponent($0).path })
        XCTAssertFalse(outcome.hasErrors, "\(outcome.diagnostics.filter { $0.severity == .error })")
        return outcome.contexts
    }

    // MARK: The library

    /// The built-in rules read without a single diagnostic, number at least 120, cover every STRIDE
    /// category for every element type, and are exactly the files in Sources/ThreatDocSuggest/Rules.
    func testBuiltinLibraryIsCompleteAndClean() throws {
        let (library, diagnostics) = RuleLibrary.builtin
        XCTAssertEqual(diagnostics.diagnostics.map { "\($0.location?.file ?? ""):\($0.location?.line ?? 0) \($0.message)" }, [])
        XCTAssertGreaterThanOrEqual(library.rules.count, 120)
        XCTAssertEqual(Set(library.rules.map(\.id)).count, library.rules.count)
        for (type, counts) in library.stats {
            for category in type.targetKind.applicableCategories {
                XCTAssertGreaterThan(counts[category] ?? 0, 0, "no rule for \(category.title) on \(type.rawValue)")
            }
        }
        let folder = TestSupport.packageRoot.appendingPathComponent("Sources/ThreatDocSuggest/Rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertEqual(Set(files), Set(RuleLibrary.builtinFiles.map(\.name)), "every rule file is embedded and listed")
        // Every rule gives its reasons and cites at least one CAPEC or CWE entry.
        for rule in library.rules {
            XCTAssertFalse(rule.rationale.isEmpty, rule.id)
            XCTAssertTrue(rule.references.contains { $0.hasPrefix("CAPEC-") || $0.hasPrefix("CWE-") }, rule.id)
        }
    }

    /// The rule files validate against the rule format's JSON Schema (`threatdoc schema --rules`) with
    /// Python's jsonschema, an implementation independent of threatdoc's decoder.
    func testRuleFilesAgreeWithTheirSchema() throws {
        let folder = try temporaryFolder()
        let schema = folder.appendingPathComponent("rules.schema.json")
        let run = try TestSupport.run(["schema", "--rules"])
        XCTAssertEqual(run.status, 0)
        try run.stdout.write(to: schema, atomically: true, encoding: .utf8)
        var documents: [String] = []
        for (name, bytes) in RuleLibrary.builtinFiles {
            let yaml = folder.appendingPathComponent(name), json = folder.appendingPathComponent(name + ".json")
            try Data(bytes).write(to: yaml)
            let converted = try TestSupport.runProgram(tool: TestSupport.python, ["-c",
                "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], 'w'))", yaml.path, json.path])
            XCTAssertEqual(converted.status, 0, converted.stderr)
            documents.append(json.path)
        }
        let verdict = try TestSupport.runProgram(tool: TestSupport.python,
                                                 [TestSupport.fixtures.appendingPathComponent("json_schema_check.py").path, schema.path] + documents)
        XCTAssertEqual(verdict.stdout.split(separator: "\n").filter { $0.hasPrefix("valid ") }.count, documents.count, verdict.stdout + verdict.stderr)
    }

    // MARK: Suggestions

    /// For the seed models, the rules propose every threat the models hold: on every target, with a
    /// rule whose mitigations cite the threat's checks.
    func testSeedModelsThreatsAreProposedWithTheirChecks() throws {
        let library = RuleLibrary.builtin.library
        for context in contexts(["models/docker.yaml", "models/kubernetes.yaml"]) {
            let suggestions = Suggester.suggest(context, library: library, includeCovered: true)
            let checksOf = Dictionary(uniqueKeysWithValues: context.model.mitigations.compactMap { m in
                m.id.map { ($0.value, Set(m.checks.map(\.value))) }
            })
            XCTAssertGreaterThanOrEqual(context.model.threats.count, 10)
            for threat in context.model.threats {
                let id = try XCTUnwrap(threat.id?.value)
                let checks = threat.mitigations.reduce(into: Set<String>()) { $0.formUnion(checksOf[$1.value] ?? []) }
                for target in threat.targets.map(\.value) {
                    let found = suggestions.filter { $0.heldBy == id && $0.target == target }
                    XCTAssertFalse(found.isEmpty, "\(id) on \(target): no rule proposes it")
                    XCTAssertTrue(found.contains { checks.isSubset(of: Set($0.mitigations.flatMap(\.checks))) },
                                  "\(id) on \(target): no rule cites its checks \(checks.sorted())")
                }
            }
            // Nothing is open in the seed models, so by default nothing is proposed.
            XCTAssertEqual(Suggester.suggest(context, library: library).count, 0)
        }
    }

    /// A model without threats (web app, API, database, queue, secrets store, operator; three
    /// boundaries) gets suggestions for at least 90% of its applicable categories; the YAML pasted
    /// into it gives no errors and no warnings, and covers what it promised.
    func testBlankModelIsCoveredAndThePastedYAMLIsValid() throws {
        let model = Self.suggestFixtures.appendingPathComponent("shop.yaml")
        let context = try XCTUnwrap(contexts(["Tests/ThreatDocKitTests/Fixtures/suggest/shop.yaml"]).first)
        XCTAssertEqual(context.coverage.coveredCount, 0)
        let suggestions = Suggester.suggest(context, library: RuleLibrary.builtin.library)
        var covered: [String: Set<StrideCategory>] = [:]
        for suggestion in suggestions { covered[suggestion.target, default: []].formUnion(suggestion.open) }
        let share = Double(covered.values.reduce(0) { $0 + $1.count }) / Double(context.coverage.applicableCount)
        XCTAssertGreaterThanOrEqual(share, 0.9, "suggestions cover \(Int(share * 100))% of the applicable categories")

        let folder = try temporaryFolder()
        let yaml = try TestSupport.run(["suggest", model.path, "--no-project", "--format", "yaml"], in: folder)
        XCTAssertEqual(yaml.status, 0, yaml.stderr)
        let pasted = folder.appendingPathComponent("models/shop.yaml")
        try (String(contentsOf: model, encoding: .utf8) + yaml.stdout).write(to: pasted, atomically: true, encoding: .utf8)
        let validate = try TestSupport.run(["validate", "models/shop.yaml", "--no-project", "--format", "json"], in: folder)
        XCTAssertEqual(validate.status, 0, validate.stdout)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(validate.stdout.utf8)) as? [String: Any])["summary"] as? [String: Any]
        XCTAssertEqual(summary?["errors"] as? Int, 0)
        XCTAssertEqual(summary?["warnings"] as? Int, 0)
        let after = try XCTUnwrap(contexts([pasted.path]).first)
        XCTAssertGreaterThanOrEqual(Double(after.coverage.coveredCount) / Double(after.coverage.applicableCount), 0.9)
        // Every pasted threat records its rule, so suggest proposes none of them again.
        XCTAssertTrue(Suggester.suggest(after, library: RuleLibrary.builtin.library).allSatisfy { suggestion in
            !after.model.threats.contains { $0.rule?.value == suggestion.rule && $0.targets.contains { $0.value == suggestion.target } }
        })
    }

    /// Coverage notes count the suggestions for each gap and name the command that lists them.
    func testCoverageNotesCountSuggestions() throws {
        // The counting path (validate) and the listing path (suggest) select the same suggestions.
        for path in ["Tests/ThreatDocKitTests/Fixtures/suggest/shop.yaml", "Tests/ThreatDocKitTests/Fixtures/diagrams/generated-1.yaml",
                     "Tests/ThreatDocKitTests/Fixtures/broken/ten-mistakes.yaml"] {
            let outcome = TestSupport.pipeline().run(paths: [TestSupport.packageRoot.appendingPathComponent(path).path])
            let context = try XCTUnwrap(outcome.contexts.first, path)
            var listed: [String: Int] = [:]
            for suggestion in Suggester.suggest(context, library: RuleLibrary.builtin.library) { listed[suggestion.target, default: 0] += 1 }
            XCTAssertEqual(Suggester.openCounts(context, library: RuleLibrary.builtin.library), listed, path)
            XCTAssertFalse(listed.isEmpty, path)
        }
        let outcome = TestSupport.pipeline().run(paths: [Self.suggestFixtures.appendingPathComponent("shop.yaml").path])
        let gap = try XCTUnwrap(outcome.diagnostics.first { $0.code == .coverageGap && $0.message.contains("'web'") })
        XCTAssertTrue(gap.help.range(of: #"^\d+ threats suggested for it: `threatdoc suggest .*shop\.yaml`"#, options: .regularExpression) != nil, gap.help)
        // The report counts them too, without listing them as threats.
        let model = try XCTUnwrap(outcome.models?.first)
        let report = ReportContextBuilder.build(model, file: "shop.md", sourceLink: nil, renderings: .markdown)
        XCTAssertGreaterThan(report.glance.openCoverage.suggestions, 40)
        XCTAssertTrue(report.glance.openCoverage.summary.contains("threatdoc suggest proposes \(report.glance.openCoverage.suggestions) threats for them"))
        XCTAssertEqual(report.register.count, 0)
    }

    /// New threat IDs follow the model's own pattern.
    func testThreatIDsFollowTheModelsPattern() {
        func next(_ ids: [String], _ category: StrideCategory, modelID: String = "shop") -> String {
            var model = ModelSyntax(file: SourceFile(path: "m.yaml", text: ""), location: SourceLocation(file: "m.yaml", line: 1, column: 1))
            model.id = Located(modelID, at: model.location)
            model.threats = ids.map { id in
                var threat = ThreatSyntax(location: model.location)
                threat.id = Located(id, at: model.location)
                return threat
            }
            var generator = ThreatIDs(model)
            var used = Set(ids.map { $0.lowercased() })
            return generator.next(for: category, used: &used)
        }
        XCTAssertEqual(next(["DKR-E1", "DKR-E2", "DKR-S1"], .elevationOfPrivilege), "DKR-E3")
        XCTAssertEqual(next(["DKR-E1", "DKR-S1"], .tampering), "DKR-T1")
        XCTAssertEqual(next(["T-009", "T-010"], .spoofing), "T-011")
        XCTAssertEqual(next(["T-001"], .spoofing), "T-002")
        XCTAssertEqual(next([], .denialOfService, modelID: "payments-webhook"), "PAYMENTS-D1")
        XCTAssertEqual(next([], .spoofing, modelID: "9lives"), "T9LIVES-S1")
    }

    // MARK: Broken rule files

    /// A project's rule file with mistakes gets located errors, like a model: an unknown field, values
    /// that do not exist, duplicate IDs (within the project and against a built-in rule), conditions
    /// that cannot hold, categories that do not apply, bad references and unknown checks. The good rule
    /// in the same file is kept.
    func testBrokenRuleFilesGetLocatedErrors() throws {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("threat-rules"), withIntermediateDirectories: true)
        try """
            models: [models]
            rules:
              folders: [threat-rules]
              disable: [GEN-S-001, NO-SUCH-RULE]
            """.write(to: folder.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        try """
            threatdoc-rules: 1
            rules:
              - id: OURS-1
                titel: A typo in a field name
                title: Typo
                description: d
                stride: [spoofing]
                applies-to: { type: [proces] }
                likelihood: extreme
                impact: high
                rationale: r
              - id: OURS-2
                title: Flow rule with an element condition
                description: d
                stride: [tampering, spoofing]
                applies-to: { type: [flow], technology: [nginx] }
                likelihood: low
                impact: low
                rationale: r
                references: [CAPEC-abc, "javascript:alert(1)"]
                mitigations:
                  - { id: m, title: M, checks: ["docker:9.99"] }
              - id: OURS-2
                title: Duplicate
                description: d
                stride: [tampering]
                applies-to: { type: [datastore] }
                likelihood: low
                impact: low
                rationale: r
              - id: GEN-T-001
                title: Same ID as a built-in rule
                description: d
                stride: [tampering]
                applies-to: { type: [process] }
                likelihood: low
                impact: low
                rationale: r
              - id: OURS-3
                title: A good rule
                description: d
                stride: [tampering]
                applies-to: { type: [process], technology: [nginx] }
                likelihood: low
                impact: low
                rationale: r
                references: [CWE-20]
            """.write(to: folder.appendingPathComponent("threat-rules/ours.yaml"), atomically: true, encoding: .utf8)
        let run = try TestSupport.run(["suggest", "--list-rules"], in: folder)
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let found = Set(run.stderr.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("threat-rules/ours.yaml:") || line.hasPrefix(".threatdoc.yaml:") else { return nil }
            let parts = line.split(separator: " ", maxSplits: 2)
            return parts.count >= 2 ? "\(parts[0]) \(parts[1])" : nil
        })
        for expected in [
            "threat-rules/ours.yaml:4:5: error[TD201]:",      // unknown field, with a suggestion
            "threat-rules/ours.yaml:8:26: error[TD204]:",     // type `proces`
            "threat-rules/ours.yaml:9:17: error[TD204]:",     // likelihood `extreme`
            "threat-rules/ours.yaml:16:46: error[TD602]:",    // technology on a flow rule
            "threat-rules/ours.yaml:15:25: error[TD603]:",    // spoofing on a flow
            "threat-rules/ours.yaml:20:18: error[TD604]:",    // CAPEC-abc
            "threat-rules/ours.yaml:20:29: error[TD604]:",    // javascript:
            "threat-rules/ours.yaml:22:37: error[TD401]:",    // docker:9.99
            "threat-rules/ours.yaml:23:9: error[TD601]:",     // OURS-2 twice, though the first has problems
            "threat-rules/ours.yaml:31:9: error[TD601]:",     // GEN-T-001 is built in
            ".threatdoc.yaml:4:24: warning[TD605]:",          // NO-SUCH-RULE
        ] {
            XCTAssertTrue(found.contains(expected), "missing \(expected) in:\n\(run.stderr)")
        }
        XCTAssertTrue(run.stderr.contains("did you mean 'title'?"), run.stderr)
        XCTAssertTrue(run.stderr.contains("did you mean 'process'?"), run.stderr)
        // Without the broken file, the good rule is listed and the disabled one is not.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("threat-rules/ours.yaml"))
        try """
            threatdoc-rules: 1
            rules:
              - { id: OURS-3, title: A good rule, description: d, stride: [T], applies-to: { type: [process] }, likelihood: low, impact: low, rationale: r }
            """.write(to: folder.appendingPathComponent("threat-rules/good.yaml"), atomically: true, encoding: .utf8)
        let listed = try TestSupport.run(["suggest", "--list-rules"], in: folder)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("OURS-3\tprocess\tT\tlow\tA good rule\tthreat-rules/good.yaml"), listed.stdout)
        XCTAssertFalse(listed.stdout.contains("GEN-S-001\t"))
        XCTAssertTrue(listed.stderr.contains("warning[TD605]"), listed.stderr)
    }

    // MARK: --apply

    /// --apply adds the chosen suggestions as text: the author's comments, spacing and order stay byte
    /// for byte, the new items follow the file's own indentation, and the result is a golden file.
    func testApplyKeepsTheAuthorsTextByteForByte() throws {
        let folder = try temporaryFolder()
        let original = try String(contentsOf: Self.suggestFixtures.appendingPathComponent("apply-before.yaml"), encoding: .utf8)
        let model = folder.appendingPathComponent("models/shop.yaml")
        try original.write(to: model, atomically: true, encoding: .utf8)
        let run = try TestSupport.run(["suggest", "--apply", "models/shop.yaml", "--rule", "WEB-E-001", "DATA-T-001", "--no-project"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("added SHOP-T3, SHOP-E1 and 2 new mitigations"), run.stderr)
        let edited = try String(contentsOf: model, encoding: .utf8)
        try TestSupport.assertGolden(edited, "suggest-apply.yaml")
        // The original's lines all appear, in order and unchanged, with only new lines between them.
        let before = original.components(separatedBy: "\n"), after = edited.components(separatedBy: "\n")
        var next = 0
        var added: [String] = []
        for line in after {
            if next < before.count, line == before[next] { next += 1 } else { added.append(line) }
        }
        XCTAssertEqual(next, before.count, "every original line is kept, in order")
        XCTAssertEqual(added.count, after.count - before.count)
        XCTAssertEqual(added.count, 28, "two threats of 11 lines and two mitigations of 3")
        XCTAssertTrue(added.allSatisfy { $0.hasPrefix("    ") }, "new items follow the file's four-space indentation")
        // The file is still valid, and the rules are not proposed again.
        XCTAssertEqual(try TestSupport.run(["validate", "models/shop.yaml", "--no-project"], in: folder).status, 0)
        let again = try TestSupport.run(["suggest", "--apply", "models/shop.yaml", "--rule", "WEB-E-001", "--no-project"], in: folder)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("proposes nothing"), again.stderr)
        XCTAssertEqual(try String(contentsOf: model, encoding: .utf8), edited, "a refused run writes nothing")
    }

    /// Lists written in flow style, Windows line breaks, a model without `threats:`, links and unknown
    /// rules: each either edits as text or is refused without writing.
    func testApplyOnOtherShapesOfFiles() throws {
        let plan = SuggestionPlan(
            [Suggestion(rule: "R-1", title: "T", description: "D", target: "web", targetKind: "process", targetName: "Web",
                        categories: [.tampering], open: [.tampering], likelihood: .low, impact: .low, risk: .low, rationale: "R",
                        references: ["CWE-20"], mitigations: [.init(id: "m1", title: "M1", description: nil, checks: [])], heldBy: nil)],
            context: try XCTUnwrap(contexts(["Tests/ThreatDocKitTests/Fixtures/suggest/shop.yaml"]).first))
        // No lists yet: both are appended at the end.
        let bare = "threatdoc: 1\nid: shop\n"
        XCTAssertEqual(try ModelEditor.insert(plan, into: bare), bare + "threats:\n" + plan.threatItems() + "mitigations:\n" + plan.mitigationItems())
        // An empty flow list becomes a block list; its comment stays.
        let empty = "threats: [] # none yet\nmitigations:\n  - { id: x, title: X, status: planned }\n"
        let filled = try ModelEditor.insert(plan, into: empty)
        XCTAssertTrue(filled.hasPrefix("threats: # none yet\n  - id: SHOP-T1\n"), filled)
        XCTAssertTrue(filled.contains("  - { id: x, title: X, status: planned }\n  - id: m1\n"), filled)
        // A non-empty flow list is refused.
        XCTAssertThrowsError(try ModelEditor.insert(plan, into: "threats: [{ id: A }]\n")) { error in
            XCTAssertTrue("\(error)".contains("flow style"), "\(error)")
        }
        // Windows line breaks stay Windows line breaks.
        let windows = "threatdoc: 1\r\nthreats:\r\n  - { id: A }\r\nmitigations:\r\n  - { id: x }\r\n"
        let edited = try ModelEditor.insert(plan, into: windows)
        XCTAssertFalse(edited.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "only CRLF line breaks")
        XCTAssertTrue(edited.hasPrefix("threatdoc: 1\r\nthreats:\r\n  - { id: A }\r\n  - id: SHOP-T1\r\n"), edited)

        // A symbolic link is not followed, and nothing is written.
        let folder = try temporaryFolder()
        try String(contentsOf: Self.suggestFixtures.appendingPathComponent("shop.yaml"), encoding: .utf8)
            .write(to: folder.appendingPathComponent("real.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("models/link.yaml").path, withDestinationPath: "../real.yaml")
        let link = try TestSupport.run(["suggest", "--apply", "models/link.yaml", "--rule", "WEB-E-001", "--no-project"], in: folder)
        XCTAssertNotEqual(link.status, 0)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("real.yaml"), encoding: .utf8),
                       try String(contentsOf: Self.suggestFixtures.appendingPathComponent("shop.yaml"), encoding: .utf8))
        // An unknown rule is named, and nothing is written.
        try String(contentsOf: Self.suggestFixtures.appendingPathComponent("shop.yaml"), encoding: .utf8)
            .write(to: folder.appendingPathComponent("models/shop.yaml"), atomically: true, encoding: .utf8)
        let unknown = try TestSupport.run(["suggest", "--apply", "models/shop.yaml", "--rule", "NOPE", "--no-project"], in: folder)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("no rule has the ID 'NOPE'"), unknown.stderr)
        let lowercase = try TestSupport.run(["suggest", "--rule", "web-e-001", "--no-project", "models/shop.yaml"], in: folder)
        XCTAssertEqual(lowercase.status, 2)
        XCTAssertTrue(lowercase.stderr.contains("did you mean 'WEB-E-001'?"), lowercase.stderr)
    }

    /// Conditions read as a reviewer would: an attribute written `true` answers the threat (`unless`),
    /// words match whole words, a flow can be matched by the element it reaches, and a general rule
    /// steps aside where a specific one proposes the same category.
    func testConditionsAnswerTheReviewersComplaints() throws {
        let yaml = """
            threatdoc: 1
            id: m
            title: M
            benchmarks: { kubernetes: cis-1.12 }
            boundaries: [{ id: app, name: Application }]
            elements:
              - { id: browser, type: external, name: Customer browser }
              - { id: web, type: process, name: Web frontend, technology: nginx, boundary: app }
              - { id: podcast, type: process, name: Podcast transcoder }
              - { id: history, type: datastore, name: Login history }
              - { id: api, type: process, name: API server, technology: kube-apiserver }
            flows:
              - { id: f-tls, from: browser, to: web, protocol: HTTPS, encrypted: true }
              - { id: f-plain, from: browser, to: web, protocol: HTTP }
              - { id: f-api, from: web, to: api, protocol: HTTPS }
            """
        let context = try XCTUnwrap(TestSupport.pipeline().run(text: yaml).contexts.first)
        let all = Suggester.suggest(context, library: RuleLibrary.builtin.library, includeCovered: true)
        func rules(_ target: String) -> Set<String> { Set(all.filter { $0.target == target }.map(\.rule)) }
        XCTAssertFalse(rules("f-tls").contains("GEN-I-003"), "a flow written encrypted is not read in transit")
        XCTAssertTrue(rules("f-plain").contains("GEN-I-007"), "plain HTTP across a boundary")
        XCTAssertFalse(rules("podcast").contains { $0.hasPrefix("K8S-") }, "'pod' is not 'podcast'")
        XCTAssertFalse(rules("history").contains("K8S-R-003"), "'log' is not 'login'")
        XCTAssertTrue(rules("f-api").contains("K8S-I-001"), "a flow that reaches the API server")
        XCTAssertFalse(rules("f-plain").contains("K8S-I-001"), "a browser's flow to the web frontend is not cluster traffic")
        // The web frontend gets the web rules; the general ones on the same categories step aside.
        XCTAssertTrue(rules("web").isSuperset(of: ["WEB-T-001", "WEB-D-001"]))
        XCTAssertFalse(rules("web").contains("GEN-T-001"))
        XCTAssertFalse(rules("web").contains("GEN-D-001"))
        // An element no specific rule knows still gets the general ones.
        XCTAssertTrue(rules("podcast").isSuperset(of: ["GEN-T-001", "GEN-E-001"]))
    }

    /// A rule folder kept among the models is skipped there with a note, and read as rules.
    func testRuleFilesAmongTheModelsAreSkippedAsModels() throws {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("models/rules"), withIntermediateDirectories: true)
        try String(contentsOf: Self.suggestFixtures.appendingPathComponent("shop.yaml"), encoding: .utf8)
            .write(to: folder.appendingPathComponent("models/shop.yaml"), atomically: true, encoding: .utf8)
        try "rules: { folders: [models/rules] }\n".write(to: folder.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        try """
            threatdoc-rules: 1
            rules:
              - { id: OURS-1, title: Ours, description: d, stride: [T], applies-to: { type: [process] }, likelihood: low, impact: low, rationale: r, references: [CWE-20] }
            """.write(to: folder.appendingPathComponent("models/rules/ours.yaml"), atomically: true, encoding: .utf8)
        let validate = try TestSupport.run(["validate", "--format", "json"], in: folder)
        XCTAssertEqual(validate.status, 0, validate.stdout)
        XCTAssertTrue(validate.stdout.contains("\"TD607\""), validate.stdout)
        let suggest = try TestSupport.run(["suggest", "--rule", "OURS-1"], in: folder)
        XCTAssertEqual(suggest.status, 0, suggest.stderr)
        XCTAssertTrue(suggest.stdout.contains("OURS-1"), suggest.stdout)
    }

    /// A project rule replaces a built-in one it disables, under the same ID.
    func testAProjectRuleReplacesADisabledBuiltinRule() throws {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("threat-rules"), withIntermediateDirectories: true)
        try "rules: { folders: [threat-rules], disable: [GEN-I-003] }\n".write(to: folder.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        try """
            threatdoc-rules: 1
            rules:
              - { id: GEN-I-003, title: Our own reading of it, description: d, stride: [I], applies-to: { type: [flow] }, likelihood: low, impact: low, rationale: r, references: [CWE-319] }
            """.write(to: folder.appendingPathComponent("threat-rules/ours.json.yaml"), atomically: true, encoding: .utf8)
        let run = try TestSupport.run(["suggest", "--list-rules"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("GEN-I-003\tflow\tI\tlow\tOur own reading of it\tthreat-rules/ours.json.yaml"), run.stdout)
        XCTAssertEqual(run.stdout.components(separatedBy: "GEN-I-003\t").count, 2, "one rule with the ID")
    }

    /// What an attacker tried on --apply: a `threats:` line inside a quoted scalar, an empty
    /// `mitigations: []` right after the threats, mixed line breaks, a keep-chomped block scalar at the
    /// end of the list, a file at the size limit, and rule text made to slip into the YAML.
    func testApplyHoldsUpAgainstTrickyFiles() throws {
        let folder = try temporaryFolder()
        func apply(_ text: String, extra: [String] = []) throws -> (run: TestSupport.Run, text: String) {
            let file = folder.appendingPathComponent("models/m.yaml")
            try Data(text.utf8).write(to: file)
            let run = try TestSupport.run(["suggest", "--apply", "models/m.yaml", "--rule", "WEB-D-001", "--no-project"] + extra, in: folder)
            return (run, try String(contentsOf: file, encoding: .utf8))
        }
        let head = "threatdoc: 1\nid: shop\n"
        let element = "elements:\n  - { id: web, type: process, name: Web server, technology: nginx }\n"
        let spoof = "  - { id: SHOP-S1, title: Spoof, stride: [spoofing], targets: [web], likelihood: low, impact: low }\n"
        // `threats:` at column 0 inside a quoted title is text, not the key.
        let quoted = try apply(head + "title: 'Shop\nthreats:\n'\n" + element + "threats:\n" + spoof)
        XCTAssertEqual(quoted.run.status, 0, quoted.run.stderr)
        XCTAssertTrue(quoted.text.hasPrefix(head + "title: 'Shop\nthreats:\n'\n" + element + "threats:\n" + spoof + "  - id: SHOP-D1\n"), quoted.text)
        // An empty mitigations list right after the threats: both edits land.
        let empty = try apply(head + "title: Shop\n" + element + "threats:\n" + spoof + "mitigations: []\n")
        XCTAssertEqual(empty.run.status, 0, empty.run.stderr)
        XCTAssertTrue(empty.text.contains(spoof + "  - id: SHOP-D1\n"), empty.text)
        XCTAssertTrue(empty.text.contains("mitigations:\n  - id: rate-limiting\n"), empty.text)
        // Each original line keeps its own break.
        let mixed = try apply(head + "title: Shop\r\n" + element + "threats:\n" + spoof)
        XCTAssertEqual(mixed.run.status, 0, mixed.run.stderr)
        XCTAssertEqual(mixed.text.components(separatedBy: "\r\n").count, 2, "the one CRLF line stays the only one")
        // A keep-chomped scalar keeps its trailing blank lines.
        let keep = head + "title: Shop\n" + element + "threats:\n" + spoof.dropLast(3)
            + ", note: |+\n      line one\n\n\n"
        let kept = try apply(keep.replacingOccurrences(of: "impact: low, note: |+", with: "impact: low }\n  - id: SHOP-S2\n    title: T\n    stride: [S]\n    targets: [web]\n    likelihood: low\n    impact: low\n    note: |+"))
        XCTAssertEqual(kept.run.status, 0, kept.run.stderr)
        XCTAssertTrue(kept.text.contains("      line one\n\n\n  - id: SHOP-D1"), kept.text)
        // A file the addition would push past --max-file-size is not written.
        let original = head + "title: Shop\n" + element + "threats:\n" + spoof
        let capped = try apply(original, extra: ["--max-file-size", "\(original.utf8.count + 50)"])
        XCTAssertEqual(capped.run.status, 1)
        XCTAssertTrue(capped.run.stderr.contains("larger than the limit"), capped.run.stderr)
        XCTAssertEqual(capped.text, original)

        // Rule text that would slip into a model's YAML, or hide there, is refused where the rule is read.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("threat-rules"), withIntermediateDirectories: true)
        try "rules: { folders: [threat-rules] }\n".write(to: folder.appendingPathComponent(".threatdoc.yaml"), atomically: true, encoding: .utf8)
        try """
            threatdoc-rules: 1
            rules:
              - id: BAD-1
                title: "Hidden \\u202E text"
                description: \(String(repeating: "x", count: 4001))
                stride: [T]
                applies-to: { type: [process] }
                likelihood: low
                impact: low
                rationale: r
                mitigations:
                  - { id: "waf]\\n    response: accept", title: Injected }
            """.write(to: folder.appendingPathComponent("threat-rules/bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try TestSupport.run(["suggest", "--list-rules"], in: folder)
        XCTAssertEqual(bad.status, 1)
        for code in ["TD112", "TD107", "TD206"] { XCTAssertTrue(bad.stderr.contains("[\(code)]"), "\(code) in \(bad.stderr)") }
        XCTAssertFalse(bad.stdout.contains("BAD-1"))
    }

    // MARK: Documentation

    /// The README gives the library's rule counts as `threatdoc suggest --list-rules --stats` prints them.
    func testReadmeGivesTheRuleStats() throws {
        let run = try TestSupport.run(["suggest", "--list-rules", "--stats", "--no-project"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("```\n" + run.stdout + "```\n"), "README: paste the output of `threatdoc suggest --list-rules --stats`:\n\(run.stdout)")
    }
}
