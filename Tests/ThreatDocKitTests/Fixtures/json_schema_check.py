"""Validates JSON documents against a JSON Schema with Python's jsonschema (an independent implementation).

Usage: python3 json_schema_check.py SCHEMA FILE...   Checks formats too. Prints "valid FILE" or "invalid FILE: message" per file.
"""
import json
import re
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
# Formats are checked, as the schemas intend (the OWASP Threat Model Library schema tells a date from a
# date-time by `format` alone). Without the optional rfc3339-validator package, jsonschema skips date-time;
# RFC 3339's grammar stands in for it then.
format_checker = jsonschema.FormatChecker()
if "date-time" not in format_checker.checkers:
    rfc3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
    format_checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(rfc3339.match(value)))
validator = validator_class(schema, format_checker=format_checker)
for path in sys.argv[2:]:
    document = json.load(open(path, encoding="utf-8"))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        print(f"invalid {path}: {errors[0].message} at {'/'.join(map(str, errors[0].absolute_path))}")
    else:
        print(f"valid {path}")
