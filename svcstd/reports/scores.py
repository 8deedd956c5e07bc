"""The score report as JSON (for scripts), CSV (for Excel), Markdown and HTML (for people).

Every writer takes the same JSON-ready report from `svcstd.scoring`, so the figures agree
whatever the format. CSV cells are formula-safe, Markdown cells escaped, HTML autoescaped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from svcstd.cells import md_escape as md_cell
from svcstd.cells import neutralise as safe_cell

MAX_TABLE_GROUPS = 60  # rows of a ranking shown in md/html before "… n more"
MAX_HEAT_ROWS = 60
MAX_REJECTS_SHOWN = 50

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "服务标准检查结果",
        "summary": "概况",
        "inspections": "检查次数",
        "mean_score": "平均得分",
        "critical_failures": "红线失守",
        "critical_note": "次检查有红线项不合格，记 0 分",
        "heat_note": "斜体：该月检查少于 {min} 次，不参与排名；颜色越绿得分越高",
        "observations": "计分观察项",
        "compliance": "合格率",
        "compliance_pct": "合格率 %",
        "standards_meeting": "达标标准",
        "standards_below": "未达标",
        "standards_uncertain": "待定",
        "standard": "标准",
        "what": "内容",
        "pass": "合格",
        "fail": "不合格",
        "na": "不适用",
        "n": "样本",
        "ci": "95% 区间",
        "target": "目标",
        "status": "判定",
        "meets": "达标",
        "below": "未达标",
        "uncertain": "待定",
        "no data": "无数据",
        "too_few": "样本不足",
        "needed": "至少需要",
        "rank": "排名",
        "score": "得分",
        "ranking": "排名",
        "by": "按",
        "site": "网点",
        "staff": "员工",
        "inspector": "检查员",
        "date": "日期",
        "month": "月份",
        "week": "周",
        "stage": "阶段",
        "factor": "关键要素",
        "stages": "各服务阶段",
        "factors": "各关键要素",
        "importance": "重要度",
        "standards_count": "标准数",
        "trend": "月度趋势",
        "worst": "各标准合格率（不合格最多的在前）",
        "fail_share": "占全部不合格",
        "accounting": "数据核对：每一条都有去处",
        "entries": "读取条目",
        "scored": "计分",
        "blank": "空白（未观察）",
        "duplicate": "重复（只计一次）",
        "rejected": "拒收",
        "unknown": "未知标准",
        "unreadable": "无法识别的结果",
        "conflicting": "相互矛盾的重复",
        "malformed": "格式错误的行",
        "balanced": "核对无误",
        "unbalanced": "核对不平！",
        "warnings": "提示",
        "rejects": "拒收条目",
        "rejects_more": "其余 {n} 条请用 --rejects 文件查看",
        "row": "行",
        "reason": "原因",
        "value": "值",
        "file": "文件",
        "inspection": "检查编号",
        "unobserved": "从未观察到的标准",
        "red_line": "红线",
        "more_groups": "另有 {n} 组未列出，完整结果见 CSV/JSON",
        "files": "结果文件",
        "generated": "由 svcstd 生成",
        "legend_interval": "条形为 95% 置信区间，圆点为实际合格率，竖线为目标",
        "definitions": (
            "得分 = 100 × Σ(权重×合格) ÷ Σ(权重)，只计适用的标准；任何红线标准不合格，该次检查记 0 分。"
            "合格率 = 合格 ÷（合格 + 不合格），不适用与空白不计入。"
            "95% 区间用 Wilson 方法计算：区间整体高于目标为“达标”，整体低于目标为“未达标”，"
            "跨过目标则为“待定”（需要更多检查才能下结论）。"
            "排名只比较检查次数不少于 {min} 次的组。"
        ),
        "of": "共",
        "incomplete": "次红线结果缺失，不计入平均",
        "na_as_pass": "不适用按合格计",
        "mean": "平均",
    },
    "en": {
        "title": "Inspection results",
        "summary": "Summary",
        "inspections": "Inspections",
        "mean_score": "Mean score",
        "critical_failures": "Red-line failures",
        "critical_note": "inspections failed a red line and score 0",
        "heat_note": "italic: fewer than {min} inspections that month, not ranked; greener is better",
        "observations": "Scored observations",
        "compliance": "Compliance",
        "compliance_pct": "Compliance %",
        "standards_meeting": "Standards meeting target",
        "standards_below": "below",
        "standards_uncertain": "uncertain",
        "standard": "Standard",
        "what": "What",
        "pass": "Pass",
        "fail": "Fail",
        "na": "N/A",
        "n": "n",
        "ci": "95% interval",
        "target": "Target",
        "status": "Status",
        "meets": "meets",
        "below": "below",
        "uncertain": "uncertain",
        "no data": "no data",
        "too_few": "too few",
        "needed": "needs",
        "rank": "Rank",
        "score": "Score",
        "ranking": "Ranking",
        "by": "by",
        "site": "Site",
        "staff": "Staff",
        "inspector": "Inspector",
        "date": "Date",
        "month": "Month",
        "week": "Week",
        "stage": "Stage",
        "factor": "Key factor",
        "stages": "Stages",
        "factors": "Key factors",
        "importance": "Importance",
        "standards_count": "Standards",
        "trend": "Monthly trend",
        "worst": "Compliance per standard (most failures first)",
        "fail_share": "share of all failures",
        "accounting": "Every entry accounted for",
        "entries": "Entries read",
        "scored": "scored",
        "blank": "blank (not observed)",
        "duplicate": "duplicates (counted once)",
        "rejected": "rejected",
        "unknown": "unknown standard",
        "unreadable": "unreadable value",
        "conflicting": "conflicting duplicate",
        "malformed": "malformed row",
        "balanced": "balanced",
        "unbalanced": "does not balance!",
        "warnings": "Warnings",
        "rejects": "Rejected entries",
        "rejects_more": "{n} more: write them all with --rejects FILE",
        "row": "Row",
        "reason": "Reason",
        "value": "Value",
        "file": "File",
        "inspection": "Inspection",
        "unobserved": "Standards never observed",
        "red_line": "red line",
        "more_groups": "{n} more groups not shown; see the CSV or JSON output",
        "files": "Results",
        "generated": "made with svcstd",
        "legend_interval": "bar: 95% interval · dot: compliance · line: target",
        "definitions": (
            "Score = 100 × Σ(weight × pass) ÷ Σ(weight) over the applicable standards; a failed "
            "red-line standard scores the whole inspection 0. Compliance = pass ÷ (pass + fail); "
            "N/A and blanks do not count. The 95% interval is Wilson's: wholly above the target "
            "is 'meets', wholly below is 'below', straddling it is 'uncertain' (more inspections "
            "are needed to tell). Only groups with at least {min} inspections are ranked."
        ),
        "of": "of",
        "incomplete": "incomplete (a red-line result missing), left out of the mean",
        "na_as_pass": "N/A counted as pass",
        "mean": "mean",
    },
}

FORMATS = ("json", "csv", "md", "html")


def labels_for(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])


def render(report: dict[str, Any], fmt: str, lang: str = "zh") -> str:
    """The report as text in one of `FORMATS`."""
    if fmt == "json":
        return as_json(report)
    if fmt == "csv":
        return as_csv(report)
    if fmt == "md":
        return as_markdown(report, lang)
    if fmt == "html":
        return as_html(report, lang)
    raise ValueError(fmt)


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def as_json(report: dict[str, Any]) -> str:
    return "".join(json_pieces(report))


def json_pieces(report: dict[str, Any]) -> Iterator[str]:
    """Readable and fast: the summary indented, then one line per standard, group or reject,
    as pieces that can be written out one by one.

    (`json.dumps(indent=...)` falls back to the pure-Python encoder, which takes seconds
    for the tens of thousands of groups of a `--by site,month` run.)
    """
    yield "{\n"
    keys = list(report)
    for position, key in enumerate(keys):
        value = report[key]
        comma = "," if position < len(keys) - 1 else ""
        name = json.dumps(key)
        if isinstance(value, list) and value:
            yield f"  {name}: [\n"
            last = len(value) - 1
            for index, item in enumerate(value):
                yield f"    {_ENCODER.encode(item)}{',' if index < last else ''}\n"
            yield f"  ]{comma}\n"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
            yield f"  {name}: {text.replace(chr(10), chr(10) + '  ')}{comma}\n"
    yield "}\n"


# --------------------------------------------------------------------------- CSV


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else repr(value)
    return safe_cell(value)


STANDARD_COLUMNS = (
    "id",
    "what",
    "stage",
    "factor",
    "critical",
    "weight",
    "pass",
    "fail",
    "na",
    "observations",
    "compliance",
    "ci_low",
    "ci_high",
    "target",
    "status",
    "too_few",
    "needed",
    "fail_share",
    "cumulative_fail_share",
)
GROUP_COLUMNS = (
    "inspections",
    "scored",
    "score",
    "critical_failures",
    "pass",
    "fail",
    "compliance",
    "ci_low",
    "ci_high",
    "rank",
    "of",
    "too_few",
)


def as_csv(report: dict[str, Any]) -> str:
    """Blocks separated by a blank line: summary, standards (worst first), groups, months."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def rows(header: list[str], records: list[list[Any]]) -> None:
        writer.writerow([safe_cell(cell) for cell in header])
        for record in records:
            writer.writerow([_csv_value(cell) for cell in record])

    summary = report["summary"]
    items = [
        [key, summary[key]]
        for key in (
            "rows",
            "entries",
            "observations",
            "rejected",
            "inspections",
            "scored_inspections",
            "incomplete_inspections",
            "score",
            "critical_failures",
            "na_as",
        )
    ]
    items += [[f"accounting.{key}", value] for key, value in summary["accounting"].items()]
    rows(["summary", "value"], items)
    writer.writerow([])
    rows(
        ["standard" if c == "id" else c for c in STANDARD_COLUMNS],
        [[row[c] for c in STANDARD_COLUMNS] for row in report["standards"]],
    )
    if report["groups"]:
        writer.writerow([])
        by = summary["by"]
        rows(
            [*by, *GROUP_COLUMNS],
            [
                [*(group["key"][name] for name in by), *(group.get(c) for c in GROUP_COLUMNS)]
                for group in report["groups"]
            ],
        )
    if report["months"]:
        writer.writerow([])
        columns = (
            "month",
            "inspections",
            "score",
            "critical_failures",
            "pass",
            "fail",
            "compliance",
        )
        rows(list(columns), [[month[c] for c in columns] for month in report["months"]])
    return buffer.getvalue()


# --------------------------------------------------------------------------- Markdown


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def interval(row: dict[str, Any]) -> str:
    if row.get("ci_low") is None:
        return "—"
    return f"{row['ci_low'] * 100:.1f}–{row['ci_high'] * 100:.1f}%"


def group_name(group: dict[str, Any], report: dict[str, Any]) -> str:
    """A group's key as people read it: stage and factor ids become their names."""
    names = _dimension_names(report)
    parts = []
    for name, value in group["key"].items():
        parts.append(names.get(name, {}).get(value, value) or "—")
    return " · ".join(parts)


def _dimension_names(report: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        "stage": {entry["id"]: entry["name"] for entry in report["stages"]},
        "factor": {entry["id"]: entry["name"] for entry in report["factors"]},
    }


def accounting_parts(report: dict[str, Any], lang: str) -> list[tuple[str, int, str]]:
    """(key, count, label) of every bucket of the accounting identity, rejected ones merged."""
    words = labels_for(lang)
    account = report["summary"]["accounting"]
    rejected = (
        account["unknown"] + account["unreadable"] + account["conflicting"] + account["malformed"]
    )
    return [
        ("scored", account["scored"], words["scored"]),
        ("blank", account["blank"], words["blank"]),
        ("na", account["na"], words["na"]),
        ("duplicate", account["duplicate"], words["duplicate"]),
        ("rejected", rejected, words["rejected"]),
    ]


def accounting_sentence(report: dict[str, Any], lang: str) -> str:
    """`6,240 entries read = 5,890 scored + 120 blank + …`, with the rejected ones broken down."""
    words = labels_for(lang)
    account = report["summary"]["accounting"]
    parts = [f"{account['scored']:,} {words['scored']}"]
    for key in ("blank", "na", "duplicate"):
        if account[key]:
            parts.append(f"{account[key]:,} {words[key]}")
    rejected = [
        f"{account[key]:,} {words[key]}"
        for key in ("unknown", "unreadable", "conflicting", "malformed")
        if account[key]
    ]
    total_rejected = sum(
        account[key] for key in ("unknown", "unreadable", "conflicting", "malformed")
    )
    if rejected:
        parts.append(f"{total_rejected:,} {words['rejected']} ({', '.join(rejected)})")
    check = words["balanced"] if account["balanced"] else words["unbalanced"]
    return f"{words['entries']} {account['entries']:,} = {' + '.join(parts)} · {check}"


def title_of(report: dict[str, Any], lang: str) -> str:
    words = labels_for(lang)
    docs = report["summary"]["standard_files"]
    names = ", ".join(
        f"{doc['title']}" + (f" v{doc['version']}" if doc.get("version") else "") for doc in docs
    )
    return f"{words['title']} — {names}" if names else words["title"]


def as_markdown(report: dict[str, Any], lang: str = "zh") -> str:
    words = labels_for(lang)
    summary = report["summary"]
    out: list[str] = [f"# {md_cell(title_of(report, lang))}", ""]
    standards = report["standards"]
    observed = [row for row in standards if row["observations"]]
    overall = summary["pass"] / (summary["pass"] + summary["fail"]) if observed else None
    out.append(
        f"**{words['mean_score']} {num(summary['score'])}** · {words['inspections']} "
        f"{summary['inspections']:,} · {words['critical_failures']} {summary['critical_failures']:,}"
        f" · {words['compliance']} {pct(overall)} · {words['standards_meeting']} "
        f"{summary['standards_meeting']}/{summary['standards_total']}"
    )
    if summary["na_as"] == "pass":
        out.append(f"({words['na_as_pass']})")
    out += ["", md_cell(accounting_sentence(report, lang)), ""]
    if report["groups"]:
        by = " · ".join(words.get(name, name) for name in summary["by"])
        out += [
            f"## {words['ranking']}（{by}）" if lang == "zh" else f"## {words['ranking']} by {by}",
            "",
        ]
        out.append(
            f"| {words['rank']} | {md_cell(by)} | {words['inspections']} | {words['mean_score']} "
            f"| {words['critical_failures']} | {words['compliance']} |"
        )
        out.append("|---:|---|---:|---:|---:|---:|")
        for group in report["groups"][:MAX_TABLE_GROUPS]:
            rank = group["rank"] if group["rank"] is not None else words["too_few"]
            out.append(
                f"| {rank} | {md_cell(group_name(group, report))} | {group['inspections']} | "
                f"{num(group['score'])} | {group['critical_failures']} | {pct(group['compliance'])} |"
            )
        more = len(report["groups"]) - MAX_TABLE_GROUPS
        if more > 0:
            out += ["", words["more_groups"].format(n=more)]
        out.append("")
    out += [f"## {words['worst']}", ""]
    out.append(
        f"| {words['standard']} | {words['what']} | {words['pass']} | {words['fail']} | "
        f"{words['na']} | {words['compliance']} | {words['ci']} | {words['target']} | "
        f"{words['status']} |"
    )
    out.append("|---|---|---:|---:|---:|---:|---|---:|---|")
    for row in standards:
        status = words[row["status"]]
        if row["too_few"]:
            status += f" ({words['too_few']})"
        flag = f" **{words['red_line']}**" if row["critical"] else ""
        out.append(
            f"| {md_cell(row['id'])}{flag} | {md_cell(row['what'])} | {row['pass']} | "
            f"{row['fail']} | {row['na']} | {pct(row['compliance'])} | {interval(row)} | "
            f"{pct(row['target'], 0)} | {status} |"
        )
    out += ["", f"## {words['stages']}", ""]
    out.append(
        f"| {words['stage']} | {words['standards_count']} | {words['pass']} | {words['fail']} | "
        f"{words['compliance']} | {words['ci']} | {words['meets']} | {words['below']} | "
        f"{words['uncertain']} |"
    )
    out.append("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for stage in report["stages"]:
        out.append(
            f"| {md_cell(stage['name'])} | {stage['standards']} | {stage['pass']} | "
            f"{stage['fail']} | {pct(stage['compliance'])} | {interval(stage)} | "
            f"{stage['meets']} | {stage['below']} | {stage['uncertain']} |"
        )
    if report["months"]:
        out += ["", f"## {words['trend']}", ""]
        out.append(
            f"| {words['month']} | {words['inspections']} | {words['mean_score']} | "
            f"{words['critical_failures']} | {words['compliance']} |"
        )
        out.append("|---|---:|---:|---:|---:|")
        for month in report["months"]:
            out.append(
                f"| {month['month']} | {month['inspections']} | {num(month['score'])} | "
                f"{month['critical_failures']} | {pct(month['compliance'])} |"
            )
    if report["warnings"]:
        out += ["", f"## {words['warnings']}", ""]
        out += [f"- {md_cell(warning)}" for warning in report["warnings"]]
    if report["rejects"]:
        out += ["", f"## {words['rejects']}", ""]
        out.append(
            f"| {words['file']} | {words['row']} | {words['inspection']} | {words['standard']} | "
            f"{words['value']} | {words['reason']} |"
        )
        out.append("|---|---:|---|---|---|---|")
        for reject in report["rejects"][:MAX_REJECTS_SHOWN]:
            out.append(
                f"| {md_cell(reject['file'])} | {reject['row']} | {md_cell(reject['inspection'])} "
                f"| {md_cell(reject['standard'])} | {md_cell(reject['value'])} | "
                f"{md_cell(reject['reason'])} |"
            )
        more = report["summary"]["rejected"] - min(len(report["rejects"]), MAX_REJECTS_SHOWN)
        if more > 0:
            out += ["", words["rejects_more"].format(n=more)]
    out += ["", md_cell(words["definitions"].format(min=_min_inspections())), ""]
    return "\n".join(out)


def _min_inspections() -> int:
    from svcstd.scoring import MIN_INSPECTIONS

    return MIN_INSPECTIONS


# --------------------------------------------------------------------------- HTML


def as_html(report: dict[str, Any], lang: str = "zh") -> str:
    """One self-contained page: summary, ranking, compliance per standard, trend, accounting."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from svcstd.reports import charts
    from svcstd.resources import bundled_templates

    words = labels_for(lang)
    env = Environment(
        loader=FileSystemLoader(str(bundled_templates())),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, num=num, interval=interval)
    standards = report["standards"]
    low, high = charts.axis_range(standards)
    summary = report["summary"]
    observed_total = summary["pass"] + summary["fail"]
    view = {
        "lang": lang,
        "w": words,
        "title": title_of(report, lang),
        "summary": summary,
        "overall": summary["pass"] / observed_total if observed_total else None,
        "accounting_bar": charts.accounting(accounting_parts(report, lang)),
        "accounting_parts": [
            (key, count, label, charts.ACCOUNT_COLOURS[key])
            for key, count, label in accounting_parts(report, lang)
        ],
        "accounting_sentence": accounting_sentence(report, lang),
        "standards": [{**row, "bar": charts.interval_bar(row, low, high)} for row in standards],
        "axis": charts.axis(low, high),
        "stages": report["stages"],
        "factors": report["factors"],
        "ranking": _ranking_view(report, words),
        "trend": charts.trend(report["months"], words) if len(report["months"]) >= 1 else "",
        "months": report["months"],
        "warnings": report["warnings"],
        "rejects": report["rejects"][:MAX_REJECTS_SHOWN],
        "rejects_more": max(
            0, summary["rejected"] - min(len(report["rejects"]), MAX_REJECTS_SHOWN)
        ),
        "unobserved": report["unobserved"],
        "definitions": words["definitions"].format(min=_min_inspections()),
        "heat_note": words["heat_note"].format(min=_min_inspections()),
        "date_range": _date_range(report["months"]),
    }
    return env.get_template("report.html.j2").render(**view)


def _date_range(months: list[dict[str, Any]]) -> str:
    if not months:
        return ""
    first, last = months[0]["month"], months[-1]["month"]
    return first if first == last else f"{first} – {last}"


def _ranking_view(report: dict[str, Any], words: dict[str, str]) -> dict[str, Any] | None:
    """A ranking as bars (one --by column), or a heat table (something × month or week)."""
    from svcstd.reports import charts

    groups = report["groups"]
    by = report["summary"]["by"]
    if not groups:
        return None
    heading = " · ".join(words.get(name, name) for name in by)
    period = next((name for name in ("month", "week") if name in by), None)
    if len(by) == 2 and period is not None:
        other = by[0] if by[1] == period else by[1]
        periods = sorted({group["key"][period] for group in groups if group["key"][period]})
        names = _dimension_names(report).get(other, {})
        table: dict[str, dict[str, dict[str, Any]]] = {}
        totals: dict[str, list[float]] = {}
        for group in groups:
            name = group["key"][other]
            table.setdefault(name, {})[group["key"][period]] = {
                **group,
                "bg": charts.heat_background(group["score"]),
            }
            if group["score"] is not None:
                total = totals.setdefault(name, [0.0, 0.0])
                total[0] += group["score"] * group["scored"]
                total[1] += group["scored"]
        order = sorted(
            table,
            key=lambda n: -(totals[n][0] / totals[n][1]) if n in totals and totals[n][1] else 1.0,
        )
        rows = [
            {
                "name": names.get(name, name) or "—",
                "cells": [table[name].get(p) for p in periods],
                "mean": totals[name][0] / totals[name][1]
                if name in totals and totals[name][1]
                else None,
            }
            for name in order[:MAX_HEAT_ROWS]
        ]
        return {
            "kind": "heat",
            "heading": heading,
            "other": words.get(other, other),
            "periods": periods,
            "rows": rows,
            "more": max(0, len(order) - MAX_HEAT_ROWS),
        }
    shown = groups if len(groups) <= MAX_TABLE_GROUPS else groups[:MAX_TABLE_GROUPS]
    return {
        "kind": "bars",
        "heading": heading,
        "rows": [
            {
                **group,
                "name": group_name(group, report),
                "bar": charts.score_bar(group["score"], muted=group["rank"] is None),
            }
            for group in shown
        ],
        "more": len(groups) - len(shown),
    }
