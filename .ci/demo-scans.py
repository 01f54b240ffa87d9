#!/usr/bin/env python3
"""Writes the demo scans in models/scans/ in the exact shapes of the real tools' JSON output.

    python3 .ci/demo-scans.py

docker-bench-security 1.6 (v1.6.1/master numbering) for two Docker hosts, and kube-bench (cis-1.12) for a
control-plane node and a worker node. Results are chosen so that the Docker and Kubernetes models show
every evidence state and some uncovered findings. Titles and sections come from the bundled catalogs.
"""
import json
import os
import re

ROOT = os.path.join(os.path.dirname(__file__), "..")
CATALOGS = open(os.path.join(ROOT, "Sources/ThreatDocBench/CatalogData.swift"), encoding="utf-8").read()


def catalog(version):
    match = re.search(r'"%s", "[^"]*", #"""\n(.*?)\n"""#' % re.escape(version), CATALOGS, re.S)
    return [line.split("\t") for line in match.group(1).split("\n")]


def docker(host, overrides, start):
    sections = {}
    for check_id, section, scored, assessment, _, title in catalog("cis-docker-1.6.0"):
        number, name = section.split(" ", 1)
        if number == "8":
            continue  # Docker Enterprise checks do not run on Docker Engine
        suffix = {"scored": "Scored", "manual": "Manual", "automated": "Automated"}.get(assessment, "Automated")
        result = {"id": check_id, "desc": f"{title} ({suffix})"}
        default = "NOTE" if assessment == "manual" else "PASS"
        outcome = overrides.get(check_id, default)
        if isinstance(outcome, tuple):
            result["result"], result["details"] = outcome
        else:
            result["result"] = outcome
        sections.setdefault(number, {"id": number, "desc": name, "results": []})["results"].append(result)
    tests = [sections[key] for key in sorted(sections, key=int)]
    scored = [r for s in tests for r in s["results"] if r["result"] in ("PASS", "WARN")]
    report = {"dockerbenchsecurity": "1.6.0", "start": start, "tests": tests, "checks": len(scored),
              "score": sum(1 if r["result"] == "PASS" else -1 for r in scored), "end": start + 41}
    path = os.path.join(ROOT, "models/scans", f"docker-bench-{host}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
        handle.write("\n")


def kube(name, node_types, overrides):
    controls = []
    rows = catalog("cis-1.12")
    texts = {"master": "Control Plane Security Configuration", "etcd": "Etcd Node Configuration",
             "controlplane": "Control Plane Configuration", "node": "Worker Node Security Configuration",
             "policies": "Kubernetes Policies"}
    for node_type in node_types:
        groups = {}
        for check_id, section, scored, assessment, row_type, title in rows:
            if row_type != node_type:
                continue
            group_id, group_text = section.split(" ", 1)
            manual = assessment == "manual"
            status = overrides.get(check_id, "WARN" if manual else "PASS")
            check = {"test_number": check_id, "test_desc": f"{title} ({'Manual' if manual else 'Automated'})",
                     "audit": "", "AuditEnv": "", "AuditConfig": "", "type": "manual" if manual else "",
                     "remediation": "See the CIS Kubernetes Benchmark.", "test_info": ["See the CIS Kubernetes Benchmark."],
                     "status": status, "actual_value": "", "scored": scored == "true", "IsMultiple": False,
                     "expected_result": ""}
            if manual:
                check["reason"] = "Test marked as a manual test"
            group = groups.setdefault(group_id, {"section": group_id, "type": "", "pass": 0, "fail": 0, "warn": 0,
                                                 "info": 0, "desc": group_text, "results": []})
            group["results"].append(check)
            group[status.lower()] += 1
        tests = list(groups.values())
        totals = {key: sum(g[key] for g in tests) for key in ("pass", "fail", "warn", "info")}
        control_id = {"master": "1", "etcd": "2", "controlplane": "3", "node": "4", "policies": "5"}[node_type]
        controls.append({"id": control_id, "version": "cis-1.12", "detected_version": "1.33", "text": texts[node_type],
                         "node_type": node_type, "tests": tests,
                         **{f"total_{key}": value for key, value in totals.items()}})
    totals = {f"total_{key}": sum(c[f"total_{key}"] for c in controls) for key in ("pass", "fail", "warn", "info")}
    path = os.path.join(ROOT, "models/scans", f"kube-bench-{name}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"Controls": controls, "Totals": totals}, handle, separators=(",", ":"))  # one line, like kube-bench
        handle.write("\n")


# Both Docker hosts: no-new-privileges and TLS are in place; content trust, limits and the userland
# proxy are still open; live restore is on for host a only (so the fleet contradicts the model).
common = {"1.1.1": "WARN", "1.1.2": ("INFO", "doubtfulusers: deploy"), "1.2.2": ("INFO", "Using 27.3.1"),
          "2.2": "WARN", "2.9": "WARN", "2.12": "WARN", "2.16": "WARN", "4.5": "WARN",
          "5.2": ("WARN", "No AppArmorProfile Found: api worker"), "5.11": ("WARN", "Containers with no memory limits: worker"),
          "5.12": ("WARN", "Containers with CPU sharing disabled: worker"), "5.13": "PASS",
          "5.26": ("WARN", "Containers without restricted privileges: worker"), "5.29": ("WARN", "Containers without PIDs cgroup limit: api worker"),
          "3.17": ("INFO", "File not found"), "3.18": ("INFO", "File not found"), "1.1.9": ("INFO", "File not found")}
docker("docker-host-a", dict(common, **{"2.15": "PASS"}), 1795400000)
docker("docker-host-b", dict(common, **{"2.15": "WARN", "5.31": ("WARN", "Docker socket shared in: ci-agent")}), 1795400600)

# Control plane: TLS, audit path and NodeRestriction pass; audit retention is not configured.
kube("control-plane-1", ["master", "etcd", "controlplane", "policies"],
     {"1.2.17": "FAIL", "1.2.18": "FAIL", "1.2.15": "FAIL", "1.3.1": "FAIL"})
# Worker: the kubelet still accepts anonymous requests, contradicting "RBAC and strong authentication".
kube("worker-1", ["node"], {"4.2.1": "FAIL", "4.2.6": "FAIL", "4.1.9": "FAIL"})
