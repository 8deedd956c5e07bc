"""Read inspection results (CSV or XLSX, long or wide) into judged entries, streaming.

Quality managers get results from inspectors' Excel sheets, phone forms (ODK Collect,
KoboToolbox) and mystery-shopping vendors, in UTF-8, UTF-8 with a BOM or GBK, with English or
Chinese headers, results written as words, symbols or numbers. This module turns all of that
into one stream of `Batch`es: every result cell becomes an *entry* whose judged meaning is an
int code into `Catalog.readings` (so the same text is judged once, however many rows repeat
it), grouped into runs of entries that belong to one inspection. Nothing is dropped: a row
that cannot be used is a `Reject` with its row number and reason.

Memory does not grow with the number of rows: rows are read in chunks and only the distinct
texts seen are remembered. The common case (a rectangular long file) is handled a chunk at a
time with C-level `map`/`groupby` calls; anything unusual in a chunk falls back to a careful
row-by-row path that gives the same result.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from svcstd.errors import SvcstdError
from svcstd.model import UNIT_SECONDS, Measure, StandardFile
from svcstd.vocab import FAIL_TOKENS, META_COLUMNS, NA_TOKENS, PASS_TOKENS

# Verdicts of an entry, as small ints so the scorer can index tables with them.
BLANK, PASS, FAIL, NA, UNREADABLE, UNKNOWN = range(6)
VERDICTS = ("blank", "pass", "fail", "na", "unreadable", "unknown")

CHUNK_ROWS = 8192  # rows judged together: fewer, longer C-level passes (measured best)
ID_CACHE = 4096  # raw inspection ids remembered with their cleaned form
HEADER_SEARCH_ROWS = 20
SNIFF_BYTES = 64 * 1024
MAX_FIELD = 1024 * 1024

# Metadata kept per inspection, in this order; `--by` may add any other column after them.
META_KEEP = ("date", "site", "staff", "inspector")

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

SPACE_OR_QUOTE = frozenset(" '")
ZERO_WIDTH = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u200b\u200c\u200d\u2060\ufeff"), None)
ID_LIKE = re.compile(r"([A-Za-z]{1,8})[-_.]?\d{1,4}[A-Za-z]?")
TOKEN_SPLIT = re.compile(r"[\s()（）\[\]【】:：]+")


# --------------------------------------------------------------------------- text


def clean(text: str) -> str:
    """Text as people mean it: full-width digits and letters as ASCII, ideographic spaces as
    spaces, zero-width marks and surrounding space gone, and a spreadsheet's protective `'`
    before `=`/`+`/`-`/`@` removed (svcstd itself writes such cells that way)."""
    if (
        text.isascii()
        and text.isprintable()
        and text[:1] not in SPACE_OR_QUOTE
        and text[-1:] != " "
        and "  " not in text
    ):
        return text  # the common case: nothing to normalise
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).strip()
    if text[:1] == "'" and text[1:2] and text[1:2] in "=+-@":
        text = text[1:]
    return " ".join(text.split()) if "  " in text or "\t" in text or "\n" in text else text


def header_key(text: str) -> str:
    """A header as compared: cleaned and case-folded (`Site`, `ＳＩＴＥ ` and `site` agree)."""
    return clean(text).casefold()


# --------------------------------------------------------------------------- judging values

UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "d": ("days", "day", "天", "日", "d"),
    "h": ("hours", "hour", "hrs", "hr", "个小时", "小时", "钟头", "时", "h"),
    "min": ("minutes", "minute", "mins", "min", "分钟", "分", "m"),
    "s": ("seconds", "second", "secs", "sec", "秒钟", "秒", "s"),
}
_UNIT_OF = {word: unit for unit, words in UNIT_WORDS.items() for word in words}
_UNIT_ALTERNATIVES = "|".join(sorted(map(re.escape, _UNIT_OF), key=len, reverse=True))
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
DURATION_PART = re.compile(rf"(\d+(?:\.\d+)?|\.\d+)\s*({_UNIT_ALTERNATIVES})\s*")
CLOCK = re.compile(r"(-?)(\d+):([0-5]?\d)(?::([0-5]\d(?:\.\d+)?))?")
COUNT_WORDS = re.compile(r"\s*(?:次|个|件|人|位|项|处|台|户|times?)$")
RATING_WORDS = re.compile(r"\s*(?:分|星|points?|pts?)$")
UNIT_ORDER = ("d", "h", "min", "s")


def judge(measure: Measure | None, text: str) -> tuple[int, float | None, str]:
    """One result cell judged against a standard's measure: (verdict, value, reason).

    Words and symbols (pass / ✓ / 合格, fail / ✗ / 不合格, N/A / 不适用) are read for every
    kind of standard; a measured standard also takes a number in its own unit, and a duration
    takes `1:30`, `90s`, `1.5 min`, `90秒` or `1分30秒`, converted to the standard's unit.
    """
    text = clean(text)
    if not text:
        return BLANK, None, ""
    low = text.casefold()
    if low in NA_TOKENS:
        return NA, None, ""
    kind = measure.kind if measure is not None else "yes_no"
    if kind != "yes_no":
        assert measure is not None
        value, problem = _number(measure, low)
        if value is not None:
            if (
                kind == "rating"
                and measure.scale
                and not (min(measure.scale) <= value <= max(measure.scale))
            ):
                low_end, high_end = sorted(measure.scale)
                return (
                    UNREADABLE,
                    None,
                    f"{_num(value)} is outside the rating scale {_num(low_end)}…{_num(high_end)}",
                )
            return (PASS if measure.passes(value) else FAIL), value, ""
    else:
        problem = ""
    token = _token(low)
    if token is not None:
        return token, None, ""
    if kind == "yes_no":
        if NUMBER.fullmatch(low):
            return UNREADABLE, None, "a number for a yes/no standard; write pass/fail (✓/✗)"
        return UNREADABLE, None, "not a result; write pass/fail, ✓/✗, 合格/不合格 or N/A"
    return UNREADABLE, None, problem or f"not a {kind.replace('_', ' ')} value or pass/fail"


def _token(low: str) -> int | None:
    """pass/fail/na from a word, or from a label such as `✓ 合格` whose parts agree."""
    for tokens, verdict in ((PASS_TOKENS, PASS), (FAIL_TOKENS, FAIL), (NA_TOKENS, NA)):
        if low in tokens:
            return verdict
    parts = [part for part in TOKEN_SPLIT.split(low) if part]
    if len(parts) < 2:
        return None
    found = {_token(part) if part != low else None for part in parts}
    return found.pop() if len(found) == 1 and None not in found else None


def _number(measure: Measure, low: str) -> tuple[float | None, str]:
    """The value of a measured standard's cell in the standard's unit, or why it has none."""
    text = low.replace("−", "-")
    if NUMBER.fullmatch(text):
        return float(text), ""
    kind = measure.kind
    if kind == "percent":
        if text.endswith("%") and NUMBER.fullmatch(text[:-1].strip()):
            return float(text[:-1].strip()), ""
        return None, "not a percentage"
    if kind == "count":
        stripped = COUNT_WORDS.sub("", text)
        if stripped != text and NUMBER.fullmatch(stripped):
            return float(stripped), ""
        return None, "not a count"
    if kind == "rating":
        stripped = RATING_WORDS.sub("", text)
        if stripped != text and NUMBER.fullmatch(stripped):
            return float(stripped), ""
        return None, "not a rating"
    seconds, problem = duration_seconds(text, measure.unit)
    if seconds is None:
        return None, problem
    if measure.unit is None:
        return None, "the standard's duration has no unit; add measure.unit (s, min, h or d)"
    return seconds / UNIT_SECONDS[measure.unit], ""


def duration_seconds(text: str, unit: str | None) -> tuple[float | None, str]:
    """`1:30`, `90s`, `1.5 min`, `90秒`, `1分30秒`, `1h30m` as seconds.

    `a:b` is minutes:seconds for standards counted in seconds or minutes, hours:minutes for
    standards in hours, and refused for days, where it means nothing clear; `a:b:c` is always
    hours:minutes:seconds.
    """
    clock = CLOCK.fullmatch(text)
    if clock:
        sign = -1 if clock.group(1) else 1
        first, second, third = int(clock.group(2)), int(clock.group(3)), clock.group(4)
        if third is not None:
            return sign * (first * 3600 + second * 60 + float(third)), ""
        if unit in ("s", "min"):
            return sign * (first * 60 + second), ""
        if unit == "h":
            return sign * (first * 3600 + second * 60), ""
        return None, f"{text!r} is ambiguous for a standard counted in days; write e.g. 1.5 d"
    sign = 1
    if text.startswith("-"):
        sign, text = -1, text[1:].lstrip()
    position, total, last = 0, 0.0, -1
    for match in DURATION_PART.finditer(text):
        if match.start() != position:
            break
        order = UNIT_ORDER.index(_UNIT_OF[match.group(2)])
        if order <= last:
            return None, f"{text!r}: units out of order"
        total += float(match.group(1)) * UNIT_SECONDS[UNIT_ORDER[order]]
        position, last = match.end(), order
    if position == 0:
        return None, "not a duration (write e.g. 90, 90s, 1:30, 1.5 min, 1分30秒)"
    rest = text[position:]
    if rest:
        # "1分30" and "2h30": a bare number after a unit counts in the next smaller unit
        if NUMBER.fullmatch(rest) and UNIT_ORDER[last] in ("h", "min"):
            total += float(rest) * UNIT_SECONDS[UNIT_ORDER[last + 1]]
        else:
            return None, f"{text!r} is not a duration"
    return sign * total, ""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?(?:\s*.*)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(text: str) -> dt.date | None:
    """A date written year first (2025-03-05, 2025/3/5, 2025年3月5日, 20250305, ISO times),
    or an Excel serial number; day-first and month-first forms are ambiguous and refused."""
    text = clean(text)
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    if text.isdigit() and 20000 <= int(text) <= 80000:
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    return None


# --------------------------------------------------------------------------- the catalog


@dataclass(frozen=True)
class StandardInfo:
    """One standard being scored, with what the scorer and the reports need to know of it."""

    index: int
    id: str
    file: str
    language: str
    stage: str
    stage_name: str
    step: str
    factor: str | None
    factor_name: str | None
    importance: float | None
    what: str
    measure: Measure | None
    threshold: str
    target: float
    weight: float
    critical: bool


class Reading(NamedTuple):
    """What one distinct result text means for one standard (interned; entries point here)."""

    standard: int  # index into Catalog.standards, -1 when the standard is not known
    verdict: int
    value: float | None
    label: str  # the standard as written in the results
    raw: str  # the result as written (the first text seen with this meaning)
    reason: str  # why an entry is unreadable or unknown


class Catalog:
    """The standards being scored, and every distinct reading of a result seen so far."""

    def __init__(self, files: Sequence[tuple[str, StandardFile]]) -> None:
        self.files = list(files)
        self.standards: list[StandardInfo] = []
        self.by_id: dict[str, StandardInfo] = {}
        self._by_key: dict[str, StandardInfo] = {}
        for display, doc in self.files:
            for _, stage, step, standard in doc.standards():
                if standard.id in self.by_id:
                    first = self.by_id[standard.id]
                    raise SvcstdError(
                        f"standard id {standard.id} is in both {first.file} and {display}; "
                        "score these standards in separate runs",
                        display,
                    )
                factor = doc.factor(standard.factor)
                info = StandardInfo(
                    index=len(self.standards),
                    id=standard.id,
                    file=display,
                    language=doc.language,
                    stage=stage.id,
                    stage_name=stage.name,
                    step=step.id,
                    factor=standard.factor,
                    factor_name=factor.name if factor else None,
                    importance=factor.importance if factor else None,
                    what=standard.what or "",
                    measure=standard.measure,
                    threshold=standard.measure.describe(doc.language) if standard.measure else "",
                    target=standard.target,
                    weight=standard.weight,
                    critical=standard.critical,
                )
                self.standards.append(info)
                self.by_id[standard.id] = info
        if not self.standards:
            raise SvcstdError("the standard files hold no standards to score")
        for info in self.standards:
            for key in (header_key(info.id), header_key(_xml_name(info.id))):
                self._by_key.setdefault(key, info)
        self.prefixes = {
            match.group(1).casefold()
            for info in self.standards
            if (match := ID_LIKE.fullmatch(info.id))
        }
        self.readings: list[Reading] = []
        self._meaning: dict[tuple[int, int, float | None], int] = {}
        # long rows: standard text -> result text -> code, judged when first seen
        self.long_codes = _LongCodes(self)
        self.column_codes: dict[tuple[int, str], dict[str, int]] = {}

    def find(self, text: str) -> StandardInfo | None:
        """The standard a cell or header names: exactly, ignoring case and full-width forms,
        or as the last part of a phone form's group path (`phone/HV-01`, `phone-HV-01`)."""
        key = header_key(text)
        info = self._by_key.get(key)
        if info is not None or not key:
            return info
        if "/" in key:
            info = self._by_key.get(key.rsplit("/", 1)[1])
            if info is not None:
                return info
        start = key.find("-")
        while start != -1:
            info = self._by_key.get(key[start + 1 :])
            if info is not None:
                return info
            start = key.find("-", start + 1)
        return None

    def looks_like_id(self, text: str) -> bool:
        """A header shaped like the standards' ids (HV-99 beside HV-01…) but not one of them."""
        key = clean(text).rsplit("/", 1)[-1]
        match = ID_LIKE.fullmatch(key)
        return bool(match and match.group(1).casefold() in self.prefixes)

    def code(self, info: StandardInfo | None, label: str, raw: str) -> int:
        """Judge `raw` for a standard (or an unknown one) and return its reading's code."""
        if info is None:
            if not clean(raw):
                return self._intern(Reading(-1, BLANK, None, "", "", ""), (-1, BLANK, None))
            reason = "no standard id" if not clean(label) else "unknown standard id"
            return self._new(Reading(-1, UNKNOWN, None, clean(label), raw, reason))
        verdict, value, reason = judge(info.measure, raw)
        if verdict == UNREADABLE:
            return self._new(Reading(info.index, UNREADABLE, None, info.id, raw, reason))
        return self._intern(
            Reading(info.index, verdict, value, info.id, clean(raw), ""),
            (info.index, verdict, value),
        )

    def code_long(self, label: str, raw: str) -> int:
        """The code of a long row's (standard, result) texts, judged once and remembered."""
        return self.long_codes[label][raw]

    def _intern(self, reading: Reading, meaning: tuple[int, int, float | None]) -> int:
        code = self._meaning.get(meaning)
        if code is None:
            code = self._meaning[meaning] = self._new(reading)
        return code

    def _new(self, reading: Reading) -> int:
        self.readings.append(reading)
        return len(self.readings) - 1


class _LongCodes(dict[str, "_ResultCodes"]):
    """Standard text -> its result codes; a standard text not seen yet gets a new table."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog

    def __missing__(self, label: str) -> _ResultCodes:
        table = self[label] = _ResultCodes(self.catalog, label)
        return table


class _ResultCodes(dict[str, int]):
    """Result text -> code, for one standard text of long rows; a text not seen yet is judged
    (so a chunk's codes are one C-level lookup per row, with nothing to patch up after)."""

    def __init__(self, catalog: Catalog, label: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.label = label
        self.info = catalog.find(label)

    def __missing__(self, raw: str) -> int:
        code = self[raw] = self.catalog.code(self.info, self.label, raw)
        return code


SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _xml_name(text: str) -> str:
    """The question name `svcstd render --format xlsform` gives an id that is no XML name."""
    if SIMPLE_NAME.fullmatch(text):
        return text  # already a valid name: the form uses the id itself
    from svcstd.sheets import xml_name

    return xml_name(text)


# --------------------------------------------------------------------------- batches


@dataclass
class Reject:
    """A row or cell that could not be used, with where it is and why."""

    file: str
    row: int
    reason: str
    inspection: str = ""
    standard: str = ""
    value: str = ""


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
    size: int = 0
    position: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


# A run: (inspection, metadata, first row, number of entries, row step). Entry j of a run is on
# row `first + j * step`: step 1 for long rows, 0 for the cells of one wide row.
Run = tuple[str, tuple[str, ...], int, int, int]


@dataclass
class Batch:
    """Entries read from a chunk of rows: codes, grouped into runs, plus rows rejected outright."""

    source: SourceInfo
    file_index: int
    runs: list[Run]
    codes: list[int]
    rejects: list[Reject]


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


def read_results(
    path: Path,
    catalog: Catalog,
    options: ReadOptions | None = None,
    file_index: int = 0,
    display: str | None = None,
) -> Iterator[Batch]:
    """Stream one results file as batches of judged entries; bad input is a `SvcstdError`."""
    options = options or ReadOptions()
    info = SourceInfo(file=display or str(path))
    try:
        info.size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise SvcstdError(f"cannot read the file: {error.strerror or error}", info.file) from None
    suffix = path.suffix.casefold()
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        info.format = "xlsx"
        chunks = _xlsx_chunks(path, info, options, _header_probe(catalog, options, info.file))
    elif suffix in (".xls", ".ods", ".numbers") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SvcstdError("save the sheet as .xlsx or .csv (UTF-8) and score that", info.file)
    else:
        chunks = _csv_chunks(path, head, info, options)
    yield from _batches(chunks, info, catalog, options, file_index)


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


def observations(
    paths: Sequence[Path], catalog: Catalog, options: ReadOptions | None = None
) -> Iterator[Observation | Reject]:
    """Every entry of the files as an `Observation`, and every rejected row as a `Reject`."""
    options = options or ReadOptions()
    names = options.meta_names
    for index, path in enumerate(paths):
        for batch in read_results(path, catalog, options, index):
            yield from batch.rejects
            position = 0
            for inspection, meta, first, count, step in batch.runs:
                for offset in range(count):
                    reading = catalog.readings[batch.codes[position + offset]]
                    yield Observation(
                        batch.source.file,
                        first + offset * step,
                        inspection,
                        reading.label,
                        VERDICTS[reading.verdict],
                        reading.value,
                        reading.raw,
                        reading.reason,
                        dict(zip(names, meta, strict=True)),
                    )
                position += count


# --------------------------------------------------------------------------- CSV


def _csv_chunks(
    path: Path, head: bytes, info: SourceInfo, options: ReadOptions
) -> Iterator[tuple[int, list[list[str]]]]:
    """Records of a CSV file in chunks, as (row number of the first, rows).

    The encoding is UTF-8 (with or without BOM, or UTF-16 with a BOM) unless the text is not
    UTF-8 and reads as GB18030; never GB18030 first, which turns UTF-8 Chinese into mojibake.
    A file whose first 64 KiB are plain ASCII is read as UTF-8 and, if GBK text turns up later,
    read again as GB18030 from where it left off (the rows before were ASCII, the same in both).
    """
    encoding, tentative = _choose_encoding(head, info.file, options.encoding)
    info.encoding = encoding
    sample = head.decode(encoding if encoding != "utf-8-sig" else "utf-8-sig", "replace")
    delimiter = options.delimiter or _sniff_delimiter(sample)
    if len(delimiter) != 1:
        raise SvcstdError(f"--delimiter must be one character, not {delimiter!r}")
    info.delimiter = delimiter
    done = 0
    csv.field_size_limit(MAX_FIELD)
    while True:
        try:
            with open(path, encoding=encoding, newline="") as handle:
                records = _Records(handle, delimiter, info.file)
                records.skip(done)
                buffer: Any = handle.buffer
                for chunk in records.chunks(CHUNK_ROWS):
                    info.position = buffer.tell()
                    yield done + 1, chunk
                    done += len(chunk)
            return
        except UnicodeDecodeError:
            if tentative and _gbk_after_ascii(path):
                encoding, tentative = "gb18030", False
                info.encoding = encoding
                info.warn(f"{info.file} is GB18030/GBK text, not UTF-8; read as GB18030")
                continue
            raise _decode_error(path, info.file, encoding) from None


class _Records:
    """The records of CSV text, exactly as `csv.reader` reads them, but faster where it can.

    `csv.reader` (default dialect) reads a line with no quote and no CR but the one before its
    LF as the line split at the delimiter, and an empty line as no cells; `str.split` does the
    same in about half the time. So the text is read in blocks, and blocks of such lines are
    split; from the first block with a quote or a lone CR (or a line too long to be one cell),
    `csv.reader` reads the rest, with its checks for broken quotes. Errors name their line in
    the file.
    """

    def __init__(self, handle: IO[str], delimiter: str, file: str, block: int = 32 * 1024):
        self.handle = handle
        self.block = block  # characters read at a time while the text is plain
        self.delimiter = delimiter
        self.file = file
        self.lines = 0  # lines read before csv.reader takes over
        self.split = 0  # records read by splitting lines

    def skip(self, count: int) -> None:
        """Pass over records already read (on the second read of a file, as GB18030)."""
        if count:
            reader = csv.reader(self.handle, delimiter=self.delimiter, strict=True)
            for _ in islice(reader, count):
                pass
            self.lines = reader.line_num

    def chunks(self, size: int) -> Iterator[list[list[str]]]:
        """The records in lists of `size` (the last one shorter)."""
        pending: list[list[str]] = []
        for rows in self._blocks(size):
            pending += rows
            while len(pending) >= size:
                yield pending[:size]
                del pending[:size]
        if pending:
            yield pending

    def _blocks(self, size: int) -> Iterator[list[list[str]]]:
        lines: Iterable[str] | None = self.handle
        if self.delimiter not in '"\r\n':
            lines = yield from self._plain()
        if lines is None:
            return
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        wanted = size - self.split % size  # first the rest of a chunk begun by splitting
        try:
            while rows := list(islice(reader, wanted)):
                yield rows
                wanted = size
        except csv.Error as error:
            line = self.lines + reader.line_num
            raise SvcstdError(_csv_problem(str(error)), f"{self.file}, line {line}") from None

    def _plain(self) -> Generator[list[list[str]], None, Iterable[str] | None]:
        """Records of plain blocks; returns the lines left for csv.reader (None at the end)."""
        split, delimiter, read = str.split, self.delimiter, self.handle.read
        rest = ""
        while block := read(self.block):
            text = rest + block
            cut = text.rfind("\n") + 1
            lines = _plain_lines(text[:cut]) if '"' not in text else None
            if lines is None or len(text) > MAX_FIELD:
                text += self.handle.readline()  # whole lines: a CR may end this block
                return chain(io.StringIO(text, newline=""), self.handle)
            rest = text[cut:]
            if lines:
                self.lines += len(lines)
                self.split += len(lines)
                yield [split(line, delimiter) if line else [] for line in lines]
        if "\r" in rest:  # a last line without a line break may hold CRs
            return io.StringIO(rest, newline="")
        if rest:
            yield [rest.split(delimiter)]
        return None


def _plain_lines(whole: str) -> list[str] | None:
    """The lines of text ending with a line break, if each ends with LF or each with CR LF and
    no other CR is among them (lines csv.reader reads as they are); else None."""
    if whole.endswith("\r\n"):  # as Excel on Windows writes
        lines = whole[:-2].split("\r\n")
        return lines if whole.count("\r") == whole.count("\n") == len(lines) else None
    if "\r" in whole:
        return None
    return whole[:-1].split("\n") if whole else []


def _choose_encoding(head: bytes, file: str, forced: str | None) -> tuple[str, bool]:
    """(codec, tentative): the codec to read with, and whether a later GBK switch is allowed."""
    if forced:
        try:
            return codecs.lookup(forced).name, False
        except LookupError:
            raise SvcstdError(f"--encoding {forced!r} is not an encoding Python knows") from None
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", False
    if b"\x00" in head:
        raise SvcstdError(
            "this is not a text file (NUL bytes); for UTF-16 text save it with a BOM, or as UTF-8",
            file,
        )
    if head.isascii():
        return "utf-8", True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
        return "utf-8", False
    except UnicodeDecodeError as error:
        before = head[: error.start].decode("utf-8", "replace")
        if sum(1 for char in before if ord(char) > 127) >= 3:
            return "utf-8", False  # UTF-8 with a damaged byte: reported where it is
        try:
            codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        except UnicodeDecodeError:
            return "utf-8", False
        return "gb18030", False


def _gbk_after_ascii(path: Path) -> bool:
    """Whether a file read as UTF-8 failed on its very first non-ASCII text (so it is GBK)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as error:
                text = block[: error.start].decode("utf-8", "replace")
                seen += sum(1 for char in text if ord(char) > 127)
                return seen < 3
            if not text.isascii():
                seen += sum(1 for char in text if ord(char) > 127)
                if seen >= 3:
                    return False
    return False


def _decode_error(path: Path, file: str, encoding: str) -> SvcstdError:
    """Where the first byte that is not `encoding` sits, as a line number."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                bad = max(error.start, 0)
                line += block.count(b"\n", 0, bad)
                offset += bad
                break
            line += block.count(b"\n")
            offset += len(block)
    name = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030"}.get(encoding, encoding)
    return SvcstdError(
        f"byte {offset} is not valid {name} text; save the file as UTF-8, "
        "or name its encoding with --encoding",
        f"{file}, line {line}",
    )


def _sniff_delimiter(sample: str) -> str:
    """The delimiter of the header: `,`, `;` or tab, whichever the first lines use most."""
    best, best_count = ",", 0
    lines = sample.splitlines()[:HEADER_SEARCH_ROWS]
    for candidate in (",", ";", "\t"):
        count = max((line.count(candidate) for line in lines), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message or "EOF" in message:
        return 'a quote (") is opened and never closed; the rest of the file would be one cell'
    if "expected after" in message:
        return f'a stray quote (") inside a cell; quote the whole cell and double inner quotes ({message})'
    if "field larger than field limit" in message:
        return "a cell longer than 1 MiB; is a quote left open?"
    return f"malformed CSV: {message}"


# --------------------------------------------------------------------------- XLSX


def _header_probe(
    catalog: Catalog, options: ReadOptions, file: str
) -> Callable[[list[list[str]]], bool]:
    """Whether a sheet's first rows hold a results header (to pick the sheet with results)."""

    def probe(rows: list[list[str]]) -> bool:
        numbered = list(enumerate(rows, start=1))
        return _find_header(numbered, catalog, options, SourceInfo(file=file))[0] is not None

    return probe


def _xlsx_chunks(
    path: Path, info: SourceInfo, options: ReadOptions, probe: Callable[[list[list[str]]], bool]
) -> Iterator[tuple[int, list[list[str]]]]:
    """Rows of the results sheet as text, in chunks; formulas without a saved value are errors.

    The sheet is `--sheet`, or the first whose first rows hold a results header. The workbook
    is opened twice in read-only (streaming) mode: once for the values Excel saved, once for
    the formulas, so a formula nobody ever calculated (it reads as empty) is told apart from
    an empty cell.
    """
    import zipfile

    from openpyxl import load_workbook

    try:
        values_book = load_workbook(path, read_only=True, data_only=True)
        formula_book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise SvcstdError(f"not a readable .xlsx workbook ({error})", info.file) from None
    try:
        names = values_book.sheetnames
        if options.sheet is not None:
            chosen = _pick_sheet(names, options.sheet, info.file)
        else:
            chosen = next(
                (name for name in names if probe(_sheet_rows(values_book, name))), names[0]
            )
        info.sheet = chosen
        rows = zip(
            values_book[chosen].iter_rows(values_only=True),
            formula_book[chosen].iter_rows(values_only=True),
            strict=False,
        )
        chunk: list[list[str]] = []
        first = 1
        for number, (values, formulas) in enumerate(rows, start=1):
            chunk.append(_xlsx_row(values, formulas, info, chosen, number))
            if len(chunk) >= CHUNK_ROWS:
                yield first, chunk
                first, chunk = number + 1, []
        if chunk:
            yield first, chunk
    finally:
        values_book.close()
        formula_book.close()


def _sheet_rows(book: Any, name: str) -> list[list[str]]:
    """The first rows of a sheet as text, enough to find a header."""
    rows = islice(book[name].iter_rows(values_only=True), HEADER_SEARCH_ROWS * 2)
    return [["" if value is None else _cell_text(value) for value in row] for row in rows]


def _pick_sheet(names: list[str], wanted: str, file: str) -> str:
    if wanted in names:
        return wanted
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    folded = {name.casefold(): name for name in names}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    raise SvcstdError(f"no sheet {wanted!r}; the sheets are {', '.join(names)}", file)


def _xlsx_row(
    values: tuple[Any, ...], formulas: tuple[Any, ...], info: SourceInfo, sheet: str, number: int
) -> list[str]:
    cells = []
    for column, value in enumerate(values):
        if value is None:
            formula = formulas[column] if column < len(formulas) else None
            if isinstance(formula, str) and formula.startswith("="):
                from openpyxl.utils import get_column_letter

                raise SvcstdError(
                    f"cell {get_column_letter(column + 1)}{number} holds the formula {formula} "
                    "with no saved value (the file was never calculated); open it in Excel, "
                    "save, and score again",
                    f"{info.file} [{sheet}], row {number}",
                )
            cells.append("")
        else:
            cells.append(_cell_text(value))
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _cell_text(value: Any) -> str:
    """A cell as the text a person sees: 12 not 12.0, dates as YYYY-MM-DD, times as h:mm:ss."""
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
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds():g}s"
    return str(value)


# --------------------------------------------------------------------------- layout


@dataclass
class Layout:
    """Which column holds what, found from the header row."""

    shape: str
    ncols: int
    inspection: int | None
    standard: int | None
    result: int | None
    meta: list[int | None]
    results: list[tuple[int, StandardInfo | None, str]]  # wide: (column, standard, header)
    inspection_from: str = ""  # the form-export column used for ids, if any


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
        return _layout("long", header, keys, columns, [], catalog, options, info, used)
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
        return _layout("wide", header, keys, columns, results, catalog, options, info, used)
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
    catalog: Catalog,
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


# --------------------------------------------------------------------------- rows to batches


def _batches(
    chunks: Iterator[tuple[int, list[list[str]]]],
    info: SourceInfo,
    catalog: Catalog,
    options: ReadOptions,
    file_index: int,
) -> Iterator[Batch]:
    """Find the header in the first rows, then turn every later chunk into a batch."""
    pending: list[tuple[int, list[str]]] = []
    builder: _Builder | None = None
    yielded = False
    why = "the file is empty"
    for first, rows in chunks:
        if builder is None:
            pending.extend((first + offset, row) for offset, row in enumerate(rows))
            layout, why, pending = _find_header(pending, catalog, options, info)
            if layout is None:
                if len(pending) < HEADER_SEARCH_ROWS * 4:
                    continue
                break
            builder = _Builder(layout, info, catalog, file_index)
            if pending:
                yield builder.rows_with_numbers(pending)
                yielded = True
            pending = []
            continue
        yield builder.chunk(first, rows)
        yielded = True
    if builder is None:
        where = f"{info.file} [{info.sheet}]" if info.sheet else info.file
        raise SvcstdError(why, where)
    if not yielded:  # a header and nothing else: still a file that was read
        yield Batch(info, file_index, [], [], [])


def _find_header(
    pending: list[tuple[int, list[str]]], catalog: Catalog, options: ReadOptions, info: SourceInfo
) -> tuple[Layout | None, str, list[tuple[int, list[str]]]]:
    """Look for the header among the first non-empty rows (a title may sit above it)."""
    why = "the file is empty"
    seen = 0
    for position, (number, row) in enumerate(pending):
        if not any(cell.strip() for cell in row):
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        found = detect_layout(row, catalog, options, info)
        if isinstance(found, Layout):
            info.header_row = number
            return found, "", pending[position + 1 :]
        if seen == 1 or _names_columns(row, options):
            why = found
        if _names_columns(row, options):
            break  # a header that is incomplete: never take a data row below it for one
    return None, why, pending


def _names_columns(row: list[str], options: ReadOptions) -> bool:
    """Whether a row names result-sheet columns (so it is meant as the header)."""
    aliases = {header_key(alias) for names in META_COLUMNS.values() for alias in names}
    aliases |= {header_key(header) for header in options.columns.values()}
    return any(header_key(cell) in aliases for cell in row)


class _Builder:
    """Turns rows of one file into batches for its layout."""

    def __init__(self, layout: Layout, info: SourceInfo, catalog: Catalog, file_index: int):
        self.layout = layout
        self.info = info
        self.catalog = catalog
        self.file_index = file_index
        self.ids: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        meta_present = [index for index in layout.meta if index is not None]
        self.meta_check = (
            itemgetter(layout.inspection, *meta_present)
            if layout.inspection is not None and meta_present
            else None
        )
        if layout.shape == "long":
            assert layout.standard is not None and layout.result is not None
            self.standard_of = itemgetter(layout.standard)
            self.result_of = itemgetter(layout.result)
            self.inspection_of = (
                itemgetter(layout.inspection) if layout.inspection is not None else None
            )
        self.meta_raw: Callable[[list[str]], tuple[str, ...]] = self._meta_cells
        present = [index for index in layout.meta if index is not None]
        if len(present) == len(layout.meta) > 1:  # every column there: one C-level getter
            self.meta_raw = cast(Callable[[list[str]], tuple[str, ...]], itemgetter(*present))
        self.derived = 0
        self.inconsistent = 0
        self.numeric_ids = 0

    # -- helpers

    def canonical_id(self, raw: str) -> str:
        found = self.ids.get(raw)
        if found is None:
            found = clean(raw)
            if self.info.format == "xlsx" and re.fullmatch(r"\d+\.\d+", found):
                self.numeric_ids += 1
                if self.numeric_ids == 1:
                    self.info.warn(
                        f"{self.info.file}: inspection id {found} is a number in Excel "
                        "(1.10 reads as 1.1); format the id column as text"
                    )
            if len(self.ids) >= ID_CACHE:  # ids repeat only across a chunk boundary: stay small
                self.ids.clear()
            self.ids[raw] = found
        return found

    def text(self, raw: str) -> str:
        found = self.texts.get(raw)
        if found is None:
            found = self.texts[raw] = clean(raw)
        return found

    def _meta_cells(self, row: list[str]) -> tuple[str, ...]:
        """The metadata cells of a row as written ("" for columns the file lacks)."""
        return tuple(row[index] if index is not None else "" for index in self.layout.meta)

    def meta_of(self, row: list[str]) -> tuple[str, ...]:
        """The metadata of a row, cleaned; equal texts share one string object."""
        raw = self.meta_raw(row)
        texts = self.texts
        found = tuple(map(texts.get, raw))
        if None in found:
            return tuple(map(self.text, raw))
        return found  # type: ignore[return-value]

    def fit(self, number: int, row: list[str], rejects: list[Reject]) -> list[str] | None:
        """The row with exactly the header's number of cells, or None (empty or rejected)."""
        ncols = self.layout.ncols
        if not any(cell.strip() for cell in row):
            self.info.empty_rows += 1
            return None
        if len(row) == ncols:
            return row
        if len(row) > ncols and not any(cell.strip() for cell in row[ncols:]):
            return row[:ncols]
        if len(row) < ncols and self.info.format == "xlsx":
            return row + [""] * (ncols - len(row))
        self.info.rows += 1
        hint = (
            "a cell with an unquoted delimiter?"
            if len(row) > ncols
            else "a line break inside an unquoted cell?"
        )
        rejects.append(
            Reject(
                self.info.file,
                number,
                f"row has {len(row)} cells but the header has {ncols} ({hint})",
                value=self.info.delimiter.join(row)[:200]
                if self.info.delimiter
                else " | ".join(row)[:200],
            )
        )
        return None

    # -- chunks

    def chunk(self, first: int, rows: list[list[str]]) -> Batch:
        if self.layout.shape == "long":
            fast = self._long_fast(first, rows)
            if fast is not None:
                return fast
        return self.rows_with_numbers(list(enumerate(rows, start=first)))

    def rows_with_numbers(self, numbered: list[tuple[int, list[str]]]) -> Batch:
        if self.layout.shape == "long":
            return self._long_rows(numbered)
        return self._wide_rows(numbered)

    def _long_fast(self, first: int, rows: list[list[str]]) -> Batch | None:
        """A rectangular chunk with an id on every row, judged with C-level map calls."""
        layout = self.layout
        if self.inspection_of is None or set(map(len, rows)) != {layout.ncols}:
            return None
        tables = map(self.catalog.long_codes.__getitem__, map(self.standard_of, rows))
        codes = list(map(dict.__getitem__, tables, map(self.result_of, rows)))
        runs: list[Run] = []
        append = runs.append
        disagreeing: list[Run] = []
        position = 0
        known_ids = self.ids.get
        known_texts = self.texts.get
        meta_raw = self.meta_raw
        for raw, group in groupby(rows, self.inspection_of):
            count = len(list(group))
            inspection = known_ids(raw) or self.canonical_id(raw)
            if not inspection:
                return None  # rows without an id: the careful path reads the chunk
            row = rows[position]
            raw_meta = meta_raw(row)
            # rows of one inspection should agree; the first and last of each run are compared
            if count > 1 and raw_meta != meta_raw(rows[position + count - 1]):
                disagreeing.append((inspection, (), first + position, count, 1))
            meta = cast(tuple[str, ...], tuple(map(known_texts, raw_meta)))
            if None in meta:
                meta = tuple(map(self.text, raw_meta))
            append((inspection, meta, first + position, count, 1))
            position += count
        if disagreeing:
            self._check_meta(first, rows, disagreeing)
        self.info.rows += len(rows)
        return Batch(self.info, self.file_index, runs, codes, [])

    def _check_meta(self, first: int, rows: list[list[str]], runs: list[Run]) -> None:
        """Count inspections whose rows disagree on date, site, staff or inspector."""
        assert self.meta_check is not None
        for _, _, start, count, _ in runs:
            offset = start - first
            variants = set(map(self.meta_check, rows[offset : offset + count]))
            if len(variants) > 1:
                self.inconsistent += 1
                if self.inconsistent == 1:
                    self.info.warn(
                        f"{self.info.file}, rows {start}–{start + count - 1}: one inspection "
                        "with different date/site/staff/inspector on its rows; the first row's "
                        "values are used"
                    )

    def _long_rows(self, numbered: list[tuple[int, list[str]]]) -> Batch:
        layout = self.layout
        assert layout.standard is not None and layout.result is not None
        runs: list[Run] = []
        codes: list[int] = []
        rejects: list[Reject] = []
        code_long = self.catalog.code_long
        readings = self.catalog.readings
        run_id: str | None = None
        run_start = run_count = 0
        run_meta: tuple[str, ...] = ()
        checked: dict[str, tuple[str, ...]] = {}
        for number, raw_row in numbered:
            row = self.fit(number, raw_row, rejects)
            if row is None:
                continue
            self.info.rows += 1
            code = code_long(row[layout.standard], row[layout.result])
            inspection = (
                self.canonical_id(row[layout.inspection]) if layout.inspection is not None else ""
            )
            meta = self.meta_of(row)
            if not inspection:
                if readings[code].verdict == BLANK:
                    inspection = ""  # a blank row of a template: counted, belongs to no one
                else:
                    inspection = self._derive_id(meta, number)
            elif inspection in checked and checked[inspection] != meta:
                self.inconsistent += 1
                if self.inconsistent == 1:
                    self.info.warn(
                        f"{self.info.file}, row {number}: inspection {inspection} has a "
                        "different date/site/staff/inspector than its first row; the first "
                        "row's values are used"
                    )
            else:
                checked.setdefault(inspection, meta)
            if inspection == run_id and number == run_start + run_count:
                run_count += 1
            else:
                if run_id is not None:
                    runs.append((run_id, run_meta, run_start, run_count, 1))
                run_id, run_start, run_count, run_meta = inspection, number, 1, meta
            codes.append(code)
        if run_id is not None:
            runs.append((run_id, run_meta, run_start, run_count, 1))
        return Batch(self.info, self.file_index, runs, codes, rejects)

    def _derive_id(self, meta: tuple[str, ...], number: int) -> str:
        """An inspection for a row with no id: the same file, date, site, staff and inspector."""
        described = " ".join(part for part in meta[: len(META_KEEP)] if part)
        derived = f"{self.info.file}: {described}" if described else self.info.file
        self.derived += 1
        if self.derived == 1:
            self.info.warn(
                f"{self.info.file}, row {number}: rows without an inspection id are grouped "
                "into inspections by file, date, site, staff and inspector"
            )
        return derived

    def _wide_rows(self, numbered: list[tuple[int, list[str]]]) -> Batch:
        layout = self.layout
        catalog = self.catalog
        columns = [index for index, _, _ in layout.results]
        caches = [
            catalog.column_codes.setdefault((found.index if found else -1, header), {})
            for _, found, header in layout.results
        ]
        runs: list[Run] = []
        codes: list[int] = []
        rejects: list[Reject] = []
        width = len(columns)
        for number, raw_row in numbered:
            row = self.fit(number, raw_row, rejects)
            if row is None:
                continue
            self.info.rows += 1
            inspection = (
                self.canonical_id(row[layout.inspection]) if layout.inspection is not None else ""
            )
            if not inspection:
                inspection = f"{self.info.file}#{number}"
            values = [row[index] for index in columns]
            row_codes = list(map(dict.get, caches, values))
            if None in row_codes:
                for position, code in enumerate(row_codes):
                    if code is None:
                        _, found, header = layout.results[position]
                        code = catalog.code(found, header, values[position])
                        caches[position][values[position]] = code
                        row_codes[position] = code
            codes.extend(row_codes)  # type: ignore[arg-type]
            runs.append((inspection, self.meta_of(row), number, width, 0))
        return Batch(self.info, self.file_index, runs, codes, rejects)
