"""Run the rules over files: find the files, load each once, place every hit on its YAML node."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from svcstd.config import Config
from svcstd.errors import SvcstdError
from svcstd.findings import Finding
from svcstd.loading import load
from svcstd.model import StandardFile
from svcstd.rules import Hit, Settings, is_selected, ordered
from svcstd.source import Source

SUFFIXES = (".yaml", ".yml")
ALWAYS_REPORTED = ("S1", "S2")  # a file that does not load is never silently passed


@dataclass(frozen=True)
class Report:
    files: list[str]
    findings: list[Finding]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.waived is None)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waived is not None)


def discover(paths: Iterable[Path], config: Config) -> list[Path]:
    """Files named on the command line, and *.yaml/*.yml under folders minus `exclude`.

    A path named explicitly is always checked: a folder that is itself excluded (say
    `standards/examples`) is walked when named, with only the other patterns applied.
    Only regular files are read: a FIFO named `x.yaml` in a folder would block for ever, so
    walking skips anything else, and naming one is an error. A folder that cannot be listed
    is an error too, not a silent gap in the check.
    """
    found: list[Path] = []
    for path in paths:
        kind = _kind(path)
        if kind == "folder":
            found.extend(_walk(path, config))
        elif kind == "file":
            found.append(path)
        else:
            raise SvcstdError(kind, str(path))
    if not found:
        names = ", ".join(str(p) for p in paths)
        raise SvcstdError(f"no *.yaml or *.yml standard files found in {names}")
    return found


def _kind(path: Path) -> str:
    """Whether `path` is a "file" or a "folder" (links followed), or why it cannot be read."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file or folder"
    except OSError as error:
        return f"cannot read: {error.strerror or error}"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "not a regular file (a FIFO, socket or device); give a standard file (*.yaml)"


def _walk(folder: Path, config: Config) -> Iterator[Path]:
    """Regular *.yaml/*.yml files under `folder`, sorted, minus `exclude`; no links to folders
    are followed, so a symbolic-link loop ends the walk instead of the program."""
    patterns = tuple(p for p in config.exclude if not _matches(folder, p, config))

    def unreadable(error: OSError) -> None:
        where = os.fsdecode(error.filename) if error.filename is not None else str(folder)
        raise SvcstdError(f"cannot read the folder: {error.strerror or error}", where)

    for parent, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and not _excluded(Path(parent) / d, patterns, config)
        )
        for name in sorted(files):
            candidate = Path(parent) / name
            if candidate.suffix not in SUFFIXES or _excluded(candidate, patterns, config):
                continue
            # a broken or looping link is kept: reading it gives an S1 finding with the reason
            kind = _kind(candidate)
            if kind in ("file", "no such file or folder") or kind.startswith("cannot read"):
                yield candidate


def _excluded(path: Path, patterns: tuple[str, ...], config: Config) -> bool:
    return any(_matches(path, pattern, config) for pattern in patterns)


def _matches(path: Path, pattern: str, config: Config) -> bool:
    """Whether `path` (relative to the settings file) is `pattern` or lies under it."""
    try:
        relative = Path(os.path.realpath(path)).relative_to(config.root).as_posix()
    except ValueError:
        relative = path.as_posix()
    pattern = pattern.strip("/")
    return fnmatch.fnmatch(relative, pattern) or relative.startswith(pattern + "/")


def check_paths(paths: Iterable[Path], config: Config) -> Report:
    """Check every file and the ids across files; findings sorted by file and position."""
    files = [(path, _display(path)) for path in discover(paths, config)]
    settings = Settings(
        today=config.today,
        max_standards_per_step=config.max_standards_per_step,
        vocabulary=config.vocabulary,
    )
    findings: list[Finding] = []
    first_file_of_id: dict[str, str] = {}
    for path, display in files:
        loaded = load(path, display)
        findings.extend(f for f in loaded.findings if _reported(f.rule, config))
        if loaded.standard is None or loaded.source is None:
            continue
        findings.extend(check_standard(loaded.source, loaded.standard, settings, config))
        file_id = loaded.standard.id
        if file_id in first_file_of_id and is_selected("S3", config.select, config.ignore):
            line, column = loaded.source.locate(("id",))
            message = f"standard id '{file_id}' is also used by {first_file_of_id[file_id]}"
            findings.append(Finding(display, line, column, "S3", "error", message))
        first_file_of_id.setdefault(file_id, display)
    return Report([display for _, display in files], sorted(findings))


def _reported(code: str, config: Config) -> bool:
    return code in ALWAYS_REPORTED or is_selected(code, config.select, config.ignore)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symbolic-link loop
        return str(path)


def check_standard(
    source: Source, standard: StandardFile, settings: Settings, config: Config
) -> Iterator[Finding]:
    """Run the selected rules on one validated standard."""
    for rule in ordered():
        if rule.check is None or not is_selected(rule.code, config.select, config.ignore):
            continue
        for hit in rule.check(standard, settings):
            line, column = source.locate(hit.path, key=hit.key)
            message = hit.zh if standard.language == "zh" else hit.en
            yield Finding(
                source.file,
                line,
                column,
                rule.code,
                hit.severity or rule.severity,
                message,
                waived=_waiver(standard, hit, rule.code),
            )


def _waiver(standard: StandardFile, hit: Hit, code: str) -> str | None:
    """The reason a standard's `ignore:` table gives for this rule, if the hit is inside it."""
    path = hit.path
    if len(path) < 6 or path[0] != "stages" or path[4] != "standards":
        return None
    s, t, n = path[1], path[3], path[5]
    assert isinstance(s, int) and isinstance(t, int) and isinstance(n, int)
    waivers = standard.stages[s].steps[t].standards[n].ignore
    return next((reason for key, reason in waivers.items() if key.upper() == code), None)
