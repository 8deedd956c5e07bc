"""Rows → layout: which column holds what, from the header row a person wrote.

Long sheets have a standard column and a result column (one row per result); wide sheets have
a column per standard (one row per inspection), as phone-form servers export them with group
paths (`phone/HV-01`, `phone-HV-01`). Headers are matched in Chinese or English, ignoring case
and full-width forms; `--column NAME=HEADER` maps any other.
"""

from __future__ import annotations

from collections.abc import Sequence

from svcstd.errors import SvcstdError
from svcstd.results.catalog import Catalog, StandardInfo
from svcstd.results.judge import header_key
from svcstd.results.records import Layout, ReadOptions, SourceInfo
from svcstd.vocab import META_COLUMNS

HEADER_SEARCH_ROWS = 20

# Columns that phone-form servers add to every export; they are neither results nor an error.
_SYSTEM = """start end today deviceid subscriberid simserial phonenumber username audit
instanceid instancename deprecatedid key submissiondate submitterid submittername
attachmentspresent attachmentsexpected status reviewstate edits formversion"""
FORM_SYSTEM_COLUMNS = frozenset(_SYSTEM.split())
# Where a phone-form export keeps an inspection's id or date when the form had no such question.
FORM_FALLBACKS = {
    "inspection": ("_uuid", "instanceid", "key", "_id", "_index"),
    "date": ("today", "start", "_submission_time", "submissiondate", "end"),
}


def parse_column_options(items: Sequence[str], catalog: Catalog | None = None) -> dict[str, str]:
    """`--column result=得分` options as {name: header}; names are the metadata names or ids."""
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, header = item.partition("=")
        name, header = name.strip(), header.strip()
        if not sep or not name or not header:
            raise SvcstdError(f"--column {item!r}: write NAME=HEADER, e.g. --column result=得分")
        canonical = name.casefold()
        if canonical not in META_COLUMNS and (catalog is None or catalog.find(name) is None):
            names = ", ".join(META_COLUMNS)
            raise SvcstdError(
                f"--column {item!r}: {name!r} is neither a column name ({names}) nor a standard id"
            )
        mapping[canonical if canonical in META_COLUMNS else name] = header
    return mapping


def find_header(
    numbered: list[tuple[int, list[str]]], catalog: Catalog, options: ReadOptions, info: SourceInfo
) -> tuple[Layout | None, str, int]:
    """The layout from the header among the first non-empty rows (a title may sit above it):
    (layout, why not found, position of the first row after the header)."""
    why = "the file is empty"
    seen = 0
    for position, (number, row) in enumerate(numbered):
        if not any(cell.strip() for cell in row):
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        found = detect_layout(row, catalog, options, info)
        if isinstance(found, Layout):
            info.header_row = number
            return found, "", position + 1
        names_columns = _names_columns(row, options)
        if seen == 1 or names_columns:
            why = found
        if names_columns:
            break  # a header that is incomplete: never take a data row below it for one
    return None, why, len(numbered)


def _names_columns(row: list[str], options: ReadOptions) -> bool:
    """Whether a row names result-sheet columns (so it is meant as the header)."""
    aliases = {header_key(alias) for names in META_COLUMNS.values() for alias in names}
    aliases |= {header_key(header) for header in options.columns.values()}
    return any(header_key(cell) in aliases for cell in row)


def detect_layout(
    header: list[str], catalog: Catalog, options: ReadOptions, info: SourceInfo
) -> Layout | str:
    """The layout of a header row, or a sentence saying why this row is not a results header."""
    keys = [header_key(cell) for cell in header]
    columns: dict[str, int] = {}
    mapped_standards: dict[int, StandardInfo] = {}
    for name, wanted in options.columns.items():
        wanted_key = header_key(wanted)
        if wanted_key in keys:
            index = keys.index(wanted_key)
            if name in META_COLUMNS:
                columns[name] = index
            else:
                found = catalog.find(name)
                if found is not None:
                    mapped_standards[index] = found
    used = set(columns.values()) | set(mapped_standards)
    for name, aliases in META_COLUMNS.items():
        if name in columns:
            continue
        alias_keys = [header_key(alias) for alias in aliases]
        found_at = _first_column(keys, alias_keys, used)
        if found_at is None:
            found_at = _first_column([_last_part(key) for key in keys], alias_keys, used)
        if found_at is not None:
            columns[name] = found_at
            used.add(found_at)
    extra = [name for name in options.meta_names if name not in META_COLUMNS]
    for name in extra:
        found_at = _first_column(keys, [header_key(name)], set())
        if found_at is not None:
            columns[name] = found_at
            used.add(found_at)
    if "standard" in columns and "result" in columns:
        # without an inspection column, rows are grouped by date, site, staff and inspector
        return _layout("long", header, keys, columns, [], options, info, used)
    results: list[tuple[int, StandardInfo | None, str]] = []
    for index, cell in enumerate(header):
        if index in mapped_standards:
            results.append((index, mapped_standards[index], cell))
        elif index not in used and keys[index]:
            found = catalog.find(cell)
            if found is not None:
                results.append((index, found, cell))
    if results:
        for index, cell in enumerate(header):
            if index in used or index in mapped_standards or not keys[index]:
                continue
            if catalog.find(cell) is None and catalog.looks_like_id(cell):
                results.append((index, None, cell))
        results.sort()
        return _layout("wide", header, keys, columns, results, options, info, used)
    if "standard" in columns:
        return (
            f"found a standard column ({header[columns['standard']]}) but no result column; "
            "name it 结果/result or map it with --column result=HEADER"
        )
    ids = ", ".join(s.id for s in catalog.standards[:3])
    return (
        "no results header: a long sheet needs 标准编号/standard and 结果/result columns, "
        f"a wide sheet a column per standard id ({ids}, …)"
    )


def _first_column(keys: list[str], wanted: list[str], used: set[int]) -> int | None:
    for alias in wanted:
        for index, key in enumerate(keys):
            if key == alias and index not in used:
                return index
    return None


def _last_part(key: str) -> str:
    """`meta/site` → `site`, `info-site` → `site`: metadata inside a phone form's group."""
    if "/" in key:
        return key.rsplit("/", 1)[1]
    if "-" in key:
        return key.rsplit("-", 1)[1]
    return key


def _layout(
    shape: str,
    header: list[str],
    keys: list[str],
    columns: dict[str, int],
    results: list[tuple[int, StandardInfo | None, str]],
    options: ReadOptions,
    info: SourceInfo,
    used: set[int],
) -> Layout:
    inspection_from = ""
    if shape == "wide":
        for name in ("inspection", "date"):
            if name not in columns:
                index = _first_column(
                    [_last_part(key) if key.startswith("meta") else key for key in keys],
                    list(FORM_FALLBACKS[name]),
                    used,
                )
                if index is not None:
                    columns[name] = index
                    used.add(index)
                    if name == "inspection":
                        inspection_from = header[index]
    result_columns = {index for index, _, _ in results}
    ignored = [
        cell
        for index, cell in enumerate(header)
        if keys[index]
        and index not in used
        and index not in result_columns
        and not keys[index].startswith("_")
        and _last_part(keys[index]) not in FORM_SYSTEM_COLUMNS
        and keys[index] not in FORM_SYSTEM_COLUMNS
    ]
    info.shape = shape
    info.columns = {name: header[index] for name, index in columns.items()}
    info.standard_columns = sum(1 for _, found, _ in results if found is not None)
    info.ignored = ignored
    unknown = [cell for _, found, cell in results if found is None]
    if unknown:
        info.warn(
            f"{info.file}: columns {', '.join(unknown)} look like standard ids but are not in "
            "the standards; their results are rejected as unknown"
        )
    if ignored:
        info.warn(f"{info.file}: columns not used: {', '.join(ignored)}")
    return Layout(
        shape=shape,
        ncols=len(header),
        inspection=columns.get("inspection"),
        standard=columns.get("standard"),
        result=columns.get("result"),
        meta=[columns.get(name) for name in options.meta_names],
        results=results,
        inspection_from=inspection_from,
    )
