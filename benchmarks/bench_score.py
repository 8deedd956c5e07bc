"""Benchmark `svcstd score` on every shape of results users have, against baselines in the same run.

    .venv/bin/pip install duckdb polars python-calamine      # baselines only, never dependencies
    .venv/bin/python benchmarks/bench_score.py               # every shape, 1 M rows (XLSX 200 k)
    .venv/bin/python benchmarks/bench_score.py --rows 20000  # a smoke run, a few seconds
    .venv/bin/python benchmarks/bench_score.py --big --shapes long-50   # also 10 M rows

Shapes (2,000 sites with Chinese names, 24 months, the 50-standard bench standard; `--rows`
counts the rows of a long file; a wide file has rows/5 inspections, one row each):
  long-50    long, 50 standards per inspection, rows of an inspection together, UTF-8
  long-6     long, 6 standards per inspection (a short checklist)
  kobo-6     long-6 as KoboToolbox exports it: `;`, every cell quoted, CRLF, UUID ids
  wide-50    one row per inspection, ODK `group/ID` headers, UUID ids in `_uuid`, blanks
  by-date-6  long-6's rows sorted by date as database exports are (an inspection's rows apart)
  random-6   long-6's rows shuffled
  gb18030-6  long-6 in GB18030, Chinese headers, staff names and result words
  xlsx-long  XLSX, 6 standards per inspection (rows/5 rows, at most 200 k)
  xlsx-wide  XLSX, one row per inspection (a fifth of xlsx-long's rows)

Data is generated once into benchmarks/data/ (gitignored) and reused. Every command runs in a
fresh process, timed from start to exit, `--repeat` times (median), round-robin so that a slow
spell of this shared machine hits every command alike; peak memory is the child's max RSS from
`getrusage(RUSAGE_CHILDREN)` in a wrapper process. svcstd is the installed `svcstd` command with
its bytecode compiled. Baselines (benchmarks/score_baselines.py), skipped with a note when their
package is not installed: a bare `csv.reader` pass; a DuckDB query and a polars lazy scan
computing the same figures; for XLSX a bare python-calamine pass and an openpyxl read-only
pass. Every baseline's figures are checked against svcstd's JSON report.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import datetime as dt
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
OUT = ROOT / "benchmarks" / "out"
BASELINES = ROOT / "benchmarks" / "score_baselines.py"
PYTHON = sys.executable
SVCSTD = str(Path(PYTHON).with_name("svcstd"))  # the console script pip installed

SITES, STANDARDS, MONTHS = 2000, 50, 24
IDS = [f"S-{n:02d}" for n in range(STANDARDS)]
WEIGHTS = {ident: (2.0 if n % 10 == 0 else 1.0) for n, ident in enumerate(IDS)}
CRITICAL = "S-07"  # a red line
XLSX_MAX_ROWS = 200_000
ENGLISH = ("pass", "fail", "na")
FORM = ("yes", "no", "na")  # an ODK/Kobo yes_no choice list
CHINESE = ("合格", "不合格", "不适用")
LONG_HEADER = ["inspection", "date", "site", "staff", "inspector", "standard", "result"]
CHINESE_HEADER = ["检查编号", "日期", "网点", "员工", "检查员", "标准编号", "结果"]
CITIES = ["北京", "上海", "广州", "深圳", "成都", "武汉", "西安", "南京"]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀",
    "霞",
    "平",
    "刚",
]


# --------------------------------------------------------------------------- the standard


def write_standard() -> Path:
    """A valid standard with 50 yes/no standards in 5 stages; S-07 critical, every tenth weight 2."""
    path = DATA / "bench-standard.yaml"
    lines = ["svcstd: 1", "id: bench", "title: 基准测试服务标准", "language: zh", "factors:"]
    lines += ["  - {id: f1, name: 要素一, importance: 4, evidence: 调研}", "stages:"]
    for stage in range(5):
        lines += [f"  - id: st{stage}", f"    name: 阶段{stage}", "    steps:"]
        lines += [f"      - id: step{stage}", f"        name: 步骤{stage}", "        standards:"]
        for ident in IDS[stage * 10 : stage * 10 + 10]:
            lines += [
                f"          - id: {ident}",
                "            factor: f1",
                f"            what: 标准 {ident}",
                "            measure: {kind: yes_no}",
                "            target: 0.9",
                f"            weight: {WEIGHTS[ident]:g}",
            ]
            if ident == CRITICAL:
                lines.append("            critical: true")
    DATA.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- generated inspections


@dataclass
class Inspection:
    ident: str
    date: str
    site: str
    staff: str
    inspector: str
    results: list[tuple[str, str]]  # (standard id, result word; "" = left blank)


def inspections(
    rows: int,
    per: int,
    words: tuple[str, str, str],
    uuids: bool = False,
    chinese_staff: bool = False,
    blanks: float = 0.0,
) -> Iterator[Inspection]:
    """Inspections totalling `rows` results, `per` standards each; the same arguments give the
    same inspections (so a shape's sorted and unsorted files hold the same rows)."""
    rng = random.Random(rows * 100 + per)
    sites = [f"{CITIES[n % len(CITIES)]}第{n:04d}营业厅" for n in range(SITES)]
    skill = [rng.uniform(0.82, 0.97) for _ in range(SITES)]
    months = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(MONTHS)]
    passed, failed, na = words
    written = number = 0
    while written < rows:
        number += 1
        site = rng.randrange(SITES)
        date = months[rng.randrange(MONTHS)].replace(day=rng.randint(1, 28))
        if chinese_staff:
            staff = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        else:
            staff = f"E{site:04d}{rng.randrange(10)}"
        chosen = IDS if per == STANDARDS else sorted(rng.sample(IDS, per))
        results = []
        for ident in chosen[: rows - written]:
            roll = rng.random()
            if blanks and ident != CRITICAL and rng.random() < blanks:
                word = ""  # a question skipped on the phone
            elif roll > 0.97:
                word = na
            elif roll < skill[site] * 0.97 or (ident == CRITICAL and rng.random() < 0.9):
                word = passed
            else:
                word = failed
            results.append((ident, word))
        ident = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if uuids else f"I{number:07d}"
        yield Inspection(
            ident, date.isoformat(), sites[site], staff, f"质检{rng.randrange(100):02d}", results
        )
        written += len(results)


def long_rows(source: Iterator[Inspection]) -> Iterator[list[str]]:
    for i in source:
        head = [i.ident, i.date, i.site, i.staff, i.inspector]
        for ident, word in i.results:
            yield [*head, ident, word]


def wide_header() -> list[str]:
    """As KoboToolbox exports an ODK form: system columns, `group/question` paths, `_uuid`."""
    results = [f"stage{n // 10}/{ident}" for n, ident in enumerate(IDS)]
    return [
        "start", "end", "today", "info/site", "info/staff", "info/inspector", *results,
        "meta/instanceID", "_id", "_uuid", "_submission_time", "_index",
    ]  # fmt: skip


def wide_rows(source: Iterator[Inspection]) -> Iterator[list[str]]:
    for number, i in enumerate(source, 1):
        words = dict(i.results)
        yield [
            f"{i.date}T09:{number % 60:02d}:00.000+08:00",
            f"{i.date}T09:{number % 60:02d}:40.000+08:00",
            i.date, i.site, i.staff, i.inspector, *(words.get(ident, "") for ident in IDS),
            f"uuid:{i.ident}", str(number), i.ident, f"{i.date}T10:00:00", str(number),
        ]  # fmt: skip


def write_csv(
    path: Path,
    header: list[str],
    rows: Iterator[list[str]],
    encoding: str = "utf-8",
    order: str = "as generated",
    **dialect: Any,
) -> None:
    """Write once (to a temporary name, so a half-written file is never reused)."""
    if order == "by date":  # a database export ORDER BY date: within a day, any order
        rng = random.Random(1)
        listed = list(rows)
        rng.shuffle(listed)
        rows = iter(sorted(listed, key=lambda row: row[1]))
    elif order == "shuffled":
        listed = list(rows)
        random.Random(2).shuffle(listed)
        rows = iter(listed)
    temp = path.with_suffix(".tmp")
    with open(temp, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, **dialect)
        writer.writerow(header)
        writer.writerows(rows)
    temp.replace(path)


def write_xlsx(path: Path, header: list[str], rows: Iterator[list[str]]) -> None:
    """openpyxl in write-only mode, every cell text, as a sheet typed or exported by a tool."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("results")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    temp = path.with_suffix(".tmp")
    book.save(temp)
    temp.replace(path)


# --------------------------------------------------------------------------- shapes


@dataclass
class Shape:
    """One results file and what the baselines need to read it."""

    name: str
    title: str
    path: Path
    layout: str  # long | wide
    words: tuple[str, str, str] = ENGLISH
    encoding: str = "utf-8"
    delimiter: str = ","
    header: list[str] = field(default_factory=lambda: LONG_HEADER)

    def spec(self) -> dict[str, Any]:
        if self.layout == "long":
            names = ("inspection", "date", "site", "staff", "inspector", "standard", "result")
            columns = dict(zip(names, self.header, strict=True))
            standards = {}
        else:
            columns = {"inspection": "_uuid", "date": "today", "site": "info/site"}
            standards = {h: h.split("/")[1] for h in self.header if h.startswith("stage")}
        return {
            "path": str(self.path),
            "xlsx": self.path.suffix == ".xlsx",
            "layout": self.layout,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": columns,
            "standards": standards,
            "pass": self.words[0],
            "fail": self.words[1],
            "weights": WEIGHTS,
            "critical": [CRITICAL],
            "scratch": str(OUT / f"{self.path.stem}.utf8.tmp"),
        }


def make(shape: Shape, write: Callable[[Path], None]) -> Shape:
    if not shape.path.exists():
        started = time.perf_counter()
        write(shape.path)
        print(f"  generated {shape.path.name} in {time.perf_counter() - started:.0f} s")
    return shape


def _file(name: str, rows: int, suffix: str = "csv") -> Path:
    return DATA / f"{name}-{rows}.{suffix}"


def long_50(rows: int) -> Shape:
    shape = Shape("long-50", "long, 50 per inspection", _file("long-50", rows), "long")
    return make(
        shape, lambda p: write_csv(p, LONG_HEADER, long_rows(inspections(rows, 50, ENGLISH)))
    )


def long_6(rows: int) -> Shape:
    shape = Shape("long-6", "long, 6 per inspection", _file("long-6", rows), "long")
    return make(
        shape, lambda p: write_csv(p, LONG_HEADER, long_rows(inspections(rows, 6, ENGLISH)))
    )


def kobo_6(rows: int) -> Shape:
    shape = Shape("kobo-6", "Kobo: `;`, quoted, CRLF, UUIDs", _file("kobo-6", rows), "long", FORM)
    shape.delimiter = ";"
    data = inspections(rows, 6, FORM, uuids=True)
    dialect = {"delimiter": ";", "quoting": csv.QUOTE_ALL, "lineterminator": "\r\n"}
    return make(shape, lambda p: write_csv(p, LONG_HEADER, long_rows(data), **dialect))


def wide_50(rows: int) -> Shape:
    shape = Shape("wide-50", "wide, ODK headers, UUIDs", _file("wide-50", rows), "wide", FORM)
    shape.header = wide_header()
    data = inspections(rows // 5 * STANDARDS, STANDARDS, FORM, uuids=True, blanks=0.03)
    return make(shape, lambda p: write_csv(p, shape.header, wide_rows(data)))


def by_date_6(rows: int) -> Shape:
    shape = Shape("by-date-6", "long-6 sorted by date", _file("by-date-6", rows), "long")
    data = long_rows(inspections(rows, 6, ENGLISH))
    return make(shape, lambda p: write_csv(p, LONG_HEADER, data, order="by date"))


def random_6(rows: int) -> Shape:
    shape = Shape("random-6", "long-6 shuffled", _file("random-6", rows), "long")
    data = long_rows(inspections(rows, 6, ENGLISH))
    return make(shape, lambda p: write_csv(p, LONG_HEADER, data, order="shuffled"))


def gb18030_6(rows: int) -> Shape:
    shape = Shape("gb18030-6", "GB18030, Chinese", _file("gb18030-6", rows), "long", CHINESE)
    shape.encoding, shape.header = "gb18030", CHINESE_HEADER
    data = long_rows(inspections(rows, 6, CHINESE, chinese_staff=True))
    return make(shape, lambda p: write_csv(p, CHINESE_HEADER, data, encoding="gb18030"))


def xlsx_long(rows: int) -> Shape:
    count = min(rows // 5, XLSX_MAX_ROWS)
    shape = Shape(
        "xlsx-long", "XLSX long, 6 per inspection", _file("xlsx-long", count, "xlsx"), "long"
    )
    return make(
        shape, lambda p: write_xlsx(p, LONG_HEADER, long_rows(inspections(count, 6, ENGLISH)))
    )


def xlsx_wide(rows: int) -> Shape:
    count = min(rows // 5, XLSX_MAX_ROWS) // 5
    shape = Shape(
        "xlsx-wide", "XLSX wide, ODK headers", _file("xlsx-wide", count, "xlsx"), "wide", FORM
    )
    shape.header = wide_header()
    data = inspections(count * STANDARDS, STANDARDS, FORM, uuids=True, blanks=0.03)
    return make(shape, lambda p: write_xlsx(p, shape.header, wide_rows(data)))


SHAPES: dict[str, Callable[[int], Shape]] = {
    "long-50": long_50,
    "long-6": long_6,
    "kobo-6": kobo_6,
    "wide-50": wide_50,
    "by-date-6": by_date_6,
    "random-6": random_6,
    "gb18030-6": gb18030_6,
    "xlsx-long": xlsx_long,
    "xlsx-wide": xlsx_wide,
}


# --------------------------------------------------------------------------- commands


def svcstd_command(shape: Shape, standard: Path, report: Path) -> list[str]:
    """The installed CLI, as a user runs it (JSON to a file, like any report)."""
    by = ["--by", "site,month", "--format", "json", "-o", str(report)]
    return [SVCSTD, "score", str(shape.path), "--standard", str(standard), *by]


def baseline_commands(shape: Shape, spec_path: Path) -> dict[str, list[str]]:
    """The baselines that apply to this shape and are installed (a note for each one skipped)."""
    if shape.path.suffix == ".xlsx":
        wanted = {
            "calamine": ("bare_calamine", "python_calamine"),
            "openpyxl": ("bare_openpyxl", "openpyxl"),
        }
    else:
        wanted = {
            "bare": ("bare_csv", "csv"),
            "duckdb": (f"duckdb_{shape.layout}", "duckdb"),
            "polars": (f"polars_{shape.layout}", "polars"),
        }
    commands = {}
    for label, (function, module) in wanted.items():
        if not installed(module):
            print(f"  {label} skipped: `pip install {module.replace('_', '-')}` to run it")
            continue
        out = OUT / f"{shape.name}.{label}.json"
        commands[label] = [PYTHON, str(BASELINES), function, str(spec_path), str(out)]
    return commands


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
print(done.returncode, elapsed, peak)
"""


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MiB of one fresh run of `command`, measured by a wrapper process."""
    done = subprocess.run([PYTHON, "-c", MEASURE, *command], capture_output=True, text=True)
    code, elapsed, peak = done.stdout.split()
    if code != "0":
        raise SystemExit(f"failed (exit {code}): {' '.join(command)}\n{done.stderr}")
    return float(elapsed), int(peak) / 1024


# --------------------------------------------------------------------------- checks


def check(report: dict[str, Any], found: dict[str, Any]) -> str:
    """✓ if a baseline's figures are svcstd's, else what differs."""
    if "rows" in found:
        rows = report["summary"]["rows"]
        return "✓" if found["rows"] == rows else f"✗ {found['rows']:,} rows, svcstd {rows:,}"
    problems = []
    counts = {ident: tuple(pair) for ident, pair in found["standards"].items()}
    for standard in report["standards"]:
        theirs = counts.get(standard["id"], (0, 0))
        if theirs != (standard["pass"], standard["fail"]):
            problems.append(
                f"{standard['id']} pass/fail {theirs} vs {standard['pass']}/{standard['fail']}"
            )
    total = sum(g[2] for g in found["groups"])
    scored = sum(g[3] for g in found["groups"])
    mean = report["summary"]["score"]
    if scored == 0 or mean is None or abs(total / scored - mean) > 1e-9:
        problems.append(f"mean {total / scored if scored else None} vs {mean}")
    groups = {(g[0], g[1]): (g[2] / g[3], g[3]) for g in found["groups"]}
    ours = {(g["key"]["site"], g["key"]["month"]): g for g in report["groups"] if g["scored"]}
    for key, group in ours.items():
        theirs_group = groups.get(key)
        if (
            theirs_group is None
            or theirs_group[1] != group["scored"]
            or abs(theirs_group[0] - group["score"]) > 1e-9
        ):
            problems.append(f"group {key}: {theirs_group} vs {group['score']}, {group['scored']}")
    if len(groups) != len(ours):
        problems.append(f"{len(groups):,} groups vs {len(ours):,}")
    if not problems:
        return "✓"
    return f"✗ {len(problems)} differ: " + "; ".join(problems[:3])


# --------------------------------------------------------------------------- one shape, one size


def bench_shape(shape: Shape, standard: Path, repeat: int) -> dict[str, Any]:
    """Every command on one file, round-robin, `repeat` times; medians, peaks and checks."""
    spec_path = OUT / f"{shape.name}.spec.json"
    spec_path.write_text(json.dumps(shape.spec(), ensure_ascii=False), encoding="utf-8")
    report_path = OUT / f"{shape.name}.svcstd.json"
    commands = {"svcstd": svcstd_command(shape, standard, report_path)}
    commands.update(baseline_commands(shape, spec_path))
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            runs[label].append(run_once(command))
    report = json.loads(report_path.read_text(encoding="utf-8"))
    figures: dict[str, Any] = {}
    for label, measured in runs.items():
        seconds = [s for s, _ in measured]
        figures[label] = {
            "seconds": statistics.median(seconds),
            "spread": [min(seconds), max(seconds)],
            "peak_mib": max(m for _, m in measured),
        }
        if label != "svcstd":
            found = json.loads((OUT / f"{shape.name}.{label}.json").read_text(encoding="utf-8"))
            figures[label]["check"] = check(report, found)
    summary = report["summary"]
    accounting = summary["accounting"]
    note = (
        f"{summary['inspections']:,} inspections, {accounting['entries']:,} entries, "
        f"{summary['rejected']:,} rejected, accounting balanced: {accounting['balanced']}"
    )
    return {
        "note": note,
        "shape": shape.name,
        "title": shape.title,
        "file": shape.path.name,
        "file_mib": shape.path.stat().st_size / 2**20,
        "rows": summary["rows"],
        "inspections": summary["inspections"],
        "groups": len(report["groups"]),
        "figures": figures,
    }


# --------------------------------------------------------------------------- output


def ratio(result: dict[str, Any], label: str) -> str:
    other = result["figures"].get(label)
    if other is None:
        return "—"
    return f"{result['figures']['svcstd']['seconds'] / other['seconds']:.2f}"


def summary_table(results: list[dict[str, Any]]) -> str:
    """Shape, svcstd seconds, its ratios to each baseline, unsorted ÷ sorted, peak MiB."""
    by_name = {r["shape"]: r for r in results}
    lines = [
        "| shape | rows | svcstd s | ÷ bare pass | ÷ DuckDB | ÷ polars | unsorted ÷ sorted "
        "| peak MiB: svcstd / bare / DuckDB / polars | baselines agree |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        f = r["figures"]
        twin = by_name.get(SORTED_TWINS.get(r["shape"], ""))
        unsorted = (
            f"{f['svcstd']['seconds'] / twin['figures']['svcstd']['seconds']:.2f}" if twin else "—"
        )
        bare = "calamine" if "calamine" in f else "bare"
        peaks = " / ".join(
            f"{f[label]['peak_mib']:.0f}" if label in f else "—"
            for label in ("svcstd", bare, "duckdb", "polars")
        )
        agree = " ".join(
            f"{label} {value['check']}" for label, value in f.items() if label != "svcstd"
        )
        bare_ratio = ratio(r, bare) + (" (calamine)" if bare == "calamine" else "")
        if "openpyxl" in f:
            bare_ratio += f"; {ratio(r, 'openpyxl')} (openpyxl)"
        lines.append(
            f"| {r['shape']} ({r['title']}) | {r['rows']:,} | {f['svcstd']['seconds']:.2f} "
            f"| {bare_ratio} | {ratio(r, 'duckdb')} | {ratio(r, 'polars')} | {unsorted} "
            f"| {peaks} | {agree} |"
        )
    return "\n".join(lines)


def detail_table(results: list[dict[str, Any]]) -> str:
    """Every command's median seconds, the spread of its runs, and its peak memory."""
    lines = ["| shape | file MiB | inspections | command | median s | runs s | peak MiB |"]
    lines.append("|---|---:|---:|---|---:|---|---:|")
    for r in results:
        for label, value in r["figures"].items():
            low, high = value["spread"]
            lines.append(
                f"| {r['shape']} | {r['file_mib']:.0f} | {r['inspections']:,} | {label} "
                f"| {value['seconds']:.2f} | {low:.2f}–{high:.2f} | {value['peak_mib']:.0f} |"
            )
    return "\n".join(lines)


SORTED_TWINS = {"by-date-6": "long-6", "random-6": "long-6"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of a long CSV file")
    parser.add_argument("--big", action="store_true", help="also run 10 M rows (CSV shapes)")
    parser.add_argument(
        "--shapes", default=",".join(SHAPES), help="comma-separated, of: " + ", ".join(SHAPES)
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median)")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.shapes.split(",") if name.strip()]
    if unknown := [name for name in chosen if name not in SHAPES]:
        parser.error(f"unknown shapes: {', '.join(unknown)}")

    os.environ["SVCSTD_NO_PROGRESS"] = "1"
    OUT.mkdir(parents=True, exist_ok=True)
    standard = write_standard()
    # an installed svcstd has its bytecode; a checkout on a box with PYTHONDONTWRITEBYTECODE
    # set would otherwise compile its modules again in every timed run
    import svcstd

    compileall.compile_dir(Path(svcstd.__file__).parent, quiet=1)
    sizes = [args.rows] + ([10_000_000] if args.big and args.rows != 10_000_000 else [])
    everything = []
    for index, rows in enumerate(sizes):
        names = [n for n in chosen if index == 0 or not n.startswith("xlsx")]  # XLSX: one size
        print(f"\n## {rows:,} rows (XLSX {min(rows // 5, XLSX_MAX_ROWS):,})\n")
        results = []
        for name in names:
            shape = SHAPES[name](rows)
            started = time.perf_counter()
            result = bench_shape(shape, standard, args.repeat)
            results.append(result)
            print(
                f"  {name}: {time.perf_counter() - started:.0f} s; svcstd: {result['note']}",
                flush=True,
            )
        print()
        print(summary_table(results))
        print()
        print(detail_table(results))
        everything.append({"rows": rows, "results": results})
    saved = OUT / "score-results.json"
    saved.write_text(json.dumps(everything, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nfigures saved to {saved.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
