"""Where the bundled standards and templates live: inside the wheel, or in a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The bundled `standards` or `templates` folder, from an installed wheel or a checkout."""
    installed = PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return PACKAGE.parent / name


def bundled_standards() -> Path:
    return bundled("standards")


def bundled_templates() -> Path:
    return bundled("templates")
