"""The typed data the reader's stages pass on: options in; batches, rejects and sources out."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, repeat

from svcstd.results.catalog import StandardInfo

# Metadata kept per inspection, in this order; `--by` may add any other column after them.
META_KEEP = ("date", "site", "staff", "inspector")


@dataclass
class ReadOptions:
    """How to read result files: forced encoding or delimiter, sheet, column mapping, kept columns."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # NAME -> header
    keep: tuple[str, ...] = ()  # extra columns to keep per inspection (for --by)

    @property
    def meta_names(self) -> tuple[str, ...]:
        return META_KEEP + tuple(name for name in self.keep if name not in META_KEEP)


@dataclass(frozen=True)
class Reject:
    """A row or cell that could not be used, with where it is and why."""

    file: str
    row: int
    reason: str
    inspection: str = ""
    standard: str = ""
    value: str = ""
    kind: str = ""  # malformed | missing_id | unknown | unreadable | conflicting


@dataclass
class SourceInfo:
    """What reading one file found: its format, encoding, shape and the columns it used."""

    file: str
    format: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    shape: str = ""
    header_row: int = 1
    columns: dict[str, str] = field(default_factory=dict)
    standard_columns: int = 0
    ignored: list[str] = field(default_factory=list)
    rows: int = 0
    empty_rows: int = 0
    filled_down: int = 0  # rows whose blank inspection id continued the inspection above
    size: int = 0
    position: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


@dataclass
class Layout:
    """Which column holds what, found from the header row."""

    shape: str  # long | wide
    ncols: int
    inspection: int | None
    standard: int | None
    result: int | None
    meta: list[int | None]  # per ReadOptions.meta_names
    results: list[tuple[int, StandardInfo | None, str]]  # wide: (column, standard, header)
    inspection_from: str = ""  # the form-export column used for ids, if any


@dataclass
class Batch:
    """Entries read from a chunk of rows: one code and one row number per entry, and the runs
    the entries come in — consecutive entries of one inspection with the same metadata.

    Inspections and metadata are numbers given by the reader's `Registry` (inspection 0: none,
    a blank row of a template); codes index `Catalog.readings`. Rows rejected outright, and
    entries that cannot be used, are in `rejects`.
    """

    source: SourceInfo
    file_index: int
    codes: list[int]
    rows: list[int]
    run_inspections: list[int]
    run_metas: list[int]
    run_lengths: list[int]
    rejects: list[Reject]

    @property
    def inspections(self) -> list[int]:
        """The inspection of each entry (for tests and rejects; the scorer uses the runs)."""
        return list(chain.from_iterable(map(repeat, self.run_inspections, self.run_lengths)))

    @property
    def metas(self) -> list[int]:
        """The metadata number of each entry."""
        return list(chain.from_iterable(map(repeat, self.run_metas, self.run_lengths)))
