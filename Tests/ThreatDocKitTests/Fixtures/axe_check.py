#!/usr/bin/env python3
"""Runs axe-core on pages of the generated site in headless Chromium and prints one JSON report.

Used by BrowserTests.testAxeFindsNoViolationsInEitherSchemeAtEitherWidth; .ci/setup.sh installs Debian's chromium, chromium-driver and
python3-selenium, and downloads axe-core (pinned by hash) into .build-axe/.

    axe_check.py AXE_JS PAGE.html... > report.json

For every page, colour scheme (light, dark) and width (1280, 375) the report holds axe's version, the
number of rules that passed, and each violation with its rule, impact, help and the nodes it names.
The pages load from file:// URLs with every host name unresolvable, so nothing leaves the machine.
"""
import json
import pathlib
import sys

import headless_chromium

WIDTHS = [(1280, 900, False), (375, 812, True)]
SCHEMES = ["light", "dark"]


def main():
    axe_source = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
    pages = [pathlib.Path(p).resolve() for p in sys.argv[2:]]
    browser = headless_chromium.start()
    browser.set_script_timeout(120)
    report = []
    try:
        for page in pages:
            for width, height, mobile in WIDTHS:
                for scheme in SCHEMES:
                    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
                    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                            {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                    browser.get(page.as_uri())
                    # The page itself runs no script; axe is injected by the test only.
                    browser.execute_script(axe_source)
                    result = browser.execute_async_script(
                        "const done = arguments[arguments.length - 1];"
                        "axe.run(document, {resultTypes: ['violations']})"
                        ".then(r => done({version: axe.version, passes: r.passes.length,"
                        " inapplicable: r.inapplicable.length, incomplete: r.incomplete.map(i => i.id),"
                        " scheme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',"
                        " width: document.documentElement.clientWidth,"
                        " violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                        "   nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))}))"
                        ".catch(e => done({error: String(e)}));")
                    result["page"] = page.name
                    result["requestedScheme"] = scheme
                    result["requestedWidth"] = width
                    report.append(result)
    finally:
        browser.quit()
    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
