"""Text → rows: a CSV file as lists of cells, in chunks bounded by cells, not rows.

`csv.reader` reads the records (strict, so a quote left open is an error, not the rest of the
file swallowed into one cell); this module feeds it whole lines from decoded blocks, finds the
delimiter, keeps lines and cells within bounds, and names the line of every problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import partial
from itertools import chain, islice
from operator import methodcaller
from pathlib import Path

from svcstd.errors import SvcstdError
from svcstd.results.text import Decoding, text_blocks

HEADER_SEARCH_ROWS = 20
MAX_FIELD = 1 << 20  # characters in one cell: more means a quote left open
MAX_LINE = 4 << 20  # characters in one line: more is not a results sheet
MAX_COLUMNS = 16384  # Excel's limit; a wider "header" is not a results sheet
CHUNK_CELLS = 1 << 16  # cells handed on at a time: memory stays flat however wide the rows
MAX_CHUNK_ROWS = 8192


def sniff_delimiter(sample: str) -> str:
    """The delimiter of the header: `,`, `;` or tab, whichever the first lines use most."""
    best, best_count = ",", 0
    lines = sample.splitlines()[:HEADER_SEARCH_ROWS]
    for candidate in (",", ";", "\t"):
        count = max((line.count(candidate) for line in lines), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best


def csv_chunks(
    path: Path, decoding: Decoding, delimiter: str, file: str
) -> Iterator[tuple[int, list[list[str]]]]:
    """The records of a CSV file as (row number of the first, rows), a chunk at a time.

    Row numbers count records as a spreadsheet shows them (a cell with a line break inside
    quotes is still one row). A chunk holds about `CHUNK_CELLS` cells, judged from the widest
    record so far, so a file 100,000 columns wide is read a few rows at a time.
    """
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise SvcstdError(
            f"--delimiter must be one character other than a quote or line break, not {delimiter!r}"
        )
    csv.field_size_limit(MAX_FIELD)
    first, width, size = 1, 0, 16  # the first chunk is small: the header is looked for in it
    pending: list[list[str]] = []
    with open(path, "rb") as handle:
        pieces = _whole_lines(text_blocks(handle, decoding, file), file)
        for rows in _records(pieces, delimiter, file):
            width = max(width, max(map(len, rows), default=0))
            if width > MAX_COLUMNS and first == 1:
                raise SvcstdError(
                    f"the first rows have {width:,} cells; svcstd reads at most "
                    f"{MAX_COLUMNS:,} columns (as Excel does)",
                    f"{file}, line 1",
                )
            pending += rows
            while len(pending) >= size:
                yield first, pending[:size]
                first, pending = first + size, pending[size:]
                size = max(1, min(MAX_CHUNK_ROWS, CHUNK_CELLS // max(1, width)))
        if pending:
            yield first, pending


def _records(pieces: Iterator[str], delimiter: str, file: str) -> Iterator[list[list[str]]]:
    """The records of text pieces that end with line breaks, exactly as `csv.reader` reads them.

    A line with no quote and no carriage return other than a CR LF ending is, to csv.reader,
    that line split at the delimiter; `str.split` does the same in half the time, and most
    exports are such lines throughout. From the first piece that has a quote or a lone CR,
    csv.reader reads the rest (a quoted cell may run on over the next pieces).
    """
    lines_before = 0
    for piece in pieces:
        lines = _plain_lines(piece)
        if lines is None:
            rest = chain([piece], pieces)
            reader = csv.reader(
                chain.from_iterable(map(partial(io.StringIO, newline=""), rest)),
                delimiter=delimiter,
                strict=True,
            )
            try:
                while rows := list(islice(reader, MAX_CHUNK_ROWS)):
                    yield rows
            except csv.Error as error:
                where = f"{file}, line {lines_before + reader.line_num}"
                raise SvcstdError(_csv_problem(str(error)), where) from None
            return
        lines_before += len(lines)
        rows = list(map(methodcaller("split", delimiter), lines))
        if "" in lines:  # csv.reader reads an empty line as a record of no cells
            rows = [row if row != [""] else [] for row in rows]
        yield rows


def _plain_lines(piece: str) -> list[str] | None:
    """The lines of a piece, if csv.reader would read each as it is split (else None)."""
    if '"' in piece or "\0" in piece:
        return None
    if "\r" not in piece:
        return piece[:-1].split("\n") if piece.endswith("\n") else piece.split("\n")
    if not piece.endswith("\r\n"):
        return None
    lines = piece[:-2].split("\r\n")  # as Excel on Windows writes: every line ends CR LF
    if piece.count("\r") != len(lines) or piece.count("\n") != len(lines):
        return None  # a CR or LF inside a line, which csv.reader reads as a line break
    return lines


def _whole_lines(blocks: Iterator[str], file: str) -> Iterator[str]:
    """The text again, in pieces that end with a line break (the last one may not)."""
    rest = ""
    for block in blocks:
        text = rest + block
        cut = text.rfind("\n") + 1
        if not cut:
            if len(text) > MAX_LINE:
                raise SvcstdError(
                    f"a line longer than {MAX_LINE >> 20} Mi characters; is this a CSV file?", file
                )
            rest = text
            continue
        rest = text[cut:]
        yield text[:cut]
    if rest:
        yield rest


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message or "EOF" in message:
        return 'a quote (") is opened and never closed; the rest of the file would be one cell'
    if "expected after" in message:
        return f'a stray quote (") inside a cell; quote the whole cell and double inner quotes ({message})'
    if "field larger than field limit" in message:
        return "a cell longer than 1 MiB; is a quote left open?"
    if "NUL" in message or "null byte" in message:
        return "a NUL byte inside the text; this is not a plain CSV file"
    return f"malformed CSV: {message}"
