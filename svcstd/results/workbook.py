"""A workbook → rows of text: the results sheet of an XLSX file, as people see its cells.

python-calamine reads the sheet in one fast pass. Two things it cannot tell are looked up in
the sheet's XML: a formula cell that was never calculated (a tool wrote `=…` and nobody opened
the file in Excel, so the cell holds no value and would read as blank), and merged cells (an
inspection id merged down the rows of its inspection is blank below its first row).
Workbooks are bounded before they are opened: a small file can unpack to gigabytes.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from svcstd.errors import SvcstdError
from svcstd.results.judge import EXCEL_TIME

MAX_SHEET_XML = 1 << 30  # bytes of one sheet's XML once unpacked (a full 1 M-row sheet fits)
MAX_RATIO = 200  # unpacked ÷ packed: real sheets are 5–20×, zip bombs thousands
HEADER_PROBE_ROWS = 40
CHUNK_ROWS = 4096
# A formula cell with no saved value: `<f>…</f>` (or `<f …/>`) followed by nothing, or an empty
# `<v>`, before the cell ends. Cells whose type is a string (t="str") with an empty value are
# formulas Excel did calculate (to ""), so the cell's attributes are matched too.
UNCALCULATED = re.compile(
    rb"<c\b(?P<attrs>[^>]*)>\s*<f\b[^>]*(?:/>|>(?P<formula>[^<]*)</f>)"
    rb"\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class Sheet:
    """The chosen sheet: its name, and its rows as text, a chunk at a time."""

    name: str
    chunks: Iterator[tuple[int, list[list[str]]]]
    merged: list[tuple[int, int, int, int]]  # (first row, last row, first col, last col), 1-based


def open_sheet(
    path: Path, wanted: str | None, has_header: Callable[[list[list[str]]], bool], file: str
) -> Sheet:
    """The sheet named by `--sheet`, or the first whose first rows hold a results header."""
    from python_calamine import CalamineWorkbook

    sheet_paths = _check_archive(path, file)
    try:
        with open(path, "rb") as handle:
            book = CalamineWorkbook.from_filelike(handle)
        names = book.sheet_names
        if wanted is not None:
            chosen = pick_sheet(names, wanted, file)
            sheet = book.get_sheet_by_name(chosen)
        else:
            for chosen in names:
                sheet = book.get_sheet_by_name(chosen)
                if has_header(_probe(sheet)):
                    break
            else:
                chosen = names[0]
                sheet = book.get_sheet_by_name(chosen)
        offset = (sheet.start or (0, 0))[1]  # rows come without the empty columns on the left
        merged = [
            (top + 1, bottom + 1, left + 1 - offset, right + 1 - offset)
            for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])
        ]
        rows = sheet.iter_rows()
    except SvcstdError:
        raise
    except Exception as error:  # calamine's errors name the damage; any is "cannot read"
        raise SvcstdError(f"not a readable .xlsx workbook ({_short(error)})", file) from None
    xml_path = sheet_paths.get(chosen)
    if xml_path is not None:
        _refuse_uncalculated(path, xml_path, chosen, file)
    return Sheet(chosen, _chunks(rows, file, chosen), merged)


def pick_sheet(names: list[str], wanted: str, file: str) -> str:
    if wanted in names:
        return wanted
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    folded = {name.casefold(): name for name in names}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    raise SvcstdError(f"no sheet {wanted!r}; the sheets are {', '.join(names)}", file)


def _probe(sheet: Any) -> list[list[str]]:
    """The first rows of a sheet as text, enough to find a header."""
    rows = []
    for row in sheet.iter_rows():
        rows.append([cell_text(value) for value in row])
        if len(rows) >= HEADER_PROBE_ROWS:
            break
    return rows


def _chunks(
    rows: Iterator[list[Any]], file: str, sheet: str
) -> Iterator[tuple[int, list[list[str]]]]:
    chunk: list[list[str]] = []
    first = 1
    try:
        for row in rows:
            chunk.append([value if type(value) is str else cell_text(value) for value in row])
            if len(chunk) >= CHUNK_ROWS:
                yield first, chunk
                first, chunk = first + len(chunk), []
    except Exception as error:  # a damaged sheet discovered while reading it
        raise SvcstdError(
            f"the sheet cannot be read ({_short(error)})", f"{file} [{sheet}]"
        ) from None
    if chunk:
        yield first, chunk


def cell_text(value: Any) -> str:
    """A cell as the text a person sees: 12 not 12.0, dates as YYYY-MM-DD; a time of day keeps
    a mark (`EXCEL_TIME`) so that judging knows Excel, not the person, chose its meaning."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{EXCEL_TIME}{value.hour}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, dt.timedelta):  # a duration format such as [m]:ss
        return f"{value.total_seconds():g}s"
    return str(value)


# --------------------------------------------------------------------------- the archive


def _check_archive(path: Path, file: str) -> dict[str, str]:
    """Refuse archives that unpack to too much; return sheet name → its XML's path."""
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if not member.filename.startswith("xl/worksheets/"):
                    continue
                packed = max(member.compress_size, 1)
                if member.file_size > MAX_SHEET_XML or (
                    member.file_size > (64 << 20) and member.file_size / packed > MAX_RATIO
                ):
                    raise SvcstdError(
                        f"a sheet unpacks to {member.file_size / (1 << 20):,.0f} MiB "
                        f"({member.file_size / packed:,.0f}× its packed size); save the results "
                        "as CSV or split the sheet",
                        file,
                    )
            return _sheet_paths(archive)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, ElementTree.ParseError) as error:
        raise SvcstdError(f"not a readable .xlsx workbook ({_short(error)})", file) from None


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet names → the paths of their XML inside the archive, from the workbook's parts."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if archive.getinfo(part).file_size > (16 << 20):
            raise ValueError(f"{part} is too large")
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in relations.findall("rel:Relationship", NS)
    }
    paths = {}
    for sheet in workbook.iterfind("main:sheets/main:sheet", NS):
        target = targets.get(sheet.get(R_ID))
        if target:
            full = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            paths[sheet.get("name", "")] = posixpath.normpath(full)
    return paths


def _refuse_uncalculated(path: Path, xml_path: str, sheet: str, file: str) -> None:
    """A formula cell with no saved value is an error naming the cell: it would read as blank."""
    overlap = 1 << 16  # a cell never spans more (Excel caps a formula at 8,192 characters)
    with zipfile.ZipFile(path) as archive, archive.open(xml_path) as xml:
        tail = b""
        while block := xml.read(4 << 20):
            data = tail + block
            if b"<f" in data:
                for match in UNCALCULATED.finditer(data):
                    if b't="str"' in match.group("attrs"):
                        continue
                    ref = CELL_REF.search(match.group("attrs"))
                    cell = (ref.group(1) + ref.group(2)).decode() if ref else "?"
                    row = ref.group(2).decode() if ref else "?"
                    formula = html.unescape(
                        (match.group("formula") or b"").decode("utf-8", "replace")
                    )
                    shown = f"the formula ={formula[:80]}" if formula else "a formula"
                    raise SvcstdError(
                        f"cell {cell} holds {shown} with no saved value (the file was never "
                        "calculated); open it in Excel, save, and score again",
                        f"{file} [{sheet}], row {row}",
                    )
            tail = data[-overlap:]


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
