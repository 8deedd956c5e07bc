"""The top-level guard: a bug is one line and exit 3; `--debug` shows the traceback."""

from __future__ import annotations

import re

from tests.hostile import MINI, REPO, assert_clean_error, patched, svcstd

BOOM = (
    "import svcstd.commands.validate as v\n"
    "def boom(*args, **kwargs):\n"
    "    raise KeyError('a bug in a rule')\n"
    "v.check_paths = boom\n"
)


def test_an_internal_error_is_one_line_and_exit_3() -> None:
    result = patched(BOOM, "validate", MINI)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("svcstd: internal error (KeyError: 'a bug in a rule')")
    assert "report" in lines[0] and "--debug" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_option_shows_the_traceback() -> None:
    result = patched(BOOM, "--debug", "validate", MINI)
    assert result.returncode == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "KeyError: 'a bug in a rule'" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("svcstd: internal error")


def test_debug_environment_variable_shows_the_traceback() -> None:
    result = patched(BOOM, "validate", MINI, env={"SVCSTD_DEBUG": "1"})
    assert result.returncode == 3
    assert "Traceback (most recent call last)" in result.stderr


def test_an_error_while_scoring_is_exit_3_too() -> None:
    setup = (
        "import svcstd.commands.score as s\n"
        "def boom(*a, **k):\n"
        "    raise ZeroDivisionError('division by zero')\n"
        "s._score_files = boom\n"
    )
    result = patched(setup, "score", MINI, "--standard", MINI)
    assert result.returncode == 3
    assert "internal error (ZeroDivisionError: division by zero)" in result.stderr
    assert "Traceback" not in result.stderr


def test_user_errors_stay_exit_2_with_a_position(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("svcstd: 1\nid: [unclosed\n", encoding="utf-8")
    line = assert_clean_error(svcstd("render", "checklist", bad), 2, "YAML syntax error")
    assert re.match(rf"svcstd: {re.escape(str(bad))}:[23]:\d+: ", line), line


def test_help_documents_the_exit_codes_and_debug() -> None:
    result = svcstd("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 ok; 1 findings" in text
    assert "3 an internal error" in text
    assert "--debug" in text and "SVCSTD_DEBUG" in text


def test_the_readme_documents_the_exit_codes() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for fragment in ("**3**", "--debug", "SVCSTD_DEBUG"):
        assert fragment in readme
