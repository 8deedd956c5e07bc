"""Text → rows: a CSV file as lists of cells, in chunks bounded by cells, not rows.

`csv.reader` reads the records (strict, so a quote left open is an error, not the rest of the
file swallowed into one cell); this module feeds it whole lines from decoded blocks, finds the
delimiter, keeps lines and cells within bounds, and names the line of every problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import chain, islice
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
    quotes is still one row). A chunk holds about `CHUNK_CELLS` cells, judged from the first
    record's width, so a file 100,000 columns wide is read a few rows at a time.
    """
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise SvcstdError(
            f"--delimiter must be one character other than a quote or line break, not {delimiter!r}"
        )
    csv.field_size_limit(MAX_FIELD)
    with open(path, "rb") as handle:
        lines = _lines(text_blocks(handle, decoding, file), file)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        first = 1
        size = 16  # rows in the first chunk, until the width is known
        try:
            while rows := list(islice(reader, size)):
                width = max(map(len, rows))
                if width > MAX_COLUMNS and first == 1:
                    raise SvcstdError(
                        f"the first rows have {width:,} cells; svcstd reads at most "
                        f"{MAX_COLUMNS:,} columns (as Excel does)",
                        f"{file}, line 1",
                    )
                yield first, rows
                first += len(rows)
                size = max(1, min(MAX_CHUNK_ROWS, CHUNK_CELLS // max(1, width)))
        except csv.Error as error:
            raise SvcstdError(_csv_problem(str(error)), f"{file}, line {reader.line_num}") from None


def _lines(blocks: Iterator[str], file: str) -> Iterator[str]:
    """Whole lines from blocks of text, each with its line break (as csv.reader wants them).

    A block is cut after its last LF, so a CR LF pair is never split and the rest waits for
    the next block; `StringIO(newline="")` then splits as a file opened that way would.
    """
    rest = ""
    for block in blocks:
        text = rest + block
        cut = text.rfind("\n") + 1
        if not cut:
            if len(text) > MAX_LINE:
                raise SvcstdError(
                    f"a line longer than {MAX_LINE >> 20} MiB characters; is this a CSV file?", file
                )
            rest = text
            continue
        rest = text[cut:]
        yield from io.StringIO(text[:cut], newline="")
    if rest:
        yield from io.StringIO(rest, newline="")


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


def first_rows(chunks: Iterator[tuple[int, list[list[str]]]]) -> Iterator[tuple[int, list[str]]]:
    """Numbered rows from chunks (for the header search and small files)."""
    return chain.from_iterable(
        ((first + offset, row) for offset, row in enumerate(rows)) for first, rows in chunks
    )
