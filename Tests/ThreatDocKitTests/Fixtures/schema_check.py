"""Validates model files against the threatdoc JSON Schema with an independent implementation.

Usage: python3 schema_check.py SCHEMA FILE...
Prints one JSON object per file: {"file": ..., "valid": bool, "errors": [...]}.

YAML is read the way editors read it (YAML 1.2 core schema): `no` and `2026-11-01` stay strings,
so the schema sees what yaml-language-server sees.
"""
import json
import re
import sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    pass


# Drop YAML 1.1's implicit timestamps and yes/no/on/off booleans; keep true/false.
Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers
          if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for path in sys.argv[2:]:
        try:
            with open(path, encoding="utf-8") as handle:
                document = yaml.load(handle, Loader=Yaml12Loader)
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
        except Exception as error:  # a file the parser refuses is invalid too
            errors = [f"unreadable: {error}"]
        print(json.dumps({"file": path, "valid": not errors, "errors": errors}))


if __name__ == "__main__":
    main()
