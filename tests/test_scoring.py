"""Scoring: every figure recomputed here independently, from the definitions in docs/design.md.

Wilson bounds come from the textbook formula with z from `statistics.NormalDist`, scores from
Σ weight·pass / Σ weight written out by hand, and a randomised check recomputes a whole report
with plain dictionaries and compares.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from svcstd.loading import load_standard
from svcstd.results import Catalog, ReadOptions
from svcstd.scoring import (
    ScoreOptions,
    needed,
    parse_by,
    read_options_for,
    status,
    to_json,
    wilson,
)
from svcstd.scoring import (
    score_files as score_stream,
)

DATA = Path(__file__).parent / "data" / "score"
MINI = load_standard(DATA / "mini.yaml")
Z = statistics.NormalDist().inv_cdf(0.975)
WEIGHTS = {"A-01": 2, "A-02": 1, "A-03": 1, "B-01": 1, "B-02": 1, "B-03": 0.5, "B-04": 0}
HEADER = "inspection,date,site,staff,inspector,standard,result\n"


def wilson_by_hand(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


def score_text(
    tmp_path: Path, text: str, by: str | None = None, na_as: str = "exclude", least: int = 1
) -> dict:
    path = tmp_path / "results.csv"
    path.write_text(text, encoding="utf-8")
    return score_files([path], by=by, na_as=na_as, least=least)


def score_files(paths: list[Path], by: str | None = None, na_as: str = "exclude", least: int = 1):
    catalog = Catalog([("mini.yaml", MINI)])
    names = parse_by(by)
    options = read_options_for(names, ReadOptions())
    rejects: list = []
    scored = score_stream(
        paths,
        catalog,
        options,
        ScoreOptions(na_as=na_as, by=names, min_inspections=least),
        on_reject=rejects.append,
    )
    report = to_json(scored)
    report["all_rejects"] = rejects
    return report


def standard(report: dict, ident: str) -> dict:
    return next(row for row in report["standards"] if row["id"] == ident)


def group(report: dict, **key: str) -> dict:
    return next(g for g in report["groups"] if g["key"] == key)


# --------------------------------------------------------------------------- statistics


@pytest.mark.parametrize(("x", "n"), [(8, 10), (0, 5), (5, 5), (95, 100), (1, 1), (730, 1000)])
def test_wilson_matches_the_formula(x, n):
    assert wilson(x, n) == pytest.approx(wilson_by_hand(x, n), abs=1e-12)


def test_wilson_known_value():
    low, high = wilson(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)


@pytest.mark.parametrize(("target", "n"), [(0.95, 73), (0.9, 35), (0.8, 16), (0.5, 4)])
def test_needed_is_the_least_n_a_perfect_record_can_show(target, n):
    assert needed(target) == n
    assert wilson(n, n)[0] >= target
    assert wilson(n - 1, n - 1)[0] < target


@pytest.mark.parametrize(
    ("passes", "fails", "target", "expected"),
    [
        (99, 1, 0.9, "meets"),  # interval 94.6–99.8 % lies above 90 %
        (80, 20, 0.95, "below"),  # 71–87 % lies below
        (18, 2, 0.9, "uncertain"),  # 70–97 % straddles 90 %
        (0, 0, 0.9, "no data"),
        (40, 0, 1.0, "meets"),  # a 100 % target: no failure at all
        (399, 1, 1.0, "below"),
    ],
)
def test_status(passes, fails, target, expected):
    assert status(passes, fails, target) == expected


# --------------------------------------------------------------------------- inspection scores


SCORES = HEADER + (
    "J-1,2025-03-03,东,甲,检,A-01,pass\n"
    "J-1,2025-03-03,东,甲,检,A-02,120\n"  # fail
    "J-1,2025-03-03,东,甲,检,A-03,pass\n"
    "J-1,2025-03-03,东,甲,检,B-03,3\n"  # fail, weight 0.5
    "J-1,2025-03-03,东,甲,检,B-04,95%\n"  # pass, weight 0
    "J-2,2025-03-10,西,乙,检,A-01,pass\n"
    "J-2,2025-03-10,西,乙,检,A-03,fail\n"  # red line
    "J-3,2025-04-01,西,乙,检,A-01,n/a\n"
    "J-3,2025-04-01,西,乙,检,B-01,n/a\n"
)


def test_weights_scale_score_and_maximum_and_red_lines_fail_the_inspection(tmp_path):
    report = score_text(tmp_path, SCORES, by="inspector")
    j1 = 100 * (2 + 1 + 0) / (2 + 1 + 1 + 0.5 + 0)
    summary = report["summary"]
    assert summary["score"] == pytest.approx((j1 + 0) / 2)  # J-3 has nothing applicable
    assert summary["critical_failures"] == 1
    assert (summary["inspections"], summary["scored_inspections"]) == (3, 2)
    assert summary["unscored_inspections"] == 1
    assert group(report, inspector="检")["score"] == pytest.approx(j1 / 2)


def test_na_as_pass(tmp_path):
    report = score_text(tmp_path, SCORES, na_as="pass")
    j1 = 100 * 3 / 4.5
    assert report["summary"]["score"] == pytest.approx((j1 + 0 + 100) / 3)
    a01 = standard(report, "A-01")
    assert (a01["pass"], a01["fail"], a01["na"]) == (3, 0, 1)
    assert report["summary"]["accounting"]["na"] == 0
    assert report["summary"]["accounting"]["balanced"]
    excluded = standard(score_text(tmp_path, SCORES), "A-01")
    assert (excluded["pass"], excluded["fail"], excluded["na"]) == (2, 0, 1)


def test_compliance_per_standard(tmp_path):
    report = score_text(tmp_path, SCORES)
    a03 = standard(report, "A-03")
    assert (a03["pass"], a03["fail"], a03["compliance"]) == (1, 1, 0.5)
    assert (a03["ci_low"], a03["ci_high"]) == pytest.approx(wilson_by_hand(1, 2))
    assert a03["status"] == "below" and a03["critical"]
    b02 = standard(report, "B-02")
    assert b02["compliance"] is None and b02["status"] == "no data"
    assert report["unobserved"] == ["B-02"]
    assert any("never observed: B-02" in w for w in report["warnings"])


# --------------------------------------------------------------------------- nothing lost


DUPLICATES = HEADER + (
    "J-1,2025-03-03,东,甲,检,A-01,pass\n"
    "J-1,2025-03-03,东,甲,检,A-02,60\n"
    "J-1,2025-03-03,东,甲,检,A-01,✓\n"  # the same meaning again: counted once
    "J-1,2025-03-03,东,甲,检,A-02,1:00\n"  # 60 s again
    "J-2,2025-03-03,东,甲,检,A-01,pass\n"
    "J-2,2025-03-03,东,甲,检,A-02,30\n"
    "J-2,2025-03-03,东,甲,检,A-01,fail\n"  # disagrees: both rejected
    "J-2,2025-03-03,东,甲,检,A-99,pass\n"  # unknown standard
    "J-2,2025-03-03,东,甲,检,B-01,great\n"  # unreadable
    "J-2,2025-03-03,东,甲,检,B-02,\n"  # blank
    "J-2,2025-03-03,东,甲,检,B-03,N/A\n"  # not applicable
    "J-3,2025-03-03,东,甲\n"  # malformed
)


def test_every_entry_is_accounted_for(tmp_path):
    report = score_text(tmp_path, DUPLICATES)
    account = report["summary"]["accounting"]
    assert account == {
        "entries": 12,
        "scored": 3,  # J-1 A-01, J-1 A-02, J-2 A-02
        "blank": 1,
        "na": 1,
        "duplicate": 2,
        "unknown": 1,
        "unreadable": 1,
        "conflicting": 2,
        "malformed": 1,
        "missing_id": 0,
        "balanced": True,
    }
    parts = [account[k] for k in account if k not in ("entries", "balanced")]
    assert sum(parts) == account["entries"]
    assert report["summary"]["rejected"] == 1 + 1 + 2 + 1
    assert report["summary"]["rows"] == 12
    a01 = standard(report, "A-01")
    assert (a01["pass"], a01["fail"]) == (1, 0)


def test_duplicates_and_conflicts_are_reported_with_rows(tmp_path):
    report = score_text(tmp_path, DUPLICATES)
    duplicates = {
        (d["inspection"], d["standard"], d["row"], d["first_row"]) for d in report["duplicates"]
    }
    assert duplicates == {("J-1", "A-01", 4, 2), ("J-1", "A-02", 5, 3)}
    rejects = {(r.row, r.reason.split(":")[0]) for r in report["all_rejects"]}
    assert rejects == {
        (13, "row has 4 cells but the header has 7 (a line break inside an unquoted cell?)"),
        (9, "unknown standard id"),
        (10, "unreadable value"),
        (6, "conflicting duplicate"),
        (8, "conflicting duplicate"),
    }
    conflict = next(r for r in report["all_rejects"] if r.row == 6)
    assert "pass at row 6" in conflict.reason and "fail at row 8" in conflict.reason
    assert report["rejects"] == [r.__dict__ for r in report["all_rejects"]]


def test_duplicates_across_files_and_split_inspections(tmp_path):
    first = tmp_path / "a.csv"
    first.write_text(HEADER + "J-1,2025-03-03,东,甲,检,A-01,pass\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text(
        HEADER + "J-1,2025-03-03,东,甲,检,A-02,30\nJ-1,2025-03-03,东,甲,检,A-01,pass\n",
        encoding="utf-8",
    )
    report = score_files([first, second])
    assert report["summary"]["inspections"] == 1
    assert report["summary"]["accounting"]["duplicate"] == 1
    (duplicate,) = report["duplicates"]
    assert (duplicate["file"], duplicate["row"]) == (str(second), 3)
    assert (duplicate["first_file"], duplicate["first_row"]) == (str(first), 2)


# --------------------------------------------------------------------------- groups


GROUPS = HEADER + "".join(
    f"{ins},{date},{site},{staff},检,{std},{result}\n"
    for ins, date, site, staff, results in [
        ("G-1", "2025-03-03", "东", "甲", {"A-01": "pass", "A-02": "30", "B-01": "2"}),  # 100
        ("G-2", "2025-03-04", "东", "甲", {"A-01": "fail", "A-02": "30", "B-01": "2"}),  # 50
        ("G-3", "2025-03-05", "西", "乙", {"A-01": "pass", "A-02": "30", "B-01": "-1"}),  # 75
        ("G-4", "2025-04-07", "西", "乙", {"A-01": "pass", "A-02": "100", "B-01": "2"}),  # 75
        ("G-5", "2025-04-08", "南", "丙", {"A-01": "pass", "A-03": "fail"}),  # 0, red line
        ("G-6", "2025-04-09", "北", "丁", {"A-01": "pass", "A-02": "30"}),  # 100
    ]
    for std, result in results.items()
)


def test_group_by_site_with_ties_and_too_few(tmp_path):
    report = score_text(tmp_path, GROUPS, by="site", least=2)
    ranked = [(g["key"]["site"], g["score"], g["rank"], g["of"]) for g in report["groups"]]
    assert ranked == [
        ("东", 75.0, 1, 2),
        ("西", 75.0, 1, 2),  # a tie shares the rank
        ("北", 100.0, None, 2),  # one inspection: shown, not ranked
        ("南", 0.0, None, 2),
    ]
    south = group(report, site="南")
    assert (south["critical_failures"], south["too_few"], south["inspections"]) == (1, True, 1)
    east = group(report, site="东")
    assert (east["pass"], east["fail"]) == (5, 1)
    assert east["compliance"] == pytest.approx(5 / 6)
    assert (east["ci_low"], east["ci_high"]) == pytest.approx(wilson_by_hand(5, 6))


def test_group_by_site_and_month_ranks_sites_within_each_month(tmp_path):
    report = score_text(tmp_path, GROUPS, by="site,month")
    march = [
        (g["key"]["site"], g["rank"]) for g in report["groups"] if g["key"]["month"] == "2025-03"
    ]
    assert march == [("东", 1), ("西", 1)]
    april = [
        (g["key"]["site"], g["score"], g["rank"])
        for g in report["groups"]
        if g["key"]["month"] == "2025-04"
    ]
    assert april == [("北", 100.0, 1), ("西", 75.0, 2), ("南", 0.0, 3)]
    months = {m["month"]: m for m in report["months"]}
    assert months["2025-03"]["score"] == pytest.approx((100 + 50 + 75) / 3)
    assert months["2025-04"]["critical_failures"] == 1


def test_group_by_week_and_by_staff(tmp_path):
    report = score_text(tmp_path, GROUPS, by="week")
    weeks = {g["key"]["week"]: g["inspections"] for g in report["groups"]}
    assert weeks == {"2025-W10": 3, "2025-W15": 3}
    staff = score_text(tmp_path, GROUPS, by="staff")
    assert group(staff, staff="甲")["score"] == pytest.approx(75)


def test_group_by_stage_scores_each_stage_and_a_red_line_fails_only_its_stage(tmp_path):
    report = score_text(tmp_path, GROUPS, by="stage")
    arrive = group(report, stage="arrive")
    serve = group(report, stage="serve")
    # arrive: G-1 100, G-2 (A-01 fail w2, A-02 pass w1) 33.3, G-3 100, G-4 66.7, G-5 0, G-6 100
    assert arrive["score"] == pytest.approx((100 + 100 / 3 + 100 + 200 / 3 + 0 + 100) / 6)
    assert arrive["critical_failures"] == 1
    # serve: only B-01, in G-1..G-4
    assert (serve["inspections"], serve["score"]) == (4, pytest.approx(75))
    assert serve["critical_failures"] == 0
    factors = score_text(tmp_path, GROUPS, by="factor")
    assert group(factors, factor="fees")["score"] == 0.0


def test_group_by_site_and_stage(tmp_path):
    report = score_text(tmp_path, GROUPS, by="site,stage")
    assert group(report, site="西", stage="serve")["score"] == pytest.approx(50)
    assert group(report, site="西", stage="serve")["rank"] == 2


def test_group_by_any_column(tmp_path):
    header, *rows = GROUPS.splitlines()
    text = "\n".join(
        [f"{header},区域", *(f"{row},{'华东' if ',东,' in row else '华西'}" for row in rows)]
    )
    report = score_text(tmp_path, text + "\n", by="区域")
    assert group(report, 区域="华东")["inspections"] == 2
    assert group(report, 区域="华西")["inspections"] == 4


def test_stages_and_factors_pool_their_standards(tmp_path):
    report = score_text(tmp_path, GROUPS)
    arrive = next(s for s in report["stages"] if s["id"] == "arrive")
    a = [standard(report, i) for i in ("A-01", "A-02", "A-03")]
    assert arrive["pass"] == sum(r["pass"] for r in a) and arrive["fail"] == sum(
        r["fail"] for r in a
    )
    assert arrive["standards"] == 3 and arrive["name"] == "进门"
    wait = next(f for f in report["factors"] if f["id"] == "wait")
    assert wait["importance"] == 5 and wait["standards"] == 3


def test_pareto_puts_the_most_failures_first(tmp_path):
    report = score_text(tmp_path, GROUPS)
    rows = report["standards"]
    fails = [row["fail"] for row in rows]
    assert fails == sorted(fails, reverse=True)
    total = sum(fails)
    assert rows[0]["fail_share"] == pytest.approx(rows[0]["fail"] / total)
    assert rows[-1]["cumulative_fail_share"] == pytest.approx(1.0)
    assert rows[-1]["observed"] == 0  # never observed: last


def test_too_few_observations_are_flagged(tmp_path):
    report = score_text(tmp_path, GROUPS)
    a01 = standard(report, "A-01")
    assert a01["observations"] == 6 and a01["needed"] == 35 and a01["too_few"]
    assert any("too few observations" in w and "A-01 (6/35)" in w for w in report["warnings"])


def test_rows_scattered_over_the_file_give_the_same_report(tmp_path):
    # database exports sort by date, not by inspection: the figures cannot depend on order
    text = GROUPS + DUPLICATES.split("\n", 1)[1]
    header, *rows = text.strip().split("\n")
    together = score_text(tmp_path, text, by="site,month")
    random.Random(3).shuffle(rows)
    scattered = score_text(tmp_path, "\n".join([header, *rows]) + "\n", by="site,month")
    for report in (together, scattered):
        report.pop("all_rejects")
        report.pop("rejects"), report.pop("duplicates"), report.pop("warnings")
        report["summary"]["score"] = round(report["summary"]["score"], 9)
        for item in report["groups"]:
            item["score"] = round(item["score"], 9) if item["score"] is not None else None
    assert scattered == together


def test_unknown_by_dimension_is_an_error():
    from svcstd.errors import SvcstdError

    with pytest.raises(SvcstdError, match="twice"):
        parse_by("site,Site")
    assert parse_by("Site, month") == ("site", "month")
    assert parse_by("网点") == ("网点",)


# --------------------------------------------------------------------------- recomputed


def test_a_random_report_recomputed_with_plain_dictionaries(tmp_path):
    rng = random.Random(7)
    ids = list(WEIGHTS)
    lines = [HEADER.strip()]
    truth: dict[str, dict[str, str]] = {}
    meta: dict[str, tuple[str, str]] = {}
    for number in range(120):
        inspection = f"R-{number}"
        site = rng.choice("ABCD")
        month = rng.choice(["2025-01", "2025-02", "2025-03"])
        meta[inspection] = (site, month)
        chosen = rng.sample(ids, rng.randint(1, len(ids)))
        truth[inspection] = {}
        for ident in chosen:
            verdict = rng.choices(["pass", "fail", "na"], [0.8, 0.15, 0.05])[0]
            if ident == "A-03" and verdict == "fail" and rng.random() < 0.7:
                verdict = "pass"
            truth[inspection][ident] = verdict
            lines.append(f"{inspection},{month}-15,{site},s,i,{ident},{verdict}")
    rng.shuffle(lines[1:])  # inspections split all over the file
    body = lines[1:]
    rng.shuffle(body)
    report = score_text(tmp_path, "\n".join([lines[0], *body]) + "\n", by="site,month")

    def expected_score(results: dict[str, str]) -> float | None:
        if results.get("A-03") == "fail":
            return 0.0
        applicable = [i for i, v in results.items() if v in ("pass", "fail")]
        total = sum(WEIGHTS[i] for i in applicable)
        if total == 0:
            return None
        return 100 * sum(WEIGHTS[i] for i in applicable if results[i] == "pass") / total

    scores = {k: expected_score(v) for k, v in truth.items()}
    valid = [s for s in scores.values() if s is not None]
    assert report["summary"]["score"] == pytest.approx(sum(valid) / len(valid))
    assert report["summary"]["critical_failures"] == sum(
        1 for v in truth.values() if v.get("A-03") == "fail"
    )
    for ident in ids:
        row = standard(report, ident)
        passes = sum(1 for v in truth.values() if v.get(ident) == "pass")
        fails = sum(1 for v in truth.values() if v.get(ident) == "fail")
        assert (row["pass"], row["fail"]) == (passes, fails), ident
        if passes + fails:
            assert (row["ci_low"], row["ci_high"]) == pytest.approx(
                wilson_by_hand(passes, passes + fails)
            )
    cells: dict[tuple[str, str], list[float]] = defaultdict(list)
    for inspection, score in scores.items():
        if score is not None:
            cells[meta[inspection]].append(score)
    for (site, month), values in cells.items():
        assert group(report, site=site, month=month)["score"] == pytest.approx(
            statistics.mean(values)
        )
    assert report["summary"]["accounting"]["balanced"]
