"""One base error for everything a user can fix, the exit codes, and safe one-line display.

Exit codes: 0 ok, 1 findings (or rejects under `--strict`), 2 the command could not run
(a `SvcstdError`: bad option, unreadable file, unwritable output), 3 an internal error (a bug).
"""

from __future__ import annotations

import re

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

REPORT_HINT = "this is a bug in svcstd; please report it with the output of `svcstd --debug …`"

# C0 and C1 controls (ESC starts ANSI sequences), DEL, and lone surrogates: Python's stand-in
# for the bytes of a file name that is not UTF-8. Any of them in a terminal line is shown as
# an escape (`\x1b`, `\udcff`), so a file name or an id can neither paint nor move the cursor.
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
SURROGATES = re.compile(r"[\ud800-\udfff]")


class SvcstdError(Exception):
    """A problem the user can fix: bad input, bad option, unreadable file.

    `where` is a location prefix such as ``file:line:col`` or ``file, row 12``;
    the message says what is wrong and, where possible, how to fix it.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class SourceError(SvcstdError):
    """A file that cannot be read as a strict standard file, with the position of the problem."""

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(message, f"{file}:{line}:{column}")
        self.file = file
        self.line = line
        self.column = column


def printable(text: str) -> str:
    """`text` safe for one terminal line: control characters and undecodable bytes escaped."""
    if not UNSAFE.search(text):
        return text
    return UNSAFE.sub(_escape, text)


def valid_unicode(text: str) -> str:
    """`text` encodable as UTF-8: the undecodable bytes of a file name shown as `\\xff`.

    For JSON and SARIF, which escape control characters themselves but cannot carry a lone
    surrogate: written out it would be invalid UTF-8, or a crash.
    """
    if not SURROGATES.search(text):
        return text
    return SURROGATES.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def internal_error_line(error: BaseException) -> str:
    """The one line an unexpected exception becomes: its type and message, and what to do."""
    text = " ".join(str(error).split())
    if len(text) > 200:
        text = text[:199] + "…"
    name = type(error).__name__
    detail = f"{name}: {printable(text)}" if text else name
    return f"svcstd: internal error ({detail}); {REPORT_HINT}"
