"""Text made safe for where it lands: a spreadsheet cell or a Markdown document.

Every writer of CSV, XLSX and Markdown (checklists, results sheets, samples, score reports)
uses these, so an id such as `=1+1` or a note with `|` reads back as the author wrote it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# Text starting like this runs as a formula in Excel (full-width forms included).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """`'=1+1` instead of `=1+1`: a CSV cell a spreadsheet will not run; numbers stay numbers."""
    return "'" + value if is_formula_like(value) else value


_MD_INLINE = re.compile(r"([\\`*\[\]|~])")
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_MD_BLOCK = re.compile(r"^(#|>|[-+](?=\s|$)|=+\s*$)")


def md_escape(value: Any) -> MarkdownText:
    """Text that reads the same in a Markdown table cell or paragraph as it does in the YAML.

    Escapes inline markup (`|` splits a table cell, `<` opens HTML, `[`…`](…)` makes a link),
    a block marker at the start (`#`, `>`, `- `, `1.`), and turns line breaks into `<br>`.
    """
    if value is None:
        return MarkdownText()
    if isinstance(value, MarkdownText):
        return value
    return _md_escape_text(str(value))


# everything md_escape changes, including every line boundary str.splitlines knows
_MD_ANYTHING = re.compile(r"[\\`*\[\]|~_&<\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|^[\s#>+=\d-]|\s$")


@functools.lru_cache(maxsize=8192)
def _md_escape_text(text: str) -> MarkdownText:
    if not _MD_ANYTHING.search(text):
        return MarkdownText(text)  # most text (Chinese sentences) needs nothing
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    text = _MD_ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    parts = []
    for line in text.splitlines():  # \r\n, \r, \f, U+2028 … all end a line
        core = line.strip()
        if not core:
            continue
        # one space kept at either end ("Owner: ", " (2 items)"); more would start a code
        # block or make a hard line break
        lead = " " if line[:1].isspace() else ""
        tail = " " if line[-1:].isspace() else ""
        parts.append(lead + _line_start(core) + tail)
    if not parts:
        return MarkdownText(" " if text else "")
    return MarkdownText("<br>".join(parts))


class MarkdownText(str):
    """Text already escaped for Markdown: the Markdown finalizer lets it through unchanged.

    Not `markupsafe.Markup`, so HTML autoescaping still escapes it in an HTML template.
    """

    __slots__ = ()


def _line_start(line: str) -> str:
    """Escape what would start a heading, quote, list or setext underline."""
    line = _MD_ORDERED.sub(r"\1\\\2", line)
    return _MD_BLOCK.sub(r"\\\1", line)
