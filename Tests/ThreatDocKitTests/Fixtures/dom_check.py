"""Checks the DOM of generated HTML pages for anything a hostile model could have smuggled in.

Usage: python3 dom_check.py FILE...   Prints one JSON object per problem, then a summary line.

A page passes when it has no script elements, no event-handler attributes, no URL attribute with a
scheme other than http, https or mailto (relative links and fragments are fine), no element outside
the set the templates, libcmark and Graphviz produce (so no markup escaped its context), and no
<meta http-equiv> other than the Content-Security-Policy, which must forbid scripts.
"""
import json
import re
import sys
from html.parser import HTMLParser

ALLOWED = set("""html head meta title link body header nav ol ul li a main h1 h2 h3 h4 h5 h6 dl dt dd div span
section p strong em code pre blockquote table thead tbody tr th td caption abbr figure figcaption details summary
article aside footer br hr svg g text rect polygon polyline path ellipse circle line defs tspan""".split())
URL_ATTRS = {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "background", "cite"}
SAFE_URL = re.compile(r"^(https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))", re.I)


class Checker(HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems = []
        self.csp = None

    def problem(self, kind, detail):
        line, column = self.getpos()
        self.problems.append({"file": self.path, "line": line, "column": column, "kind": kind, "detail": detail[:200]})

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def check(self, tag, attrs):
        if tag == "script":
            self.problem("script-element", tag)
        if tag not in ALLOWED:
            self.problem("unexpected-element", tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problem("event-handler", f"{name}={value}")
            if name in URL_ATTRS:
                stripped = re.sub(r"[\x00-\x20]", "", value)
                if not SAFE_URL.match(stripped):
                    self.problem("unsafe-url", f"{name}={value}")
            if name == "style":
                self.problem("style-attribute", value)
        if tag == "meta":
            values = dict(attrs)
            equiv = (values.get("http-equiv") or "").lower()
            if equiv == "content-security-policy":
                self.csp = values.get("content") or ""
            elif equiv:
                self.problem("meta-http-equiv", equiv)


def main():
    problems = []
    for path in sys.argv[1:]:
        checker = Checker(path)
        with open(path, encoding="utf-8") as handle:
            checker.feed(handle.read())
        checker.close()
        if checker.csp is None or "default-src 'none'" not in checker.csp or "script-src" in checker.csp:
            checker.problem("csp", checker.csp or "missing")
        problems += checker.problems
    for problem in problems:
        print(json.dumps(problem))
    print(f"checked {len(sys.argv) - 1} pages: {len(problems)} problems")


if __name__ == "__main__":
    main()
