"""Text on a terminal: how many columns it takes (CJK characters take two)."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """Terminal columns of `text`: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
