"""One record for everything `svcstd validate` reports, whatever the output format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """A rule's verdict on one YAML node: where, which rule, how bad, and how to fix it."""

    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    waived: str | None = None  # the reason given in the standard's `ignore:` table

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_dict(self) -> dict[str, object]:
        record: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }
        if self.waived is not None:
            record["waived"] = self.waived
        return record
