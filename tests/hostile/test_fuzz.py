"""Random and sloppy standard files through the real CLI (in-process): a result or one clean
error with a position, never a traceback. Bounded: a few hundred examples, seconds in all."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from svcstd.cli import app
from tests.hostile import MINI

MINI_LINES = MINI.read_text(encoding="utf-8").splitlines(keepends=True)
TOKENS = [
    "svcstd: 1\n",
    "id: x\n",
    ": ",
    "- ",
    "? ",
    "#",
    " #",
    "\t",
    "  ",
    "\n",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "!!binary ",
    "!x ",
    "<<: ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "\\",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "no",
    "1:30",
    "010",
    "0x1F",
    ".inf",
    "~",
    "null",
    "9999-12-31",
    "2025-02-30",
    "平均",
    "及时",
    "红线",
    "\u2028",
    "\x85",
    "\r",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "[/b]",
    "%",
    "measure: {kind: duration, unit: s, max: -5}\n",
    "target: 100%\n",
    "weight: 1e309\n",
    "every_months: 99999999999999999999\n",
    "critical: yes\n",
    "- id: A-01\n",
]


def validate(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "json"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # hypothesis shows the input that crashed
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("svcstd: "), result.stderr
        return
    report = json.loads(result.stdout)
    for finding in report["findings"]:
        assert finding["line"] >= 1 and finding["column"] >= 1, finding
        assert "\n" not in finding["message"]
    if result.exit_code == 1:
        assert report["summary"]["errors"] >= 1


# a few dozen examples in every run; SVCSTD_FUZZ_EXAMPLES=5000 for a deep search before a release
FUZZ = settings(
    max_examples=int(os.environ.get("SVCSTD_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    validate(tmp_path, data)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=6), max_size=40))
def test_yaml_ish_tokens(tmp_path: Path, tokens: list[str]) -> None:
    validate(tmp_path, "".join(tokens).encode("utf-8", "surrogatepass"))


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(MINI_LINES) - 1), st.sampled_from(TOKENS), st.booleans()),
        min_size=1,
        max_size=4,
    )
)
def test_a_real_standard_with_damage(tmp_path: Path, edits: list[tuple[int, str, bool]]) -> None:
    lines = list(MINI_LINES)
    for index, token, replace in edits:
        if replace:
            lines[index] = token
        else:
            lines[index] = token + lines[index]
    validate(tmp_path, "".join(lines).encode("utf-8", "surrogatepass"))
