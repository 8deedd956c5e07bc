"""Writing output files safely: never over an input, never half a file (HAZARDS.md).

Every document, report and rejects file goes through `AtomicFile`: it writes to a temporary
file beside the target and renames it into place, so a crash leaves the old file or none.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from svcstd.errors import SvcstdError


def check_target(output: Path, inputs: list[Path]) -> None:
    """Refuse to write over an input, into a folder, or where no folder exists."""
    if output.is_dir():
        raise SvcstdError("is a folder; give a file name with -o", str(output))
    for source in inputs:
        try:
            same = output.exists() and source.exists() and os.path.samefile(output, source)
        except OSError:
            same = False
        if same:
            raise SvcstdError(
                f"refusing to write over the input {source}; choose another -o file", str(output)
            )
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise SvcstdError(f"no such folder: {parent}", str(output))


class AtomicFile:
    """A temporary file beside `target` that becomes `target` on `commit()`.

    As a context manager it commits when the block succeeds and discards otherwise; a failed
    write is a `SvcstdError` naming the target, never a traceback.
    """

    def __init__(self, target: Path, mode: str = "wb", **options: Any) -> None:
        self.target = target
        parent = target.parent if str(target.parent) else Path(".")
        try:
            self.handle: IO[Any] = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in commit/discard
                mode, dir=parent, prefix=f".{target.name}.", suffix=".tmp", delete=False, **options
            )
        except OSError as error:
            raise self._error(error) from None
        self.temp = Path(self.handle.name)

    def commit(self) -> None:
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.chmod(self.temp, _file_mode(self.target))
            os.replace(self.temp, self.target)
        except OSError as error:
            self.discard()
            raise self._error(error) from None

    def discard(self) -> None:
        self.handle.close()
        self.temp.unlink(missing_ok=True)

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

    def _error(self, error: OSError) -> SvcstdError:
        return SvcstdError(f"cannot write: {error.strerror or error}", str(self.target))


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` in one piece."""
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
