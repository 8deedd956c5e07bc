"""The rule registry: every check `svcstd validate` runs, with its code, titles and docs.

A rule is a function from a validated standard (plus settings) to `Hit`s. Hits carry a key
path, never a line number: `svcstd.check` turns the path into a YAML position, so rules stay
pure functions over the model. Rule docs are the function docstrings, in fixed sections.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from svcstd.findings import Severity
from svcstd.model import StandardFile
from svcstd.rules.text import DEFAULT, Vocabulary

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Settings:
    """What a rule may depend on besides the file itself."""

    today: dt.date = field(default_factory=dt.date.today)
    max_standards_per_step: int = 7
    vocabulary: Vocabulary = DEFAULT  # vague words and terms added or removed in settings


@dataclass(frozen=True)
class Hit:
    """One problem a rule found: where (key path), and what to do, in Chinese and English."""

    path: KeyPath
    en: str
    zh: str
    key: bool = False  # point at the key itself rather than its value
    severity: Severity | None = None  # overrides the rule's default


Check = Callable[[StandardFile, Settings], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    title: str
    title_zh: str
    severity: Severity
    check: Check | None  # None: reported while loading (S1, S2)
    doc: str

    @property
    def family(self) -> str:
        return FAMILIES[self.code[0]]


FAMILIES = {"S": "structure", "C": "clarity", "M": "method", "P": "pitfall"}

RULES: dict[str, Rule] = {}


def rule(
    code: str, name: str, *, title: str, zh: str, severity: Severity = "error"
) -> Callable[[Check], Check]:
    """Register a rule function under `code`; its docstring is the rule's documentation."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, name, title, zh, severity, check, check.__doc__ or "")
        return check

    return register


def declare(
    code: str, name: str, *, title: str, zh: str, doc: str, severity: Severity = "error"
) -> None:
    """Register a rule whose findings come from loading, not from a check function."""
    RULES[code] = Rule(code, name, title, zh, severity, None, doc)


CODE_LIST = re.compile(r"[\s,，]+")


def parse_codes(text: str | list[str] | None) -> tuple[str, ...]:
    """`"P, C2"` or `["P", "C2"]` → `("P", "C2")`, upper-cased; unknown prefixes are errors."""
    from svcstd.errors import SvcstdError

    if text is None:
        return ()
    items = CODE_LIST.split(text) if isinstance(text, str) else [str(item) for item in text]
    codes = tuple(item.strip().upper() for item in items if item.strip())
    for code in codes:
        if code != "ALL" and not any(known.startswith(code) for known in RULES):
            raise SvcstdError(f"unknown rule code {code!r}; `svcstd rules` lists them")
    return codes


def is_selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """Prefix matching as in flake8: `P` selects P1–P6, `C2` selects C2 only (and C20…)."""
    if select and "ALL" not in select and not any(code.startswith(s) for s in select):
        return False
    return not any(code.startswith(i) for i in ignore)


def ordered() -> list[Rule]:
    """Rules in the order users read them: structure, clarity, method, pitfalls."""
    order = "SCMP"
    return sorted(RULES.values(), key=lambda r: (order.index(r.code[0]), int(r.code[1:])))


from svcstd.rules import clarity, method, pitfalls, pitfalls_scope, structure  # noqa: E402

__all__ = [
    "RULES",
    "Hit",
    "Rule",
    "Settings",
    "clarity",
    "method",
    "ordered",
    "pitfalls",
    "pitfalls_scope",
    "structure",
]
