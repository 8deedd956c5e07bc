"""Judged entries → inspection scores, compliance per standard, groups: the scoring core.

The definitions (docs/design.md, "Scoring"):
- an inspection's score is 100 × Σ weight·pass / Σ weight over its applicable standards; a
  failed red line (a critical standard) fails it: score 0, flagged;
- an inspection whose red line is present but blank or unreadable is *incomplete*: listed and
  left out of every mean, since its score would depend on the missing result;
- a standard's compliance is passes / (passes + fails), with a 95 % Wilson interval;
- nothing is lost: every entry is blank, not applicable, unknown, unreadable, an identical
  duplicate (counted once), a conflicting duplicate (every copy rejected) or scored.

`add` appends each batch to a log: a 4-byte code per entry, and one small record per segment
of rows (an inspection, a file, a first row, a step, a length: a run of long rows, or one wide
row). `finish` does the per-inspection work once, over the whole log, with NumPy (one sort
shows whether any duplicate needs settling, `bincount` sums the weights), so rows grouped by
inspection or scattered cost the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from svcstd.results import (
    BLANK,
    FAIL,
    NA,
    PASS,
    UNREADABLE,
    Batch,
    Catalog,
    Registry,
    Reject,
    SourceInfo,
)
from svcstd.results.judge import shown
from svcstd.scoring.build import build_report
from svcstd.scoring.options import MAX_KEPT, ScoreOptions
from svcstd.scoring.report import Duplicate, Report

NO_META = np.iinfo(np.uint32).max
SUM_SLICE = 1 << 20  # entries whose weights are summed together in finish()
Ints = npt.NDArray[np.signedinteger[Any]]  # int32 or int64 columns of the entry log


@dataclass
class Scored:
    """Per inspection (indexed by the registry's numbers), what `finish` worked out."""

    score: npt.NDArray[np.float64]  # NaN: nothing applicable
    red_line_failed: npt.NDArray[np.bool_]
    incomplete: npt.NDArray[np.bool_]
    passes: Ints
    fails: Ints
    meta: npt.NDArray[np.uint32]  # registry meta number of each inspection
    # the kept scored entries (one per inspection and standard), for --by stage/factor
    entry_inspection: Ints
    entry_standard: Ints
    entry_verdict: Ints


@dataclass
class Logged:
    """One batch in the scorer's log: a code per entry (4 bytes), and the segments of rows the
    entries came from (an inspection, a file, a first row, a step and a length each)."""

    codes: npt.NDArray[np.int32]
    inspections: npt.NDArray[np.int32]
    lengths: npt.NDArray[np.int32]
    first_rows: npt.NDArray[np.int64]
    steps: npt.NDArray[np.int8]
    files: npt.NDArray[np.int32]


class Segments:
    """Where logged entries came from: entry number → (file, row), for the few a report lists."""

    def __init__(self, log: list[Logged]) -> None:
        def joined(name: str) -> Ints:
            parts = [getattr(part, name) for part in log]
            result: Ints = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            return result

        lengths = joined("lengths").astype(np.int64)
        self.starts = np.cumsum(lengths) - lengths
        self.first_rows, self.steps, self.files = (
            joined("first_rows"),
            joined("steps"),
            joined("files"),
        )

    def of(self, entry: int) -> tuple[int, int]:
        segment = int(np.searchsorted(self.starts, entry, side="right")) - 1
        offset = entry - int(self.starts[segment])
        row = int(self.first_rows[segment]) + offset * int(self.steps[segment])
        return int(self.files[segment]), row


class Scorer:
    """Feed it batches; `finish()` returns the typed report."""

    def __init__(
        self,
        catalog: Catalog,
        registry: Registry,
        options: ScoreOptions | None = None,
        on_reject: Callable[[Reject], None] | None = None,
    ) -> None:
        self.catalog = catalog
        self.registry = registry
        self.options = options or ScoreOptions()
        self.on_reject = on_reject
        self.sources: dict[int, SourceInfo] = {}
        self.rejects: list[Reject] = []
        self.reject_reasons: Counter[str] = Counter()
        self.row_rejects: Counter[str] = Counter()  # malformed and missing-id rows
        self.counts = np.zeros(0, dtype=np.int64)  # entries per reading code
        self.log: list[Logged] = []
        self.first_meta = np.zeros(0, dtype=np.uint32)
        self.inconsistent: set[int] = set()
        self.inconsistent_example = ""

    # -- reading

    def add(self, batch: Batch) -> None:
        """Take one batch: count its entries, pass on its rejects, log what can count."""
        self.sources[batch.file_index] = batch.source
        for reject in batch.rejects:
            self._reject(reject)
            if reject.kind in ("malformed", "missing_id"):
                self.row_rejects[reject.kind] += 1
        if not batch.codes:
            return
        self._grow()
        codes = np.array(batch.codes, dtype=np.int32)
        lengths = np.array(batch.run_lengths, dtype=np.int64)
        runs = np.array(batch.run_inspections, dtype=np.int64)
        self.counts += np.bincount(codes, minlength=len(self.counts))
        self._note_meta(runs, np.array(batch.run_metas, dtype=np.uint32), lengths, batch)
        # where the entries came from, as segments of rows with a constant step: a run of long
        # rows (step 1) or the cells of one wide row (step 0), split where rows were left out
        rows = np.array(batch.rows, dtype=np.int64)
        step = 0 if batch.source.shape == "wide" else 1
        breaks = np.zeros(len(rows), dtype=np.bool_)
        breaks[np.cumsum(lengths) - lengths] = True
        breaks[1:] |= rows[1:] - rows[:-1] != step
        starts = np.flatnonzero(breaks)
        self.log.append(
            Logged(
                codes=codes,
                inspections=np.repeat(runs, lengths)[starts].astype(np.int32),
                lengths=np.diff(np.append(starts, len(rows))).astype(np.int32),
                first_rows=rows[starts].astype(np.int64),
                steps=np.full(len(starts), step, dtype=np.int8),
                files=np.full(len(starts), batch.file_index, dtype=np.int32),
            )
        )

    def _grow(self) -> None:
        """Extend the per-code and per-inspection tables to what the reader has seen since."""
        readings = self.catalog.readings
        if len(self.counts) < len(readings):
            more = np.zeros(len(readings) - len(self.counts), dtype=np.int64)
            self.counts = np.concatenate([self.counts, more])
        wanted = len(self.registry.inspections)
        if len(self.first_meta) < wanted:
            grown = np.full(max(wanted, 2 * len(self.first_meta)), NO_META, dtype=np.uint32)
            grown[: len(self.first_meta)] = self.first_meta
            self.first_meta = grown

    def _note_meta(
        self, runs: Ints, metas: npt.NDArray[np.uint32], lengths: Ints, batch: Batch
    ) -> None:
        """Each inspection's metadata from its first row; later rows fill its blanks, and
        rows that disagree on a filled-in value are counted (the first value is kept)."""
        first_rows = np.cumsum(lengths) - lengths  # entry position where each run starts
        present = runs > 0
        runs, metas, first_rows = runs[present], metas[present], first_rows[present]
        first = self.first_meta
        new = first[runs] == NO_META
        if new.any():
            numbers, where = np.unique(runs[new], return_index=True)
            first[numbers] = metas[new][where]
        differ = np.flatnonzero(first[runs] != metas)
        values = self.registry.metas
        for position in differ.tolist():
            inspection, meta = int(runs[position]), int(metas[position])
            old, new_values = values[int(first[inspection])], values[meta]
            if any(a and b and a != b for a, b in zip(old, new_values, strict=True)):
                if not self.inconsistent_example:
                    row = batch.rows[int(first_rows[position])]
                    name = self.registry.inspections[inspection]
                    self.inconsistent_example = f"{batch.source.file}, row {row}: inspection {name}"
                self.inconsistent.add(inspection)
            merged = tuple(a or b for a, b in zip(old, new_values, strict=True))
            first[inspection] = self.registry.meta(merged)

    def _reject(self, reject: Reject) -> None:
        self.reject_reasons[_reason_kind(reject.reason)] += 1
        if len(self.rejects) < MAX_KEPT:
            self.rejects.append(reject)
        if self.on_reject is not None:
            self.on_reject(reject)

    # -- results

    def finish(self) -> Report:
        """Settle duplicates, score every inspection, and build the report."""
        self._grow()
        catalog = self.catalog
        readings = catalog.readings
        standards = catalog.standards
        std_of = np.array([reading.standard for reading in readings], dtype=np.int32)
        verdict_of = np.array([reading.verdict for reading in readings], dtype=np.int8)
        weight = np.array([info.weight for info in standards], dtype=np.float64)
        critical = np.array([info.critical for info in standards], dtype=np.bool_)
        count = len(standards)

        # the log as columns, one entry each; every array below is freed when done
        code = self._joined("codes")
        inspection = np.repeat(self._joined("inspections"), self._joined("lengths"))
        where = Segments(self.log)
        self.log = []
        standard, verdict = std_of[code], verdict_of[code]
        known = (standard >= 0) & (inspection > 0)  # a standard being scored, an inspection
        key = inspection.astype(np.int64) * count + standard

        # one result per inspection and standard: identical copies count once, others are rejected
        scored = known & ((verdict == PASS) | (verdict == FAIL) | (verdict == NA))
        kept, dropped, duplicates, duplicate_count, conflicting = self._settle(
            scored, key, code, where, standard
        )
        del where, scored
        adjust = np.bincount(code[dropped], minlength=len(readings))
        del code

        # red lines present but blank, unreadable or in conflict, with no result: incomplete
        numbers = len(self.registry.inspections)
        kept_keys = key[kept] if len(dropped) else np.zeros(0, dtype=np.int64)
        conflicted = dropped[~_among(key[dropped], kept_keys)] if len(dropped) else dropped
        open_red = np.concatenate(
            [
                np.flatnonzero(
                    known & ((verdict == BLANK) | (verdict == UNREADABLE)) & critical[standard]
                ),
                conflicted[critical[standard[conflicted]]],
            ]
        )
        if len(open_red) and not len(kept_keys):
            kept_keys = key[kept]
        unresolved = open_red[~_among(key[open_red], kept_keys)] if len(open_red) else open_red
        open_inspections, open_standards_of = inspection[unresolved], standard[unresolved]
        # red lines some inspections did not include at all
        red_keys = np.unique(key[known & critical[standard]])
        with_red = np.bincount(red_keys % count if count else red_keys, minlength=count)
        del key, kept_keys, red_keys, known

        # per inspection sums over the kept results
        k_insp, k_std, k_verdict = inspection[kept], standard[kept], verdict[kept]
        del inspection, standard, verdict, kept
        na_pass = self.options.na_as == "pass"
        passed = (k_verdict == PASS) | ((k_verdict == NA) & na_pass)
        failed = k_verdict == FAIL
        # summed a slice at a time: a float per entry for the whole log would double the peak
        weight_passed = np.zeros(numbers)
        weight_applicable = np.zeros(numbers)
        for start in range(0, len(k_insp), SUM_SLICE):
            part = slice(start, start + SUM_SLICE)
            weights = weight[k_std[part]]
            weight_passed += np.bincount(
                k_insp[part], weights=np.where(passed[part], weights, 0.0), minlength=numbers
            )
            weights[~(passed[part] | failed[part])] = 0.0  # the weight of an applicable result
            weight_applicable += np.bincount(k_insp[part], weights=weights, minlength=numbers)
        red = np.bincount(k_insp[failed & critical[k_std]], minlength=numbers) > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(
                weight_applicable > 0, 100.0 * weight_passed / weight_applicable, np.nan
            )
        score[red] = 0.0
        incomplete = np.zeros(numbers, dtype=np.bool_)
        incomplete[open_inspections] = True
        incomplete &= ~red
        incomplete[0] = False
        # the red lines of the inspections the report lists (the first MAX_KEPT)
        listed = np.isin(open_inspections, np.flatnonzero(incomplete)[:MAX_KEPT])
        open_standards: dict[int, list[str]] = {}
        for number, std in zip(
            open_inspections[listed].tolist(), open_standards_of[listed].tolist(), strict=True
        ):
            open_standards.setdefault(number, []).append(standards[std].id)

        meta = self.first_meta[:numbers].copy()
        meta[meta == NO_META] = self.registry.meta(("",) * len(self.registry.meta_names))
        figures = Scored(
            score=score,
            red_line_failed=red,
            incomplete=incomplete,
            passes=np.bincount(k_insp, weights=passed, minlength=numbers).astype(np.int64),
            fails=np.bincount(k_insp[failed], minlength=numbers).astype(np.int64),
            meta=meta,
            entry_inspection=k_insp,
            entry_standard=k_std,
            entry_verdict=k_verdict,
        )
        tallies = np.zeros((count, 6), dtype=np.int64)
        known = std_of >= 0
        np.add.at(tallies, (std_of[known], verdict_of[known]), (self.counts - adjust)[known])
        totals = np.bincount(verdict_of, weights=self.counts, minlength=6).astype(np.int64)
        return build_report(
            scorer=self,
            figures=figures,
            tallies=tallies,
            totals=totals,
            duplicates=duplicates,
            duplicate_count=duplicate_count,
            conflicting=conflicting,
            open_standards=open_standards,
            red_line_counts={
                standards[index].id: int(with_red[index]) for index in np.flatnonzero(critical)
            },
        )

    def _joined(self, name: str) -> Ints:
        """One column of the log, in one array."""
        parts = [getattr(part, name) for part in self.log]
        joined: Ints = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        return joined

    def _settle(
        self, scored: npt.NDArray[np.bool_], key: Ints, code: Ints, where: Segments, standard: Ints
    ) -> tuple[npt.NDArray[np.bool_], Ints, list[Duplicate], int, int]:
        """Which entries are kept (one per inspection and standard), the entries dropped, the
        duplicates listed for the report, how many duplicates and conflicting entries."""
        ordered = key[scored]
        ordered.sort()
        if not (ordered[1:] == ordered[:-1]).any():  # the usual case: nothing to settle
            return scored, np.zeros(0, dtype=np.int64), [], 0, 0
        del ordered
        positions = np.flatnonzero(scored)
        order = positions[np.argsort(key[positions], kind="stable")]  # file order within a key
        sorted_keys = key[order]
        repeat = sorted_keys[1:] == sorted_keys[:-1]
        group = np.concatenate([[0], np.cumsum(~repeat)])
        differs = repeat & (code[order][1:] != code[order][:-1])
        conflict = np.isin(group, np.unique(group[1:][differs]))
        later_copy = np.concatenate([[False], repeat]) & ~conflict
        duplicates: list[Duplicate] = []
        readings = self.catalog.readings
        inspections = self.registry.inspections
        standards = self.catalog.standards
        first_of_group = np.flatnonzero(np.concatenate([[True], ~repeat]))
        for position in np.flatnonzero(later_copy)[:MAX_KEPT].tolist():
            entry = int(order[position])
            first = int(order[first_of_group[group[position]]])
            (file, row), (first_file, first_row) = where.of(entry), where.of(first)
            duplicates.append(
                Duplicate(
                    file=self._file(file),
                    row=row,
                    inspection=inspections[int(key[entry]) // len(standards)],
                    standard=standards[int(standard[entry])].id,
                    value=shown(readings[int(code[entry])].raw),
                    first_file=self._file(first_file),
                    first_row=first_row,
                )
            )
        conflicting = np.flatnonzero(conflict)
        for start, members in _runs(group[conflicting].tolist()):
            entries = [int(order[position]) for position in conflicting[start : start + members]]
            self._reject_conflict(entries, key, code, where, standard)
        dropped = order[conflict | later_copy]
        kept = scored.copy()
        kept[dropped] = False
        return kept, dropped, duplicates, int(later_copy.sum()), int(conflict.sum())

    def _reject_conflict(
        self, entries: list[int], key: Ints, code: Ints, where: Segments, standard: Ints
    ) -> None:
        readings = self.catalog.readings
        standard_id = self.catalog.standards[int(standard[entries[0]])].id
        inspection = self.registry.inspections[int(key[entries[0]]) // len(self.catalog.standards)]
        described = "; ".join(
            f"{shown(readings[int(code[entry])].raw) or '(blank)'} at row {where.of(entry)[1]}"
            for entry in entries
        )
        for entry in entries:
            self._reject(
                Reject(
                    self._file(where.of(entry)[0]),
                    where.of(entry)[1],
                    f"conflicting duplicate: inspection {inspection} has different results "
                    f"for {standard_id} ({described})",
                    inspection=inspection,
                    standard=standard_id,
                    value=shown(readings[int(code[entry])].raw),
                    kind="conflicting",
                )
            )

    def _file(self, file_index: int) -> str:
        source = self.sources.get(file_index)
        return source.file if source else str(file_index)


def _among(values: Ints, pool: Ints) -> npt.NDArray[np.bool_]:
    """Which `values` (few) are in `pool` (many): the few sorted, each of the pool looked up
    among them, so the pool is never sorted."""
    few = np.unique(values)
    found = np.zeros(len(few), dtype=np.bool_)
    places = np.minimum(np.searchsorted(few, pool), len(few) - 1)
    found[places[few[places] == pool]] = True
    return found[np.searchsorted(few, values)]


def _runs(values: list[int]) -> list[tuple[int, int]]:
    """(start, length) of each run of equal values."""
    runs: list[tuple[int, int]] = []
    for position, value in enumerate(values):
        if runs and values[runs[-1][0]] == value:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((position, 1))
    return runs


def _reason_kind(reason: str) -> str:
    """The kind of a reject, for counting: the reason up to its first colon or parenthesis."""
    for mark in (":", "(", ";"):
        if mark in reason:
            reason = reason.split(mark, 1)[0]
    return reason.strip()
