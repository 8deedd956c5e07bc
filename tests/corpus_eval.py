"""Measure the rules on the corpus of realistic standards: precision and recall per rule.

The corpus (tests/corpus/) holds standards written from published pledges, charters and
national standards, and a manifest naming each planted flaw by rule and dotted key path
(`stages.visit.steps.arrive.standards.HV-05.how`; list items are named by their `id`). A
finding catches a flaw when it has the same rule and its line lies inside the flaw's YAML
node — or it sits on the standard or step that holds the flaw. Any other finding is a false
alarm. Both `tests/test_corpus.py` and `benchmarks/corpus_table.py` read these figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from svcstd.check import check_paths
from svcstd.config import Config
from svcstd.findings import Finding
from svcstd.source import Source, read_file

CORPUS = Path(__file__).resolve().parent / "corpus"
MEASURED = ("P1", "P2", "P3", "P4", "P5", "P6", "C1", "C2", "C3", "C4", "C5", "C6")
TODAY = dt.date(2026, 12, 1)  # fixed, so that review dates (M2) do not age the results
CONTAINERS = ("standards", "steps")  # a finding on one of these counts for the flaws inside


@dataclass(frozen=True)
class Flaw:
    file: str
    rule: str
    at: str
    note: str
    first: int  # line span of the flaw's node
    last: int
    holders: frozenset[int]  # first lines of the standard and step that hold the flaw


@dataclass
class Outcome:
    """Findings and flaws of the whole corpus, matched."""

    flaws: list[Flaw] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    caught: set[Flaw] = field(default_factory=set)
    false_alarms: list[Finding] = field(default_factory=list)
    clean_files: list[str] = field(default_factory=list)
    unclean: dict[str, list[Finding]] = field(default_factory=dict)  # clean files with findings

    def row(self, rule: str) -> dict[str, Any]:
        """Counts and rates for one rule; a rate with nothing to measure is None."""
        flaws = [f for f in self.flaws if f.rule == rule]
        found = [f for f in self.findings if f.rule == rule]
        false = [f for f in self.false_alarms if f.rule == rule]
        caught = [f for f in flaws if f in self.caught]
        return {
            "rule": rule,
            "flaws": len(flaws),
            "caught": len(caught),
            "recall": len(caught) / len(flaws) if flaws else None,
            "findings": len(found),
            "false": len(false),
            "precision": (len(found) - len(false)) / len(found) if found else None,
        }

    @property
    def false_alarm_share(self) -> float:
        return len(self.false_alarms) / len(self.findings) if self.findings else 0.0


def manifest(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    with open(corpus / "manifest.yaml", encoding="utf-8") as handle:
        entries: list[dict[str, Any]] = yaml.safe_load(handle)["files"]
    return entries


def resolve(source: Source, at: str) -> tuple[Node, list[Node]]:
    """The node at a dotted path, and the standard/step nodes passed on the way."""
    node: Node = source.root
    holders: list[Node] = []
    parts = at.split(".")
    i = 0
    while i < len(parts):
        if isinstance(node, MappingNode):
            value = next((v for k, v in node.value if k.value == parts[i]), None)
            if value is None:
                raise KeyError(f"{at}: no key {parts[i]!r}")
            container = parts[i] in CONTAINERS
            node, i = value, i + 1
            if container and i < len(parts) and isinstance(node, SequenceNode):
                node, i = _item(node, parts, i, at)
                holders.append(node)
        elif isinstance(node, SequenceNode):
            node, i = _item(node, parts, i, at)
        else:
            raise KeyError(f"{at}: {parts[i]!r} inside a scalar")
    return node, holders


def _item(node: SequenceNode, parts: list[str], i: int, at: str) -> tuple[Node, int]:
    """The list item named by the next part(s): its `id` (which may hold dots) or an index."""
    for j in range(len(parts), i, -1):
        name = ".".join(parts[i:j])
        for item in node.value:
            if isinstance(item, MappingNode) and any(
                k.value == "id" and isinstance(v, ScalarNode) and str(v.value) == name
                for k, v in item.value
            ):
                return item, j
    if parts[i].isdigit() and int(parts[i]) < len(node.value):
        return node.value[int(parts[i])], i + 1
    raise KeyError(f"{at}: no item with id {parts[i]!r}")


def span(source: Source, node: Node) -> tuple[int, int]:
    """First and last line (1-based) of a node, trailing blank lines and indentation left out."""
    first = node.start_mark.line + 1
    body = source.text[: node.end_mark.index].rstrip()
    return first, max(first, body.count("\n") + 1)


def evaluate(corpus: Path = CORPUS, today: dt.date = TODAY) -> Outcome:
    """Run every rule on every corpus file and match findings to the planted flaws."""
    outcome = Outcome()
    for entry in manifest(corpus):
        path = corpus / entry["file"]
        source = read_file(path, entry["file"])
        flaws = []
        for flaw in entry.get("flaws") or []:
            node, holders = resolve(source, flaw["at"])
            first, last = span(source, node)
            starts = frozenset(h.start_mark.line + 1 for h in holders)
            flaws.append(
                Flaw(
                    entry["file"],
                    flaw["rule"],
                    flaw["at"],
                    flaw.get("note", ""),
                    first,
                    last,
                    starts,
                )
            )
        report = check_paths([path], Config(root=corpus, today=today))
        findings = [
            Finding(entry["file"], f.line, f.column, f.rule, f.severity, f.message)
            for f in report.findings
            if f.waived is None
        ]
        outcome.flaws.extend(flaws)
        outcome.findings.extend(findings)
        for finding in findings:
            hits = [f for f in flaws if f.rule == finding.rule and _catches(finding, f)]
            outcome.caught.update(hits)
            if not hits:
                outcome.false_alarms.append(finding)
        if entry.get("clean"):
            outcome.clean_files.append(entry["file"])
            if findings:
                outcome.unclean[entry["file"]] = findings
    return outcome


def _catches(finding: Finding, flaw: Flaw) -> bool:
    return flaw.first <= finding.line <= flaw.last or finding.line in flaw.holders


def table(outcome: Outcome, rules: tuple[str, ...] = MEASURED) -> str:
    """The per-rule table as Markdown."""
    lines = [
        "| rule | planted | caught | recall | findings | false | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    others = sorted({f.rule for f in outcome.findings} - set(rules))
    for rule in (*rules, *others):
        row = outcome.row(rule)
        lines.append(
            f"| {rule} | {row['flaws']} | {row['caught']} | {_rate(row['recall'])} | "
            f"{row['findings']} | {row['false']} | {_rate(row['precision'])} |"
        )
    lines.append(
        f"\n{len(outcome.findings)} findings, {len(outcome.false_alarms)} false alarms "
        f"({outcome.false_alarm_share:.1%}); "
        f"{len(outcome.clean_files) - len(outcome.unclean)} of {len(outcome.clean_files)} "
        "well-written files clean"
    )
    return "\n".join(lines)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
