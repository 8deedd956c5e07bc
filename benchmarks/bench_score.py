"""Benchmark `svcstd score` on 1 M (and optionally 10 M) long-format rows against baselines.

    .venv/bin/python benchmarks/bench_score.py [--ten-million] [--repeat 3] [--keep]

Data: 2,000 sites, 50 standards, 24 months, one row per observation, inspections contiguous
(as exports give them), written once to benchmarks/data/ (gitignored) and reused.

Each command runs as its own process, timed from start to exit (best of --repeat), with its
peak memory (max RSS) read from `getrusage` in a fresh wrapper process. The baselines, run on
the same file in the same session:
- a bare `csv.reader` pass over the file: the floor for any Python reader;
- a pandas script and a DuckDB query computing the same figures: compliance per standard and
  the mean inspection score (weights, red line) per site and month.
The baselines read only the tokens pass/fail/na; svcstd also detects the encoding, judges any
token, symbol or duration, checks every row's shape, accounts for every entry, settles
duplicates, ranks groups and writes the JSON report.

pandas and DuckDB are not project dependencies: `pip install pandas duckdb` into the venv to
run those baselines (they are skipped with a note otherwise).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable

SITES, STANDARDS, MONTHS = 2000, 50, 24
WEIGHTS = {i: (2.0 if i % 10 == 0 else 1.0) for i in range(STANDARDS)}
CRITICAL = 7  # S-07 is a red line

STANDARD_YAML = DATA / "bench-standard.yaml"


def write_standard() -> Path:
    """A valid standard with 50 yes/no standards in 5 stages; S-07 critical, every tenth weight 2."""
    lines = [
        "svcstd: 1",
        "id: bench",
        "title: 基准测试服务标准",
        "language: zh",
        "factors:",
        "  - {id: f1, name: 要素一, importance: 4, evidence: 调研}",
        "stages:",
    ]
    for stage in range(5):
        lines += [
            f"  - id: st{stage}",
            f"    name: 阶段{stage}",
            "    steps:",
            f"      - id: step{stage}",
            f"        name: 步骤{stage}",
            "        standards:",
        ]
        for offset in range(10):
            number = stage * 10 + offset
            lines += [
                f"          - id: S-{number:02d}",
                "            factor: f1",
                f"            what: 标准 {number}",
                "            measure: {kind: yes_no}",
                "            target: 0.9",
                f"            weight: {WEIGHTS[number]:g}",
            ]
            if number == CRITICAL:
                lines.append("            critical: true")
    DATA.mkdir(parents=True, exist_ok=True)
    STANDARD_YAML.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return STANDARD_YAML


def write_results(rows: int) -> Path:
    """Long rows: inspection, date, site, staff, inspector, standard, result (UTF-8, Chinese)."""
    path = DATA / f"results-{rows // 1_000_000}m.csv"
    if path.exists():
        return path
    rng = random.Random(rows)
    site_names = [f"网点{n:04d}" for n in range(SITES)]
    site_skill = [rng.uniform(0.82, 0.97) for _ in range(SITES)]
    months = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(MONTHS)]
    ids = [f"S-{n:02d}" for n in range(STANDARDS)]
    temp = path.with_suffix(".tmp")
    written = 0
    with open(temp, "w", encoding="utf-8", newline="") as handle:
        handle.write("inspection,date,site,staff,inspector,standard,result\n")
        inspection = 0
        while written < rows:
            inspection += 1
            site = rng.randrange(SITES)
            month = rng.choice(months)
            prefix = (
                f"J{inspection:08d},{month}-{rng.randint(1, 28):02d},{site_names[site]},"
                f"E{site:04d}{rng.randrange(10)},质检{rng.randrange(100):02d},"
            )
            skill = site_skill[site]
            chunk = []
            for ident in ids[: min(STANDARDS, rows - written)]:
                roll = rng.random()
                result = "na" if roll > 0.97 else "pass" if roll < skill * 0.97 else "fail"
                if ident == "S-07" and result == "fail" and rng.random() < 0.9:
                    result = "pass"
                chunk.append(prefix + ident + "," + result + "\n")
            handle.write("".join(chunk))
            written += len(chunk)
    temp.replace(path)
    return path


BARE = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    for row in csv.reader(handle):
        pass
"""

PANDAS = """
import sys, json
import pandas as pd
weights = json.loads(sys.argv[2]); critical = sys.argv[3]
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
df["passed"] = df["result"] == "pass"
df["failed"] = df["result"] == "fail"
scored = df[df["passed"] | df["failed"]].copy()
compliance = scored.groupby("standard")["passed"].agg(["sum", "count"])
scored["w"] = scored["standard"].map(weights).astype(float)
scored["wp"] = scored["w"] * scored["passed"]
scored["red"] = scored["failed"] & (scored["standard"] == critical)
per = scored.groupby("inspection").agg(
    wp=("wp", "sum"), w=("w", "sum"), red=("red", "any"), site=("site", "first"),
    date=("date", "first"))
per["score"] = (100 * per["wp"] / per["w"]).where(~per["red"], 0.0)
per["month"] = per["date"].str[:7]
groups = per.groupby(["site", "month"])["score"].agg(["mean", "count"])
with open(sys.argv[4], "w") as out:
    json.dump([compliance.reset_index().values.tolist(), groups.reset_index().values.tolist()],
              out, default=int)
"""

DUCKDB = """
import sys, json
import duckdb
weights = json.loads(sys.argv[2]); critical = sys.argv[3]
con = duckdb.connect()
con.execute("CREATE TABLE w AS SELECT * FROM (VALUES " + ",".join(
    f"('{k}', {v})" for k, v in weights.items()) + ") t(standard, weight)")
src = f"read_csv('{sys.argv[1]}', header=true, all_varchar=true)"
compliance = con.execute(f'''
    SELECT standard, count(*) FILTER (WHERE result = 'pass') AS passes,
           count(*) FILTER (WHERE result IN ('pass', 'fail')) AS n
    FROM {src} GROUP BY standard''').fetchall()
groups = con.execute(f'''
    WITH per AS (
        SELECT inspection, any_value(site) AS site, substr(any_value(date), 1, 7) AS month,
               sum(weight) FILTER (WHERE result IN ('pass', 'fail')) AS wa,
               sum(weight) FILTER (WHERE result = 'pass') AS wp,
               bool_or(result = 'fail' AND r.standard = '{critical}') AS red
        FROM {src} r JOIN w USING (standard) GROUP BY inspection)
    SELECT site, month, avg(CASE WHEN red THEN 0 ELSE 100 * coalesce(wp, 0) / wa END), count(*)
    FROM per WHERE wa > 0 GROUP BY site, month''').fetchall()
with open(sys.argv[4], "w") as out:
    json.dump([compliance, groups], out, default=str)
"""

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, elapsed, peak)
"""


def measure(command: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time (s) and largest peak RSS (MiB) of `command` over `repeat` fresh runs."""
    times, peaks = [], []
    for _ in range(repeat):
        done = subprocess.run(
            [PYTHON, "-c", MEASURE, *command], capture_output=True, text=True, check=True
        )
        code, elapsed, peak = done.stdout.split()
        if code != "0":
            raise SystemExit(f"failed ({code}): {' '.join(command)}")
        times.append(float(elapsed))
        peaks.append(int(peak) / 1024)
    return min(times), max(peaks)


def agree(report: dict, baseline: Path) -> str:
    """Compare svcstd's compliance counts and site × month means with a baseline's output."""
    compliance, groups = json.loads(baseline.read_text(encoding="utf-8"))
    counts = {row[0]: (int(row[1]), int(row[2])) for row in compliance}
    mismatched = [
        s["id"]
        for s in report["standards"]
        if counts.get(s["id"]) != (s["pass"], s["observations"])
    ]
    means = {(row[0], row[1]): (float(row[2]), int(row[3])) for row in groups}
    worst = 0.0
    for group in report["groups"]:
        if group["score"] is None:
            continue
        mean, count = means[(group["key"]["site"], group["key"]["month"])]
        if count != group["scored"]:
            mismatched.append(str(group["key"]))
        worst = max(worst, abs(mean - group["score"]))
    if mismatched or worst > 1e-9:
        return f"NO ({len(mismatched)} differ, largest mean difference {worst:.2g})"
    return f"yes ({len(counts)} standards, {len(means):,} site-months; means within {worst:.1g})"


def available(module: str) -> bool:
    return subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ten-million", action="store_true", help="also run 10 M rows")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the reports in benchmarks/out")
    args = parser.parse_args()

    standard = write_standard()
    # an installed svcstd has its bytecode; a checkout run with PYTHONDONTWRITEBYTECODE set
    # (as on some dev boxes) would compile its modules again in every timed run
    compileall.compile_dir(ROOT / "svcstd", quiet=1)
    sizes = [1_000_000] + ([10_000_000] if args.ten_million else [])
    OUT.mkdir(parents=True, exist_ok=True)
    weights = json.dumps({f"S-{i:02d}": w for i, w in WEIGHTS.items()})
    scripts = {}
    for name, text in (("bare", BARE), ("pandas", PANDAS), ("duckdb", DUCKDB)):
        script = OUT / f"baseline_{name}.py"
        script.write_text(textwrap.dedent(text), encoding="utf-8")
        scripts[name] = script
    svcstd = [PYTHON, "-m", "svcstd"]
    results = []
    for rows in sizes:
        started = time.perf_counter()
        fresh = not (DATA / f"results-{rows // 1_000_000}m.csv").exists()
        data = write_results(rows)
        made = f"generated in {time.perf_counter() - started:.0f} s" if fresh else "reused"
        size = data.stat().st_size / 2**20
        print(f"\n{rows:,} rows, {size:.0f} MiB ({data.name}, {made})")
        report = OUT / f"score-{rows // 1_000_000}m.json"
        commands = {
            "bare csv.reader pass": [PYTHON, str(scripts["bare"]), str(data)],
            "svcstd score --by site,month --format json": [
                *svcstd,
                "score",
                str(data),
                "--standard",
                str(standard),
                "--by",
                "site,month",
                "--format",
                "json",
                "-o",
                str(report),
            ],
        }
        for name in ("pandas", "duckdb"):
            if available(name):
                commands[f"{name} baseline"] = [
                    PYTHON,
                    str(scripts[name]),
                    str(data),
                    weights,
                    "S-07",
                    str(OUT / f"{name}-{rows // 1_000_000}m.json"),
                ]
            else:
                print(f"  ({name} not installed: pip install {name} to run its baseline)")
        figures = {name: measure(command, args.repeat) for name, command in commands.items()}
        bare_time = figures["bare csv.reader pass"][0]
        score_time = figures["svcstd score --by site,month --format json"][0]
        print(f"  {'command':<46} {'time s':>8} {'÷ bare':>7} {'svcstd ÷':>9} {'peak MiB':>9}")
        for name, (elapsed, peak) in figures.items():
            print(
                f"  {name:<46} {elapsed:8.2f} {elapsed / bare_time:7.2f} "
                f"{score_time / elapsed:9.2f} {peak:9.0f}"
            )
        scored = json.loads(report.read_text(encoding="utf-8"))
        check = scored["summary"]
        print(
            f"  svcstd: {check['inspections']:,} inspections, {len(scored['groups']):,} groups, "
            f"accounting balanced: {check['accounting']['balanced']}"
        )
        for name in ("pandas", "duckdb"):
            other = OUT / f"{name}-{rows // 1_000_000}m.json"
            if f"{name} baseline" in figures and other.exists():
                print(f"  same figures as {name}: {agree(scored, other)}")
        results.append(
            {
                "rows": rows,
                "file_mib": round(size, 1),
                "figures": {
                    k: {"seconds": round(t, 3), "peak_mib": round(m, 1)}
                    for k, (t, m) in figures.items()
                },
                "svcstd_over_bare": round(score_time / bare_time, 2),
            }
        )
        if not args.keep:
            report.unlink(missing_ok=True)
    (OUT / "score-results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nfigures saved to {OUT / 'score-results.json'}")


if __name__ == "__main__":
    os.environ.setdefault("SVCSTD_NO_PROGRESS", "1")
    main()
