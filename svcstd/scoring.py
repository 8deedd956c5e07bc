"""Judged entries → inspection scores, compliance per standard, groups; pure, no I/O.

The definitions are the contract of SPEC §4:
- an inspection's score is 100 × Σ weight·pass / Σ weight over its applicable standards, and a
  failed critical standard (a red line) fails the inspection: score 0, flagged;
- a standard's compliance is passes / (passes + fails), with a 95 % Wilson interval, judged
  against its target as `meets`, `below` or `uncertain` (the interval straddles the target);
- nothing is lost: every entry read is blank, not applicable, an unknown standard, an
  unreadable value, an identical duplicate (counted once), a conflicting duplicate (all copies
  rejected) or scored — and the summary shows that these add up.

Memory grows with inspections and groups, not rows: per inspection the scorer keeps its
metadata, the codes of its entries (4 bytes each, at most one per standard once duplicates are
settled) and where they came from.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import itemgetter, ne, rshift
from typing import Any

from svcstd.errors import SvcstdError
from svcstd.results import (
    BLANK,
    FAIL,
    NA,
    PASS,
    UNKNOWN,
    UNREADABLE,
    Batch,
    Catalog,
    ReadOptions,
    Reject,
    SourceInfo,
    parse_date,
)

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
MIN_INSPECTIONS = 5  # a group with fewer scored inspections is shown but not ranked
FINISH_SLICE = 8192  # inspections scored together in finish()
TARGET_ONE_NEEDED = 30  # observations before a 100 % target can be judged at all
MAX_KEPT = 1000  # rejects and duplicates kept for reports (all go to --rejects)

GROUP_DIMENSIONS = ("site", "staff", "inspector", "date", "month", "week", "stage", "factor")


def wilson(passes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion: honest at small n and near 0 or 1."""
    if n == 0:
        return 0.0, 1.0
    share = passes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if passes == 0 else max(0.0, centre - half)
    high = 1.0 if passes == n else min(1.0, centre + half)
    return low, high


def needed(target: float, z: float = Z95) -> int:
    """Observations needed before even a perfect record could show `target` is met.

    With every observation a pass, the Wilson lower bound is n / (n + z²); it reaches the
    target when n ≥ target·z² / (1 − target). A 100 % target can never be shown that way:
    it is judged on "no failures", and fewer than `TARGET_ONE_NEEDED` observations are flagged
    as too few.
    """
    if target <= 0:
        return 0
    if target >= 1:
        return TARGET_ONE_NEEDED
    return math.ceil(target * z * z / (1 - target) - 1e-9)


def status(passes: int, fails: int, target: float) -> str:
    """`meets`, `below`, `uncertain` (the interval straddles the target) or `no data`."""
    n = passes + fails
    if n == 0:
        return "no data"
    if target >= 1:
        return "meets" if fails == 0 else "below"
    low, high = wilson(passes, n)
    if low >= target:
        return "meets"
    if high < target:
        return "below"
    return "uncertain"


@dataclass(frozen=True)
class ScoreOptions:
    """How to score: N/A as excluded or as a pass, and what to group by."""

    na_as: str = "exclude"  # exclude | pass
    by: tuple[str, ...] = ()
    min_inspections: int = MIN_INSPECTIONS


def parse_by(text: str | None) -> tuple[str, ...]:
    """`--by site,month` as ("site", "month"); any other name is a results column."""
    if not text:
        return ()
    names = tuple(part.strip() for part in text.replace("，", ",").split(",") if part.strip())
    lowered = tuple(
        name.casefold() if name.casefold() in GROUP_DIMENSIONS else name for name in names
    )
    if len(set(lowered)) != len(lowered):
        raise SvcstdError(f"--by {text!r} names a column twice")
    return lowered


def read_options_for(by: Sequence[str], options: ReadOptions) -> ReadOptions:
    """The reader keeps the columns grouping needs beyond date, site, staff and inspector."""
    extra = tuple(name for name in by if name not in GROUP_DIMENSIONS)
    return ReadOptions(
        encoding=options.encoding,
        delimiter=options.delimiter,
        sheet=options.sheet,
        columns=options.columns,
        keep=extra,
    )


# What is kept per inspection, as a list for speed: [metadata, entry codes, spans], where a
# span (file index, first row, entries, row step) says which rows the codes came from.
META, CODES, SPANS = 0, 1, 2
Record = list[Any]


def _where(record: Record, position: int) -> tuple[int, int]:
    """(file index, row) of the entry at `position` in an inspection's codes."""
    for file_index, first, count, step in record[SPANS]:
        if position < count:
            return file_index, first + position * step
        position -= count
    raise IndexError(position)  # pragma: no cover - positions come from the codes


class Scorer:
    """Feed it batches; `finish()` returns the report as JSON-ready data (SPEC §4 keys)."""

    def __init__(
        self,
        catalog: Catalog,
        options: ScoreOptions | None = None,
        meta_names: Sequence[str] = ("date", "site", "staff", "inspector"),
        on_reject: Callable[[Reject], None] | None = None,
    ) -> None:
        self.catalog = catalog
        self.options = options or ScoreOptions()
        if self.options.na_as not in ("exclude", "pass"):
            raise ValueError("na_as is exclude or pass")
        self.meta_names = tuple(meta_names)
        self.on_reject = on_reject
        self.inspections: dict[str, Record] = {}
        self.inspection_count = 0
        self.counts: Counter[int] = Counter()
        self.sources: dict[int, SourceInfo] = {}
        self.rejects: list[dict[str, Any]] = []
        self.reject_reasons: Counter[str] = Counter()
        self.malformed = 0
        self.inconsistent = 0
        self.inconsistent_example = ""
        # per reading code: standard, verdict and what the code adds to a score
        self.std_of: list[int] = []
        self.verdict_of: list[int] = []
        # per code, everything it adds to an inspection's figures packed in one int, so that
        # one C-level sum per inspection gives passes, fails, red lines and both weight sums
        self.packed: list[int] = []
        self.unstored: set[int] = set()

    # -- reading

    def _sync(self) -> None:
        """Extend the per-code tables to readings judged since the last batch."""
        readings = self.catalog.readings
        standards = self.catalog.standards
        na_pass = self.options.na_as == "pass"
        for code in range(len(self.std_of), len(readings)):
            reading = readings[code]
            verdict = reading.verdict
            scored = verdict in (PASS, FAIL) or (verdict == NA and na_pass)
            weight = standards[reading.standard].weight if reading.standard >= 0 else 0.0
            critical = reading.standard >= 0 and standards[reading.standard].critical
            self.std_of.append(reading.standard)
            self.verdict_of.append(verdict)
            passed = scored and verdict != FAIL
            self.packed.append(
                _pack(
                    passes=int(passed),
                    fails=int(verdict == FAIL),
                    critical=int(verdict == FAIL and critical),
                    weight_passed=weight if passed else 0.0,
                    weight_applicable=weight if scored else 0.0,
                    standard=reading.standard,
                )
            )
            if verdict not in (PASS, FAIL, NA) or reading.standard < 0:
                self.unstored.add(code)

    def add(self, batch: Batch) -> None:
        """Take one batch of entries: count them, reject what cannot be used, keep the rest."""
        self._sync()
        self.sources[batch.file_index] = batch.source
        for reject in batch.rejects:
            self.malformed += 1
            self._reject(reject)
        codes = batch.codes
        if not codes:
            return
        self.counts.update(codes)
        dirty = bool(self.unstored) and not self.unstored.isdisjoint(codes)
        file_index = batch.file_index
        inspections = self.inspections
        get = inspections.get
        position = 0
        if not dirty:  # the common case: every entry is a pass, fail or N/A of a known standard
            for inspection, meta, first, count, step in batch.runs:
                end = position + count
                record = get(inspection)
                if record is None:
                    inspections[inspection] = [
                        meta,
                        array("I", codes[position:end]),
                        [(file_index, first, count, step)],
                    ]
                else:
                    self._extend(record, inspection, meta, codes[position:end], first, batch)
                    record[SPANS].append((file_index, first, count, step))
                position = end
            return
        for inspection, meta, first, count, step in batch.runs:
            run = codes[position : position + count]
            position += count
            if not self.unstored.isdisjoint(run):
                kept, spans = self._keep(batch, inspection, run, file_index, first, step)
            else:
                kept, spans = run, [(file_index, first, count, step)]
            if not inspection:
                continue  # blank template rows that belong to no inspection
            record = get(inspection)
            if record is None:
                inspections[inspection] = [meta, array("I", kept), spans]
            else:
                self._extend(record, inspection, meta, kept, first, batch)
                record[SPANS].extend(spans)

    def _extend(
        self,
        record: Record,
        inspection: str,
        meta: tuple[str, ...],
        codes: list[int],
        first: int,
        batch: Batch,
    ) -> None:
        """More entries for an inspection seen before (its rows were not all together)."""
        record[CODES].extend(codes)
        if record[META] != meta:
            record[META] = self._merge_meta(inspection, record[META], meta, first, batch)

    def _keep(
        self, batch: Batch, inspection: str, run: list[int], file_index: int, first: int, step: int
    ) -> tuple[list[int], list[tuple[int, ...]]]:
        """The storable entries of a run (pass/fail/N/A of a known standard) and their rows;
        unreadable values and unknown standards are rejected here, with their row."""
        readings = self.catalog.readings
        kept: list[int] = []
        spans: list[tuple[int, ...]] = []
        for offset, code in enumerate(run):
            row = first + offset * step
            if code not in self.unstored:
                kept.append(code)
                if spans and step and spans[-1][1] + spans[-1][2] == row:
                    last = spans[-1]
                    spans[-1] = (last[0], last[1], last[2] + 1, 1)
                elif spans and not step:
                    last = spans[-1]
                    spans[-1] = (last[0], last[1], last[2] + 1, 0)
                else:
                    spans.append((file_index, row, 1, step))
                continue
            reading = readings[code]
            if reading.verdict in (UNREADABLE, UNKNOWN):
                reason = reading.reason
                if reading.verdict == UNREADABLE:
                    reason = f"unreadable value: {reason}"
                self._reject(
                    Reject(
                        batch.source.file,
                        row,
                        reason,
                        inspection=inspection,
                        standard=reading.label,
                        value=reading.raw,
                    )
                )
        return kept, spans

    def _merge_meta(
        self,
        inspection: str,
        old: tuple[str, ...],
        new: tuple[str, ...],
        first: int,
        batch: Batch,
    ) -> tuple[str, ...]:
        """Fill blanks of an inspection's metadata from later rows; count disagreements."""
        merged = tuple(a or b for a, b in zip(old, new, strict=True))
        if any(a and b and a != b for a, b in zip(old, new, strict=True)):
            self.inconsistent += 1
            if not self.inconsistent_example:
                self.inconsistent_example = (
                    f"{batch.source.file}, row {first}: inspection {inspection}"
                )
        return merged

    def _reject(self, reject: Reject) -> None:
        self.reject_reasons[_reason_kind(reject.reason)] += 1
        if len(self.rejects) < MAX_KEPT:
            self.rejects.append(asdict(reject))
        if self.on_reject is not None:
            self.on_reject(reject)

    # -- results

    def finish(self) -> dict[str, Any]:
        """Settle duplicates, score every inspection, and build the report.

        The inspections are released as they are scored: a scorer finishes once.
        """
        self._sync()
        adjust: Counter[int] = Counter()  # entries moved out of their reading's count
        duplicates: list[dict[str, Any]] = []
        duplicate_count = conflicting = 0
        by = self.options.by
        by_entry = [name for name in by if name in ("stage", "factor")]
        groups: dict[tuple[str, ...], list[float]] = defaultdict(_accumulator)
        months: dict[str, list[float]] = defaultdict(_accumulator)
        periods = _PeriodCache()
        meta_index = {name: index for index, name in enumerate(self.meta_names)}
        std_of = self.std_of
        date_index = meta_index.get("date")

        # where each --by part of a group key comes from: a metadata column, month or week
        slots = [
            (-1 if name == "month" else -2 if name == "week" else meta_index.get(name, -3))
            for name in by
        ]
        packed = self.packed.__getitem__
        totals_seen = {"scored": 0, "score": 0.0, "unscored": 0, "critical": 0, "undated": 0}
        inspection_count = len(self.inspections)
        # inspections are scored a slice at a time (C-level maps within a slice) and released
        # as they go, so the report is built in the memory the inspections took
        while self.inspections:
            names = list(islice(self.inspections, FINISH_SLICE))
            records = [self.inspections.pop(name) for name in names]
            # one C-level sum per inspection of its packed codes (see _pack)
            all_codes: list[Sequence[int]] = list(map(itemgetter(CODES), records))
            totals = list(map(sum, map(map, repeat(packed), all_codes)))
            # n distinct powers of two sum to n one-bits; a repeated standard carries, so fewer
            bits = map(int.bit_count, map(rshift, totals, repeat(MASK_SHIFT)))
            for index in list(compress(itertools.count(), map(ne, bits, map(len, all_codes)))):
                record = records[index]
                stds = list(map(std_of.__getitem__, record[CODES]))
                settled, found_dups, found_conflicts = self._settle(
                    names[index], record, stds, adjust, duplicates
                )
                duplicate_count += found_dups
                conflicting += found_conflicts
                all_codes[index] = settled
                totals[index] = sum(map(packed, settled))
            figures_all = list(map(_unpack, totals))
            scores = [figure[0] for figure in figures_all if figure[0] is not None]
            totals_seen["scored"] += len(scores)
            totals_seen["score"] += sum(scores)
            totals_seen["unscored"] += len(figures_all) - len(scores)
            totals_seen["critical"] += sum(map(itemgetter(1), figures_all))
            metas = list(map(itemgetter(META), records))
            if date_index is not None:
                dates = list(map(itemgetter(date_index), metas))
                period_of = list(map(periods.get, dates))
                totals_seen["undated"] += sum(
                    1
                    for text, (month, _) in zip(dates, period_of, strict=True)
                    if text and not month
                )
            else:
                period_of = [("", "")] * len(records)
            # the inspections' group keys, column by column (stage and factor parts are "")
            keys = (
                list(zip(*(_key_column(slot, metas, period_of) for slot in slots), strict=True))
                if by
                else [()] * len(records)
            )
            for figures, (month, _), base, codes in zip(
                figures_all, period_of, keys, all_codes, strict=True
            ):
                if month:
                    _add(months[month], figures)
                if not by:
                    continue
                if not by_entry:
                    _add(groups[base], figures)
                    continue
                for parts, part_figures in self._split(codes, by_entry).items():
                    key = list(base)
                    for name, value in zip(by_entry, parts, strict=True):
                        key[by.index(name)] = value
                    _add(groups[tuple(key)], part_figures)
        self.inspection_count = inspection_count
        scored_count = int(totals_seen["scored"])
        mean_score = totals_seen["score"] / scored_count if scored_count else None
        critical_failures = int(totals_seen["critical"])
        unscored = int(totals_seen["unscored"])
        undated = int(totals_seen["undated"])

        standard_rows = self._standards(adjust)
        summary = self._summary(
            standard_rows,
            (scored_count, mean_score),
            critical_failures,
            unscored,
            duplicate_count,
            conflicting,
        )
        warnings = self._warnings(standard_rows, undated, duplicate_count, conflicting)
        return {
            "summary": summary,
            "standards": _pareto(standard_rows),
            "stages": self._rollup(standard_rows, "stage"),
            "factors": self._rollup(standard_rows, "factor"),
            "groups": self._groups(groups),
            "months": [
                {"month": month, **_group_figures(values)}
                for month, values in sorted(months.items())
            ],
            "unobserved": [row["id"] for row in standard_rows if row["observed"] == 0],
            "warnings": warnings,
            "duplicates": duplicates,
            "rejects": self.rejects,
        }

    def _figures(self, codes: Sequence[int]) -> tuple[float | None, bool, int, int]:
        """(score, failed a red line, passes, fails) of one inspection's settled entries."""
        return _unpack(sum(map(self.packed.__getitem__, codes)))

    def _split(
        self, codes: Sequence[int], dimensions: list[str]
    ) -> dict[tuple[str, ...], tuple[float | None, bool, int, int]]:
        """An inspection's figures per stage and/or factor (a red line fails only its part)."""
        standards = self.catalog.standards
        parts: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for code in codes:
            info = standards[self.std_of[code]]
            key = tuple(
                info.stage if name == "stage" else (info.factor or "") for name in dimensions
            )
            parts[key].append(code)
        return {key: self._figures(part) for key, part in parts.items()}

    def _settle(
        self,
        inspection: str,
        record: Record,
        stds: list[int],
        adjust: Counter[int],
        duplicates: list[dict[str, Any]],
    ) -> tuple[list[int], int, int]:
        """One entry per standard: identical copies count once, disagreeing ones are rejected."""
        positions: dict[int, list[int]] = defaultdict(list)
        for position, std in enumerate(stds):
            positions[std].append(position)
        codes = record[CODES]
        kept: list[int] = []
        found_dups = found_conflicts = 0
        readings = self.catalog.readings
        for std, places in positions.items():
            if len(places) == 1:
                kept.append(codes[places[0]])
                continue
            meanings = {codes[place] for place in places}
            standard_id = self.catalog.standards[std].id
            if len(meanings) == 1:
                kept.append(codes[places[0]])
                first_file, first_row = _where(record, places[0])
                for place in places[1:]:
                    found_dups += 1
                    adjust[codes[place]] += 1
                    if len(duplicates) < MAX_KEPT:
                        file_index, row = _where(record, place)
                        duplicates.append(
                            {
                                "file": self._file(file_index),
                                "row": row,
                                "inspection": inspection,
                                "standard": standard_id,
                                "value": readings[codes[place]].raw,
                                "first_file": self._file(first_file),
                                "first_row": first_row,
                            }
                        )
                continue
            described = "; ".join(
                f"{readings[codes[place]].raw or '(blank)'!s} at row {_where(record, place)[1]}"
                for place in places
            )
            for place in places:
                found_conflicts += 1
                adjust[codes[place]] += 1
                file_index, row = _where(record, place)
                self._reject(
                    Reject(
                        self._file(file_index),
                        row,
                        f"conflicting duplicate: inspection {inspection} has different results "
                        f"for {standard_id} ({described})",
                        inspection=inspection,
                        standard=standard_id,
                        value=readings[codes[place]].raw,
                    )
                )
        return kept, found_dups, found_conflicts

    def _file(self, file_index: int) -> str:
        source = self.sources.get(file_index)
        return source.file if source else str(file_index)

    def _standards(self, adjust: Counter[int]) -> list[dict[str, Any]]:
        """Counts per standard after settling duplicates, with compliance and its interval."""
        standards = self.catalog.standards
        tallies = [[0] * 6 for _ in standards]
        for code, count in self.counts.items():
            std = self.std_of[code]
            if std >= 0:
                tallies[std][self.verdict_of[code]] += count - adjust.get(code, 0)
        na_pass = self.options.na_as == "pass"
        rows = []
        for info, tally in zip(standards, tallies, strict=True):
            passes = tally[PASS] + (tally[NA] if na_pass else 0)
            fails = tally[FAIL]
            n = passes + fails
            low, high = wilson(passes, n)
            need = needed(info.target)
            rows.append(
                {
                    "id": info.id,
                    "what": info.what,
                    "stage": info.stage,
                    "stage_name": info.stage_name,
                    "step": info.step,
                    "factor": info.factor,
                    "factor_name": info.factor_name,
                    "threshold": info.threshold,
                    "critical": info.critical,
                    "weight": info.weight,
                    "pass": passes,
                    "fail": fails,
                    "na": tally[NA],
                    "blank": tally[BLANK],
                    "unreadable": tally[UNREADABLE],
                    "observations": n,
                    "observed": tally[PASS] + tally[FAIL] + tally[NA],
                    "compliance": passes / n if n else None,
                    "ci_low": low if n else None,
                    "ci_high": high if n else None,
                    "target": info.target,
                    "status": status(passes, fails, info.target),
                    "needed": need,
                    "too_few": 0 < n < need,
                }
            )
        return rows

    def _summary(
        self,
        rows: list[dict[str, Any]],
        scores: tuple[int, float | None],
        critical_failures: int,
        unscored: int,
        duplicate_count: int,
        conflicting: int,
    ) -> dict[str, Any]:
        total: Counter[int] = Counter()
        for code, count in self.counts.items():
            total[self.verdict_of[code]] += count
        entries = sum(total.values())
        na_pass = self.options.na_as == "pass"
        scored = sum(row["observations"] for row in rows)
        na_excluded = 0 if na_pass else sum(row["na"] for row in rows)
        unknown = total[UNKNOWN]
        unreadable = total[UNREADABLE]
        balance = (
            total[BLANK]
            + na_excluded
            + unknown
            + unreadable
            + duplicate_count
            + conflicting
            + scored
        )
        rejected = unknown + unreadable + conflicting + self.malformed
        rows_read = sum(source.rows for source in self.sources.values())
        statuses = Counter(row["status"] for row in rows)
        return {
            "rows": rows_read,
            "entries": entries + self.malformed,
            "observations": scored,
            "rejected": rejected,
            "inspections": self.inspection_count,
            "scored_inspections": scores[0],
            "unscored_inspections": unscored,
            "score": scores[1],
            "critical_failures": critical_failures,
            "pass": sum(row["pass"] for row in rows),
            "fail": sum(row["fail"] for row in rows),
            "na_as": self.options.na_as,
            "by": list(self.options.by),
            "accounting": {
                "entries": entries + self.malformed,
                "scored": scored,
                "blank": total[BLANK],
                "na": na_excluded,
                "duplicate": duplicate_count,
                "unknown": unknown,
                "unreadable": unreadable,
                "conflicting": conflicting,
                "malformed": self.malformed,
                "balanced": balance == entries,
            },
            "reject_reasons": dict(self.reject_reasons.most_common()),
            "standards_total": len(rows),
            "standards_meeting": statuses["meets"],
            "standards_below": statuses["below"],
            "standards_uncertain": statuses["uncertain"],
            "standards_unobserved": sum(1 for row in rows if row["observed"] == 0),
            "files": [_source_dict(self.sources[index]) for index in sorted(self.sources)],
            "standard_files": [
                {"file": display, "id": doc.id, "title": doc.title, "version": doc.version}
                for display, doc in self.catalog.files
            ],
        }

    def _warnings(
        self, rows: list[dict[str, Any]], undated: int, duplicate_count: int, conflicting: int
    ) -> list[str]:
        warnings: list[str] = []
        for index in sorted(self.sources):
            warnings.extend(self.sources[index].warnings)
        if self.inconsistent:
            warnings.append(
                f"{self.inconsistent} inspections have rows that disagree on date, site, staff or "
                f"inspector (first: {self.inconsistent_example}); the first non-blank values are used"
            )
        if undated:
            warnings.append(
                f"{undated} inspections have a date that cannot be read (write YYYY-MM-DD); "
                "they are left out of the monthly trend"
            )
        if duplicate_count:
            warnings.append(
                f"{duplicate_count} entries repeat an identical result for the same inspection "
                "and standard; each is counted once"
            )
        if conflicting:
            warnings.append(
                f"{conflicting} entries give different results for the same inspection and "
                "standard; all of them are rejected"
            )
        few = [row for row in rows if row["too_few"]]
        if few:
            listed = ", ".join(
                f"{row['id']} ({row['observations']}/{row['needed']})" for row in few[:8]
            )
            more = f" and {len(few) - 8} more" if len(few) > 8 else ""
            warnings.append(
                f"{len(few)} standards have too few observations to show their target is met "
                f"(observed/needed): {listed}{more}"
            )
        unobserved = [row["id"] for row in rows if row["observed"] == 0]
        if unobserved:
            listed = ", ".join(unobserved[:12]) + (" …" if len(unobserved) > 12 else "")
            warnings.append(f"{len(unobserved)} standards were never observed: {listed}")
        return warnings

    def _rollup(self, rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        """Pooled figures per stage or key factor, in the standard's order."""
        pooled: dict[str, dict[str, Any]] = {}
        for row in rows:
            ident = row[key]
            if ident is None:
                ident = ""
            entry = pooled.setdefault(
                ident,
                {
                    "id": ident,
                    "name": row[f"{key}_name"] or ident or "—",
                    "standards": 0,
                    "pass": 0,
                    "fail": 0,
                    "meets": 0,
                    "below": 0,
                    "uncertain": 0,
                    "no data": 0,
                },
            )
            entry["standards"] += 1
            entry["pass"] += row["pass"]
            entry["fail"] += row["fail"]
            entry[row["status"]] += 1
        for entry in pooled.values():
            n = entry["pass"] + entry["fail"]
            low, high = wilson(entry["pass"], n)
            entry["compliance"] = entry["pass"] / n if n else None
            entry["ci_low"] = low if n else None
            entry["ci_high"] = high if n else None
            entry["no_data"] = entry.pop("no data")
        if key == "factor":
            importance = {
                info.factor: info.importance for info in self.catalog.standards if info.factor
            }
            for entry in pooled.values():
                entry["importance"] = importance.get(entry["id"])
        return list(pooled.values())

    def _groups(self, groups: dict[tuple[str, ...], list[float]]) -> list[dict[str, Any]]:
        """Groups with mean score and counts, ranked among groups sharing the other --by keys."""
        by = self.options.by
        least = self.options.min_inspections
        partitions: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for key, values in groups.items():
            item = _group_figures(values, {"key": dict(zip(by, key, strict=True))})
            item["rank"] = None
            item["too_few"] = item["scored"] < least
            partitions[key[1:]].append(item)
        ordered: list[dict[str, Any]] = []
        for partition in sorted(partitions, key=_natural_key):
            members = partitions[partition]
            ranked = [m for m in members if not m["too_few"] and m["score"] is not None]
            ranked.sort(key=lambda m: _natural_key(m["key"].values()))
            ranked.sort(key=lambda m: -m["score"])  # ties keep the natural order of names
            previous, rank = None, 0
            for position, member in enumerate(ranked, start=1):
                if member["score"] != previous:
                    rank, previous = position, member["score"]
                member["rank"] = rank
            rest = [m for m in members if m["rank"] is None]
            rest.sort(key=lambda m: _natural_key(m["key"].values()))
            rest.sort(key=lambda m: -1.0 if m["score"] is None else -m["score"])
            for member in members:
                member["of"] = len(ranked)
            ordered.extend(ranked)
            ordered.extend(rest)
        return ordered


FIELD_BITS = 64
FIELD_MASK = (1 << FIELD_BITS) - 1
WEIGHT_SCALE = 1 << 24  # weights as integers: exact for halves, quarters…; 1e-7 off for 0.1


MASK_SHIFT = 5 * FIELD_BITS


def _pack(
    passes: int,
    fails: int,
    critical: int,
    weight_passed: float,
    weight_applicable: float,
    standard: int,
) -> int:
    """Five non-negative counts in one int, 64 bits each (sums of them never carry over),
    and above them the standard as a one-bit mask, to spot a standard counted twice."""
    return (
        passes
        | fails << FIELD_BITS
        | critical << (2 * FIELD_BITS)
        | round(weight_passed * WEIGHT_SCALE) << (3 * FIELD_BITS)
        | round(weight_applicable * WEIGHT_SCALE) << (4 * FIELD_BITS)
        | (1 << standard if standard >= 0 else 0) << MASK_SHIFT
    )


def _unpack(total: int) -> tuple[float | None, bool, int, int]:
    """(score, failed a red line, passes, fails) from a sum of packed codes."""
    passes = total & FIELD_MASK
    fails = (total >> FIELD_BITS) & FIELD_MASK
    if (total >> (2 * FIELD_BITS)) & FIELD_MASK:
        return 0.0, True, passes, fails
    applicable = (total >> (4 * FIELD_BITS)) & FIELD_MASK
    if not applicable:
        return None, False, passes, fails
    passed = (total >> (3 * FIELD_BITS)) & FIELD_MASK
    return 100.0 * passed / applicable, False, passes, fails


def _key_column(
    slot: int, metas: list[tuple[str, ...]], periods: list[tuple[str, str]]
) -> Iterable[str]:
    """One part of the inspections' group keys: a metadata column (slot ≥ 0), the month (-1),
    the week (-2) or blank (filled in per entry for stage and factor)."""
    if slot >= 0:
        return map(itemgetter(slot), metas)
    if slot in (-1, -2):
        return map(itemgetter(-1 - slot), periods)
    return [""] * len(metas)


def _accumulator() -> list[float]:
    # inspections, scored, score sum, critical failures, passes, fails
    return [0, 0, 0.0, 0, 0, 0]


def _add(values: list[float], figures: tuple[float | None, bool, int, int]) -> None:
    score, critical, passes, fails = figures
    values[0] += 1
    if score is not None:
        values[1] += 1
        values[2] += score
    if critical:
        values[3] += 1
    values[4] += passes
    values[5] += fails


def _group_figures(values: list[float], into: dict[str, Any] | None = None) -> dict[str, Any]:
    """Mean score, counts and pooled compliance of a group (or a month)."""
    inspections, scored, total, critical, passes, fails = values
    n = int(passes + fails)
    figures = into if into is not None else {}
    figures["inspections"] = int(inspections)
    figures["scored"] = int(scored)
    figures["score"] = total / scored if scored else None
    figures["critical_failures"] = int(critical)
    figures["pass"] = int(passes)
    figures["fail"] = int(fails)
    if n:
        low, high = wilson(int(passes), n)
        figures["compliance"], figures["ci_low"], figures["ci_high"] = passes / n, low, high
    else:
        figures["compliance"] = figures["ci_low"] = figures["ci_high"] = None
    return figures


def _pareto(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Worst first: most failures, then lowest compliance; each with its share of all failures."""
    total = sum(row["fail"] for row in rows)
    ordered = sorted(
        rows,
        key=lambda row: (
            -row["fail"],
            row["compliance"] if row["compliance"] is not None else 2.0,
            row["observed"] == 0,
        ),
    )
    cumulative = 0
    for row in ordered:
        cumulative += row["fail"]
        row["fail_share"] = row["fail"] / total if total else 0.0
        row["cumulative_fail_share"] = cumulative / total if total else 0.0
    return ordered


class _PeriodCache:
    """Month (2025-03) and ISO week (2025-W09) of a date text, parsed once per distinct text."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[str, str]] = {}

    def get(self, text: str) -> tuple[str, str]:
        found = self.cache.get(text)
        if found is None:
            date = parse_date(text) if text else None
            found = (date.strftime("%Y-%m"), _week(date)) if date else ("", "")
            self.cache[text] = found
        return found


def _week(date: dt.date) -> str:
    year, week, _ = date.isocalendar()
    return f"{year}-W{week:02d}"


DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=65536)
def _natural(value: str) -> tuple[Any, ...]:
    parts = DIGITS.split(value or "\uffff")
    return tuple(int(part) if part.isdigit() else part for part in parts)


def _natural_key(values: Iterable[str]) -> tuple[Any, ...]:
    """Sort 网点2 before 网点10 and blanks last."""
    return tuple(map(_natural, values))


def _reason_kind(reason: str) -> str:
    """The kind of a reject, for counting: the reason up to its first colon or parenthesis."""
    for mark in (":", "(", ";"):
        if mark in reason:
            reason = reason.split(mark, 1)[0]
    return reason.strip()


def _source_dict(source: SourceInfo) -> dict[str, Any]:
    return {
        "file": source.file,
        "format": source.format,
        "encoding": source.encoding,
        "delimiter": source.delimiter,
        "sheet": source.sheet,
        "shape": source.shape,
        "header_row": source.header_row,
        "rows": source.rows,
        "empty_rows": source.empty_rows,
        "columns": source.columns,
        "standard_columns": source.standard_columns,
        "ignored": source.ignored,
    }


def score(
    batches: Iterable[Batch],
    catalog: Catalog,
    options: ScoreOptions | None = None,
    meta_names: Sequence[str] = ("date", "site", "staff", "inspector"),
    on_reject: Callable[[Reject], None] | None = None,
) -> dict[str, Any]:
    """Score a stream of batches in one call."""
    scorer = Scorer(catalog, options, meta_names, on_reject)
    for batch in batches:
        scorer.add(batch)
    return scorer.finish()
