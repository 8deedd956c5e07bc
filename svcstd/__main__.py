"""`python -m svcstd` runs the same CLI as the `svcstd` command."""

from __future__ import annotations

from svcstd.cli import main

main()
