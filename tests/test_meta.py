"""The project keeps its promises: every rule documented and tested, README in sync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from svcstd.rules import RULES, ordered

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("## What it checks", "## Why it matters", "## Bad", "## Good")


@pytest.mark.parametrize("code", list(RULES))
def test_rule_is_documented(code: str) -> None:
    rule = RULES[code]
    assert rule.doc.strip().splitlines()[0].endswith(".")
    positions = [rule.doc.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions), (code, positions)
    assert positions == sorted(positions), code
    assert "```yaml" in rule.doc
    assert rule.title and rule.title_zh and re.fullmatch(r"[a-z0-9-]+", rule.name)


def test_every_rule_is_exercised_by_the_rule_tests() -> None:
    text = (REPO / "tests" / "test_rules.py").read_text(encoding="utf-8")
    text += (REPO / "tests" / "test_validate_cli.py").read_text(encoding="utf-8")
    loader_tests = "".join(
        p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("test_source*.py")
    )
    for code in RULES:
        if code in ("S1", "S2"):
            assert f'"{code}"' in loader_tests or f"'{code}'" in loader_tests, code
        else:
            assert f'"{code}' in text, code


def test_readme_rule_table_is_in_sync() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table")[1].split("<!-- /rules-table -->")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and line[2] in "SCMP"]
    expected = [
        f"| {r.code} | {r.severity} | {r.name} | {r.title} ({r.title_zh}) |" for r in ordered()
    ]
    assert rows == expected


def test_readme_opens_with_the_two_commands() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```bash") + 3]
    assert block[0].startswith("pip install . && svcstd demo")
    assert block[1].startswith("pip install -c constraints.txt '.[test]' && python -m pytest")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    # CI installs the same tested versions (plus the dev tools) and runs the same command
    assert "python -m pip install --quiet -c constraints.txt '.[test" in ci
    assert "\npython -m pytest" in ci
