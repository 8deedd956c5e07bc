"""Python's cyclic garbage collector, paused while svcstd builds many small acyclic objects.

Parsing a standard or a results file makes millions of lists, tuples and dicts that form no
cycles; reference counting frees them all. The cyclic collector would still rescan every live
container each time enough are made — a third of a score run over a million rows, a fifth of
`svcstd validate` — so it rests for the duration and runs as usual afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
