"""Findings as text for people, JSON for scripts, SARIF for code scanning, GitHub annotations."""

from __future__ import annotations

import json
from typing import Any

from svcstd import __version__
from svcstd.check import Report
from svcstd.errors import printable, valid_unicode
from svcstd.findings import Finding
from svcstd.terminal import width

FORMATS = ("text", "json", "sarif", "github")

RED, YELLOW, DIM, BOLD, RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"


def as_text(report: Report, colour: bool = False) -> str:
    """`file:line:col CODE message`, locations padded so codes line up even with CJK names."""
    paint = (lambda code, text: f"{code}{text}{RESET}") if colour else (lambda _, text: text)
    # file names, ids and texts quoted from files are shown escaped: never a terminal code
    locations = [printable(f.location) for f in report.findings]
    pad = max((width(location) for location in locations), default=0)
    lines = []
    for finding, where in zip(report.findings, locations, strict=True):
        location = where + " " * (pad - width(where))
        message = printable(finding.message)
        if finding.waived is not None:
            waived = printable(finding.waived)
            lines.append(paint(DIM, f"{location}  {finding.rule:<3} waived ({waived}): {message}"))
            continue
        colour_code = RED if finding.severity == "error" else YELLOW
        code = paint(BOLD + colour_code, f"{finding.rule:<3}")
        kind = "" if finding.severity == "error" else paint(YELLOW, "warning: ")
        lines.append(f"{paint(BOLD, location)}  {code} {kind}{message}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def summary_line(report: Report) -> str:
    files = len(report.files)
    noun = "file" if files == 1 else "files"
    if not report.errors and not report.warnings:
        waived = f" ({report.waived} waived)" if report.waived else ""
        return f"All clear: {files} {noun} checked, no findings{waived}."
    parts = [
        f"{report.errors} error{'s' * (report.errors != 1)}",
        f"{report.warnings} warning{'s' * (report.warnings != 1)}",
    ]
    if report.waived:
        parts.append(f"{report.waived} waived")
    return f"Found {', '.join(parts)} in {files} {noun}."


def as_json(report: Report) -> str:
    data = {
        "files": [valid_unicode(file) for file in report.files],
        "findings": [_valid(f.to_dict()) for f in report.findings],
        "summary": {
            "files": len(report.files),
            "errors": report.errors,
            "warnings": report.warnings,
            "waived": report.waived,
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _valid(record: dict[str, object]) -> dict[str, object]:
    """A finding's texts encodable as UTF-8 (a file name that was not UTF-8 is escaped)."""
    return {k: valid_unicode(v) if isinstance(v, str) else v for k, v in record.items()}


def as_sarif(report: Report) -> str:
    """SARIF 2.1.0: one run, the rule catalogue, waived findings as in-source suppressions."""
    from svcstd.rules import ordered

    rules = ordered()
    index = {rule.code: i for i, rule in enumerate(rules)}
    driver = {
        "name": "svcstd",
        "version": __version__,
        "informationUri": "https://pypi.org/project/svcstd/",
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": f"{rule.title} ({rule.title_zh})"},
                "fullDescription": {"text": rule.doc.strip().splitlines()[0]},
                "help": {"text": rule.doc.strip(), "markdown": rule.doc.strip()},
                "defaultConfiguration": {"level": rule.severity},
                "properties": {"tags": [rule.family]},
            }
            for rule in rules
        ],
    }
    results = [_sarif_result(f, index) for f in report.findings]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "artifacts": [{"location": {"uri": _uri(file)}} for file in report.files],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _sarif_result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": finding.severity,
        "message": {"text": valid_unicode(finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.file)},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }
        ],
    }
    if finding.waived is not None:
        justification = valid_unicode(finding.waived)
        result["suppressions"] = [{"kind": "inSource", "justification": justification}]
    return result


def _uri(path: str) -> str:
    """A relative URI reference, as SARIF requires: forward slashes, non-ASCII percent-encoded
    (the bytes of a name that is not UTF-8 as they are on disk)."""
    import os
    from urllib.parse import quote

    try:
        raw = os.fsencode(path.replace("\\", "/"))
    except UnicodeError:  # a lone surrogate that no file name decodes to
        raw = valid_unicode(path.replace("\\", "/")).encode("utf-8")
    return quote(raw, safe="/:")


def as_github(report: Report) -> str:
    """GitHub Actions workflow commands; waived findings become notices."""
    lines = []
    for f in report.findings:
        level = "notice" if f.waived is not None else f.severity
        message = f.message if f.waived is None else f"waived ({f.waived}): {f.message}"
        props = f"file={_prop(f.file)},line={f.line},col={f.column},title={_prop(f.rule)}"
        lines.append(f"::{level} {props}::{_data(message)}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _data(text: str) -> str:
    """Workflow-command data: `%`, CR and LF encoded, other control characters escaped (an
    ESC in a file name would otherwise paint the CI log)."""
    lines = text.split("\n")
    return "%0A".join(printable(line.replace("%", "%25").replace("\r", "%0D")) for line in lines)


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, output_format: str, colour: bool = False) -> str:
    if output_format == "json":
        return as_json(report)
    if output_format == "sarif":
        return as_sarif(report)
    if output_format == "github":
        return as_github(report)
    return as_text(report, colour)
