"""How long `svcstd render` takes on a large standard, as a ratio to loading that standard.

Usage: python benchmarks/bench_render.py [--standards 500] [--repeat 5]

A generated standard with N standards (10 per step, 5 steps per stage, every measure kind,
Chinese text) is loaded and validated with `svcstd.loading.load`, then rendered to every
format. Each timing is the best of `--repeat` runs. "cold" includes building the Jinja2
environment and compiling the templates, as every CLI invocation does; "warm" reuses them.
The aim: rendering costs less than loading (ratio < 1).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from svcstd import cells, sheets
from svcstd import render as render_module
from svcstd.loading import load
from svcstd.render import build_view, render_builtin

MEASURES = [
    "{kind: yes_no}",
    "{kind: duration, unit: s, max: 30}",
    "{kind: duration, unit: min, min: 5, max: 10}",
    "{kind: count, min: 4}",
    "{kind: rating, scale: [-3, 3], min: 1}",
    "{kind: percent, min: 95}",
]


def generate(count: int) -> str:
    """A valid standard file with `count` standards in the customer's order."""
    lines = [
        "svcstd: 1",
        "id: bench",
        "title: 基准测试服务标准",
        "language: zh",
        "service: 营业厅业务办理",
        "owner: 服务质量部",
        'version: "1.0"',
        "effective: 2026-01-01",
        "review: {every_months: 12, last: 2026-01-01}",
        "roles: [营业员, 大堂经理, 值班长]",
        "inspection: {by: 质检员, method: 暗访与监控抽查, frequency: 每月}",
        "factors:",
        "  - id: waiting",
        "    name: 等候时间短",
        "    importance: 5",
        "    evidence: 2025 年调研：等候超过 10 分钟的客户满意度下降 30%",
        "stages:",
    ]
    roles = ["营业员", "大堂经理", "值班长"]
    made = 0
    stage = 0
    while made < count:
        stage += 1
        lines += [f"  - id: stage{stage}", f"    name: 阶段 {stage}", "    steps:"]
        for step in range(1, 6):
            if made >= count:
                break
            lines += [
                f"      - id: s{stage}-{step}",
                f"        name: 步骤 {stage}.{step}",
                "        standards:",
            ]
            for _ in range(10):
                if made >= count:
                    break
                made += 1
                lines += [
                    f"          - id: BM-{made:04d}",
                    "            factor: waiting",
                    f"            what: 第 {made} 项服务行为，按规范完成并向客户说明结果",
                    f"            who: {roles[made % 3]}",
                    "            when: 客户到达后 30 秒内",
                    "            how: 起身、微笑，说“您好，请问办理什么业务？”，并引导客户取号",
                    "            check: 暗访记录与监控抽查",
                    "            record: 暗访表",
                    f"            measure: {MEASURES[made % len(MEASURES)]}",
                    "            target: 0.9",
                    f"            critical: {'true' if made % 50 == 0 else 'false'}",
                    "            rationale: 客户期望明确",
                    "            customer_text: 您到达后 30 秒内就有人接待您",
                ]
    return "\n".join(lines) + "\n"


def best(func: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def import_time(module: str, repeat: int) -> float:
    """Seconds a fresh interpreter spends importing `module` (best of `repeat`)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(repeat)
    ]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--standards", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.yaml"
        path.write_text(generate(args.standards), encoding="utf-8")
        loaded = load(path)
        assert loaded.standard is not None, loaded.findings[:3]
        doc = loaded.standard
        load_time = best(lambda: load(path), args.repeat)

    def cold(kind: str, fmt: str) -> Callable[[], str]:
        def run() -> str:
            render_module._ENVIRONMENTS.clear()  # a fresh process compiles the templates
            cells._md_escape_text.cache_clear()  # … and starts with no escaped text
            return render_builtin(kind, fmt, build_view(doc, kind=kind))  # type: ignore[arg-type]

        return run

    def warm(kind: str, fmt: str) -> Callable[[], str]:
        return lambda: render_builtin(kind, fmt, build_view(doc, kind=kind))  # type: ignore[arg-type]

    def sheet(fmt: str, shape: str) -> Callable[[], bytes]:
        def run() -> bytes:
            view = build_view(doc)
            result = sheets.results_sheet(view, shape)  # type: ignore[arg-type]
            return sheets.csv_bytes(result) if fmt == "csv" else sheets.xlsx_bytes(result, view)

        return run

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("view only (build_view)", lambda: build_view(doc)),
    ]
    for kind in ("checklist", "handout", "promise"):
        for fmt in ("md", "html"):
            cases.append((f"{kind} {fmt} (cold)", cold(kind, fmt)))
            cases.append((f"{kind} {fmt} (warm)", warm(kind, fmt)))
    for fmt in ("csv", "xlsx"):
        for shape in ("long", "wide"):
            cases.append((f"results sheet {fmt} {shape}", sheet(fmt, shape)))
    cases.append(("xlsform", lambda: sheets.xlsform_bytes(sheets.xlsform(build_view(doc)))))

    imports = {name: import_time(name, args.repeat) for name in ("jinja2", "openpyxl")}

    count = sum(1 for _ in doc.standards())
    print(f"{count} standards; load + validate: {load_time * 1000:.1f} ms (best of {args.repeat})")
    print(f"{'format':<28}{'ms':>9}{'ratio':>8}")
    for name, func in cases:
        func()  # warm the import and caches once (openpyxl, jinja2)
        elapsed = best(func, args.repeat)
        print(f"{name:<28}{elapsed * 1000:>9.1f}{elapsed / load_time:>8.2f}")
    print("once per process, in a fresh interpreter (not in the ratios above):")
    for name, elapsed in imports.items():
        print(f"{'import ' + name:<28}{elapsed * 1000:>9.1f}{elapsed / load_time:>8.2f}")


if __name__ == "__main__":
    main()
