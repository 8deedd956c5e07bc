"""Writing output files safely: never over an input, never half a file (docs/design.md, "Hazards").

Every document, report and rejects file goes through `AtomicFile`: it writes to a temporary
file beside the target and renames it into place, so a crash leaves the old file or none.
What `-o` names decides how:
- a regular file, or a new name: written beside it and renamed into place; through a symbolic
  link it is the file the link points to that is replaced, never the link;
- a FIFO or a character device (`-o /dev/stdout`, `/dev/null`): written straight through —
  renaming over `/dev/null` would replace the system's node with a file;
- anything else (a folder, a socket, a block device): refused before any work is done.
`OutputSet` commits several files together: all are written first, then all renamed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from svcstd.errors import SvcstdError

TEXT_SUFFIXES = frozenset({"", ".txt"})  # no suffix (`/dev/stdout`) or plain text


def check_target(output: Path, inputs: list[Path]) -> None:
    """Refuse to write over an input, into a folder or a socket, or where no folder exists."""
    kind = _kind(output)
    if kind == "folder":
        raise SvcstdError("is a folder; give a file name with -o", str(output))
    if kind == "other":
        raise SvcstdError(
            "is neither a file, a FIFO nor a character device; give a file name with -o",
            str(output),
        )
    for source in inputs:
        try:
            same = output.exists() and source.exists() and os.path.samefile(output, source)
        except OSError:
            same = False
        if same:
            raise SvcstdError(
                f"refusing to write over the input {source}; choose another -o file", str(output)
            )
    if kind == "new":
        real = Path(os.path.realpath(output))  # a dangling link creates the file it names
        parent = real.parent if str(real.parent) else Path(".")
        if not parent.is_dir():
            raise SvcstdError(f"no such folder: {output.parent}", str(output))


def check_suffix(output: Path, formats: dict[str, str], what: str) -> str | None:
    """The format an output file's suffix names, None for no suffix or `.txt`; any other
    suffix is an error, so `-o report.pdf` never gets Markdown or a text table in it."""
    suffix = output.suffix.casefold()
    if suffix in formats:
        return formats[suffix]
    if suffix in TEXT_SUFFIXES or _kind(output) == "stream":
        return None
    known = ", ".join(sorted({*formats, ".txt"}))
    raise SvcstdError(
        f"{what} cannot be written as '{output.suffix}'; name the file with one of {known}",
        str(output),
    )


def _kind(target: Path) -> str:
    """ "new", "file", "stream" (FIFO or character device), "folder" or "other"."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return "new"
    except OSError:
        return "new"  # unreadable: creating the temporary file will say why
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return "stream"
    if stat.S_ISDIR(mode):
        return "folder"
    return "other"


class AtomicFile:
    """A temporary file beside `target` that becomes `target` on `commit()`.

    As a context manager it commits when the block succeeds and discards otherwise; a failed
    write is a `SvcstdError` naming the target, never a traceback. A FIFO or character device
    is written straight through instead (see the module docstring).
    """

    def __init__(self, target: Path, mode: str = "wb", **options: Any) -> None:
        self.target = target
        kind = _kind(target)
        if kind in ("folder", "other"):
            check_target(target, [])
        self.stream = kind == "stream"
        # through a symbolic link, the file it points to is replaced, not the link
        self.real = target if self.stream else Path(os.path.realpath(target))
        parent = self.real.parent if str(self.real.parent) else Path(".")
        self.temp: Path | None = None
        try:
            if self.stream:
                self.handle: IO[Any] = open(target, mode, **options)  # noqa: SIM115 - closed in commit/discard
            else:
                self.handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in commit/discard
                    mode,
                    dir=parent,
                    prefix=f".{self.real.name[:120]}.",  # room for the suffixes in NAME_MAX
                    suffix=".tmp",
                    delete=False,
                    **options,
                )
                self.temp = Path(self.handle.name)
        except OSError as error:
            raise self._error(error) from None

    def finish(self) -> None:
        """Write everything out and close; the target is not touched yet (except a stream)."""
        try:
            self.handle.flush()
            if self.temp is not None:
                os.fsync(self.handle.fileno())
            self.handle.close()
            if self.temp is not None:
                os.chmod(self.temp, _file_mode(self.real))
        except OSError as error:
            self.discard()
            raise self._error(error) from None

    def place(self) -> None:
        """Rename the finished temporary file over the target."""
        if self.temp is None:
            return
        try:
            os.replace(self.temp, self.real)
        except OSError as error:
            self.discard()
            raise self._error(error) from None
        self.temp = None

    def commit(self) -> None:
        self.finish()
        self.place()

    def discard(self) -> None:
        with contextlib.suppress(OSError):  # the buffer could not be flushed (a full disk)
            self.handle.close()
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None

    def __enter__(self) -> IO[Any]:
        return self.handle

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is None:
            self.commit()
            return
        self.discard()
        if isinstance(error, OSError):
            raise self._error(error) from None

    def _error(self, error: OSError) -> Exception:
        if self.stream and error.errno == errno.EPIPE:
            return error  # `-o /dev/stdout | head`: the reader had enough; the CLI ends quietly
        return SvcstdError(f"cannot write: {error.strerror or error}", str(self.target))


class OutputSet:
    """Files that appear together or not at all: a report and its rejects file.

    Every file is written, flushed and closed first (where a full disk shows), and only then
    are they renamed into place; a failure before that leaves every old file as it was.
    """

    def __init__(self) -> None:
        self.files: list[AtomicFile] = []

    def open(self, target: Path, mode: str = "wb", **options: Any) -> AtomicFile:
        file = AtomicFile(target, mode, **options)
        self.files.append(file)
        return file

    def commit(self) -> None:
        try:
            for file in self.files:
                file.finish()
        except BaseException:
            self.discard()
            raise
        for file in self.files:
            file.place()
        self.files = []

    def discard(self) -> None:
        for file in self.files:
            file.discard()
        self.files = []


def write_atomic(target: Path, data: bytes, outputs: OutputSet | None = None) -> None:
    """Write `data` to `target` in one piece (committed with `outputs` when given)."""
    if outputs is not None:
        file = outputs.open(target)
        try:
            file.handle.write(data)
        except OSError as error:
            outputs.discard()
            raise file._error(error) from None
        return
    with AtomicFile(target) as handle:
        handle.write(data)


def _file_mode(target: Path) -> int:
    """The mode of the file being replaced, or what a new file would get under the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
