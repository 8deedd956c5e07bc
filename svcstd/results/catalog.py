"""The standards being scored, and every distinct reading of a result seen so far.

A million result cells hold a few hundred distinct texts per standard, so each distinct
(standard, text) pair is judged once and given a small int *code*; entries carry codes, and
equal meanings (`合格`, `✓`, `pass` for one standard) share one code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from svcstd.errors import SvcstdError
from svcstd.formnames import xml_name
from svcstd.model import Measure, StandardFile
from svcstd.results.judge import BLANK, UNKNOWN, UNREADABLE, clean, header_key, judge

ID_LIKE = re.compile(r"([A-Za-z]{1,8})[-_.]?\d{1,4}[A-Za-z]?")


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
    """What one distinct result text means for one standard (entries point here by code)."""

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
        self._by_key: dict[str, StandardInfo] = {}
        for info in self.standards:
            for key in (header_key(info.id), header_key(xml_name(info.id))):
                self._by_key.setdefault(key, info)
        self.prefixes = {
            match.group(1).casefold()
            for info in self.standards
            if (match := ID_LIKE.fullmatch(info.id))
        }
        self.readings: list[Reading] = []
        self.unusable: set[int] = set()  # codes of unknown standards and unreadable values
        self.known: list[int] = []  # per code, 1 when it names a standard being scored
        self._meaning: dict[tuple[int, int, float | None], int] = {}
        # long rows: standard text -> result text -> code, judged when first seen
        self.long_codes = _LongCodes(self)

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

    def column_codes(self, info: StandardInfo | None, header: str) -> ResultCodes:
        """Result text -> code for one column of a wide sheet (its standard is fixed)."""
        return ResultCodes(self, header, info)

    def _intern(self, reading: Reading, meaning: tuple[int, int, float | None]) -> int:
        code = self._meaning.get(meaning)
        if code is None:
            code = self._meaning[meaning] = self._new(reading)
        return code

    def _new(self, reading: Reading) -> int:
        self.readings.append(reading)
        code = len(self.readings) - 1
        self.known.append(int(reading.standard >= 0))
        if reading.verdict in (UNKNOWN, UNREADABLE):
            self.unusable.add(code)
        return code


class ResultCodes(dict[str, int]):
    """Result text -> code, for one standard text; a text not seen yet is judged when looked
    up, so a chunk's codes are one C-level lookup per cell with nothing to patch up after."""

    def __init__(self, catalog: Catalog, label: str, info: StandardInfo | None) -> None:
        super().__init__()
        self.catalog = catalog
        self.label = label
        self.info = info

    def __missing__(self, raw: str) -> int:
        code = self[raw] = self.catalog.code(self.info, self.label, raw)
        return code


class _LongCodes(dict[str, ResultCodes]):
    """Standard text -> its result codes; a standard text not seen yet gets a new table."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog

    def __missing__(self, label: str) -> ResultCodes:
        table = self[label] = ResultCodes(self.catalog, label, self.catalog.find(label))
        return table
