"""The typed data the reader's stages pass on: options in; batches, rejects and sources out."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """Entries read from a chunk of rows, as parallel lists (one item per entry).

    `inspections` and `metas` are numbers given by the reader's `Registry` (0: no inspection, a
    blank row of a template); `codes` index `Catalog.readings`; `rows` are row numbers in the
    file. Rows rejected outright, and entries that cannot be used, are in `rejects`.
    """

    source: SourceInfo
    file_index: int
    inspections: list[int]
    codes: list[int]
    metas: list[int]
    rows: list[int]
    rejects: list[Reject]
