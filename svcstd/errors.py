"""One base error for everything a user can fix; the CLI turns it into one line and exit 2."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


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
