"""Reading inspection results: CSV or XLSX, long or wide, any encoding users have.

The stages, each a module: `text` (bytes → text), `tables` and `workbook` (text or a workbook →
rows), `layout` (the header → which column holds what), `judge` (a cell → a verdict against a
measure), `catalog` (the standards and every distinct reading), and `read` — the one entry,
`read_results`, which streams files as batches of judged entries. See docs/design.md.
"""

from __future__ import annotations

from svcstd.results.catalog import Catalog, Reading, StandardInfo
from svcstd.results.judge import (
    BLANK,
    FAIL,
    NA,
    PASS,
    UNKNOWN,
    UNREADABLE,
    VERDICTS,
    clean,
    duration_seconds,
    judge,
    parse_date,
)
from svcstd.results.layout import parse_column_options
from svcstd.results.read import Observation, observations, read_results
from svcstd.results.records import META_KEEP, Batch, ReadOptions, Reject, SourceInfo
from svcstd.results.registry import Registry

__all__ = [
    "BLANK",
    "FAIL",
    "META_KEEP",
    "NA",
    "PASS",
    "UNKNOWN",
    "UNREADABLE",
    "VERDICTS",
    "Batch",
    "Catalog",
    "Observation",
    "ReadOptions",
    "Reading",
    "Registry",
    "Reject",
    "SourceInfo",
    "StandardInfo",
    "clean",
    "duration_seconds",
    "judge",
    "observations",
    "parse_column_options",
    "parse_date",
    "read_results",
]
