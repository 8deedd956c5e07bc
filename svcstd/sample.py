"""Realistic inspection results for a standard, to try `svcstd score` on (and for the demo).

Real results are not uniform noise: some sites are weaker than others, some staff better,
a few standards fail far more often than the rest (the Pareto few), red lines are almost
always kept, things improve a little month by month, and measured standards come back as
numbers written the way inspectors write them (`95`, `1:30`, `2分10秒`). The generator is
seeded, so a seed always gives the same file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from dataclasses import dataclass
from typing import Any

from svcstd.cells import is_formula_like, neutralise
from svcstd.model import Measure, Standard, StandardFile
from svcstd.vocab import META_LABELS

LONG_COLUMNS = ("inspection", "date", "site", "staff", "inspector", "standard", "result", "note")
WIDE_BEFORE = ("inspection", "date", "site", "staff", "inspector")

PLACES = {
    "zh": ("鼓楼", "台江", "仓山", "晋安", "马尾", "长乐", "闽侯", "福清", "连江", "永泰"),
    "en": (
        "North",
        "South",
        "East",
        "West",
        "Central",
        "Harbour",
        "Airport",
        "Riverside",
        "Hillside",
        "Old Town",
    ),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
)
EN_FIRST = ("Alex", "Sam", "Chris", "Jo", "Lee", "Kim", "Pat", "Ana", "Ben", "Mia", "Tom", "Eva")
EN_LAST = ("Chen", "Wong", "Smith", "Garcia", "Khan", "Lopez", "Patel", "Brown", "Ng", "Silva")
INSPECTORS = {
    "zh": ("陈静", "刘洋", "赵敏", "孙磊"),
    "en": ("R. Diaz", "M. Okafor", "H. Tanaka", "S. Berg"),
}
NOTES = {
    "zh": ("已现场纠正", "已提醒本人", "客户反映", "复查通过", "班组长已知悉"),
    "en": ("corrected on site", "reminded", "customer complained", "rechecked", "team lead told"),
}
WORDS = {
    "zh": {
        "pass": ("合格", "合格", "合格", "✓", "是"),
        "fail": ("不合格", "不合格", "✗", "否"),
        "na": ("不适用", "N/A"),
    },
    "en": {
        "pass": ("pass", "pass", "yes", "✓"),
        "fail": ("fail", "fail", "no", "✗"),
        "na": ("n/a", "NA"),
    },
}


@dataclass(frozen=True)
class SampleOptions:
    """How many inspections, which seed, long or wide, and the language of the headers."""

    inspections: int = 60
    seed: int = 1
    shape: str = "long"
    lang: str | None = None
    months: int = 6
    today: dt.date | None = None  # inspections never lie after this day (default: today)


@dataclass(frozen=True)
class Person:
    name: str
    site: int
    skill: float


def sample_table(doc: StandardFile, options: SampleOptions) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a results sheet filled with generated inspections."""
    rng = random.Random(options.seed)
    lang = options.lang or doc.language
    labels = META_LABELS[lang]
    standards = [standard for _, _, _, standard in doc.standards()]
    sites = _sites(doc, lang, max(3, min(8, options.inspections // 15 or 3)))
    site_skill = _site_skills(rng, len(sites))
    staff = [
        Person(name, index, rng.gauss(0, 0.45))
        for index in range(len(sites))
        for name in _names(rng, lang, 4)
    ]
    inspectors = INSPECTORS[lang][: max(2, min(4, len(sites) // 2))]
    difficulty = _difficulties(rng, standards)
    start = _start(doc, options.months, options.today or dt.date.today())
    dates = _weekdays(start, options.months)
    prefix = "".join(part[:1] for part in doc.id.split("-")).upper() or "I"

    if options.shape == "long":
        header = [labels[key] for key in LONG_COLUMNS]
    else:
        header = [labels[key] for key in WIDE_BEFORE] + [s.id for s in standards] + [labels["note"]]
    rows: list[list[Any]] = []
    for number in range(1, options.inspections + 1):
        date = dates[min(len(dates) - 1, int(len(dates) * (number - 1) / options.inspections))]
        person = rng.choice(staff)
        month = (date.year - start.year) * 12 + date.month - start.month
        skill = site_skill[person.site] + person.skill + 0.12 * month
        inspection = f"{prefix}-{date:%y%m}-{number:04d}"
        meta = [
            inspection,
            date.isoformat(),
            sites[person.site],
            person.name,
            rng.choice(inspectors),
        ]
        results = [
            _result(rng, standard, difficulty[standard.id] + skill, lang) for standard in standards
        ]
        notes = [
            rng.choice(NOTES[lang]) if result[1] == "fail" and rng.random() < 0.3 else ""
            for result in results
        ]
        if options.shape == "long":
            for standard, (value, _), note in zip(standards, results, notes, strict=True):
                rows.append([*meta, standard.id, value, note])
        else:
            note = next((text for text in notes if text), "")
            rows.append([*meta, *(value for value, _ in results), note])
    return header, rows


def sample_bytes(doc: StandardFile, options: SampleOptions, fmt: str = "csv") -> bytes:
    """The generated sheet as CSV (UTF-8 with BOM, formula-safe) or XLSX bytes."""
    header, rows = sample_table(doc, options)
    if fmt == "xlsx":
        return _xlsx(header, rows, options.lang or doc.language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(header: list[str], rows: list[list[Any]], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("结果" if lang == "zh" else "results")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: Any, header_cell: bool = False) -> Any:
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # text stays text, whatever it starts with
            if is_formula_like(value):
                made.quotePrefix = True
        if header_cell:
            made.font = bold
        return made

    sheet.append([cell(title, True) for title in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sites(doc: StandardFile, lang: str, count: int) -> list[str]:
    text = f"{doc.title} {doc.service or ''} {doc.id}"
    if lang == "zh":
        suffix = (
            "营业厅"
            if "营业厅" in text or "hall" in text
            else "站"
            if "地铁" in text or "车站" in text or "metro" in text
            else "班组"
            if "热线" in text or "呼叫" in text or "hotline" in text
            else "分公司"
        )
        return [place + suffix for place in PLACES["zh"][:count]]
    suffix = (
        " hall"
        if "hall" in text.casefold()
        else " station"
        if "metro" in text.casefold()
        else " team"
        if "hotline" in text.casefold()
        else " branch"
    )
    return [place + suffix for place in PLACES["en"][:count]]


def _site_skills(rng: random.Random, count: int) -> list[float]:
    """One clearly weaker site and one strong one, the rest spread between."""
    skills = [rng.gauss(0.1, 0.35) for _ in range(count)]
    weak, strong = rng.sample(range(count), 2)
    skills[weak] = -1.0
    skills[strong] = 0.8
    return skills


def _names(rng: random.Random, lang: str, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        if lang == "zh":
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        else:
            name = f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
        if name not in names:
            names.append(name)
    return names


def _difficulties(rng: random.Random, standards: list[Standard]) -> dict[str, float]:
    """Each standard's pass log-odds: near its target, a few well below (the Pareto few)."""
    result: dict[str, float] = {}
    eligible = [s for s in standards if not s.critical]
    trouble = (
        {s.id for s in rng.sample(eligible, min(3, max(1, len(eligible) // 6)))}
        if eligible
        else set()
    )
    for standard in standards:
        target = min(max(standard.target, 0.5), 0.995)
        base = math.log(target / (1 - target)) + rng.gauss(0.5, 0.5)
        if standard.critical:
            base = max(base, 5.5)
        elif standard.id in trouble:
            base -= rng.uniform(1.4, 2.2)
        result[standard.id] = base
    return result


def _start(doc: StandardFile, months: int, today: dt.date) -> dt.date:
    """The months after the standard took effect, moved back if they would reach past today."""
    start = (doc.effective or dt.date(2025, 1, 1)).replace(day=1)
    latest = _add_months(today.replace(day=1), -months)
    return min(start, latest)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _weekdays(start: dt.date, months: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    end_month = start.month - 1 + months
    end = dt.date(start.year + end_month // 12, end_month % 12 + 1, 1)
    while day < end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _result(rng: random.Random, standard: Standard, logit: float, lang: str) -> tuple[Any, str]:
    """(what the inspector wrote, what it means): blank 2 %, N/A 3 %, else pass or fail."""
    roll = rng.random()
    if roll < 0.02:
        return "", "blank"
    if roll < 0.05 and not standard.critical:
        return rng.choice(WORDS[lang]["na"]), "na"
    passed = rng.random() < 1 / (1 + math.exp(-logit))
    measure = standard.measure
    if measure is None or measure.kind == "yes_no":
        return rng.choice(WORDS[lang]["pass" if passed else "fail"]), "pass" if passed else "fail"
    value = _value(rng, measure, passed)
    if value is None:
        return rng.choice(WORDS[lang]["pass" if passed else "fail"]), "pass" if passed else "fail"
    return _written(rng, measure, value, lang), "pass" if passed else "fail"


def _value(rng: random.Random, measure: Measure, passed: bool) -> float | None:
    """A number inside the measure's bounds when passed, outside them when not."""
    low, high = measure.min, measure.max
    if measure.kind == "rating" and measure.scale:
        scale_low, scale_high = sorted(measure.scale)
        low = scale_low if low is None else low
        high = scale_high if high is None else high
        if passed:
            return float(rng.randint(math.ceil(low), math.floor(high)))
        options = [v for v in range(int(scale_low), int(scale_high) + 1) if not measure.passes(v)]
        return float(rng.choice(options)) if options else None
    if low is None and high is None:
        return None
    integer = measure.kind == "count" or (
        measure.kind == "duration" and measure.unit in ("s", "min")
    )
    if passed:
        if low is not None and high is not None:
            value = rng.uniform(low, high)
        elif high is not None:
            value = rng.uniform(high * 0.25, high)
        else:
            assert low is not None
            value = rng.uniform(low, low * 2 + 1)
    else:
        if high is not None and (low is None or rng.random() < 0.6):
            value = rng.uniform(high * 1.05 + 0.5, high * 1.8 + 1)
        elif low is not None:
            floor = 0.0 if measure.kind in ("count", "duration") else low - max(5, abs(low))
            if low - 0.5 <= floor:  # no count or duration below 0: fail by word instead
                return None
            value = rng.uniform(floor, low - 0.5)
        else:  # pragma: no cover - one bound at least
            return None
    if measure.kind == "percent":
        value = min(max(value, 0), 100)
    value = round(value) if integer else round(value, 1)
    if passed and not measure.passes(value):  # rounding pushed it out: take the bound
        bound = high if high is not None else low
        assert bound is not None
        value = bound
    return float(value)


def _written(rng: random.Random, measure: Measure, value: float, lang: str) -> Any:
    """Mostly plain numbers; now and then a duration the way people write it."""
    number: Any = int(value) if float(value).is_integer() else value
    if measure.kind != "duration" or value < 0 or rng.random() > 0.08:
        return number
    seconds = value * {"s": 1, "min": 60, "h": 3600, "d": 86400}[measure.unit or "s"]
    if measure.unit in ("s", "min") and seconds >= 60 and float(seconds).is_integer():
        minutes, rest = divmod(int(seconds), 60)
        if lang == "zh":
            return f"{minutes}分{rest}秒" if rest else f"{minutes}分钟"
        return f"{minutes}:{rest:02d}"
    unit_word = {
        "zh": {"s": "秒", "min": "分钟", "h": "小时", "d": "天"},
        "en": {"s": "s", "min": " min", "h": " h", "d": " d"},
    }
    return f"{number}{unit_word[lang][measure.unit or 's']}"
