"""svcstd: write, check, train and inspect service standards."""

from __future__ import annotations

__version__ = "0.1.0"
