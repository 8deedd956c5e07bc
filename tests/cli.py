"""Run the real `svcstd` command in a child process, as users and CI do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def svcstd(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m svcstd ARGS` with colour off and UTF-8 output; never waits forever."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "svcstd", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or REPO,
        env=env,
        timeout=120,
    )
