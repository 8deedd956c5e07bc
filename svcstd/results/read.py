"""Files → judged entries: the one entry point of the results reader, every row accounted for.

Each file goes through the stages in turn — bytes to text (`text`), text or workbook to rows
(`tables`, `workbook`), the header to a layout (`layout`), cells to readings (`catalog`,
`judge`) — and comes out as `Batch`es of entries: one entry per result cell, carrying numbers
for its inspection, its metadata and its reading. A row that cannot be used is a `Reject` with
its row number and reason; nothing is dropped silently, lumped together or guessed.

A chunk of rows is handled with C-level `map` calls over whole columns, the same way whether
the rows of an inspection are together or scattered; only rows with no inspection id take a
row-by-row look (`_fill_down`), because what they mean depends on the rows above them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, groupby, islice, repeat
from operator import itemgetter, ne, sub
from pathlib import Path
from typing import Any, NamedTuple

from svcstd.errors import SvcstdError
from svcstd.results.catalog import Catalog
from svcstd.results.judge import BLANK, UNREADABLE, VERDICTS, clean, shown
from svcstd.results.layout import HEADER_SEARCH_ROWS, find_header
from svcstd.results.records import Batch, Layout, ReadOptions, Reject, SourceInfo
from svcstd.results.registry import Registry, _MetaNumbers
from svcstd.results.tables import csv_chunks, sniff_delimiter
from svcstd.results.text import choose_codec, read_head
from svcstd.results.workbook import open_sheet

SNIFF_BYTES = 64 * 1024
MAX_CSV_BYTES = 16 << 30  # a results file larger than this is a mistake, not a day's work
MATCH_CHECK_ENTRIES = 1000  # entries read before a file that matches no standard is refused
MAX_NAMED = 1000  # distinct unknown standard ids counted, to name the commonest in an error
NUMERIC_ID = re.compile(r"\d+\.\d+")


@dataclass
class _Block:
    """The inspection rows are continuing, for ids filled down (given on its first row only)."""

    inspection: int
    meta: int
    standards: set[str]


class Observation(NamedTuple):
    """One entry as plain data: for tests, scripts and anyone who wants rows, not speed."""

    file: str
    row: int
    inspection: str
    standard: str
    verdict: str
    value: float | None
    raw: str
    reason: str
    meta: dict[str, str]


def read_results(
    paths: Sequence[Path],
    catalog: Catalog,
    registry: Registry,
    options: ReadOptions | None = None,
    displays: Sequence[str] | None = None,
) -> Iterator[Batch]:
    """Stream result files as batches of judged entries; bad input is a `SvcstdError`."""
    options = options or ReadOptions()
    for index, path in enumerate(paths):
        display = displays[index] if displays else str(path)
        yield from _FileReader(path, display, index, catalog, registry, options).batches()


def observations(
    paths: Sequence[Path], catalog: Catalog, options: ReadOptions | None = None
) -> Iterator[Observation | Reject]:
    """Every entry of the files as an `Observation`, and every rejected row as a `Reject`."""
    options = options or ReadOptions()
    registry = Registry(options.meta_names)
    for batch in read_results(paths, catalog, registry, options):
        yield from batch.rejects
        for inspection, code, meta, row in zip(
            batch.inspections, batch.codes, batch.metas, batch.rows, strict=True
        ):
            reading = catalog.readings[code]
            yield Observation(
                batch.source.file,
                row,
                registry.inspections[inspection],
                reading.label,
                VERDICTS[reading.verdict],
                reading.value,
                shown(reading.raw),
                reading.reason,
                dict(zip(options.meta_names, registry.metas[meta], strict=True)),
            )


class _FileReader:
    """Reads one file: finds its header, then turns every chunk of rows into a batch."""

    def __init__(
        self,
        path: Path,
        display: str,
        index: int,
        catalog: Catalog,
        registry: Registry,
        options: ReadOptions,
    ) -> None:
        self.path = path
        self.index = index
        self.catalog = catalog
        self.registry = registry
        self.options = options
        self.info = SourceInfo(file=display)
        self.block: _Block | None = None
        # the last run of rows read, while no row without an id has needed it (see _block_above)
        self.tail: tuple[list[list[str]], int, int] | None = None
        self.unknown: Counter[str] = Counter()
        self.unknown_total = 0
        self.matched = 0
        self.merged: list[tuple[int, int, int, int]] = []
        self.merged_values: dict[tuple[int, int], str] = {}

    # -- the file

    def batches(self) -> Iterator[Batch]:
        chunks = self._chunks()
        numbered: list[tuple[int, list[str]]] = []
        layout = None
        why = "the file is empty"
        for first, rows in chunks:
            numbered.extend(enumerate(rows, start=first))
            layout, why, after = find_header(numbered, self.catalog, self.options, self.info)
            if layout is not None or len(numbered) >= HEADER_SEARCH_ROWS * 4:
                break
        if layout is None:
            where = f"{self.info.file} [{self.info.sheet}]" if self.info.sheet else self.info.file
            raise SvcstdError(why, where)
        self._prepare(layout)
        rest = numbered[after:]
        if rest:
            yield self._chunk(rest[0][0], [row for _, row in rest])
        else:
            yield Batch(self.info, self.index, [], [], [], [], [], [])  # a header and nothing else
        for first, rows in chunks:
            yield self._chunk(first, rows)
            self._check_matches(final=False)
        self._check_matches(final=True)
        self._finish_notes()

    def _chunks(self) -> Iterator[tuple[int, list[list[str]]]]:
        info = self.info
        try:
            info.size = self.path.stat().st_size
            head = read_head(self.path, SNIFF_BYTES)
        except OSError as error:
            raise SvcstdError(
                f"cannot read the file: {error.strerror or error}", info.file
            ) from None
        suffix = self.path.suffix.casefold()
        if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
            info.format = "xlsx"

            def has_header(rows: list[list[str]]) -> bool:
                numbered = list(enumerate(rows, start=1))
                probe = SourceInfo(file=info.file)
                return find_header(numbered, self.catalog, self.options, probe)[0] is not None

            sheet = open_sheet(self.path, self.options.sheet, has_header, info.file)
            info.sheet, self.merged = sheet.name, sheet.merged
            return sheet.chunks
        if suffix in (".xls", ".ods", ".numbers") or head.startswith(b"\xd0\xcf\x11\xe0"):
            raise SvcstdError("save the sheet as .xlsx or .csv (UTF-8) and score that", info.file)
        if info.size > MAX_CSV_BYTES:
            raise SvcstdError(
                f"the file is {info.size >> 30} GiB; split it into smaller files", info.file
            )
        self.decoding = choose_codec(head, info.file, self.options.encoding)
        info.encoding = self.decoding.codec
        try:
            sample = head.decode(self.decoding.codec, "replace")
        except UnicodeError:
            sample = head.decode("latin-1")  # only to count delimiters; reading says what is wrong
        info.delimiter = self.options.delimiter or sniff_delimiter(sample)
        return csv_chunks(self.path, self.decoding, info.delimiter, info.file)

    def _finish_notes(self) -> None:
        info = self.info
        if info.format == "csv":
            info.encoding = self.decoding.codec
            for note in self.decoding.notes:
                info.warn(note)
        if info.filled_down:
            info.warn(
                f"{info.file}: {info.filled_down} rows had no inspection id and continue the "
                "inspection above them (ids filled down, as in Excel); check the blocks if that "
                "is not what was meant"
            )

    def _check_matches(self, final: bool) -> None:
        """A file whose entries (almost) never name a standard was scored against the wrong
        standard: an error naming the ids it has, not an empty report."""
        unknown = self.unknown_total
        seen = unknown + self.matched
        if not seen or (not final and seen < MATCH_CHECK_ENTRIES) or self.matched * 2 >= seen:
            return
        listed = ", ".join(f"{label} ({count:,})" for label, count in self.unknown.most_common(5))
        standards = ", ".join(display for display, _ in self.catalog.files)
        raise SvcstdError(
            f"only {self.matched:,} of {seen:,} results name a standard in {standards}; "
            f"the others name {listed}{' …' if len(self.unknown) > 5 else ''} — "
            "are these results for another standard? Give that one with --standard",
            self.info.file,
        )

    # -- the layout

    def _prepare(self, layout: Layout) -> None:
        self.layout = layout
        present = [column for column in layout.meta if column is not None]
        self.meta_numbers = _MetaNumbers(self.registry, layout.meta)
        self.meta_cells: Callable[[list[str]], Any] | None = (
            itemgetter(*present) if present else None
        )
        self.no_meta = self.registry.meta(("",) * len(layout.meta))
        # the cells whose change starts a new run of rows (see _runs), as one tuple per row
        run_columns = [column for column in (layout.inspection, *present) if column is not None]
        self.run_cells: Callable[[list[str]], Any] = (
            itemgetter(*run_columns) if run_columns else lambda row: ""
        )
        wanted = {layout.inspection, *present}
        self.merged = [m for m in self.merged if m[0] > self.info.header_row and m[1] > m[0]]
        self.merged = [
            m for m in self.merged if any(m[2] <= c + 1 <= m[3] for c in wanted if c is not None)
        ]
        self.merged_columns = sorted(c for c in wanted if c is not None)
        if layout.shape == "long":
            assert layout.standard is not None and layout.result is not None
            self.standard_of = itemgetter(layout.standard)
            self.result_of = itemgetter(layout.result)
            self.derived: dict[int, int] = {}
        else:
            self.columns = [
                (itemgetter(column), self.catalog.column_codes(found, header))
                for column, found, header in layout.results
            ]

    # -- a chunk

    def _chunk(self, first: int, rows: list[list[str]]) -> Batch:
        if self.info.format == "csv":
            self.info.position = self.decoding.bytes_read
        if self.merged:
            self._fill_merged(first, rows)
        numbers, rows, rejects = self._fit(first, rows)
        if self.layout.shape == "long":
            batch = self._long(numbers, rows, rejects)
        else:
            batch = self._wide(numbers, rows, rejects)
        if self.catalog.unusable and not self.catalog.unusable.isdisjoint(batch.codes):
            self._reject_unusable(batch)
        self.matched += sum(map(self.catalog.known.__getitem__, batch.codes))
        return batch

    def _fit(
        self, first: int, rows: list[list[str]]
    ) -> tuple[Sequence[int], list[list[str]], list[Reject]]:
        """The rows with exactly the header's number of cells, their numbers, and the rows
        rejected for a wrong number of cells; empty rows are counted and left out."""
        ncols = self.layout.ncols
        info = self.info
        if set(map(len, rows)) == {ncols} and all(map(any, rows)):
            info.rows += len(rows)
            return range(first, first + len(rows)), rows, []
        numbers: list[int] = []
        kept: list[list[str]] = []
        rejects: list[Reject] = []
        for number, row in enumerate(rows, start=first):
            if not any(cell.strip() for cell in row):
                info.empty_rows += 1
                continue
            info.rows += 1
            if len(row) > ncols and not any(cell.strip() for cell in row[ncols:]):
                row = row[:ncols]
            elif len(row) < ncols and info.format == "xlsx":
                row = row + [""] * (ncols - len(row))
            elif len(row) != ncols:
                hint = (
                    "a cell with an unquoted delimiter?"
                    if len(row) > ncols
                    else "a line break inside an unquoted cell?"
                )
                joined = (info.delimiter or " | ").join(row)
                rejects.append(
                    Reject(
                        info.file,
                        number,
                        f"row has {len(row)} cells but the header has {ncols} ({hint})",
                        value=joined[:200],
                        kind="malformed",
                    )
                )
                continue
            numbers.append(number)
            kept.append(row)
        return numbers, kept, rejects

    def _metas(self, rows: list[list[str]]) -> list[int]:
        if self.meta_cells is None:
            return [self.no_meta] * len(rows)
        return list(map(self.meta_numbers.__getitem__, map(self.meta_cells, rows)))

    def _long(self, numbers: Sequence[int], rows: list[list[str]], rejects: list[Reject]) -> Batch:
        layout = self.layout
        codes = list(
            map(
                dict.__getitem__,
                map(self.catalog.long_codes.__getitem__, map(self.standard_of, rows)),
                map(self.result_of, rows),
            )
        )
        starts, lengths = self._runs(rows)
        firsts = list(map(rows.__getitem__, starts))
        run_metas = self._metas(firsts)
        if layout.inspection is None:
            run_ids = list(map(self._derived_id, run_metas))
        else:
            before = len(self.registry.inspections)
            run_ids = list(
                map(self.registry.ids.__getitem__, map(itemgetter(layout.inspection), firsts))
            )
            if self.info.format == "xlsx" and len(self.registry.inspections) > before:
                self._warn_numeric_ids(before)
        if 0 in run_ids:  # rows without an id: what they belong to depends on the rows above
            inspections = list(chain.from_iterable(map(repeat, run_ids, lengths)))
            metas = list(chain.from_iterable(map(repeat, run_metas, lengths)))
            keep = self._fill_down(numbers, rows, inspections, codes, metas, rejects)
            numbers, inspections, codes, metas = (
                [item for item, wanted in zip(column, keep, strict=True) if wanted]
                for column in (numbers, inspections, codes, metas)
            )
            run_ids, run_metas, lengths = _runs_of(inspections, metas)
        elif run_ids:
            last = rows[starts[-1] :]
            if starts[-1] == 0 and self.tail and self.tail[1:] == (run_ids[-1], run_metas[-1]):
                last = self.tail[0] + last  # one inspection over several chunks
            self.tail = (last, run_ids[-1], run_metas[-1])
        return Batch(
            self.info, self.index, codes, list(numbers), run_ids, run_metas, lengths, rejects
        )

    def _runs(self, rows: list[list[str]]) -> tuple[list[int], list[int]]:
        """Where runs of rows with the same id and metadata cells start, and how long they are.

        Every row is compared with the one above, cell by cell, so consecutive rows of one
        inspection are numbered once, and a row that differs in any of these cells starts a
        run of its own (rows scattered over the file: a run per row).
        """
        cells = list(map(self.run_cells, rows))
        changed = map(ne, islice(cells, 1, None), cells)
        starts = [0, *compress(range(1, len(rows)), changed)] if rows else []
        lengths = list(map(sub, [*starts[1:], len(rows)], starts))
        return starts, lengths

    def _wide(self, numbers: Sequence[int], rows: list[list[str]], rejects: list[Reject]) -> Batch:
        layout = self.layout
        metas = self._metas(rows)
        if layout.inspection is None:
            ids: list[int] = [0] * len(rows)
        else:
            before = len(self.registry.inspections)
            ids = list(map(self.registry.ids.__getitem__, map(itemgetter(layout.inspection), rows)))
            if self.info.format == "xlsx" and len(self.registry.inspections) > before:
                self._warn_numeric_ids(before)
        if 0 in ids:  # a wide row is a whole inspection: one without an id is itself
            for position, number in enumerate(numbers):
                if not ids[position]:
                    ids[position] = self.registry.inspection(f"{self.info.file}#{number}")
        columns = [list(map(table.__getitem__, map(cell, rows))) for cell, table in self.columns]
        codes = list(chain.from_iterable(zip(*columns, strict=True)))  # row by row
        width = len(self.columns)
        entry_rows = list(chain.from_iterable(map(repeat, numbers, repeat(width, len(numbers)))))
        lengths = [width] * len(numbers)
        return Batch(self.info, self.index, codes, entry_rows, ids, metas, lengths, rejects)

    # -- rows without an inspection id

    def _derived_id(self, meta: int) -> int:
        """An inspection for rows of a sheet with no id column: its file, date, site, staff
        and inspector (said in a warning, since it is a reading of the sheet, not its words)."""
        number = self.derived.get(meta)
        if number is None:
            values = self.registry.metas[meta]
            described = " ".join(part for part in values[:4] if part)
            number = self.derived[meta] = self.registry.inspection(
                f"{self.info.file}: {described}" if described else self.info.file
            )
            self.info.warn(
                f"{self.info.file}: there is no inspection id column; rows are grouped into "
                "inspections by file, date, site, staff and inspector"
            )
        return number

    def _block_above(self) -> _Block | None:
        """The block that rows without an id may continue: the last one seen."""
        if self.tail is not None:
            rows, inspection, meta = self.tail
            standards = {clean(self.standard_of(row)).casefold() for row in rows}
            if (
                self.block is not None
                and self.block.inspection == inspection
                and self.block.meta == meta
            ):
                self.block.standards |= standards
            else:
                self.block = _Block(inspection, meta, standards)
            self.tail = None
        return self.block

    def _fill_down(
        self,
        numbers: Sequence[int],
        rows: list[list[str]],
        inspections: list[int],
        codes: list[int],
        metas: list[int],
        rejects: list[Reject],
    ) -> list[bool]:
        """Give rows with a blank id the inspection above them while its block holds together
        (its standards do not repeat, its date/site/staff/inspector agree); a blank row of a
        template belongs to no inspection; any other row is rejected. Returns which to keep."""
        keep = [True] * len(rows)
        block = self._block_above()
        readings = self.catalog.readings
        metas_of = self.registry.metas
        for position, row in enumerate(rows):
            standard = clean(self.standard_of(row)).casefold()
            inspection = inspections[position]
            if inspection:
                if block is None or block.inspection != inspection:
                    block = _Block(inspection, metas[position], set())
                block.standards.add(standard)
                continue
            if (
                block is not None
                and standard not in block.standards
                and _agrees(metas_of[metas[position]], metas_of[block.meta])
            ):
                inspections[position], metas[position] = block.inspection, block.meta
                block.standards.add(standard)
                self.info.filled_down += 1
                continue
            block = None  # the block has ended: later rows without an id do not join it
            if readings[codes[position]].verdict != BLANK:
                keep[position] = False
                rejects.append(
                    Reject(
                        self.info.file,
                        numbers[position],
                        "missing inspection id (the rows above belong to another inspection or "
                        "already have this standard)",
                        standard=self.standard_of(row),
                        value=shown(self.result_of(row)),
                        kind="missing_id",
                    )
                )
        self.block, self.tail = block, None
        return keep

    # -- checks

    def _reject_unusable(self, batch: Batch) -> None:
        """Unknown standards and unreadable values become rejects with their rows (the entries
        stay in the batch, where the scorer counts them)."""
        readings = self.catalog.readings
        unusable = self.catalog.unusable
        inspections = self.registry.inspections
        for inspection, code, row in zip(batch.inspections, batch.codes, batch.rows, strict=True):
            if code not in unusable:
                continue
            reading = readings[code]
            reason = reading.reason
            if reading.verdict == UNREADABLE:
                reason = f"unreadable value: {reason}"
            elif reading.label:
                self.unknown_total += 1
                if reading.label in self.unknown or len(self.unknown) < MAX_NAMED:
                    self.unknown[reading.label] += 1  # the ids named in the error, bounded
            batch.rejects.append(
                Reject(
                    batch.source.file,
                    row,
                    reason,
                    inspection=inspections[inspection],
                    standard=reading.label,
                    value=shown(reading.raw),
                    kind=VERDICTS[reading.verdict],
                )
            )

    def _warn_numeric_ids(self, before: int) -> None:
        for text in islice(self.registry.inspections, before, None):
            if NUMERIC_ID.fullmatch(text):
                self.info.warn(
                    f"{self.info.file}: inspection id {text} is a number in Excel (1.10 reads as "
                    "1.1); format the id column as text"
                )
                return

    def _fill_merged(self, first: int, rows: list[list[str]]) -> None:
        """Cells inside a merged range of the id or metadata columns take the range's value."""
        last = first + len(rows) - 1
        for top, bottom, left, right in self.merged:
            if bottom < first or top > last:
                continue
            for column in self.merged_columns:
                if not left <= column + 1 <= right:
                    continue
                if first <= top <= last and column < len(rows[top - first]):
                    self.merged_values[top, column] = rows[top - first][column]
                value = self.merged_values.get((top, column), "")
                for number in range(max(top + 1, first), min(bottom, last) + 1):
                    row = rows[number - first]
                    if column < len(row) and not row[column].strip():
                        row[column] = value


def _runs_of(inspections: list[int], metas: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Runs of equal (inspection, metadata) in per-entry lists: inspections, metas, lengths."""
    runs = [
        (key, sum(1 for _ in group)) for key, group in groupby(zip(inspections, metas, strict=True))
    ]
    return [key[0] for key, _ in runs], [key[1] for key, _ in runs], [length for _, length in runs]


def _agrees(row: tuple[str, ...], block: tuple[str, ...]) -> bool:
    """A row's metadata agrees with its block's where it is filled in (blanks are filled down)."""
    return all(not mine or mine == theirs for mine, theirs in zip(row, block, strict=True))
