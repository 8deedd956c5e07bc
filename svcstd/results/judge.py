"""A result cell → pass, fail, not applicable, blank or unreadable, against a standard's measure.

Inspectors write results as words, symbols or numbers, in English or Chinese, with units or
clock times; this module reads them as people mean them and says why when it cannot. It also
reads the dates of the date column. Pure functions: no files, no state.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from svcstd.model import UNIT_SECONDS, Measure
from svcstd.vocab import FAIL_TOKENS, NA_TOKENS, PASS_TOKENS

# Verdicts of an entry, as small ints so the scorer can index tables with them.
BLANK, PASS, FAIL, NA, UNREADABLE, UNKNOWN = range(6)
VERDICTS = ("blank", "pass", "fail", "na", "unreadable", "unknown")

# A workbook cell that Excel stores as a time of day (typed `0:25`, formatted h:mm) arrives as
# this mark followed by h:mm:ss. Excel reads `0:25` as 25 minutes, whatever the person meant, so
# such a cell is only taken for a standard counted in hours (see `judge`).
EXCEL_TIME = "\ue000"

SPACE_OR_QUOTE = frozenset(" '")
ZERO_WIDTH = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u200b\u200c\u200d\u2060\ufeff"), None)
TOKEN_SPLIT = re.compile(r"[\s()（）\[\]【】:：]+")


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


def shown(raw: str) -> str:
    """A cell as the person sees it in their sheet (without svcstd's Excel-time mark)."""
    return raw.removeprefix(EXCEL_TIME)


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
# Kinds whose values cannot be below zero: a negative wait or count is a typing slip.
NOT_NEGATIVE = frozenset({"duration", "count"})


def judge(measure: Measure | None, text: str) -> tuple[int, float | None, str]:
    """One result cell judged against a standard's measure: (verdict, value, reason).

    Words and symbols (pass / ✓ / 合格, fail / ✗ / 不合格, N/A / 不适用 / `/`) are read for every
    kind of standard; a measured standard also takes a number in its own unit, and a duration
    takes `1:30`, `90s`, `1.5 min`, `90秒` or `1分30秒`, converted to the standard's unit.
    """
    if text.startswith(EXCEL_TIME):
        return _excel_time(measure, text[1:])
    text = clean(text)
    if not text:
        return BLANK, None, ""
    low = text.casefold()
    if low in NA_TOKENS:
        return NA, None, ""
    kind = measure.kind if measure is not None else "yes_no"
    problem = ""
    if measure is not None and kind != "yes_no":
        value, problem = _number(measure, low)
        if value is not None:
            return _judge_value(measure, value)
    token = _token(low)
    if token is not None:
        return token, None, ""
    if kind == "yes_no":
        if NUMBER.fullmatch(low):
            return UNREADABLE, None, "a number for a yes/no standard; write pass/fail (✓/✗)"
        return UNREADABLE, None, "not a result; write pass/fail, ✓/✗, 合格/不合格 or N/A"
    return UNREADABLE, None, problem or f"not a {kind.replace('_', ' ')} value or pass/fail"


def _judge_value(measure: Measure, value: float) -> tuple[int, float | None, str]:
    """A number in the standard's unit, judged against its bounds (and its scale, if any)."""
    if not math.isfinite(value):
        return UNREADABLE, None, "not a finite number"
    if value < 0 and measure.kind in NOT_NEGATIVE:
        return UNREADABLE, None, f"a negative {measure.kind} ({_num(value)}); is a sign mistyped?"
    if measure.kind == "rating" and measure.scale:
        low_end, high_end = sorted(measure.scale)
        if not low_end <= value <= high_end:
            scale = f"{_num(low_end)}…{_num(high_end)}"
            return UNREADABLE, None, f"{_num(value)} is outside the rating scale {scale}"
    return (PASS if measure.passes(value) else FAIL), value, ""


def _excel_time(measure: Measure | None, clock: str) -> tuple[int, float | None, str]:
    """A workbook time-of-day cell: hours and minutes, which is all Excel can mean by it."""
    if measure is None or measure.kind != "duration" or measure.unit != "h":
        shown_as = clock[:-3] if clock.endswith(":00") else clock
        return (
            UNREADABLE,
            None,
            f"an Excel time cell ({shown_as}, which Excel reads as hours:minutes); type the "
            "duration as a number in the standard's unit (e.g. 25 for 25 seconds) or as text "
            "such as 0分25秒 or 25s",
        )
    hours, minutes, seconds = (float(part) for part in clock.split(":"))
    return _judge_value(measure, hours + minutes / 60 + seconds / 3600)


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


# --------------------------------------------------------------------------- dates

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
