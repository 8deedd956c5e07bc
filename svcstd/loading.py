"""From a file to a validated `StandardFile`, with schema errors placed on their YAML nodes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from svcstd.errors import SourceError
from svcstd.findings import Finding
from svcstd.model import MAX_WEIGHT, StandardFile
from svcstd.source import Source, read_file

MAX_SCHEMA_FINDINGS = 100


def schema_findings(source: Source, error: ValidationError) -> list[Finding]:
    """Turn pydantic's errors into S2 findings at the node each one concerns.

    Only the first `MAX_SCHEMA_FINDINGS` are placed: a file of 400,000 unknown keys would
    otherwise take hours to locate, and nobody reads past the first screen anyway.
    """
    findings = []
    errors = error.errors(include_url=False)
    for item in errors[:MAX_SCHEMA_FINDINGS]:
        path = tuple(seg for seg in item["loc"] if isinstance(seg, (str, int)))
        kind = item["type"]
        key = kind in ("extra_forbidden",)
        line, column = source.locate(path, key=key)
        findings.append(
            Finding(
                source.file, line, column, "S2", "error", _one_line(_message(source, path, item))
            )
        )
    if len(errors) > MAX_SCHEMA_FINDINGS:
        more = len(errors) - MAX_SCHEMA_FINDINGS
        last = findings[-1]
        message = f"{more} more schema errors not shown; fix the ones above first"
        findings.append(Finding(source.file, last.line, last.column, "S2", "error", message))
    return findings


def _message(source: Source, path: tuple[str | int, ...], item: Any) -> str:
    kind = item["type"]
    where = describe(source.data, path)
    name = str(path[-1]) if path else ""
    if kind == "extra_forbidden":
        siblings = _siblings(path)
        hint = difflib.get_close_matches(name, siblings, n=1, cutoff=0.6)
        known = f"did you mean '{hint[0]}'?" if hint else "allowed keys: " + ", ".join(siblings)
        return f"unknown key '{name}' in {describe(source.data, path[:-1])}; {known}"
    if kind == "missing":
        return f"missing required key '{name}' in {describe(source.data, path[:-1])}"
    got = _show(item["input"])
    if kind == "bool_type":
        return f"{where}: write true or false (got {got})"
    if (
        kind in ("float_parsing", "int_parsing", "float_type", "int_type", "finite_number")
        and name != "target"
    ):
        return f"{where}: write a plain number (got {got})"
    if kind == "int_parsing_size":
        return f"{where}: number too long (got {got})"
    if kind.startswith(("date_", "datetime_")):
        reason = (item.get("ctx") or {}).get("error", "")
        detail = f"; {reason}" if reason else ""
        return f"{where}: write a real date as YYYY-MM-DD (got {got}{detail})"
    if kind == "string_type":
        return f"{where}: expected text; put quotes around {got}"
    if name == "target" and kind in ("less_than_equal", "greater_than_equal", "float_parsing"):
        return f'{where}: a target is the share of encounters that must pass: 0–1 or a percentage such as "95%" (got {got})'
    if name == "weight" and kind in ("less_than_equal", "greater_than_equal"):
        return (
            f"{where}: a weight is the standard's share of the score relative to the others, "
            f"0–{MAX_WEIGHT:g} (got {got}); use small numbers such as 1, 2, 3"
        )
    if kind == "literal_error":
        expected = (item.get("ctx") or {}).get("expected", "")
        return f"{where}: must be one of {expected} (got {got})"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        shape = "a list (- item)" if kind == "list_type" else "a mapping (key: value)"
        return f"{where}: expected {shape}, got {_shape(item['input'])}"
    return f"{where}: {item['msg']}"


def _one_line(message: str) -> str:
    """Keys and ids quoted from the file may hold newlines or tabs; a finding is one line."""
    if message.isprintable():
        return message
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in message)


def _show(value: Any, limit: int = 40) -> str:
    """A value as the user wrote it, shortened: a 5,000-digit number must not flood the screen."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 12]}… ({len(text)} chars)"


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return _show(value)


SINGULAR = {"stages": "stage", "steps": "step", "standards": "standard", "factors": "factor"}


def describe(data: Any, path: tuple[str | int, ...]) -> str:
    """A key path in words: ("stages", 0, "steps", 1, "standards", 2, "target") →
    "standard HV-03, target" — named after the innermost item that has an id."""
    label, rest = "the top level", []
    node = data
    for index, seg in enumerate(path):
        if isinstance(node, dict) and isinstance(seg, str):
            node = node.get(seg)
            rest.append(seg)
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            node = node[seg]
            parent = path[index - 1] if index else ""
            kind = SINGULAR.get(str(parent), str(parent))
            item_id = node.get("id") if isinstance(node, dict) else None
            label = f"{kind} {item_id}" if isinstance(item_id, str) else f"{kind} #{seg + 1}"
            rest = []
        else:
            rest.append(str(seg))
            node = None
    if not rest:
        return label
    return ".".join(rest) if label == "the top level" else f"{label}, {'.'.join(rest)}"


def _siblings(path: tuple[str | int, ...]) -> list[str]:
    """The keys the model allows next to the last key of `path`."""
    model: Any = StandardFile
    for seg in path[:-1]:
        if isinstance(seg, int):
            continue
        field = model.model_fields.get(seg)
        if field is None:
            return []
        model = _inner_model(field.annotation)
        if model is None:
            return []
    return list(model.model_fields)


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Loaded:
    """What reading one file gave: its source (if it parsed), its model (if valid), findings."""

    source: Source | None
    standard: StandardFile | None
    findings: list[Finding]


def load(path: Path | str, display: str | None = None) -> Loaded:
    """Read and validate one file; problems become S1 (unreadable) or S2 (schema) findings."""
    try:
        source = read_file(path, display)
    except SourceError as error:
        finding = Finding(error.file, error.line, error.column, "S1", "error", error.message)
        return Loaded(None, None, [finding])
    findings: list[Finding] = []
    if source.encoding not in ("utf-8", "utf-8-sig"):
        name = "GB18030/GBK" if source.encoding == "gb18030" else source.encoding.upper()
        message = f"file is {name}-encoded; save it as UTF-8 so every tool reads it"
        findings.append(Finding(source.file, 1, 1, "S1", "warning", message))
    if not isinstance(source.data, dict):
        line, column = source.locate(())
        message = f"a standard file is a mapping (svcstd: 1, id: …), not {_shape(source.data)}"
        findings.append(Finding(source.file, line, column, "S2", "error", message))
        return Loaded(source, None, findings)
    try:
        standard = StandardFile.model_validate(source.data)
    except ValidationError as error:
        return Loaded(source, None, findings + schema_findings(source, error))
    return Loaded(source, standard, findings)


def load_standard(path: Path | str) -> StandardFile:
    """Load a standard for rendering or scoring; a file that does not load is a `SourceError`."""
    loaded = load(path)
    if loaded.standard is None:
        first = next(f for f in loaded.findings if f.severity == "error")
        raise SourceError(first.file, first.line, first.column, first.message)
    return loaded.standard
