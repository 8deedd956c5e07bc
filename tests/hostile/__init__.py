"""Hostile and sloppy inputs: every case ends in a result or one clean line, never a traceback.

Helpers shared by the cases: the real command in a child process (as users and CI run it),
and assertions on what a clean failure looks like.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cli import REPO, svcstd

__all__ = ["REPO", "assert_clean_error", "cli", "patched", "svcstd"]

MINI = REPO / "tests" / "data" / "score" / "mini.yaml"
HOME_VISIT = REPO / "standards" / "home-visit.yaml"
INTERNAL_NAMES = ("Traceback", 'File "', "svcstd/", ".py", "Error:", "Exception ignored")


def assert_clean_error(result: Any, code: int = 2, *fragments: str) -> str:
    """Exit `code`, stderr one line starting `svcstd:` with the fragments, no internals."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, (result.returncode, result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("svcstd: "), lines[0]
    for name in INTERNAL_NAMES:
        assert name not in result.stderr, (name, result.stderr)
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def patched(setup: str, *args: object, **options: Any) -> subprocess.CompletedProcess[str]:
    """The real `svcstd` entry point in a child process after `setup` (Python source) has
    patched something: how a test forces an internal error or an OS failure."""
    code = f"{setup}\nfrom svcstd.cli import main\nimport sys\nsys.argv[0] = 'svcstd'\nmain()\n"
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **options.pop("env", {})}
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=options.pop("cwd", REPO),
        env=env,
        timeout=120,
        **options,
    )


def cli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The same command in this process (typer's runner, through the same guard): for cases
    that need no process of their own, so the suite stays fast."""
    from typer.testing import CliRunner

    from svcstd.cli import app

    before = Path.cwd()
    os.chdir(cwd or REPO)
    try:
        result = CliRunner().invoke(app, [str(a) for a in args], env={"NO_COLOR": "1"})
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
