import ThreatDocSupport
import ThreatDocLoad
import ThreatDocModel
/// The JSON Schema (draft-07) of model format version 1, printed by `threatdoc schema` and shipped as
/// `models/threatdoc.schema.json`. A test checks that this schema and the loader agree on every fixture.
public enum ModelSchema {
    public static let json = #"""
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://threatdoc.dev/schema/threatdoc-1.schema.json",
  "title": "threatdoc threat model (format version 1)",
  "description": "One STRIDE threat model per file. The README documents every field.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "threatdoc",
    "id",
    "title"
  ],
  "properties": {
    "$schema": {
      "type": "string"
    },
    "threatdoc": {
      "description": "Format version.",
      "type": "integer",
      "const": 1
    },
    "id": {
      "$ref": "#/definitions/id"
    },
    "title": {
      "type": "string"
    },
    "summary": {
      "type": "string",
      "description": "CommonMark."
    },
    "owner": {
      "type": "string"
    },
    "reviewed": {
      "type": "string",
      "description": "Date of the last review, YYYY-MM-DD.",
      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    },
    "benchmarks": {
      "type": "object",
      "description": "Catalog version per benchmark tool.",
      "additionalProperties": {
        "type": "string"
      }
    },
    "assets": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/asset"
      }
    },
    "boundaries": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/boundary"
      }
    },
    "elements": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/element"
      }
    },
    "flows": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/flow"
      }
    },
    "threats": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/threat"
      }
    },
    "mitigations": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/mitigation"
      }
    },
    "findings": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/finding"
      }
    },
    "gaps": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/gap"
      }
    }
  },
  "definitions": {
    "id": {
      "type": "string",
      "pattern": "^(?!.*\\.\\.)[A-Za-z][A-Za-z0-9._-]{0,63}$"
    },
    "level": {
      "type": "string",
      "enum": [
        "low",
        "medium",
        "high",
        "critical"
      ]
    },
    "stride": {
      "type": "string",
      "enum": [
        "spoofing",
        "tampering",
        "repudiation",
        "information-disclosure",
        "denial-of-service",
        "elevation-of-privilege",
        "S",
        "T",
        "R",
        "I",
        "D",
        "E"
      ]
    },
    "strideList": {
      "type": "array",
      "minItems": 1,
      "items": {
        "$ref": "#/definitions/stride"
      }
    },
    "url": {
      "type": "string",
      "pattern": "^(?:[Hh][Tt][Tt][Pp][Ss]?://|[Mm][Aa][Ii][Ll][Tt][Oo]:|[^:/?#\\s]*(?:[/?#]|$))\\S*$"
    },
    "check": {
      "type": "string",
      "pattern": "^(?:docker|kubernetes)(?:@[A-Za-z0-9._-]+)?:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
    },
    "asset": {
      "type": "object",
      "description": "Something worth protecting.",
      "additionalProperties": false,
      "required": [
        "id",
        "name",
        "sensitivity"
      ],
      "properties": {
        "id": {
          "$ref": "#/definitions/id"
        },
        "name": {
          "type": "string"
        },
        "description": {
          "type": "string"
        },
        "sensitivity": {
          "$ref": "#/definitions/level"
        }
      }
    },
    "boundary": {
      "type": "object",
      "description": "A trust boundary; `parent` nests it.",
      "additionalProperties": false,
      "required": [
        "id",
        "name"
      ],
      "properties": {
        "id": {
          "$ref": "#/definitions/id"
        },
        "name": {
          "type": "string"
        },
        "description": {
          "type": "string"
        },
        "parent": {
          "$ref": "#/definitions/id"
        }
      }
    },
    "element": {
      "type": "object",
      "description": "A data-flow diagram element.",
      "additionalProperties": false,
      "required": [
        "id",
        "type",
        "name"
      ],
      "properties": {
        "id": {
          "$ref": "#/definitions/id"
        },
        "type": {
          "type": "string",
          "enum": [
            "external",
            "process",
            "datastore"
          ]
        },
        "name": {
          "type": "string"
        },
        "description": {
          "type": "string"
        },
        "technology": {
          "type": "string"
        },
        "boundary": {
          "$ref": "#/definitions/id"
        },
        "assets": {
          "type": "array",
          "items": {
            "$ref": "#/definitions/id"
          }
        }
      }
    },
    "flow": {
      "type": "object",
      "description": "A data flow between two elements.",
      "additionalProperties": false,
      "required": [
        "id",
        "from",
        "to"
      ],
      "properties": {
        "id": {
          "$ref": "#/definitions/id"
        },
        "from": {
          "$ref": "#/definitions/id"
        },
        "to": {
          "$ref": "#/definitions/id"
        },
        "label": {
          "type": "string"
        },
        "protocol": {
          "type": "string"
        },
        "description": {
          "type": "string"
        },
        "assets": {
          "type": "array",
          "items": {
            "$ref": "#/definitions/id"
          }
        }
      }
    },
    "threat": {
      "type": "object",
      "description": "A STRIDE threat against elements or flows.",
      "additionalProperties": false,
      "required": [
        "id",
        "title",
        "stride",
        "targets",
        "likelihood",
        "impact"
      ],
      "properties": {
        "id": {
          "$ref": "#/definitions/id"
        },
        "title": {
          "type": "string"
        },
        "stride": {
          "$ref": "#/definitions/strideList"
        },
        "targets": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/definitions/id"
          }
        },
        "description": {
          "type": "string"
        },
        "likelihood": {
          "$ref": "#/definitions/level"
        },
        "impact": {
          "$ref": "#/definitions/level"
        },
        "response": {
          "type": "string",
          "enum": [
            "mitigate",
            "accept",
            "transfer",
            "avoid"
          ]
        },
        "justification": {
          "type": "string"
        },
        "mitigations": {
          "type": "array",
          "items": {
            "$ref": "#/definitions/id"
          }
        },
        "note": {
          "type": "string"
        },
        "references": {
          "type": "array",
          "items": {
            "$ref": "#/definitions/url"
          }
        }
      }
    },
    "mitigation": {
      "type": "object",
      "description": "A control that answers threats.",
      "additionalProperties": false,
      "required": [
        "id",
        "title",
        "status"
      ],
      "properties": {
        "id": {
          "$ref": "#/definitions/id"
        },
        "title": {
          "type": "string"
        },
        "description": {
          "type": "string"
        },
        "status": {
          "type": "string",
          "enum": [
            "implemented",
            "in-progress",
            "planned",
            "not-started"
          ]
        },
        "owner": {
          "type": "string"
        },
        "checks": {
          "type": "array",
          "items": {
            "$ref": "#/definitions/check"
          }
        },
        "note": {
          "type": "string"
        },
        "references": {
          "type": "array",
          "items": {
            "$ref": "#/definitions/url"
          }
        }
      }
    },
    "finding": {
      "type": "object",
      "description": "A benchmark finding as recorded by a person.",
      "additionalProperties": false,
      "required": [
        "check",
        "issue"
      ],
      "properties": {
        "check": {
          "$ref": "#/definitions/check"
        },
        "title": {
          "type": "string"
        },
        "issue": {
          "type": "string"
        },
        "recommendation": {
          "type": "string"
        },
        "threats": {
          "type": "array",
          "items": {
            "$ref": "#/definitions/id"
          }
        },
        "note": {
          "type": "string"
        }
      }
    },
    "gap": {
      "type": "object",
      "description": "An acknowledged STRIDE coverage gap.",
      "additionalProperties": false,
      "required": [
        "target",
        "stride",
        "reason"
      ],
      "properties": {
        "target": {
          "$ref": "#/definitions/id"
        },
        "stride": {
          "$ref": "#/definitions/strideList"
        },
        "reason": {
          "type": "string"
        }
      }
    }
  }
}
"""#
}
