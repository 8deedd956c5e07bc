"""The scorer's figures → the typed report: standards worst first, rollups, groups, warnings.

Everything here works on per-inspection arrays already summed by `aggregate`, or on one row
per standard, group or month; no entry is looked at again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from svcstd.results import BLANK, FAIL, NA, PASS, UNKNOWN, UNREADABLE, parse_date
from svcstd.scoring.options import ENTRY_DIMENSIONS, MAX_KEPT
from svcstd.scoring.report import (
    Accounting,
    Duplicate,
    FactorRollup,
    Figures,
    Group,
    Incomplete,
    Month,
    RedLineGap,
    Report,
    Rollup,
    SourceSummary,
    StandardFileInfo,
    StandardResult,
    Summary,
)
from svcstd.scoring.stats import needed, status, wilson

if TYPE_CHECKING:
    from svcstd.scoring.aggregate import Scored, Scorer


def build_report(
    *,
    scorer: Scorer,
    figures: Scored,
    tallies: npt.NDArray[np.int64],
    totals: npt.NDArray[np.int64],
    duplicates: list[Duplicate],
    duplicate_count: int,
    conflicting: int,
    open_standards: dict[int, list[str]],
    red_line_counts: dict[str, int],
) -> Report:
    catalog, registry, options = scorer.catalog, scorer.registry, scorer.options
    numbers = len(registry.inspections)
    inspections = np.arange(numbers) > 0
    valid = inspections & ~np.isnan(figures.score) & ~figures.incomplete
    periods = _Periods(registry.meta_names)

    standard_rows = _standards(catalog.standards, tallies, options.na_as == "pass")
    groups: list[Group] = []
    if options.by:
        groups = _rank(
            _groups(scorer, figures, valid, periods), options.by, options.min_inspections
        )
    months = [
        Month(month=key[0], **vars(values))
        for key, values in sorted(
            _by_key(
                figures, valid, inspections, periods.keys(registry.metas, ("month",), figures.meta)
            ).items()
        )
        if key[0]
    ]
    scored_count = int(valid.sum())
    incomplete_count = int(figures.incomplete.sum())
    unscored = int((inspections & np.isnan(figures.score) & ~figures.incomplete).sum())
    na_excluded = 0 if options.na_as == "pass" else sum(row.na for row in standard_rows)
    observations = sum(row.observations for row in standard_rows)
    malformed = scorer.row_rejects["malformed"]
    missing_id = scorer.row_rejects["missing_id"]
    entries = int(totals.sum())
    balance = (
        int(totals[BLANK])
        + na_excluded
        + int(totals[UNKNOWN])
        + int(totals[UNREADABLE])
        + duplicate_count
        + conflicting
        + observations
    )
    statuses = Counter(row.status for row in standard_rows)
    summary = Summary(
        rows=sum(source.rows for source in scorer.sources.values()),
        entries=entries + malformed + missing_id,
        observations=observations,
        rejected=int(totals[UNKNOWN])
        + int(totals[UNREADABLE])
        + conflicting
        + malformed
        + missing_id,
        inspections=numbers - 1,
        scored_inspections=scored_count,
        unscored_inspections=unscored,
        incomplete_inspections=incomplete_count,
        score=float(figures.score[valid].mean()) if scored_count else None,
        critical_failures=int(figures.red_line_failed.sum()),
        passes=sum(row.passes for row in standard_rows),
        fails=sum(row.fails for row in standard_rows),
        na_as=options.na_as,
        by=list(options.by),
        accounting=Accounting(
            entries=entries + malformed + missing_id,
            scored=observations,
            blank=int(totals[BLANK]),
            na=na_excluded,
            duplicate=duplicate_count,
            unknown=int(totals[UNKNOWN]),
            unreadable=int(totals[UNREADABLE]),
            conflicting=conflicting,
            malformed=malformed,
            missing_id=missing_id,
            balanced=balance == entries,
        ),
        reject_reasons=dict(scorer.reject_reasons.most_common()),
        standards_total=len(standard_rows),
        standards_meeting=statuses["meets"],
        standards_below=statuses["below"],
        standards_uncertain=statuses["uncertain"],
        standards_unobserved=sum(1 for row in standard_rows if row.observed == 0),
        files=[_source(scorer.sources[index]) for index in sorted(scorer.sources)],
        standard_files=[
            StandardFileInfo(file=display, id=doc.id, title=doc.title, version=doc.version)
            for display, doc in catalog.files
        ],
    )
    incomplete = [
        Incomplete(
            inspection=registry.inspections[number],
            standards=open_standards.get(number, []),
            meta=dict(
                zip(registry.meta_names, registry.metas[int(figures.meta[number])], strict=True)
            ),
        )
        for number in np.flatnonzero(figures.incomplete)[:MAX_KEPT].tolist()
    ]
    gaps = [
        RedLineGap(id=ident, not_inspected=numbers - 1 - present, inspections=numbers - 1)
        for ident, present in red_line_counts.items()
        if present < numbers - 1
    ]
    report = Report(
        summary=summary,
        standards=_pareto(standard_rows),
        stages=_rollup(standard_rows, "stage", catalog),
        factors=_rollup(standard_rows, "factor", catalog),  # type: ignore[arg-type]
        groups=groups,
        months=months,
        unobserved=[row.id for row in standard_rows if row.observed == 0],
        warnings=[],
        duplicates=duplicates,
        rejects=scorer.rejects,
        incomplete=incomplete,
        red_lines_not_inspected=gaps,
    )
    report.warnings = _warnings(
        scorer, report, periods.undated(registry.metas, figures.meta[inspections])
    )
    return report


# --------------------------------------------------------------------------- standards


def _standards(infos: Any, tallies: npt.NDArray[np.int64], na_pass: bool) -> list[StandardResult]:
    """Counts per standard after settling duplicates, with compliance and its interval."""
    rows = []
    for info, tally in zip(infos, tallies.tolist(), strict=True):
        passes = tally[PASS] + (tally[NA] if na_pass else 0)
        fails = tally[FAIL]
        n = passes + fails
        low, high = wilson(passes, n)
        need = needed(info.target)
        rows.append(
            StandardResult(
                id=info.id,
                what=info.what,
                stage=info.stage,
                stage_name=info.stage_name,
                step=info.step,
                factor=info.factor,
                factor_name=info.factor_name,
                threshold=info.threshold,
                critical=info.critical,
                weight=info.weight,
                passes=passes,
                fails=fails,
                na=tally[NA],
                blank=tally[BLANK],
                unreadable=tally[UNREADABLE],
                observations=n,
                observed=tally[PASS] + tally[FAIL] + tally[NA],
                compliance=passes / n if n else None,
                ci_low=low if n else None,
                ci_high=high if n else None,
                target=info.target,
                status=status(passes, fails, info.target),
                needed=need,
                too_few=0 < n < need,
            )
        )
    return rows


def _pareto(rows: list[StandardResult]) -> list[StandardResult]:
    """Worst first: most failures, then lowest compliance; each with its share of all failures."""
    total = sum(row.fails for row in rows)
    ordered = sorted(
        rows,
        key=lambda row: (
            -row.fails,
            row.compliance if row.compliance is not None else 2.0,
            row.observed == 0,
        ),
    )
    cumulative = 0
    for row in ordered:
        cumulative += row.fails
        row.fail_share = row.fails / total if total else 0.0
        row.cumulative_fail_share = cumulative / total if total else 0.0
    return ordered


def _rollup(rows: list[StandardResult], key: str, catalog: Any) -> list[Rollup]:
    """Pooled figures per stage or key factor, in the standard's order."""
    pooled: dict[str, Rollup] = {}
    kind = FactorRollup if key == "factor" else Rollup
    for row in rows:
        ident = getattr(row, key) or ""
        entry = pooled.get(ident)
        if entry is None:
            name = getattr(row, f"{key}_name") or ident or "—"
            entry = pooled[ident] = kind(id=ident, name=name)
        entry.standards += 1
        entry.passes += row.passes
        entry.fails += row.fails
        setattr(
            entry, row.status.replace(" ", "_"), getattr(entry, row.status.replace(" ", "_")) + 1
        )
    importance = {info.factor: info.importance for info in catalog.standards if info.factor}
    for entry in pooled.values():
        n = entry.passes + entry.fails
        if n:
            entry.compliance = entry.passes / n
            entry.ci_low, entry.ci_high = wilson(entry.passes, n)
        if isinstance(entry, FactorRollup):
            entry.importance = importance.get(entry.id)
    return list(pooled.values())


# --------------------------------------------------------------------------- groups


class _Periods:
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


def _by_key(
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


def _groups(
    scorer: Scorer, figures: Scored, valid: npt.NDArray[np.bool_], periods: _Periods
) -> dict[tuple[str, ...], Figures]:
    """Figures per `--by` key: whole inspections, or their stages/factors when asked."""
    by = scorer.options.by
    registry = scorer.registry
    present = np.arange(len(registry.inspections)) > 0
    split = [name for name in by if name in ENTRY_DIMENSIONS]
    if not split:
        return _by_key(figures, valid, present, periods.keys(registry.metas, by, figures.meta))
    return _part_groups(scorer, figures, periods, split)


def _part_groups(
    scorer: Scorer, figures: Scored, periods: _Periods, split: list[str]
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


def _rank(groups: dict[tuple[str, ...], Figures], by: tuple[str, ...], least: int) -> list[Group]:
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


# --------------------------------------------------------------------------- summary


def _source(source: Any) -> SourceSummary:
    return SourceSummary(
        file=source.file,
        format=source.format,
        encoding=source.encoding,
        delimiter=source.delimiter,
        sheet=source.sheet,
        shape=source.shape,
        header_row=source.header_row,
        rows=source.rows,
        empty_rows=source.empty_rows,
        filled_down=source.filled_down,
        columns=source.columns,
        standard_columns=source.standard_columns,
        ignored=source.ignored,
    )


def _warnings(scorer: Scorer, report: Report, undated: int) -> list[str]:
    warnings: list[str] = []
    for index in sorted(scorer.sources):
        warnings.extend(scorer.sources[index].warnings)
    summary = report.summary
    if scorer.inconsistent:
        warnings.append(
            f"{len(scorer.inconsistent)} inspections have rows that disagree on date, site, staff "
            f"or inspector (first: {scorer.inconsistent_example}); the first non-blank values are used"
        )
    if summary.incomplete_inspections:
        listed = ", ".join(item.inspection for item in report.incomplete[:5])
        more = " …" if summary.incomplete_inspections > 5 else ""
        warnings.append(
            f"{summary.incomplete_inspections} inspections are incomplete: a red line has a blank "
            f"or unreadable result ({listed}{more}); they are left out of every mean score"
        )
    for gap in report.red_lines_not_inspected:
        warnings.append(
            f"red line {gap.id} was not inspected in {gap.not_inspected} of {gap.inspections} "
            "inspections (no row or column for it)"
        )
    if undated:
        warnings.append(
            f"{undated} inspections have a date that cannot be read (write YYYY-MM-DD); "
            "they are left out of the monthly trend"
        )
    if summary.accounting and summary.accounting.duplicate:
        warnings.append(
            f"{summary.accounting.duplicate} entries repeat an identical result for the same "
            "inspection and standard; each is counted once"
        )
    if summary.accounting and summary.accounting.conflicting:
        warnings.append(
            f"{summary.accounting.conflicting} entries give different results for the same "
            "inspection and standard; all of them are rejected"
        )
    few = [row for row in report.standards if row.too_few]
    if few:
        listed = ", ".join(f"{row.id} ({row.observations}/{row.needed})" for row in few[:8])
        more = f" and {len(few) - 8} more" if len(few) > 8 else ""
        warnings.append(
            f"{len(few)} standards have too few observations to show their target is met "
            f"(observed/needed): {listed}{more}"
        )
    if report.unobserved:
        listed = ", ".join(report.unobserved[:12]) + (" …" if len(report.unobserved) > 12 else "")
        warnings.append(f"{len(report.unobserved)} standards were never observed: {listed}")
    return warnings
