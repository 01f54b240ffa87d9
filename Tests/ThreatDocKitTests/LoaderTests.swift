import XCTest
@testable import ThreatDocKit
@testable import ThreatDocValidate
@testable import ThreatDocBench
@testable import ThreatDocReport
@testable import ThreatDocRender
@testable import ThreatDocOutput
@testable import ThreatDocModel
@testable import ThreatDocSupport
@testable import ThreatDocLoad

final class LoaderTests: XCTestCase {
    func testLinesCountOnlyLFCRLFAndCR() {
        // libyaml would count U+2028 and U+0085 as line breaks; editors do not.
        let file = SourceFile(path: "x", text: "a\u{2028}b\r\nc\rd\u{85}e\nf")
        XCTAssertEqual(file.lineCount, 4)
        XCTAssertEqual(file.lineText(1), "a\u{2028}b")
        XCTAssertEqual(file.lineText(2), "c")
        XCTAssertEqual(file.lineText(3), "d\u{85}e")
        XCTAssertEqual(file.lineText(4), "f")
        XCTAssertEqual(file.location(scalarOffset: 5).line, 2)  // "c"
        XCTAssertEqual(file.location(scalarOffset: 9).column, 3)  // "e" after "d\u{85}"
    }

    func testPositionsAfterUnicodeLineSeparatorsMatchEditors() {
        let yaml = minimalModel().replacingOccurrences(of: "title: Demo", with: "title: \"De\u{2028}mo\"")
            + "owner: [not, a, string]\n"
        let diagnostics = TestSupport.diagnose(yaml)
        XCTAssertEqual(diagnostics.positions(.wrongType), ["16:8"], "\(diagnostics)")
    }

    func testCRLFFilesGetTheSameLinesAsLF() {
        let yaml = "threatdoc: 1\r\nid: demo\r\ntitle: Demo\r\nbogus: 1\r\n"
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.unknownKey), ["4:1"])
    }

    func testStringsStayStrings() throws {
        let yaml = minimalModel().replacingOccurrences(of: "title: Demo", with: "title: no\nowner: 0755\nsummary: ~x")
        let outcome = TestSupport.pipeline().run(text: yaml)
        let model = try XCTUnwrap(outcome.models?.first, "\(outcome.diagnostics)")
        XCTAssertEqual(model.title, "no")
        XCTAssertEqual(model.owner, "0755")
    }

    func testNullAndNumbersAreNotStringsWhenTyped() {
        let yaml = minimalModel().replacingOccurrences(of: "title: Demo", with: "title: ~\nowner: !!int 5")
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.wrongType), ["3:8", "4:8"])
    }

    /// Every list of objects, written as null or as a mapping, is a wrong type at its place, like any
    /// other list (a stub `threats:` with nothing after it once passed without a word).
    func testEveryObjectListMustBeAList() {
        let lists = ["assets", "boundaries", "elements", "flows", "threats", "mitigations", "findings", "gaps"]
        let yaml = "threatdoc: 1\nid: demo\ntitle: Demo\n" + lists.enumerated().map { index, name in
            index % 2 == 0 ? "\(name): ~\n" : "\(name): { a: b }\n"
        }.joined()
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.wrongType), lists.enumerated().map { index, name in
            "\(index + 4):\(name.count + 3)"
        })
    }

    /// Words people write for a value are not accepted, but suggested: `done`, `info-disclosure`.
    func testCommonSynonymsAreSuggested() {
        let yaml = "threatdoc: 1\nid: demo\ntitle: Demo\nelements:\n  - { id: a, type: process, name: A }\n"
            + "threats:\n  - { id: T1, title: T, stride: [info-disclosure], targets: [a], likelihood: low, impact: low, mitigations: [m] }\n"
            + "mitigations:\n  - { id: m, title: M, status: done }\n"
        let invalid = TestSupport.diagnose(yaml).filter { $0.code == .invalidValue }
        XCTAssertEqual(invalid.map { String($0.help.prefix(40)) }, ["did you mean 'information-disclosure'? a", "did you mean 'implemented'? allowed: 'im"])
    }

    /// Coverage is rounded (1 of 6 is 17%), but never 100% while a category is open.
    func testWholePercentRoundsButNeverClaimsAll() {
        XCTAssertEqual([wholePercent(1, of: 6), wholePercent(5, of: 6), wholePercent(199, of: 200), wholePercent(0, of: 6),
                        wholePercent(1, of: 300), wholePercent(6, of: 6), wholePercent(0, of: 0)], [17, 83, 99, 0, 1, 100, 100])
    }

    func testVersionMustBeOne() {
        let yaml = minimalModel().replacingOccurrences(of: "threatdoc: 1", with: "threatdoc: 2")
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.unsupportedVersion), ["1:12"])
        let quoted = minimalModel().replacingOccurrences(of: "threatdoc: 1", with: "threatdoc: \"1\"")
        XCTAssertEqual(TestSupport.diagnose(quoted).positions(.wrongType), ["1:12"])
    }

    func testByteOrderMarkIsIgnored() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("threatdoc: 1\nid: x\ntitle: T\nextra: 1\n".utf8)
        let file = try SourceFile(path: "bom.yaml", bytes: bytes)
        var result = ModelLoader.Result()
        _ = ModelLoader().decode(file, into: &result)
        XCTAssertEqual(result.diagnostics.diagnostics.positions(.unknownKey), ["4:1"])
    }

    func testInvalidUTF8ReportsByteOffsetAndPosition() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("td-utf8-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(Array("threatdoc: 1\nid: é\ntitle: \u{FF}".utf8.prefix(25)) + [0xC3, 0x28]).write(to: url)
        let diagnostics = TestSupport.pipeline().run(paths: [url.path]).diagnostics
        let diagnostic = try XCTUnwrap(diagnostics.with(.invalidUTF8).first)
        XCTAssertTrue(diagnostic.message.contains("byte offset 25"), diagnostic.message)
        XCTAssertEqual(diagnostic.location?.line, 3)
        XCTAssertEqual(diagnostic.location?.column, 6)
    }

    func testDuplicateKeysReportBothPositionsAndContinue() throws {
        let yaml = minimalModel() + "owner: a\nowner: b\nbogus: 1\n"
        let diagnostics = TestSupport.diagnose(yaml)
        let duplicate = try XCTUnwrap(diagnostics.with(.duplicateKey).first)
        XCTAssertEqual(duplicate.location?.line, 17)
        XCTAssertEqual(duplicate.related.first?.location.line, 16)
        XCTAssertEqual(diagnostics.positions(.unknownKey), ["18:1"], "reading goes on after a duplicate key")
    }

    func testSequencesAndMappingsAsKeysAreRejected() {
        let yaml = minimalModel() + "? [a, b]\n: 1\n? {a: 1}\n: 2\nbogus: 3\n"
        let diagnostics = TestSupport.diagnose(yaml)
        XCTAssertEqual(diagnostics.positions(.complexKey), ["16:3", "18:3"])
        XCTAssertEqual(diagnostics.positions(.unknownKey), ["20:1"])
    }

    func testAnchorsAndAliasesAreRejectedWithoutExpansion() {
        let yaml = minimalModel().replacingOccurrences(of: "title: Demo", with: "title: &t Demo\nowner: *t")
        let diagnostics = TestSupport.diagnose(yaml).with(.aliasNotAllowed)
        XCTAssertEqual(diagnostics.map { "\($0.location!.line):\($0.location!.column)" }, ["3:8", "4:8"])
    }

    func testUnknownTagsAreRejected() {
        let yaml = minimalModel().replacingOccurrences(of: "title: Demo", with: "title: !!python/object Demo")
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.unknownTag), ["3:8"])
        let core = minimalModel().replacingOccurrences(of: "title: Demo", with: "title: !!str 123")
        XCTAssertEqual(TestSupport.diagnose(core).with(.unknownTag).count, 0)
    }

    func testOnlyOneDocument() {
        let yaml = minimalModel() + "---\nthreatdoc: 1\n"
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.multipleDocuments), ["16:1"])
    }

    func testEmptyFile() {
        XCTAssertEqual(TestSupport.diagnose("# nothing\n").codes(), ["TD111"])
        XCTAssertEqual(TestSupport.diagnose("- a\n").codes(), ["TD202"])
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let yaml = minimalModel() + "owner: \(deep)\n"
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.nestingTooDeep), ["16:\(8 + LoadLimits.default.maxDepth - 1)"])
    }

    func testScalarSizeIsBounded() {
        let yaml = minimalModel() + "summary: \(String(repeating: "a", count: LoadLimits.default.maxScalarBytes + 1))\n"
        XCTAssertEqual(TestSupport.diagnose(yaml).positions(.scalarTooLarge), ["16:10"])
    }

    func testFileSizeIsBoundedAndConfigurable() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("td-size-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(minimalModel().utf8).write(to: url)
        var limits = LoadLimits.default
        limits.maxFileBytes = 100
        XCTAssertEqual(TestSupport.pipeline(limits: limits).run(paths: [url.path]).diagnostics.codes(), ["TD101"])
        limits.maxFileBytes = 1 << 20
        XCTAssertFalse(TestSupport.pipeline(limits: limits).run(paths: [url.path]).hasErrors)
    }

    func testSyntaxErrorsAreLocated() throws {
        let yaml = "threatdoc: 1\nid: x\ntitle: [unclosed\nowner: y\n"
        let diagnostic = try XCTUnwrap(TestSupport.diagnose(yaml).with(.yamlSyntax).first)
        XCTAssertNotNil(diagnostic.location)
        XCTAssertGreaterThanOrEqual(diagnostic.location!.line, 3)
    }

    func testControlCharactersAreReportedByTheReader() throws {
        let yaml = "threatdoc: 1\nid: x\ntitle: a\u{1}b\n"
        let diagnostic = try XCTUnwrap(TestSupport.diagnose(yaml).with(.yamlSyntax).first)
        XCTAssertEqual(diagnostic.location?.line, 3)
        XCTAssertEqual(diagnostic.location?.column, 9)
    }

    func testBidiCharactersInTextAreFlagged() {
        let yaml = minimalModel().replacingOccurrences(of: "title: Demo", with: "title: \"safe \u{202E}txt.exe\"")
        let diagnostics = TestSupport.diagnose(yaml)
        XCTAssertEqual(diagnostics.positions(.bidiCharacter), ["3:8"])
        XCTAssertTrue(diagnostics.with(.bidiCharacter)[0].message.contains("U+202E"))
    }

    func testDiscoverySkipsSchemaHiddenAndOtherFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("td-discover-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["b.yaml", "a.yml", "sub/c.json", "threatdoc.schema.json", ".hidden.yaml", "notes.md"] {
            try Data().write(to: root.appendingPathComponent(name))
        }
        var bag = DiagnosticBag()
        let found = ModelLoader.discover(root.path, diagnostics: &bag).map { String($0.dropFirst(root.path.count + 1)) }
        XCTAssertEqual(found, ["a.yml", "b.yaml", "sub/c.json"])
    }

    func testJSONModelsLoad() throws {
        let json = #"{"$schema": "threatdoc.schema.json", "threatdoc": 1, "id": "j", "title": "JSON model"}"#
        let outcome = TestSupport.pipeline().run(text: json, path: "m.json")
        XCTAssertFalse(outcome.hasErrors, "\(outcome.diagnostics)")
        XCTAssertEqual(outcome.models?.first?.title, "JSON model")
    }
}

/// Models read back from the parse cache give exactly what parsing gives; a damaged entry is parsed again.
final class ParseCacheTests: XCTestCase {
    func testCachedModelsGiveTheSameOutcomeAsParsing() throws {
        let cacheFolder = FileManager.default.temporaryDirectory.appendingPathComponent("td-parse-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: cacheFolder) }
        let paths = [TestSupport.packageRoot.appendingPathComponent("models").path,
                     TestSupport.fixtures.appendingPathComponent("adversarial.yaml").path,
                     TestSupport.fixtures.appendingPathComponent("broken/ten-mistakes.yaml").path]
        func outcome(cached: Bool) -> Pipeline.Outcome {
            var pipeline = TestSupport.pipeline()
            if cached { pipeline.parseCache = ParseCache(try! CacheFolder.open(cacheFolder)) }
            return pipeline.run(paths: paths)
        }
        func reports(_ outcome: Pipeline.Outcome) -> [ModelReport] {
            (outcome.models ?? []).map { ReportContextBuilder.build($0, file: "x", sourceLink: nil, renderings: .all) }
        }

        let parsed = outcome(cached: false)
        XCTAssertTrue(parsed.diagnostics.contains { $0.code == .duplicateKey && !$0.related.isEmpty },
                      "the fixture should give a load diagnostic with a related location")
        let filling = outcome(cached: true)
        let entries = try FileManager.default.contentsOfDirectory(atPath: cacheFolder + "/models")
        XCTAssertEqual(entries.count, 4, "docker, kubernetes, adversarial and ten-mistakes are cached")
        let fromCache = outcome(cached: true)
        for run in [filling, fromCache] {
            XCTAssertEqual(run.diagnostics, parsed.diagnostics)
            XCTAssertEqual(run.modelCount, parsed.modelCount)
            XCTAssertEqual(run.sources.map(\.path), parsed.sources.map(\.path))
        }

        // Without the file that has errors, the models resolve; the cached ones give the same reports.
        // The exemplar sets every field of the format, so each one goes through the cache and back.
        let exemplar = cacheFolder + "-every-feature.yaml"
        try Exemplar.model.write(toFile: exemplar, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: exemplar) }
        let validPaths = Array(paths.prefix(2)) + [exemplar]
        var cachedPipeline = TestSupport.pipeline()
        cachedPipeline.parseCache = ParseCache(try CacheFolder.open(cacheFolder))
        let validParsed = TestSupport.pipeline().run(paths: validPaths)
        let validCached = cachedPipeline.run(paths: validPaths)
        XCTAssertEqual(reports(validCached), reports(validParsed))
        XCTAssertEqual(validCached.models?.count, 4)
        XCTAssertTrue(validCached.models?.contains { $0.id == "every-feature" } == true)

        // A damaged entry is parsed again, not trusted.
        for entry in entries {
            try Data((ParseCache.format + " and then garbage").utf8).write(to: URL(fileURLWithPath: cacheFolder + "/models/" + entry))
        }
        XCTAssertEqual(outcome(cached: true).diagnostics, parsed.diagnostics)
        for entry in entries {
            let data = try XCTUnwrap(FileManager.default.contents(atPath: cacheFolder + "/models/" + entry))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cacheFolder + "/models/" + entry))
        }
        XCTAssertEqual(outcome(cached: true).diagnostics, parsed.diagnostics)

        // Every single-byte change of an entry is caught: the result is the parsed one, and the entry is
        // replaced by a sound one.
        _ = outcome(cached: true)
        let entry = cacheFolder + "/models/" + (try FileManager.default.contentsOfDirectory(atPath: cacheFolder + "/models").sorted().first!)
        let sound = try XCTUnwrap(FileManager.default.contents(atPath: entry))
        for offset in stride(from: 0, to: sound.count, by: max(1, sound.count / 97)) {
            var flipped = sound
            flipped[offset] ^= 0x01
            try flipped.write(to: URL(fileURLWithPath: entry))
            XCTAssertEqual(outcome(cached: true).diagnostics, parsed.diagnostics, "byte \(offset) flipped")
            XCTAssertEqual(reports(cachedPipeline.run(paths: validPaths)), reports(validParsed), "byte \(offset) flipped")
        }
    }
}
