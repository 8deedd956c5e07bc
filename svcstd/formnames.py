"""Question names of phone forms, shared by the XLSForm writer and the results reader.

`svcstd render --format xlsform` names each question by its standard's id when that id is an
XML name, and by a mapped name otherwise; `svcstd score` must find the standard from either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The XML NameStartChar ranges, less U+00C0–U+00D6: pyxform 4.5's regex has a typo for that
# range and rejects those letters, so they are mapped like any other invalid character.
_NAME_START = (
    "A-Z_a-z\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
XML_NAME = re.compile(f"[{_NAME_START}][{_NAME_CHAR}]*")
_NOT_NAME_CHAR = re.compile(f"[^{_NAME_CHAR}]")


def xml_name(text: str) -> str:
    """A valid XML name for an XLSForm question: the id itself when it already is one.

    Otherwise characters that may not appear become `_`, and a name that may not start
    with its first character (a digit, `-` or `.`) gets a leading `_`: `1.2` → `_1.2`.
    """
    if XML_NAME.fullmatch(text):
        return text
    name = _NOT_NAME_CHAR.sub("_", text)
    if not XML_NAME.match(name[:1]):
        name = "_" + name
    return name


def form_names(ids: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Unique XML names for ids, avoiding `taken` names; collisions get `_2`, `_3`…"""
    used = {name.casefold() for name in taken}
    names: dict[str, str] = {}
    for text in ids:
        base = xml_name(text)
        name, counter = base, 1
        while name.casefold() in used:
            counter += 1
            name = f"{base}_{counter}"
        used.add(name.casefold())
        names[text] = name
    return names
