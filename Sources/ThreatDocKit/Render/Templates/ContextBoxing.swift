import Foundation
import Mustache

/// A boxed struct for Mustache: a plain struct with a direct `MustacheParent` conformance, which
/// the Swift runtime checks faster than `[String: Any]`'s conditional one on every name lookup.
struct ContextNode: MustacheParent, @unchecked Sendable {
    let values: [String: Any]

    func child(named name: String) -> Any? { values[name] }
}

/// Turns a view model into dictionaries and arrays once, before templating.
///
/// swift-mustache reads Swift structs through `Mirror` on every name lookup, walking the whole context
/// stack each time, which made an 11,000-threat report take seconds. One reflection pass up front
/// gives it dictionaries instead. A nil optional becomes `NSNull`, which Mustache treats as present
/// but empty, exactly as it treats the nil property (so lookups do not fall through to outer scopes).
enum ContextBoxing {
    static func box(_ value: Any) -> Any {
        switch value {
        case let text as String: return text
        case let number as Int: return number
        case let flag as Bool: return flag
        case let boxable as ContextBoxable: return ContextNode(values: boxable.boxed)
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let child = mirror.children.first else { return NSNull() }
            return box(child.value)
        case .collection, .set:
            return mirror.children.map { box($0.value) }
        case .struct, .class:
            var dictionary: [String: Any] = [:]
            dictionary.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                guard let label = child.label else { continue }
                dictionary[label] = box(child.value)
            }
            return ContextNode(values: dictionary)
        default:
            return value
        }
    }
}

/// View-model types that are numerous in large reports box themselves without reflection.
protocol ContextBoxable {
    var boxed: [String: Any] { get }
}

extension ContextBoxing {
    static func optional(_ value: Any?) -> Any { value.map(box) ?? NSNull() }
    static func node(_ value: ContextBoxable) -> ContextNode { ContextNode(values: value.boxed) }
    static func list<T>(_ values: [T]) -> [Any] { values.map(box) }
}

extension ReportLink: ContextBoxable {
    var boxed: [String: Any] { ["id": id, "anchor": anchor, "title": title] }
}

extension Tally: ContextBoxable {
    var boxed: [String: Any] { ["key": key, "label": label, "count": count] }
}

extension HostLine: ContextBoxable {
    var boxed: [String: Any] { ["host": host, "status": status, "scannedAs": ContextBoxing.optional(scannedAs)] }
}

extension MitigationRef: ContextBoxable {
    var boxed: [String: Any] { ["link": ContextBoxing.node(link), "status": status, "evidence": evidence] }
}

extension StrideMatrix.Cell: ContextBoxable {
    var boxed: [String: Any] { ["state": state, "count": count, "mark": mark] }
}

extension StrideMatrix.Row: ContextBoxable {
    var boxed: [String: Any] { ["target": ContextBoxing.node(target), "kind": kind, "cells": cells.map(ContextBoxing.node)] }
}

extension ThreatItem: ContextBoxable {
    var boxed: [String: Any] {
        ["id": id, "anchor": anchor, "title": title, "stride": stride, "risk": risk, "likelihood": likelihood,
         "impact": impact, "response": response, "justification": ContextBoxing.optional(justification),
         "description": ContextBoxing.optional(description), "descriptionHTML": ContextBoxing.optional(descriptionHTML),
         "note": ContextBoxing.optional(note), "targets": targets.map(ContextBoxing.node), "mitigations": mitigations.map(ContextBoxing.node),
         "hasMitigations": hasMitigations, "contradicted": contradicted, "references": references]
    }
}

extension ElementRow: ContextBoxable {
    var boxed: [String: Any] {
        ["id": id, "anchor": anchor, "name": name, "kind": kind, "boundary": ContextBoxing.optional(boundary),
         "technology": ContextBoxing.optional(technology), "description": ContextBoxing.optional(description),
         "assets": assets.map(ContextBoxing.node), "threats": threats.map(ContextBoxing.node)]
    }
}

extension FlowRow: ContextBoxable {
    var boxed: [String: Any] {
        ["id": id, "anchor": anchor, "from": ContextBoxing.node(from), "to": ContextBoxing.node(to), "label": ContextBoxing.optional(label),
         "protocolName": ContextBoxing.optional(protocolName), "description": ContextBoxing.optional(description),
         "assets": assets.map(ContextBoxing.node), "threats": threats.map(ContextBoxing.node)]
    }
}

extension CheckItem: ContextBoxable {
    var boxed: [String: Any] {
        ["reference": reference, "anchor": anchor, "catalog": catalog, "title": title, "manual": manual, "status": status,
         "results": results.map(ContextBoxing.node), "hostsDiffer": hostsDiffer, "hostSummary": hostSummary,
         "finding": ContextBoxing.optional(finding)]
    }
}

extension MitigationItem: ContextBoxable {
    var boxed: [String: Any] {
        ["id": id, "anchor": anchor, "title": title, "status": status, "owner": ContextBoxing.optional(owner),
         "description": ContextBoxing.optional(description), "descriptionHTML": ContextBoxing.optional(descriptionHTML),
         "note": ContextBoxing.optional(note), "evidence": evidence, "evidenceSummary": evidenceSummary,
         "checks": checks.map(ContextBoxing.node), "hasChecks": hasChecks, "threats": threats.map(ContextBoxing.node), "references": references,
         "hasReferences": hasReferences]
    }
}
