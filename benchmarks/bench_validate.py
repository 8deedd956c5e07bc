"""How fast `svcstd validate` starts and how fast it reads, against what users would compare it with.

Start-up: whole-process time of `svcstd validate FILE` on one bundled standard, as a ratio to
`yamllint FILE` and to `python -c pass`, all measured interleaved in the same run (median of
many repetitions), then `python -X importtime` for the biggest import costs.

Throughput: 1,000 generated standard files of about 50 standards each (valid and realistic,
written to benchmarks/data/validate/, which git ignores), `svcstd validate` over the folder
(files per second, whole process) against a bare `yaml.compose` of the same files with
`yaml.CSafeLoader` in this process. Until the `validate` command exists the script times
`svcstd.loading.load` over the files instead, and says so.

    .venv/bin/python benchmarks/bench_validate.py            # both parts
    .venv/bin/python benchmarks/bench_validate.py --quick    # fewer repetitions and files
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Installed packages run from compiled .pyc files; a checkout run with PYTHONDONTWRITEBYTECODE
# set would recompile every svcstd module on every start (≈ 30 ms here) while yamllint, from
# site-packages, would not. The children may write __pycache__ (git ignores it).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
DATA = ROOT / "benchmarks" / "data" / "validate"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


# --- helpers ---------------------------------------------------------------------------------


def run_quiet(command: Sequence[str]) -> float:
    """Seconds one whole process takes, its output thrown away."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return time.perf_counter() - started


def tool(name: str, module: str) -> list[str]:
    """The console script from this venv if installed, else `python -m module`."""
    script = BIN / name
    if script.exists():
        return [str(script)]
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", module]


def cli_available() -> bool:
    """`svcstd validate` exists once `python -m svcstd validate --help` succeeds."""
    probe = subprocess.run(
        [sys.executable, "-m", "svcstd", "validate", "--help"],
        capture_output=True,
        cwd=ROOT,
        env=ENV,
    )
    return probe.returncode == 0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# --- start-up --------------------------------------------------------------------------------


def standard_file() -> Path:
    bundled = ROOT / "standards" / "home-visit.yaml"
    if bundled.exists():
        return bundled
    DATA.mkdir(parents=True, exist_ok=True)
    generated = DATA.parent / "startup-standard.yaml"
    generated.write_text(make_standard(random.Random(1), 0, 40), encoding="utf-8")
    return generated


def startup(repetitions: int) -> None:
    target = standard_file()
    commands = {
        "svcstd validate": [*tool("svcstd", "svcstd"), "validate", str(target)],
        "yamllint": [*tool("yamllint", "yamllint"), str(target)],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    if not cli_available():
        commands["svcstd validate"] = [
            sys.executable,
            "-c",
            f"from svcstd.loading import load; load({str(target)!r})",
        ]
        print("(svcstd validate is not there yet: timing `python -c load(FILE)` instead)")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache and .pyc files
        run_quiet(command)
    for _ in range(repetitions):
        for name, command in commands.items():  # interleaved, so drift hits all alike
            times[name].append(run_quiet(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n## Start-up: one file ({target.relative_to(ROOT)}), median of {repetitions} runs\n")
    print("| command | median | min | vs yamllint | vs python -c pass |")
    print("|---|---|---|---|---|")
    for name, median in medians.items():
        print(
            f"| {name} | {ms(median)} | {ms(min(times[name]))} "
            f"| {median / medians['yamllint']:.2f}× | {median / medians['python -c pass']:.2f}× |"
        )
    import_costs(target)


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_costs(target: Path, top: int = 12) -> None:
    """`python -X importtime` of the real command: which imports the start-up pays for."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "svcstd", "validate", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
    )
    rows = []
    for line in result.stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            own, total, indent, name = match.groups()
            rows.append((int(own), int(total), (len(indent) - 1) // 2, name))
    if not rows:
        print("\n(no -X importtime output)")
        return
    total_us = sum(own for own, _, _, _ in rows)
    print(f"\n## Imports of `svcstd validate`: {len(rows)} modules, {total_us / 1000:.0f} ms\n")
    print(f"Top-level imports by cumulative time (top {top}):\n")
    print("| module | cumulative | self |")
    print("|---|---|---|")
    top_level = sorted((r for r in rows if r[2] == 0), key=lambda r: -r[1])
    for own, total, _, name in top_level[:top]:
        print(f"| {name} | {total / 1000:.1f} ms | {own / 1000:.1f} ms |")
    print(f"\nAny module by its own time (top {top}):\n")
    print("| module | self |")
    print("|---|---|")
    for own, _, _, name in sorted(rows, key=lambda r: -r[0])[:top]:
        print(f"| {name} | {own / 1000:.1f} ms |")


# --- throughput ------------------------------------------------------------------------------

BRANCHES = ["朝阳", "海淀", "浦东", "天河", "南山", "武侯", "江北", "鼓楼", "雁塔", "历下"]
ROLES = ["维护员", "客服代表", "质检员", "班组长"]
STAGES = [
    ("phone", "电话预约"),
    ("arrive", "上门"),
    ("work", "操作"),
    ("explain", "沟通"),
    ("rate", "评价"),
]
FACTORS = [
    ("punctuality", "准时上门", "准时上门与总体满意度相关系数 0.41，居各要素之首"),
    ("trust", "身份可信、入户安心", "12% 的客户表示开门前担心来人身份"),
    ("tidiness", "不弄脏客户家", "上门类投诉 1,086 件中 17% 涉及鞋印、灰尘或遗留线头"),
    ("fees", "收费透明", "收费感知与总体满意度相关系数 0.38；收费类投诉升级率 42%"),
    ("first-fix", "一次上门修好", "一次修复的客户满意率 93%，二次上门的客户满意率 61%"),
]
ACTIONS = [
    ("接单后电话联系客户，核对地址和故障现象", "工单派发后 {n} 分钟内", "duration", "min"),
    ("到达约定地址并敲门", "约定时间段开始后 {n} 分钟内", "duration", "min"),
    ("出示工作证并报出单位、姓名", "进门前", "yes_no", None),
    ("穿鞋套、铺工作垫后开始操作", "进门后、动手操作前", "yes_no", None),
    ("按价目表报价并取得客户同意", "收费项目开始前", "yes_no", None),
    ("完成故障修复并现场测试", "到达后 {n} 分钟内", "duration", "min"),
    ("向客户演示遥控器和输入源用法", "修复完成后 {n} 分钟内", "duration", "min"),
    ("清理现场并带走包装与线头", "离开前", "yes_no", None),
]


def make_standard(rng: random.Random, number: int, standards: int = 50) -> str:
    """One realistic, valid standard file: five stages, two steps each, ≈ 5 standards a step."""
    branch = rng.choice(BRANCHES)
    lines = [
        "# yaml-language-server: $schema=svcstd.schema.json",
        "svcstd: 1",
        f"id: home-visit-{number:04d}",
        f"title: 有线电视上门服务标准（{branch}分公司 {number:04d}）",
        "language: zh",
        f"service: {branch}分公司有线电视与宽带上门安装、维修",
        "owner: 客户服务部",
        f'version: "{rng.randint(1, 5)}.{rng.randint(0, 12)}"',
        f"effective: 2026-0{rng.randint(1, 6)}-01",
        "review: {every_months: 12, last: 2026-06-15}",
        f"roles: [{', '.join(ROLES)}]",
        "inspection:",
        "  by: 质检员",
        "  method: 工单系统数据核查、完工 48 小时内电话回访、每月至少 2 次现场随访",
        "  frequency: 每月",
        "published: true",
        "",
        "factors:",
    ]
    for factor_id, name, evidence in FACTORS:
        lines += [
            f"  - id: {factor_id}",
            f"    name: {name}",
            f"    importance: {rng.randint(3, 5)}",
            f"    evidence: 2025 年{branch}分公司满意度调研：{evidence}",
        ]
    lines += ["", "stages:"]
    count = 0
    per_step = -(-standards // (len(STAGES) * 2))
    for stage_id, stage_name in STAGES:
        lines += [f"  - id: {stage_id}", f"    name: {stage_name}", "    steps:"]
        for step in (1, 2):
            lines += [
                f"      - id: {stage_id}-{step}",
                f"        name: {stage_name}第 {step} 步",
                "        standards:",
            ]
            for _ in range(per_step):
                if count == standards:
                    break
                count += 1
                what, when, kind, unit = ACTIONS[count % len(ACTIONS)]
                factor = FACTORS[count % len(FACTORS)][0]
                limit = rng.choice([15, 30, 45, 60, 90, 120])
                measure = (
                    f"{{kind: duration, unit: {unit}, max: {limit}}}"
                    if kind == "duration"
                    else "{kind: yes_no}"
                )
                lines += [
                    f"          - id: HV-{count:03d}",
                    f"            factor: {factor}",
                    f"            what: {what}",
                    f"            who: {ROLES[count % 2]}",
                    f"            when: {when.format(n=limit)}",
                    f"            how: 按{branch}分公司作业指导书第 {count} 条执行，"
                    f"每一步在工单系统中勾选确认",
                    f"            check: 质检员每月每名{ROLES[count % 2]}抽查 {rng.randint(3, 10)} 张工单",
                    "            record: 工单系统操作记录与回访录音",
                    f"            measure: {measure}",
                    f"            target: 0.{rng.randint(85, 95)}",
                    f"            weight: {rng.randint(1, 3)}",
                    "            basis: customer",
                    f"            rationale: 回访中 {rng.randint(5, 30)}% 的不满与此相关",
                    f"            customer_text: 我们承诺{what}",
                ]
    return "\n".join(lines) + "\n"


def generate(files: int, standards: int) -> list[Path]:
    """Write the files once; a later run with the same counts reuses them."""
    marker = DATA / f".made-{files}x{standards}"
    paths = [DATA / f"standard-{number:04d}.yaml" for number in range(files)]
    if marker.exists() and all(path.exists() for path in paths):
        return paths
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    rng = random.Random(20260701)
    for number, path in enumerate(paths):
        path.write_text(make_standard(rng, number, standards), encoding="utf-8")
    marker.touch()
    return paths


def best_of(repeat: int, action: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def throughput(files: int, standards: int, repeat: int) -> None:
    import yaml

    paths = generate(files, standards)
    size = sum(path.stat().st_size for path in paths)
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        print("\n(no libyaml: the baseline below uses the pure-Python SafeLoader)")
        loader = yaml.SafeLoader

    def bare_compose() -> None:
        for path in paths:
            yaml.compose(path.read_bytes().decode("utf-8"), Loader=loader)

    def strict_load() -> None:
        from svcstd.loading import load

        for path in paths:
            load(path)

    command = [*tool("svcstd", "svcstd"), "validate", str(DATA)]
    has_cli = cli_available()
    if has_cli:
        check = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=ENV)
        last = (check.stdout.strip().splitlines() or [""])[-1]
        print(f"\n`svcstd validate` on the generated files: exit {check.returncode}, {last}")
    compose_time = best_of(repeat, bare_compose)
    load_time = best_of(repeat, strict_load)
    rows = [
        ("bare yaml.compose (CSafeLoader), in-process", compose_time),
        ("svcstd.loading.load (strict parse + model), in-process", load_time),
    ]
    if has_cli:
        rows.append(
            ("svcstd validate FOLDER, whole process", best_of(repeat, lambda: run_quiet(command)))
        )
    else:
        print("(svcstd validate is not there yet: only the in-process stand-in is timed)")
    print(
        f"\n## Throughput: {files} files × {standards} standards "
        f"({size / 1e6:.1f} MB), best of {repeat}\n"
    )
    print("| what | time | files/s | vs bare compose |")
    print("|---|---|---|---|")
    for name, seconds in rows:
        print(
            f"| {name} | {seconds:.2f} s | {files / seconds:,.0f} | {seconds / compose_time:.2f}× |"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=30, help="start-up runs per command")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--standards", type=int, default=50, help="standards per file")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs, best counts")
    parser.add_argument("--quick", action="store_true", help="10 start-up runs, 200 files, 1 run")
    parser.add_argument("--only", choices=["startup", "throughput"])
    args = parser.parse_args(argv)
    if args.quick:
        args.repetitions, args.files, args.repeat = 10, 200, 1
    print(f"Python {sys.version.split()[0]} on {sys.platform}; {Path(sys.executable)}")
    if args.only != "throughput":
        startup(args.repetitions)
    if args.only != "startup":
        throughput(args.files, args.standards, args.repeat)


if __name__ == "__main__":
    main()
