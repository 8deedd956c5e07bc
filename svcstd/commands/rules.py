"""`svcstd rules [CODE]`: the rule catalogue, or one rule's documentation."""

from __future__ import annotations

import sys
import textwrap

from svcstd.errors import SvcstdError
from svcstd.rules import RULES, Rule, ordered
from svcstd.terminal import width


def catalogue(lang: str = "en") -> str:
    """One line per rule: code, severity, name and title in both languages."""
    rows = [
        (r.code, r.severity, r.name, r.title_zh if lang == "zh" else r.title, r.title_zh)
        for r in ordered()
    ]
    name_width = max(len(r[2]) for r in rows)
    title_width = max(width(r[3]) for r in rows)
    lines = [f"{'code':<4} {'severity':<8} {'name':<{name_width}}  title"]
    for code, severity, name, title, title_zh in rows:
        padded = title + " " * (title_width - width(title))
        extra = "" if lang == "zh" else f"  {title_zh}"
        lines.append(f"{code:<4} {severity:<8} {name:<{name_width}}  {padded}{extra}".rstrip())
    lines.append("")
    lines.append("`svcstd rules CODE` explains one rule. Select or ignore rules by code or prefix:")
    lines.append("`--select P`, `--ignore C6,M2`, or `ignore: {P1: reason}` on one standard.")
    return "\n".join(lines) + "\n"


def explain(rule: Rule) -> str:
    """The rule's documentation: what it checks, why it matters, a bad and a good example."""
    doc = textwrap.dedent("\n".join(rule.doc.splitlines()[1:])).strip()
    summary = rule.doc.strip().splitlines()[0]
    head = f"{rule.code} {rule.name} — {rule.title} ({rule.title_zh})"
    meta = f"severity: {rule.severity}; family: {rule.family}"
    examples = example_files(rule.code)
    tail = f"\n\nA whole file that shows it: standards/examples/{examples[0]}" if examples else ""
    return f"{head}\n{meta}\n\n{summary}\n\n{doc}{tail}\n"


def example_files(code: str) -> list[str]:
    """Bundled bad-example files named after the rule, e.g. p3-average-as-target.yaml."""
    from svcstd.resources import bundled_standards

    folder = bundled_standards() / "examples"
    return sorted(p.name for p in folder.glob(f"{code.lower()}-*.y*ml")) if folder.is_dir() else []


def run(code: str | None, lang: str = "en") -> None:
    if code is None:
        sys.stdout.write(catalogue(lang))
        return
    rule = RULES.get(code.strip().upper())
    if rule is None:
        raise SvcstdError(f"no rule {code!r}; `svcstd rules` lists them")
    sys.stdout.write(explain(rule))
