"""How to score: N/A handling and the `--by` groups, parsed once from the command line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from svcstd.errors import SvcstdError
from svcstd.results import ReadOptions

MIN_INSPECTIONS = 5  # a group with fewer scored inspections is shown but not ranked
MAX_KEPT = (
    1000  # rejects, duplicates and incomplete inspections listed in a report (all go to --rejects)
)
GROUP_DIMENSIONS = ("site", "staff", "inspector", "date", "month", "week", "stage", "factor")
ENTRY_DIMENSIONS = ("stage", "factor")  # split an inspection's entries, not whole inspections


@dataclass(frozen=True)
class ScoreOptions:
    """How to score: N/A as excluded or as a pass, and what to group by."""

    na_as: str = "exclude"  # exclude | pass
    by: tuple[str, ...] = ()
    min_inspections: int = MIN_INSPECTIONS

    def __post_init__(self) -> None:
        if self.na_as not in ("exclude", "pass"):
            raise ValueError("na_as is exclude or pass")


def parse_by(text: str | None) -> tuple[str, ...]:
    """`--by site,month` as ("site", "month"); any other name is a results column."""
    if not text:
        return ()
    names = tuple(part.strip() for part in text.replace("，", ",").split(",") if part.strip())
    lowered = tuple(
        name.casefold() if name.casefold() in GROUP_DIMENSIONS else name for name in names
    )
    if len(set(lowered)) != len(lowered):
        raise SvcstdError(f"--by {text!r} names a column twice")
    return lowered


def read_options_for(by: Sequence[str], options: ReadOptions) -> ReadOptions:
    """The reader keeps the columns grouping needs beyond date, site, staff and inspector."""
    extra = tuple(name for name in by if name not in GROUP_DIMENSIONS)
    return ReadOptions(
        encoding=options.encoding,
        delimiter=options.delimiter,
        sheet=options.sheet,
        columns=options.columns,
        keep=extra,
    )
