"""The score report for a terminal: rich tables, Chinese aligned, status in colour.

This is the only module of `svcstd score` that imports rich, so `--format json` never pays
for it.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from svcstd.errors import printable
from svcstd.reports.scores import (
    accounting_sentence,
    group_name,
    interval,
    labels_for,
    num,
    pct,
    title_of,
)

MAX_GROUP_ROWS = 50


class _Console(Console):
    """rich's console, except that a closed pipe (`svcstd score | head`) is left to the CLI,
    which ends quietly with exit 0; rich itself would exit 1, which reads as a failure."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def plain(value: object, style: str = "") -> Text:
    """Text from the results or the standard, shown as written: a site named `[/b]` or
    `[link=…]` is not rich markup, and control characters are escaped, not sent."""
    return Text(printable(str(value)), style=style)


STATUS_STYLES = {"meets": "green", "below": "bold red", "uncertain": "yellow", "no data": "dim"}


def render_table(
    report: dict[str, Any], lang: str, stream: IO[str], width: int | None = None
) -> None:
    """Print the report: summary, ranking, standards worst first, stages, trend, warnings."""
    words = labels_for(lang)
    console = _Console(
        file=stream,
        width=width,
        highlight=False,
        soft_wrap=False,
        no_color=width is not None,
        emoji=False,
    )
    summary = report["summary"]
    console.print(plain(title_of(report, lang), style="bold"))
    observed = summary["pass"] + summary["fail"]
    line = Text()
    line.append(f"{words['mean_score']} ", style="dim")
    line.append(num(summary["score"]), style="bold cyan")
    line.append(f"   {words['inspections']} ", style="dim")
    line.append(f"{summary['inspections']:,}")
    line.append(f"   {words['critical_failures']} ", style="dim")
    line.append(
        str(summary["critical_failures"]),
        style="bold red" if summary["critical_failures"] else "green",
    )
    line.append(f"   {words['compliance']} ", style="dim")
    line.append(pct(summary["pass"] / observed if observed else None))
    line.append(f"   {words['standards_meeting']} ", style="dim")
    line.append(f"{summary['standards_meeting']}/{summary['standards_total']}")
    console.print(line)
    account = summary["accounting"]
    console.print(
        plain(accounting_sentence(report, lang), "dim" if account["balanced"] else "bold red")
    )

    if report["groups"]:
        by = summary["by"]
        table = Table(box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
        table.title = plain(f"{words['ranking']} · " + " · ".join(words.get(n, n) for n in by))
        table.add_column(words["rank"], justify="right")
        table.add_column(plain(" · ".join(words.get(n, n) for n in by)))
        table.add_column(words["mean_score"], justify="right")
        table.add_column(words["inspections"], justify="right")
        table.add_column(words["critical_failures"], justify="right")
        table.add_column(words["compliance"], justify="right")
        for group in report["groups"][:MAX_GROUP_ROWS]:
            few = group["rank"] is None
            table.add_row(
                Text(words["too_few"], style="yellow") if few else str(group["rank"]),
                plain(group_name(group, report)),
                num(group["score"]),
                str(group["inspections"]),
                Text(
                    str(group["critical_failures"]),
                    style="red" if group["critical_failures"] else "",
                ),
                pct(group["compliance"]),
                style="dim" if few else None,
            )
        console.print(table)
        more = len(report["groups"]) - MAX_GROUP_ROWS
        if more > 0:
            console.print(Text(words["more_groups"].format(n=more), style="dim"))

    table = Table(box=box.SIMPLE_HEAD, title=words["worst"], title_justify="left", pad_edge=False)
    id_width = max((len(row["id"]) for row in report["standards"]), default=4)
    table.add_column(words["standard"], no_wrap=True, min_width=id_width)
    room = max(4, min(30, console.width - 72 - id_width))  # what is left after the figures
    table.add_column(words["what"], width=room, overflow="ellipsis", no_wrap=True)
    for key, width in (("pass", 4), ("fail", 4), ("na", 4), ("compliance", 6)):
        table.add_column(words[key], justify="right", no_wrap=True, min_width=width)
    table.add_column(words["ci"], justify="right", no_wrap=True, min_width=11)
    table.add_column(words["target"], justify="right", no_wrap=True, min_width=4)
    table.add_column(words["status"], no_wrap=True, min_width=6)
    for row in report["standards"]:
        status = Text(words[row["status"]], style=STATUS_STYLES[row["status"]])
        if row["critical"]:
            status.append(f" {words['red_line']}", style="bold red")
        if row["too_few"]:
            status.append(f" ({words['too_few']})", style="yellow")
        ident = plain(row["id"])
        table.add_row(
            ident,
            plain(row["what"]),
            str(row["pass"]),
            str(row["fail"]),
            str(row["na"]),
            pct(row["compliance"]),
            interval(row),
            pct(row["target"], 0),
            status,
        )
    console.print(table)

    table = Table(box=box.SIMPLE_HEAD, title=words["stages"], title_justify="left", pad_edge=False)
    for title, justify in (
        (words["stage"], "left"),
        (words["standards_count"], "right"),
        (words["compliance"], "right"),
        (words["ci"], "right"),
        (words["meets"], "right"),
        (words["uncertain"], "right"),
        (words["below"], "right"),
    ):
        table.add_column(title, justify=justify)  # type: ignore[arg-type]
    for stage in report["stages"]:
        table.add_row(
            plain(stage["name"]),
            str(stage["standards"]),
            pct(stage["compliance"]),
            interval(stage),
            str(stage["meets"]),
            str(stage["uncertain"]),
            Text(str(stage["below"]), style="red" if stage["below"] else ""),
        )
    console.print(table)

    if report["months"]:
        table = Table(
            box=box.SIMPLE_HEAD, title=words["trend"], title_justify="left", pad_edge=False
        )
        for title in (
            words["month"],
            words["inspections"],
            words["mean_score"],
            words["compliance"],
        ):
            table.add_column(title, justify="right")
        for month in report["months"]:
            table.add_row(
                plain(month["month"]),
                str(month["inspections"]),
                num(month["score"]),
                pct(month["compliance"]),
            )
        console.print(table)

    if report["warnings"]:
        console.print(Text(words["warnings"], style="bold yellow"))
        for warning in report["warnings"]:
            console.print(plain(f"  • {warning}", style="yellow"))
    if summary["rejected"]:
        reasons = ", ".join(
            f"{reason} {count}" for reason, count in summary["reject_reasons"].items()
        )
        console.print(plain(f"{words['rejects']}: {summary['rejected']:,} ({reasons})", "red"))


def progress_bar(total: int) -> Callable[[int | None], None]:
    """A transient progress bar on stderr; call with bytes read, then with None to close."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("scoring", total=total)
    progress.start()

    def update(done: int | None) -> None:
        if done is None:
            progress.stop()
        else:
            progress.update(task, completed=done)

    return update
