"""The score report as typed records, from the scorer to every writer.

Each record says what one part of the report holds; `to_json` turns a report into the JSON
that `svcstd score --format json` prints (field names as in docs/design.md: `pass`, `fail` …), so
scripts that read that JSON and writers that read these records see the same figures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from operator import attrgetter
from typing import Any, cast

from svcstd.results import Reject


def _named(json_name: str, default: Any = dataclasses.MISSING) -> Any:
    """A field whose JSON key differs from its Python name (`pass` is a keyword)."""
    return field(default=default, metadata={"json": json_name})


@dataclass
class Accounting:
    """Every entry read, accounted for: these add up to `entries`."""

    entries: int
    scored: int
    blank: int
    na: int
    duplicate: int
    unknown: int
    unreadable: int
    conflicting: int
    malformed: int
    missing_id: int
    balanced: bool


@dataclass
class SourceSummary:
    """What reading one results file found."""

    file: str
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    shape: str
    header_row: int
    rows: int
    empty_rows: int
    filled_down: int
    columns: dict[str, str]
    standard_columns: int
    ignored: list[str]


@dataclass
class StandardFileInfo:
    file: str
    id: str
    title: str
    version: str | None


@dataclass
class Summary:
    rows: int
    entries: int
    observations: int
    rejected: int
    inspections: int
    scored_inspections: int
    unscored_inspections: int
    incomplete_inspections: int
    score: float | None
    critical_failures: int
    passes: int = _named("pass")
    fails: int = _named("fail")
    na_as: str = "exclude"
    by: list[str] = field(default_factory=list)
    accounting: Accounting | None = None
    reject_reasons: dict[str, int] = field(default_factory=dict)
    standards_total: int = 0
    standards_meeting: int = 0
    standards_below: int = 0
    standards_uncertain: int = 0
    standards_unobserved: int = 0
    files: list[SourceSummary] = field(default_factory=list)
    standard_files: list[StandardFileInfo] = field(default_factory=list)
    rejects_file: str | None = None


@dataclass
class StandardResult:
    """One standard's compliance over every inspection."""

    id: str
    what: str
    stage: str
    stage_name: str
    step: str
    factor: str | None
    factor_name: str | None
    threshold: str
    critical: bool
    weight: float
    passes: int = _named("pass")
    fails: int = _named("fail")
    na: int = 0
    blank: int = 0
    unreadable: int = 0
    observations: int = 0
    observed: int = 0
    compliance: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    target: float = 0.95
    status: str = "no data"
    needed: int = 0
    too_few: bool = False
    fail_share: float = 0.0
    cumulative_fail_share: float = 0.0


@dataclass
class Rollup:
    """Pooled figures of the standards of one stage (or one key factor)."""

    id: str
    name: str
    standards: int = 0
    passes: int = _named("pass", 0)
    fails: int = _named("fail", 0)
    meets: int = 0
    below: int = 0
    uncertain: int = 0
    no_data: int = 0
    compliance: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass
class FactorRollup(Rollup):
    importance: float | None = None


@dataclass
class Figures:
    """Inspection figures of a group or a month: counts, mean score, pooled compliance."""

    inspections: int = 0
    scored: int = 0
    incomplete: int = 0
    score: float | None = None
    critical_failures: int = 0
    passes: int = _named("pass", 0)
    fails: int = _named("fail", 0)
    compliance: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass
class Group(Figures):
    key: dict[str, str] = field(default_factory=dict)
    rank: int | None = None
    too_few: bool = False
    of: int = 0


@dataclass
class Month(Figures):
    month: str = ""


@dataclass
class Duplicate:
    file: str
    row: int
    inspection: str
    standard: str
    value: str
    first_file: str
    first_row: int


@dataclass
class Incomplete:
    """An inspection left out of the means: a red line has no usable result."""

    inspection: str
    standards: list[str]
    meta: dict[str, str]


@dataclass
class RedLineGap:
    """A red-line standard some inspections did not include at all."""

    id: str
    not_inspected: int
    inspections: int


@dataclass
class Report:
    summary: Summary
    standards: list[StandardResult]
    stages: list[Rollup]
    factors: list[FactorRollup]
    groups: list[Group]
    months: list[Month]
    unobserved: list[str]
    warnings: list[str]
    duplicates: list[Duplicate]
    rejects: list[Reject]
    incomplete: list[Incomplete]
    red_lines_not_inspected: list[RedLineGap]


# Key order of the JSON objects as scripts have known them (figures before rank, key first).
_FIRST = {Group: ("key",), Month: ("month",)}
_PLAIN = (str, int, bool, type(None))


@cache
def _keys(kind: Any) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """A record's JSON keys in order, and a getter of its values in that order."""
    pairs = [(item.name, item.metadata.get("json", item.name)) for item in dataclasses.fields(kind)]
    first = _FIRST.get(kind, ())
    pairs.sort(key=lambda pair: pair[1] not in first)
    names = [name for name, _ in pairs]
    getter = attrgetter(*names) if len(names) > 1 else lambda record: (getattr(record, names[0]),)
    return tuple(key for _, key in pairs), getter


def to_json(value: Any) -> Any:
    """A report (or any part) as JSON-ready data: records as objects with their JSON keys,
    NaN as null. (Tens of thousands of groups: plain values are passed through unlooked-at.)"""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return None if value != value else value
    if kind is list or kind is tuple:
        return [to_json(item) for item in value]
    if kind is dict:
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, str | int):  # an option's enum value, such as --na-as
        return value.value if isinstance(value, Enum) else value
    keys, values = _keys(cast(Hashable, kind))
    return {
        key: item
        if type(item) in _PLAIN or (type(item) is float and item == item)
        else to_json(item)
        for key, item in zip(keys, values(value), strict=True)
    }
