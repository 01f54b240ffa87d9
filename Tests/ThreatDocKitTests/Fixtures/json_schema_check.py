"""Validates JSON documents against a JSON Schema with Python's jsonschema (an independent implementation).

Usage: python3 json_schema_check.py SCHEMA FILE...   Prints "valid FILE" or "invalid FILE: message" per file.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
validator = validator_class(schema)
for path in sys.argv[2:]:
    document = json.load(open(path, encoding="utf-8"))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        print(f"invalid {path}: {errors[0].message} at {'/'.join(map(str, errors[0].absolute_path))}")
    else:
        print(f"valid {path}")
