"""The JSON report keeps its shape: every key path users' scripts read stays, with its type.

`tests/data/score/json-shape.txt` was recorded from the report before the results reader and
the scorer were rebuilt; new keys may appear, none may vanish or change type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli import REPO, svcstd

SHAPE = REPO / "tests" / "data" / "score" / "json-shape.txt"
HOME_VISIT = REPO / "standards" / "home-visit.yaml"
JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
# objects whose keys are data (column names, reject kinds, group dimensions), not report fields
DATA_KEYED = ("$.summary.reject_reasons", "$.summary.files[].columns")


def shape_of(
    value: Any, path: str = "$", out: set[tuple[str, str]] | None = None
) -> set[tuple[str, str]]:
    """Every (key path, JSON type) in a report; list items share the path `[]`."""
    out = set() if out is None else out
    kind = "number" if type(value) in (int, float) else JSON_TYPES[type(value)]
    out.add((path, kind))
    if isinstance(value, dict) and path not in DATA_KEYED:
        for key, item in value.items():
            shape_of(item, f"{path}.{key}", out)
    elif isinstance(value, list):
        for item in value:
            shape_of(item, f"{path}[]", out)
    return out


def report_shape(tmp_path: Path) -> set[tuple[str, str]]:
    """The shape over two runs: clean sample results by site and month, and a messy file with
    rejects, duplicates and a conflicting duplicate."""
    sample = tmp_path / "sample.csv"
    made = svcstd("sample", HOME_VISIT, "--inspections", 60, "--seed", 3, "-o", sample)
    assert made.returncode == 0, made.stderr
    messy = tmp_path / "messy.csv"
    rows = sample.read_text("utf-8").splitlines()
    header, first = rows[0], rows[1].split(",")
    again = ",".join(first)
    unknown = ",".join([*first[:5], "ZZ-99", *first[6:]])
    unreadable = ",".join([*first[:6], "很好", *first[7:]])
    messy.write_text("\n".join([header, *rows[1:40], again, unknown, unreadable]) + "\n", "utf-8")
    shape: set[tuple[str, str]] = set()
    for results in (sample, messy):
        ran = svcstd(
            "score", results, "--standard", HOME_VISIT, "--by", "site,month", "--format", "json"
        )
        assert ran.returncode == 0, ran.stderr
        shape |= shape_of(json.loads(ran.stdout))
    return shape


def test_json_report_keeps_every_recorded_key_and_type(tmp_path: Path) -> None:
    recorded = {tuple(line.split(" ", 1)) for line in SHAPE.read_text("utf-8").splitlines()}
    now = report_shape(tmp_path)
    missing = sorted(pair for pair in recorded if pair not in now)
    assert not missing, f"keys lost or changed type: {missing[:20]}"
