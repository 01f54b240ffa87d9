#!/usr/bin/env python3
"""Measures diagram legibility on pages of the generated site, in headless Chromium, from the SVG as drawn.

Used by BrowserTests.testDiagramsHaveNoOverlapsOnShippedModelsAndFixtures; .ci/setup.sh installs chromium, chromium-driver and
python3-selenium.

    diagram_overlaps.py PAGE.html... > report.json

For every `svg.dfd` on a page, the browser's own boxes (getBBox, after fonts load) are compared:
- each flow label against every other flow label, every trust-boundary title, every element's shape,
  and every boundary frame (a label that is partly inside a frame sits on its border);
- each flow: its line stays inside the innermost boundary frame that holds both its ends.
The report lists, per page, how many diagrams, labels and flows were measured and each overlap found.
"""
import json
import pathlib
import sys

import headless_chromium

MEASURE = r"""
const slack = 0.5;
function box(element) { const b = element.getBBox(); return {x: b.x, y: b.y, w: b.width, h: b.height}; }
function union(boxes) {
  if (!boxes.length) return null;
  const x = Math.min(...boxes.map(b => b.x)), y = Math.min(...boxes.map(b => b.y));
  return {x, y, w: Math.max(...boxes.map(b => b.x + b.w)) - x, h: Math.max(...boxes.map(b => b.y + b.h)) - y};
}
function intersects(a, b) {
  return a.x + slack < b.x + b.w && b.x + slack < a.x + a.w && a.y + slack < b.y + b.h && b.y + slack < a.y + a.h;
}
function inside(a, b) {
  return a.x >= b.x - slack && a.y >= b.y - slack && a.x + a.w <= b.x + b.w + slack && a.y + a.h <= b.y + b.h + slack;
}
function title(g) { const t = g.querySelector(':scope > title'); return t ? t.textContent : '?'; }
function text(g) { return [...g.querySelectorAll('text')].map(t => t.textContent).join(' '); }
const report = {diagrams: 0, labels: 0, flows: 0, overlaps: []};
for (const svg of document.querySelectorAll('svg.dfd')) {
  report.diagrams += 1;
  const figure = svg.closest('figure');
  const where = (figure && figure.id) || (svg.querySelector('g.graph') || {}).id || 'diagram';
  const clusters = [...svg.querySelectorAll('g.cluster')].map(g => {
    const frame = g.querySelector('path, polygon');
    return {name: `boundary "${text(g)}"`, frame: frame ? box(frame) : null, title: union([...g.querySelectorAll('text')].map(box))};
  }).filter(c => c.frame);
  // A flow's label is drawn either as an edge label or as a node of class flow-label.
  const nodes = [...svg.querySelectorAll('g.node:not(.flow-label)')].map(g => {
    const shape = g.querySelector('ellipse, polygon, path');
    return {key: title(g), name: `element "${text(g)}"`, box: shape ? box(shape) : union([...g.querySelectorAll('text')].map(box))};
  }).filter(n => n.box);
  const labelNodes = [...svg.querySelectorAll('g.node.flow-label')].map(g =>
    ({key: title(g), name: `flow label "${text(g)}"`, box: union([...g.querySelectorAll('text')].map(box))})).filter(n => n.box);
  const nodeByName = Object.fromEntries(nodes.concat(labelNodes).map(n => [n.key, n]));
  const edges = [...svg.querySelectorAll('g.edge')].map(g => {
    const line = g.querySelector('path');
    const label = union([...g.querySelectorAll('text')].map(box));
    return {key: title(g), name: label ? `flow label "${text(g)}"` : `the arrow ${title(g)}`, label, line: line ? box(line) : null};
  });
  function innermost(b) {
    let best = null;
    for (const c of clusters) if (inside(b, c.frame) && (!best || c.frame.w * c.frame.h < best.frame.w * best.frame.h)) best = c;
    return best;
  }
  const labelled = edges.filter(e => e.label).map(e => ({name: e.name, label: e.label}))
    .concat(labelNodes.map(n => ({name: n.name, label: n.box})));
  report.labels += labelled.length;
  for (const [i, e] of labelled.entries()) {
    for (const other of labelled.slice(i + 1))
      if (intersects(e.label, other.label)) report.overlaps.push(`${where}: ${e.name} and ${other.name} overlap`);
    for (const c of clusters) {
      if (c.title && intersects(e.label, c.title)) report.overlaps.push(`${where}: ${e.name} is on the title of ${c.name}`);
      if (intersects(e.label, c.frame) && !inside(e.label, c.frame)) report.overlaps.push(`${where}: ${e.name} is on the frame of ${c.name}`);
    }
    for (const n of nodes)
      if (intersects(e.label, n.box)) report.overlaps.push(`${where}: ${e.name} is on ${n.name}`);
  }
  for (const e of edges) {
    const ends = e.key.split('->');
    const from = nodeByName[ends[0]], to = nodeByName[ends[1]];
    if (!from || !to || !e.line) continue;
    report.flows += 1;
    const holder = innermost(union([from.box, to.box]));
    if (holder && !inside(e.line, holder.frame))
      report.overlaps.push(`${where}: ${e.name} leaves ${holder.name}, which holds both its ends`);
  }
}
return report;
"""


def main():
    browser = headless_chromium.start("--window-size=1280,900")
    report = []
    try:
        for page in [pathlib.Path(p).resolve() for p in sys.argv[1:]]:
            if not page.is_file():
                sys.exit(f"diagram_overlaps.py: no such page: {page}")
            browser.get(page.as_uri())
            browser.execute_async_script("const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done());")
            result = browser.execute_script(MEASURE)
            result["page"] = page.name
            report.append(result)
    finally:
        browser.quit()
    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
