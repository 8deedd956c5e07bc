"""Inspection ids and metadata, each distinct one numbered once for all files read.

Entries carry these numbers instead of strings, so an inspection's id and its date, site, staff
and inspector are stored once however many rows name them; cell texts that repeat (sites,
names, dates) are cleaned once and shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from svcstd.results.judge import clean

CACHE_SIZE = 1 << 16  # raw cell texts remembered with their meaning, before starting afresh


class Registry:
    """Inspection ids and metadata tuples, each distinct one numbered once for all files.

    Entries carry these numbers instead of strings, so an inspection's id and metadata are
    stored once however many rows name them. Number 0 is "no inspection".
    """

    def __init__(self, meta_names: Sequence[str]) -> None:
        self.meta_names = tuple(meta_names)
        self.inspections: list[str] = [""]
        self.ids = _IdNumbers(self)
        self.metas: list[tuple[str, ...]] = []
        self.cleaned = _Cleaned()
        self._meta_numbers: dict[tuple[str, ...], int] = {}

    def inspection(self, text: str) -> int:
        """The number of an inspection id (cleaned); 0 for a blank id."""
        return self.ids[text]

    def meta(self, values: tuple[str, ...]) -> int:
        """The number of a cleaned metadata tuple."""
        number = self._meta_numbers.get(values)
        if number is None:
            number = self._meta_numbers[values] = len(self.metas)
            self.metas.append(values)
        return number


class _IdNumbers(dict[str, int]):
    """Raw id text → inspection number; texts that clean to the same id share a number."""

    def __init__(self, registry: Registry) -> None:
        super().__init__()
        self.registry = registry

    def __missing__(self, raw: str) -> int:
        text = clean(raw)
        number = self.get(text) if text != raw else None
        if number is None:
            if not text:
                number = 0
            else:
                number = len(self.registry.inspections)
                self.registry.inspections.append(text)
            if text != raw:
                self[text] = number
        self[raw] = number
        return number


class _MetaNumbers(dict[Any, int]):
    """The metadata cells a file has (a text, or a tuple of texts) → a registry meta number."""

    def __init__(self, registry: Registry, present: list[int | None]) -> None:
        super().__init__()
        self.registry = registry
        self.slots = [position for position, column in enumerate(present) if column is not None]
        self.width = len(present)
        self.every = len(self.slots) == self.width > 1  # cells come as the whole tuple

    def __missing__(self, cells: Any) -> int:
        cleaned = self.registry.cleaned.__getitem__
        if self.every:
            values = tuple(map(cleaned, cells))
        else:
            padded = [""] * self.width
            for slot, cell in zip(
                self.slots, (cells,) if len(self.slots) == 1 else cells, strict=True
            ):
                padded[slot] = cleaned(cell)
            values = tuple(padded)
        if len(self) > CACHE_SIZE:  # raw cells of past rows: a cache, not a record
            self.clear()
        number = self[cells] = self.registry.meta(values)
        return number


class _Cleaned(dict[str, str]):
    """Cell text → its cleaned text, one shared string object per distinct text.

    Cells read from a file are new string objects on every row; the metadata kept for each
    inspection refers to these shared ones instead, so a site named on a million rows is stored
    once. The raw → cleaned table is a cache (cleared when it grows large); the distinct cleaned
    texts are what stays.
    """

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}

    def __missing__(self, text: str) -> str:
        if len(self) > CACHE_SIZE:
            self.clear()
        cleaned = clean(text)
        found = self[text] = self.texts.setdefault(cleaned, cleaned)
        return found
