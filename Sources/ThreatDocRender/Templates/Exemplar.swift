import ThreatDocModel
import ThreatDocSupport
import ThreatDocLoad
import ThreatDocValidate
import ThreatDocBench
import ThreatDocReport
/// A small model that uses every feature of the format, with a scan. Its report context is the
/// example from which `TemplateChecker` learns the context's shape (every list non-empty, every
/// optional set), and its report is a golden file of the tests.
public enum Exemplar {
    public static let modelPath = "exemplar/every-feature.yaml"
    public static let scanPath = "exemplar/docker-bench-1.3.4.json"

    public static let model = #"""
    threatdoc: 1
    id: every-feature
    title: "Every feature: a web shop | <script> & `ticks` #1"
    summary: |
      A model that uses **every** field, so reports and templates can be checked against it.

      - CommonMark passes through
      ```text
      an unclosed fence is closed for the reader
    owner: "security [team]"
    reviewed: 2026-11-01
    benchmarks: { docker: cis-docker-1.6.0 }
    assets:
      - { id: card-data, name: "Card data (PAN)", sensitivity: critical, description: "Primary account numbers." }
    boundaries:
      - { id: dmz, name: "DMZ \"edge\"", description: Internet-facing zone. }
      - { id: core, name: "Core | zone", parent: dmz }
    elements:
      - { id: shopper, type: external, name: "Shopper 🛒", description: A customer. }
      - { id: web, type: process, name: "Web [app]", boundary: dmz, technology: "nginx (1.27)", assets: [card-data],
          description: Serves the shop. }
      - { id: db, type: datastore, name: "Orders DB", boundary: core, assets: [card-data] }
    flows:
      - { id: browse, from: shopper, to: web, label: "HTTPS #order <form>", protocol: HTTPS, assets: [card-data],
          description: Checkout traffic. }
      - { id: store, from: web, to: db, label: "SQL | writes", protocol: TLS }
    threats:
      - id: SHOP-S1
        title: "Shopper impersonation *via* stolen session"
        stride: [spoofing, repudiation]
        targets: [shopper, web]
        description: Session cookies are **stolen** and replayed.
        likelihood: high
        impact: critical
        mitigations: [live-restore, mfa]
        note: "Reviewer: confirm cookie flags | SameSite."
        references: ["https://owasp.org/www-community/attacks/Session_hijacking_attack", "docs/runbook.md#sessions"]
      - id: SHOP-T1
        title: Order tampering
        stride: [T, I]
        targets: [browse, store, db]
        likelihood: medium
        impact: high
        response: accept
        justification: "Orders are re-validated by the payment provider."
      - id: SHOP-D1
        title: Checkout flooding
        stride: [D]
        targets: [web]
        likelihood: low
        impact: medium
        mitigations: [mfa]
    mitigations:
      - id: live-restore
        title: Live restore on the web host
        description: Keeps containers up during daemon restarts.
        status: implemented
        owner: platform
        checks: ["docker:2.15"]
        note: An availability control first.
        references: ["https://docs.docker.com/engine/daemon/live-restore/"]
      - id: mfa
        title: "Multi-factor login & rate limits"
        status: planned
        checks: ["docker:2.7"]
    findings:
      - check: "docker:2.15"
        title: Ensure live restore is enabled (Scored)
        issue: "Live restore can pose security risks."
        recommendation: "Enable it: `--live-restore`."
        threats: [SHOP-S1]
        note: "Correction: an availability control."
    gaps:
      - { target: db, stride: [repudiation, denial-of-service], reason: "Managed service | provider's model." }
      - { target: web, stride: [elevation-of-privilege, information-disclosure], reason: Out of scope. }
      - { target: store, stride: [denial-of-service], reason: Retried. }
      - { target: browse, stride: [denial-of-service], reason: CDN. }
    """#

    /// A docker-bench 1.3.4 scan (the Docker Hub image's numbering): its 2.14 is live restore.
    public static let scan = #"""
    {
      "dockerbenchsecurity": "1.3.4",
      "start": 1795400000,
      "tests": [
        {"id": "1", "desc": "Host Configuration",  "results": [
          {"id": "1.1", "desc": "Ensure a separate partition for containers has been created", "result": "WARN"}
        ]},
        {"id": "2", "desc": "Docker daemon configuration",  "results": [
          {"id": "2.6", "desc": "Ensure TLS authentication for Docker daemon is configured", "result": "PASS"},
          {"id": "2.14", "desc": "Ensure live restore is Enabled", "result": "WARN"}
        ]}
      ],
      "checks": 3,
      "score": -1,
      "end": 1795400009
    }
    """#

    /// The exemplar's resolved model, with its scan as evidence.
    public static func resolved() -> ResolvedModel? { cachedResolved }

    private static let cachedResolved: ResolvedModel? = resolve()

    /// The pipeline's own steps, with the scan read from memory instead of a file.
    private static func resolve() -> ResolvedModel? {
        let readScan = Pipeline.Step("read the exemplar's scan") { _, state in
            guard let report = ScanReader.parse(Data(scan.utf8), path: scanPath, label: "web-host-1", into: &state.diagnostics) else { return }
            state.scans = [(report, .init(report: report))]
        }
        let pipeline = Pipeline(options: ValidationOptions(today: CalendarDate("2026-11-26")!))
        return pipeline.run(.text(model, path: modelPath), steps: [Pipeline.load, Pipeline.validate, readScan, Pipeline.link, Pipeline.resolve])
            .models?.first
    }

    /// The shapes of the model and index contexts, learned from the exemplar.
    public static let shapes: (model: TemplateChecker.Shape, index: TemplateChecker.Shape) = {
        guard let model = resolved() else { return (.scalar, .scalar) }
        var report = ReportContextBuilder.build(model, file: "every-feature.md", sourceLink: "../\(modelPath)", renderings: .all)
        // The exemplar is small; a large model's diagram note and parts are in the shape all the same.
        report.mermaidNote = report.mermaidNote ?? ""
        if report.mermaidParts.isEmpty { report.mermaidParts = [MermaidPart(title: "", mermaid: "")] }
        let index = ReportContextBuilder.index([model], files: ["every-feature.md"])
        return (TemplateChecker.Shape.of(report), TemplateChecker.Shape.of(index))
    }()
}

import Foundation
