"""Figures per `--by` group and per month, from per-inspection arrays; groups ranked.

Keys come from each inspection's metadata (a column, or the month or ISO week of its date);
`--by stage` and `--by factor` split an inspection into its parts, where a red line fails only
its own part. Ranks are given within the other `--by` keys, to groups with enough inspections.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from svcstd.results import FAIL, NA, PASS, parse_date
from svcstd.scoring.options import ENTRY_DIMENSIONS
from svcstd.scoring.report import Figures, Group
from svcstd.scoring.stats import wilson

if TYPE_CHECKING:
    from svcstd.scoring.aggregate import Scored, Scorer


class Periods:
    """Group keys of inspections' metadata: the columns `--by` names, or the month (2025-03)
    or ISO week (2025-W09) of the date, each date parsed once."""

    def __init__(self, meta_names: tuple[str, ...]) -> None:
        self.slots = {name: position for position, name in enumerate(meta_names)}
        self.months = _Derived(lambda date: date.strftime("%Y-%m"))
        self.weeks = _Derived(_week)

    def keys(
        self, metas: list[tuple[str, ...]], by: tuple[str, ...], of: npt.NDArray[np.uint32]
    ) -> tuple[list[tuple[str, ...]], npt.NDArray[np.int64]]:
        """The distinct keys of inspections' metadata, and each inspection's key number
        (stage and factor parts are left blank, to be filled per entry)."""
        distinct, inverse = np.unique(of, return_inverse=True)
        values = [metas[meta] for meta in distinct.tolist()]
        columns: list[list[str]] = []
        for name in by:
            if name in ("month", "week") and "date" in self.slots:
                dates = map(itemgetter(self.slots["date"]), values)
                table = self.months if name == "month" else self.weeks
                columns.append(list(map(table.__getitem__, dates)))
            elif name in self.slots:
                columns.append(list(map(itemgetter(self.slots[name]), values)))
            else:
                columns.append([""] * len(values))
        numbering = _Numbering()
        keyed = zip(*columns, strict=True) if columns else iter([()] * len(values))
        number_of = np.fromiter(map(numbering.__getitem__, keyed), np.int64, len(values))
        return list(numbering), number_of[inverse.reshape(-1)]

    def undated(self, metas: list[tuple[str, ...]], of: npt.NDArray[np.uint32]) -> int:
        """Inspections with a date that cannot be read."""
        if "date" not in self.slots:
            return 0
        slot = self.slots["date"]
        distinct, counts = np.unique(of, return_counts=True)
        return sum(
            count
            for meta, count in zip(distinct.tolist(), counts.tolist(), strict=True)
            if metas[meta][slot] and not self.months[metas[meta][slot]]
        )


class _Derived(dict[str, str]):
    """Date text → a period of it ("" when the text is no date), computed once per text."""

    def __init__(self, period: Callable[[dt.date], str]) -> None:
        super().__init__()
        self.period = period

    def __missing__(self, text: str) -> str:
        date = parse_date(text) if text else None
        found = self[text] = self.period(date) if date else ""
        return found


class _Numbering(dict[tuple[str, ...], int]):
    """Keys numbered in the order first seen."""

    def __missing__(self, key: tuple[str, ...]) -> int:
        number = self[key] = len(self)
        return number


def _week(date: dt.date) -> str:
    year, week, _ = date.isocalendar()
    return f"{year}-W{week:02d}"


def figures_by_key(
    figures: Scored,
    valid: npt.NDArray[np.bool_],
    present: npt.NDArray[np.bool_],
    keyed: tuple[list[tuple[str, ...]], npt.NDArray[np.int64]],
) -> dict[tuple[str, ...], Figures]:
    """Figures of whole inspections summed per key."""
    keys, number = keyed
    return _sum_figures(
        keys,
        number[present],
        figures.score[present],
        valid[present],
        figures.incomplete[present],
        figures.red_line_failed[present],
        figures.passes[present],
        figures.fails[present],
    )


def _sum_figures(
    keys: list[tuple[str, ...]],
    number: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
    valid: npt.NDArray[np.bool_],
    incomplete: npt.NDArray[np.bool_],
    red: npt.NDArray[np.bool_],
    passes: npt.NDArray[np.int64],
    fails: npt.NDArray[np.int64],
) -> dict[tuple[str, ...], Figures]:
    size = len(keys)
    counted = np.bincount(number, minlength=size)
    scored = np.bincount(number[valid], minlength=size)
    total = np.bincount(number[valid], weights=score[valid], minlength=size)
    result = {}
    columns = zip(
        counted.tolist(),
        scored.tolist(),
        total.tolist(),
        np.bincount(number[incomplete], minlength=size).tolist(),
        np.bincount(number[red], minlength=size).tolist(),
        np.bincount(number, weights=passes, minlength=size).tolist(),
        np.bincount(number, weights=fails, minlength=size).tolist(),
        strict=True,
    )
    for key, (count, scored_n, score_sum, open_n, red_n, pass_n, fail_n) in zip(
        keys, columns, strict=True
    ):
        if not count:
            continue
        n = int(pass_n + fail_n)
        low, high = wilson(int(pass_n), n) if n else (None, None)
        result[key] = Figures(
            inspections=int(count),
            scored=int(scored_n),
            incomplete=int(open_n),
            score=score_sum / scored_n if scored_n else None,
            critical_failures=int(red_n),
            passes=int(pass_n),
            fails=int(fail_n),
            compliance=pass_n / n if n else None,
            ci_low=low,
            ci_high=high,
        )
    return result


def group_figures(
    scorer: Scorer, figures: Scored, valid: npt.NDArray[np.bool_], periods: Periods
) -> dict[tuple[str, ...], Figures]:
    """Figures per `--by` key: whole inspections, or their stages/factors when asked."""
    by = scorer.options.by
    registry = scorer.registry
    present = np.arange(len(registry.inspections)) > 0
    split = [name for name in by if name in ENTRY_DIMENSIONS]
    if not split:
        return figures_by_key(
            figures, valid, present, periods.keys(registry.metas, by, figures.meta)
        )
    return _part_groups(scorer, figures, periods, split)


def _part_groups(
    scorer: Scorer, figures: Scored, periods: Periods, split: list[str]
) -> dict[tuple[str, ...], Figures]:
    """Figures per stage and/or factor of each inspection: a red line fails only its part."""
    catalog, registry, options = scorer.catalog, scorer.registry, scorer.options
    by = options.by
    labels = [
        [info.stage if name == "stage" else (info.factor or "") for name in split]
        for info in catalog.standards
    ]
    part_names: dict[tuple[str, ...], int] = {}
    part_of = np.array(
        [part_names.setdefault(tuple(label), len(part_names)) for label in labels], dtype=np.int64
    )
    parts = list(part_names)
    inspection, standard, verdict = (
        figures.entry_inspection,
        figures.entry_standard,
        figures.entry_verdict,
    )
    combined = inspection * len(parts) + part_of[standard]
    pairs, which = np.unique(combined, return_inverse=True)
    which = which.reshape(-1)
    na_pass = options.na_as == "pass"
    weight = np.array([info.weight for info in catalog.standards])[standard]
    critical = np.array([info.critical for info in catalog.standards])[standard]
    passed = (verdict == PASS) | ((verdict == NA) & na_pass)
    applicable = passed | (verdict == FAIL)
    size = len(pairs)
    weight_applicable = np.bincount(which, weights=weight * applicable, minlength=size)
    weight_passed = np.bincount(which, weights=weight * passed, minlength=size)
    red = np.bincount(which[(verdict == FAIL) & critical], minlength=size) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(weight_applicable > 0, 100.0 * weight_passed / weight_applicable, np.nan)
    score[red] = 0.0
    pair_inspection = pairs // len(parts)
    incomplete = figures.incomplete[pair_inspection]
    valid = ~np.isnan(score) & ~incomplete
    base_keys, base = periods.keys(registry.metas, by, figures.meta[pair_inspection])
    groups, number = np.unique(base * len(parts) + pairs % len(parts), return_inverse=True)
    keys = []
    for group in groups.tolist():
        key = list(base_keys[group // len(parts)])
        for name, value in zip(split, parts[group % len(parts)], strict=True):
            key[by.index(name)] = value
        keys.append(tuple(key))
    return _sum_figures(
        keys,
        number.reshape(-1),
        score,
        valid,
        incomplete,
        red,
        np.bincount(which, weights=passed, minlength=size).astype(np.int64),
        np.bincount(which[verdict == FAIL], minlength=size).astype(np.int64),
    )


def ranked_groups(
    groups: dict[tuple[str, ...], Figures], by: tuple[str, ...], least: int
) -> list[Group]:
    """Groups with mean score and counts, ranked among groups sharing the other --by keys;
    time groups (date, month, week) in time order."""
    partitions: dict[tuple[str, ...], list[Group]] = defaultdict(list)
    for key, values in groups.items():
        item = Group(key=dict(zip(by, key, strict=True)), **vars(values))
        item.too_few = item.scored < least
        partitions[key[1:]].append(item)
    ordered: list[Group] = []
    for partition in sorted(partitions, key=_natural_key):
        members = partitions[partition]
        ranked = [m for m in members if not m.too_few and m.score is not None]
        ranked.sort(key=lambda m: _natural_key(m.key.values()))
        ranked.sort(key=lambda m: -(m.score or 0.0))  # ties keep the natural order of names
        previous, rank = None, 0
        for position, member in enumerate(ranked, start=1):
            if member.score != previous:
                rank, previous = position, member.score
            member.rank = rank
        rest = [m for m in members if m.rank is None]
        rest.sort(key=lambda m: _natural_key(m.key.values()))
        rest.sort(key=lambda m: 1.0 if m.score is None else -m.score)
        for member in members:
            member.of = len(ranked)
        ordered.extend(ranked)
        ordered.extend(rest)
    return ordered


DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=65536)
def _natural(value: str) -> tuple[Any, ...]:
    parts = DIGITS.split(value or "\uffff")
    return tuple(int(part) if part.isdigit() else part for part in parts)


def _natural_key(values: Iterable[str]) -> tuple[Any, ...]:
    """Sort 网点2 before 网点10 and blanks last."""
    return tuple(map(_natural, values))
