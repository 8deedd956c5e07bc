"""Regular expressions compiled on first use.

The content rules read text with a few dozen patterns, most of which a given file never
needs (a prohibition scope only matters once a vague word is found). Compiling them all at
import cost `svcstd validate` about 20 ms of start-up; compiling on demand costs nothing for
the patterns a file does not reach.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import cached_property


class Lazy:
    """A pattern that is compiled the first time it is used; same methods as `re.Pattern`."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(text, pos, endpos)

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos, endpos)

    def split(self, text: str) -> list[str]:
        return self.compiled.split(text)


LATIN = re.compile(r"[A-Za-z]")


class Bilingual:
    """Chinese and English alternatives of one pattern, each compiled and run only on text
    that can hold it: a Chinese field never compiles the English half, and the Chinese half
    needs no IGNORECASE (which makes a pattern several times slower to compile and run)."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = Lazy(zh)
        self.en = Lazy(en, re.IGNORECASE)

    def finditer(self, text: str) -> list[re.Match[str]]:
        found = [] if text.isascii() else list(self.zh.finditer(text))
        if LATIN.search(text):
            found += self.en.finditer(text)
        return sorted(found, key=lambda m: m.start())

    def search(self, text: str) -> re.Match[str] | None:
        zh = None if text.isascii() else self.zh.search(text)
        en = self.en.search(text) if LATIN.search(text) else None
        if zh is None or en is None:
            return zh or en
        return zh if zh.start() <= en.start() else en
