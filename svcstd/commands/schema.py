"""`svcstd schema`: the JSON Schema of a standard file, for editors and other tools."""

from __future__ import annotations

import json

from svcstd.model import StandardFile

SCHEMA_ID = "https://svcstd.dev/schema/standard-1.json"


def schema() -> dict[str, object]:
    data = StandardFile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **data}


def schema_text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
