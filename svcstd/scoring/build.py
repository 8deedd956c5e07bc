"""The scorer's figures → the typed report: standards worst first, rollups, groups, warnings.

Everything here works on per-inspection arrays already summed by `aggregate`, or on one row
per standard, group or month; no entry is looked at again.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from svcstd.results import BLANK, FAIL, NA, PASS, UNKNOWN, UNREADABLE
from svcstd.scoring.groups import Periods, figures_by_key, group_figures, ranked_groups
from svcstd.scoring.options import MAX_KEPT
from svcstd.scoring.report import (
    Accounting,
    Duplicate,
    FactorRollup,
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
    periods = Periods(registry.meta_names)

    standard_rows = _standards(catalog.standards, tallies, options.na_as == "pass")
    groups: list[Group] = []
    if options.by:
        groups = ranked_groups(
            group_figures(scorer, figures, valid, periods), options.by, options.min_inspections
        )
    months = [
        Month(month=key[0], **vars(values))
        for key, values in sorted(
            figures_by_key(
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
