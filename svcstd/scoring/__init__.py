"""Scoring inspection results: judged entries → the typed report (docs/design.md).

`stats` (Wilson intervals, observations needed), `options` (`--by`, N/A handling),
`aggregate` (the `Scorer`: entries in, per-inspection figures with NumPy), `build` (figures →
report records) and `report` (the typed records and their JSON). `score_files` is the one
streaming entry the command calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from svcstd import collector
from svcstd.results import Catalog, ReadOptions, Registry, Reject, SourceInfo, read_results
from svcstd.scoring.aggregate import Scorer
from svcstd.scoring.options import MIN_INSPECTIONS, ScoreOptions, parse_by, read_options_for
from svcstd.scoring.report import Report, to_json
from svcstd.scoring.stats import needed, status, wilson


def score_files(
    paths: Sequence[Path],
    catalog: Catalog,
    read_options: ReadOptions | None = None,
    options: ScoreOptions | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Callable[[int, SourceInfo], None] | None = None,
    displays: Sequence[str] | None = None,
) -> Report:
    """Read result files and score them, streaming: rows are never all in memory at once."""
    read_options = read_options or ReadOptions()
    registry = Registry(read_options.meta_names)
    scorer = Scorer(catalog, registry, options, on_reject)
    with collector.paused():
        for batch in read_results(paths, catalog, registry, read_options, displays):
            scorer.add(batch)
            if on_progress is not None:
                on_progress(batch.file_index, batch.source)
        return scorer.finish()


__all__ = [
    "MIN_INSPECTIONS",
    "Report",
    "ScoreOptions",
    "Scorer",
    "needed",
    "parse_by",
    "read_options_for",
    "score_files",
    "status",
    "to_json",
    "wilson",
]
