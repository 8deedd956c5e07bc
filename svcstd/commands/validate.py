"""`svcstd validate`: options and settings in, findings out, exit code 0 / 1 / 2."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import replace
from pathlib import Path

from svcstd.check import check_paths
from svcstd.config import load_config
from svcstd.errors import EXIT_FINDINGS, EXIT_OK, SvcstdError
from svcstd.reports.findings import render
from svcstd.rules import parse_codes


def run(
    paths: list[Path],
    output_format: str = "text",
    select: str | None = None,
    ignore: str | None = None,
    strict: bool | None = None,
    today: str | None = None,
    config: Path | None = None,
) -> int:
    """Check `paths` and print the findings; the exit code says whether anything failed."""
    settings = load_config(config, start=_start(paths))
    changes: dict[str, object] = {}
    if select is not None:
        changes["select"] = parse_codes(select)
    if ignore is not None:
        changes["ignore"] = settings.ignore + parse_codes(ignore)
    if strict is not None:
        changes["strict"] = strict
    if today is not None:
        try:
            changes["today"] = dt.date.fromisoformat(today)
        except ValueError:
            raise SvcstdError(f"--today {today!r} is not a date; write YYYY-MM-DD") from None
    settings = replace(settings, **changes)  # type: ignore[arg-type]
    report = check_paths(paths, settings)
    colour = output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    sys.stdout.write(render(report, output_format, colour))
    failed = report.errors or (settings.strict and report.warnings)
    return EXIT_FINDINGS if failed else EXIT_OK


def _start(paths: list[Path]) -> Path:
    """Where to look for settings: beside the first path checked, as ruff does, so a project's
    `exclude` holds wherever the command is run from."""
    first = paths[0] if paths else Path.cwd()
    return first if first.is_dir() else first.parent
