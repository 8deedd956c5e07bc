"""Settings from `svcstd.toml` or `[tool.svcstd]` in pyproject.toml, merged with the options.

The nearest file from the first checked path upwards wins, as with ruff: a project keeps its
`select`, `ignore`, `strict`, `exclude` and P4 limit next to its standards and CI.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svcstd.errors import SvcstdError
from svcstd.rules.text import DEFAULT, Vocabulary

KEYS = (
    "select",
    "ignore",
    "strict",
    "exclude",
    "max-standards-per-step",
    "vague-words",
    "not-vague",
    "terms",
)
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Config:
    """Where settings came from and what they are (options override files)."""

    root: Path = field(default_factory=Path.cwd)  # exclude patterns are relative to this
    source: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    exclude: tuple[str, ...] = ()
    max_standards_per_step: int = 7
    today: dt.date = field(default_factory=dt.date.today)
    vocabulary: Vocabulary = DEFAULT  # vague words and terms of art a project adds or removes


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest svcstd.toml, or pyproject.toml with a [tool.svcstd] table, from `start` up."""
    for folder in (start, *start.parents):
        candidate = folder / "svcstd.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _tool_table(candidate, _read_toml(candidate))
            if table is not None:
                return candidate, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise SvcstdError(f"cannot read settings: {error.strerror or error}", str(path)) from None
    except UnicodeDecodeError as error:
        raise SvcstdError(
            f"settings file is not UTF-8 text (byte {error.start + 1}); save it as UTF-8",
            str(path),
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise SvcstdError(f"cannot read settings: {error}", str(path)) from None


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """`[tool.svcstd]` of a pyproject.toml, if there is one; a `tool` or `tool.svcstd` that
    is not a table is a mistake in the file, said as such."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise SvcstdError("'tool' must be a table ([tool.svcstd])", str(path))
    table = tool.get("svcstd")
    if table is not None and not isinstance(table, dict):
        raise SvcstdError("'tool.svcstd' must be a table: [tool.svcstd]", str(path))
    return table


def load_config(explicit: Path | None = None, start: Path | None = None) -> Config:
    """Settings from `explicit`, or from the nearest config file above `start`, or defaults."""
    cwd = Path.cwd()
    if explicit is not None:
        if not explicit.is_file():
            raise SvcstdError("settings file not found", str(explicit))
        data = _read_toml(explicit)
        if explicit.name == "pyproject.toml":
            data = _tool_table(explicit, data) or {}
        found: tuple[Path, dict[str, Any]] | None = (explicit, data)
    else:
        found = find_config_file((start or cwd).resolve())
    if found is None:
        return Config(root=cwd)
    path, table = found
    return _from_table(path, table)


def _from_table(path: Path, table: dict[str, Any]) -> Config:
    from svcstd.rules import parse_codes

    where = str(path)
    for key in table:
        if key not in KEYS:
            hint = difflib.get_close_matches(key, KEYS, n=1)
            also = f"; did you mean '{hint[0]}'?" if hint else f"; known: {', '.join(KEYS)}"
            raise SvcstdError(f"unknown setting '{key}'{also}", where)
    strict = table.get("strict", False)
    limit = table.get("max-standards-per-step", 7)
    exclude = table.get("exclude", [])
    if not isinstance(strict, bool):
        raise SvcstdError("'strict' must be true or false", where)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise SvcstdError("'max-standards-per-step' must be a whole number ≥ 1", where)
    if not isinstance(exclude, list) or not all(isinstance(p, str) for p in exclude):
        raise SvcstdError("'exclude' must be a list of paths or glob patterns", where)
    for key in ("select", "ignore"):
        codes = table.get(key)
        if codes is not None and not (
            isinstance(codes, str)
            or (isinstance(codes, list) and all(isinstance(c, str) for c in codes))
        ):
            raise SvcstdError(f'\'{key}\' must be rule codes: "P,C2" or ["P", "C2"]', where)
    try:
        select, ignore = parse_codes(table.get("select")), parse_codes(table.get("ignore"))
    except SvcstdError as error:
        raise SvcstdError(error.message, where) from None
    vocabulary = Vocabulary(
        vague=_words(table, "vague-words", where),
        not_vague=_words(table, "not-vague", where),
        terms=_words(table, "terms", where),
    )
    return Config(
        root=path.parent.resolve(),
        source=path,
        select=select,
        ignore=ignore,
        strict=strict,
        exclude=tuple(exclude),
        max_standards_per_step=limit,
        vocabulary=vocabulary,
    )


def _words(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """`key = {zh = ["…"], en = ["…"]}`: words per language, checked like the other settings."""
    value = table.get(key, {})
    shape = f'\'{key}\' must be a table of word lists per language, e.g. {key} = {{zh = ["…"], en = ["…"]}}'
    if not isinstance(value, dict):
        raise SvcstdError(shape, where)
    words: list[str] = []
    for language, items in value.items():
        if language not in LANGUAGES:
            raise SvcstdError(
                f"'{key}' has unknown language '{language}'; use {' or '.join(LANGUAGES)}", where
            )
        if not isinstance(items, list) or not all(isinstance(w, str) and w.strip() for w in items):
            raise SvcstdError(f"'{key}.{language}' must be a list of non-empty words", where)
        words.extend(w.strip() for w in items)
    return tuple(words)
