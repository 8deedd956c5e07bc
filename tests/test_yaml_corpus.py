"""The YAML test suite's inputs through `load`: every file a result or clean findings.

`ID.error.yaml` files are YAML a conforming parser must reject; each must give an S1 error,
also the ones libyaml alone would accept. The corpus sits beside the repository
(`../shared/corpora/yaml-test-suite/`, as in CI's clean clone); without it these tests skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from svcstd.loading import Loaded, load

CORPUS = Path(__file__).resolve().parent.parent / ".." / "shared" / "corpora" / "yaml-test-suite"
FILES = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
ABSENT = pytest.param(
    None, marks=pytest.mark.skip(reason=f"YAML test suite corpus not found at {CORPUS}")
)


def lines_of(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8", errors="replace").split("\n")


def assert_clean(loaded: Loaded, path: Path) -> None:
    lines = lines_of(path)
    for finding in loaded.findings:
        assert finding.rule in ("S1", "S2"), finding
        assert 1 <= finding.line <= len(lines), finding
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, finding
        assert finding.message and "\n" not in finding.message, finding
    errors = [f for f in loaded.findings if f.severity == "error"]
    assert (loaded.standard is None) == bool(errors)


@pytest.mark.parametrize("path", FILES or [ABSENT], ids=lambda p: p.name if p else "absent")
def test_corpus_file(path: Path) -> None:
    loaded = load(path)
    assert_clean(loaded, path)
    if path.name.endswith(".error.yaml"):
        assert any(f.rule == "S1" and f.severity == "error" for f in loaded.findings), [
            (f.rule, f.message) for f in loaded.findings
        ]


@pytest.mark.skipif(not FILES, reason=f"YAML test suite corpus not found at {CORPUS}")
def test_corpus_is_complete() -> None:
    """A partial copy would pass vacuously: the suite has 333 inputs, 78 of them invalid."""
    assert len(FILES) == 333
    assert sum(path.name.endswith(".error.yaml") for path in FILES) == 78
