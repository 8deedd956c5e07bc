"""`svcstd render checklist|handout|promise`: one standard file in, one document out.

Options are checked before the standard is read, and the output is written atomically
(a temporary file beside the target, then `os.replace`), never over the standard or the
template it was made from.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from svcstd.errors import SvcstdError
from svcstd.outputs import check_suffix, check_target, write_atomic

FORMATS: dict[str, tuple[str, ...]] = {
    "checklist": ("md", "html", "csv", "xlsx", "xlsform"),
    "handout": ("md", "html"),
    "promise": ("md", "html"),
}
BINARY_FORMATS = frozenset({"xlsx", "xlsform"})
SHEET_FORMATS = frozenset({"csv", "xlsx"})
SUFFIX_FORMATS = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".xlsx": "xlsx",
}


def run(
    kind: str,
    standard: Path,
    *,
    output_format: str | None = None,
    stage: str | None = None,
    role: str | None = None,
    lang: str | None = None,
    output: Path | None = None,
    template: Path | None = None,
    shape: str | None = None,
) -> None:
    """Render `standard` as a `kind` document and write it to `output` or stdout."""
    if output is not None and str(output) == "-":
        output = None
    if output is not None:  # writing over an input is the first thing to refuse
        check_target(output, [standard, *([template] if template else [])])
    fmt = choose_format(kind, output_format, output, template)
    if shape is not None and fmt not in SHEET_FORMATS:
        raise SvcstdError(f"--shape applies to csv and xlsx results sheets, not --format {fmt}")
    if output is None and fmt in BINARY_FORMATS:
        raise SvcstdError(f"--format {fmt} writes a binary workbook; give a file with -o FILE.xlsx")

    from svcstd.loading import load_standard
    from svcstd.render import build_view

    doc = load_standard(standard)
    view = build_view(doc, kind=kind, lang=lang, stage=stage, role=role, source=standard.name)  # type: ignore[arg-type]
    if kind == "promise" and not view["promises"] and template is None:
        raise SvcstdError(
            "nothing to promise: no customer-facing standard is published"
            + (" for this filter" if stage or role else ""),
            str(standard),
        )
    data = produce(kind, fmt, view, template, shape or "long")
    if output is None:
        stream = sys.stdout.buffer
        stream.write(data)
        stream.flush()
    else:
        write_atomic(output, data)


def choose_format(
    kind: str, output_format: str | None, output: Path | None, template: Path | None
) -> str:
    """`--format`, or what the output's suffix or the template's name says, or Markdown.

    An output suffix svcstd does not write (`-o report.pdf`) is an error whatever the format.
    """
    allowed = FORMATS[kind]
    named = check_suffix(output, SUFFIX_FORMATS, f"a {kind}") if output else None
    if output_format is not None:
        fmt = output_format.lower()  # the CLI offers only the kind's formats
    elif template is not None and (
        ".htm" in template.name.lower() or ".md" in template.name.lower()
    ):
        fmt = "html" if ".htm" in template.name.lower() else "md"  # escaping follows the template
    elif named is not None:
        fmt = named
        if fmt not in allowed:
            raise SvcstdError(
                f"{kind} cannot be written as {fmt}; choose one of {', '.join(allowed)}"
            )
    else:
        fmt = "md"
    if template is not None and fmt not in ("md", "html"):
        raise SvcstdError(f"--template renders text (md or html), not --format {fmt}")
    return fmt


def produce(kind: str, fmt: str, view: dict[str, Any], template: Path | None, shape: str) -> bytes:
    """The document's bytes: text as UTF-8, sheets and forms as their file formats."""
    if template is not None:
        from svcstd.render import render_user_template

        return render_user_template(template, view, fmt).encode("utf-8")  # type: ignore[arg-type]
    if fmt in ("md", "html"):
        from svcstd.render import render_builtin

        return render_builtin(kind, fmt, view).encode("utf-8")  # type: ignore[arg-type]
    from svcstd import sheets

    if fmt == "xlsform":
        return sheets.xlsform_bytes(sheets.xlsform(view))
    sheet = sheets.results_sheet(view, shape)  # type: ignore[arg-type]
    return sheets.csv_bytes(sheet) if fmt == "csv" else sheets.xlsx_bytes(sheet)
