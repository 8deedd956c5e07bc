"""Scores equal an independent computation on random result files, however they are cut.

The reference below reads the CSV with the csv module and applies the scoring definitions (docs/design.md) with plain dicts and
fractions: one result per inspection and standard (identical copies once, disagreeing copies
rejected), a failed red line scores 0, an open red line (blank or unreadable, no result)
leaves the inspection out, N/A is not applicable. The reader runs with chunks of a few rows,
so every rule is also exercised across chunk boundaries, with rows in any order.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcstd.loading import load_standard
from svcstd.results import Catalog, ReadOptions
from svcstd.scoring import ScoreOptions, score_files, to_json

WORDS = {"pass": "pass", "✓": "pass", "合格": "pass", "fail": "fail", "×": "fail", "N/A": "na", "/": "na", "": "blank", "pas": "unreadable", "好": "unreadable"}  # fmt: skip


def standard_file(path: Path, weights: list[float], critical: list[bool]) -> Path:
    lines = ["svcstd: 1", "id: prop", "title: 随机", "roles: [员工]", "stages:", "  - id: s", "    name: 阶段", "    steps:", "      - id: t", "        name: 步骤", "        standards:"]  # fmt: skip
    for number, (weight, red) in enumerate(zip(weights, critical, strict=True)):
        lines.append(
            f"          - {{id: S-{number}, what: 做, who: 员工, measure: {{kind: yes_no}}, "
            f"weight: {weight!r}, critical: {str(red).lower()}}}"
        )
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def reference(text: str, weights: list[float], critical: list[bool]) -> dict[str, object]:
    results: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        inspection, standard, value = row
        by_standard = results[inspection]  # an inspection the file names, whatever its rows hold
        if not standard.startswith("S-"):
            continue  # unknown standard: rejected, no part of any score
        by_standard[int(standard[2:])].append(WORDS[value])
    scores: dict[str, Fraction | None] = {}
    incomplete: set[str] = set()
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for inspection, by_standard in results.items():
        kept: dict[int, str] = {}
        open_red = False
        for standard, verdicts in by_standard.items():
            scored = [v for v in verdicts if v in ("pass", "fail", "na")]
            if scored and len(set(scored)) == 1:
                kept[standard] = scored[0]
                if scored[0] in ("pass", "fail"):
                    tallies[standard][scored[0] == "fail"] += 1
            elif not scored and critical[standard] and verdicts:
                open_red = True
            elif len(set(scored)) > 1 and critical[standard]:
                open_red = True  # every copy rejected: the red line has no result
        if any(v == "fail" and critical[s] for s, v in kept.items()):
            scores[inspection] = Fraction(0)
            continue
        if open_red:
            incomplete.add(inspection)
            continue
        applicable = {s: v for s, v in kept.items() if v in ("pass", "fail")}
        total = sum(Fraction(weights[s]) for s in applicable)
        passed = sum(Fraction(weights[s]) for s, v in applicable.items() if v == "pass")
        scores[inspection] = passed / total if total else None
    valid = [100 * s for i, s in scores.items() if s is not None and i not in incomplete]
    return {
        "score": float(statistics.mean(valid)) if valid else None,
        "inspections": len(results),
        "incomplete": len(incomplete),
        "tallies": {f"S-{s}": tuple(t) for s, t in tallies.items()},
    }


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["J-1", "J-2", "J-3", "J-4", "J-5"]),
        st.sampled_from(["S-0", "S-1", "S-2", "S-3", "ZZ-9"]),
        st.sampled_from(sorted(WORDS)),
    ),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=rows_strategy,
    weights=st.lists(st.sampled_from([0.0, 0.001, 0.5, 1.0, 3.0, 1000.0]), min_size=4, max_size=4),
    critical=st.lists(st.booleans(), min_size=4, max_size=4),
    chunk=st.integers(1, 7),
)
def test_scores_equal_an_independent_computation(
    tmp_path_factory, monkeypatch, rows, weights, critical, chunk
):
    monkeypatch.setattr("svcstd.results.tables.MAX_CHUNK_ROWS", chunk)
    folder = tmp_path_factory.mktemp("prop")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["inspection", "standard", "result"])
    writer.writerows(rows)
    text = buffer.getvalue()
    (folder / "r.csv").write_text(text, "utf-8")
    doc = load_standard(standard_file(folder / "s.yaml", weights, critical))
    known = sum(1 for _, standard, _ in rows if standard != "ZZ-9")
    if known * 2 < len(rows):  # mostly unknown ids: an error, tested on its own below
        return
    report = to_json(
        score_files([folder / "r.csv"], Catalog([("s.yaml", doc)]), ReadOptions(), ScoreOptions())
    )
    expected = reference(text, weights, critical)
    summary = report["summary"]
    assert summary["accounting"]["balanced"]
    assert summary["inspections"] == expected["inspections"]
    assert summary["incomplete_inspections"] == expected["incomplete"]
    if expected["score"] is None:
        assert summary["score"] is None
    else:
        assert summary["score"] == pytest.approx(expected["score"], rel=1e-9, abs=1e-9)
    got = {
        row["id"]: (row["pass"], row["fail"])
        for row in report["standards"]
        if row["pass"] + row["fail"]
    }
    assert got == expected["tallies"]


def test_extreme_weights_give_the_exact_score(tmp_path):
    # packed integer fields once gave 995 here, and rounded a weight of 0.001 to nothing
    doc = load_standard(
        standard_file(tmp_path / "s.yaml", [1000.0, 200.0, 0.001, 1.0], [False] * 4)
    )
    text = "inspection,standard,result\nJ-1,S-0,pass\nJ-1,S-1,fail\nJ-2,S-2,pass\nJ-2,S-3,fail\n"
    (tmp_path / "r.csv").write_text(text, "utf-8")
    report = score_files([tmp_path / "r.csv"], Catalog([("s.yaml", doc)]))
    j1, j2 = 100 * 1000 / 1200, 100 * 0.001 / 1.001
    assert report.summary.score == pytest.approx((j1 + j2) / 2, rel=1e-12)
