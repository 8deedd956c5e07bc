"""Findings as text for people, JSON for scripts, SARIF for code scanning, GitHub annotations."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from svcstd import __version__
from svcstd.check import Report
from svcstd.findings import Finding

FORMATS = ("text", "json", "sarif", "github")

RED, YELLOW, DIM, BOLD, RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"


def width(text: str) -> int:
    """Terminal columns of `text`: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def as_text(report: Report, colour: bool = False) -> str:
    """`file:line:col CODE message`, locations padded so codes line up even with CJK names."""
    paint = (lambda code, text: f"{code}{text}{RESET}") if colour else (lambda _, text: text)
    pad = max((width(f.location) for f in report.findings), default=0)
    lines = []
    for finding in report.findings:
        location = finding.location + " " * (pad - width(finding.location))
        if finding.waived is not None:
            lines.append(
                paint(
                    DIM,
                    f"{location}  {finding.rule:<3} waived ({finding.waived}): {finding.message}",
                )
            )
            continue
        colour_code = RED if finding.severity == "error" else YELLOW
        code = paint(BOLD + colour_code, f"{finding.rule:<3}")
        kind = "" if finding.severity == "error" else paint(YELLOW, "warning: ")
        lines.append(f"{paint(BOLD, location)}  {code} {kind}{finding.message}")
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
        "files": report.files,
        "findings": [f.to_dict() for f in report.findings],
        "summary": {
            "files": len(report.files),
            "errors": report.errors,
            "warnings": report.warnings,
            "waived": report.waived,
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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
        "message": {"text": finding.message},
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
        result["suppressions"] = [{"kind": "inSource", "justification": finding.waived}]
    return result


def _uri(path: str) -> str:
    """A relative URI reference, as SARIF requires: forward slashes, non-ASCII percent-encoded."""
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:")


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
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
