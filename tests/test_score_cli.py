"""`svcstd score`, `svcstd sample`, `svcstd demo` as users run them: exit codes and output."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from svcstd.cli import app
from tests.cli import REPO, svcstd

DATA = REPO / "tests" / "data" / "score"
MINI = DATA / "mini.yaml"
OTHER = DATA / "other.yaml"
HOME_VISIT = REPO / "standards" / "home-visit.yaml"

RESULTS = (
    "检查编号,日期,网点,员工,检查员,标准编号,结果,备注\n"
    "J-1,2025-03-04,城东营业厅,张伟,陈静,A-01,合格,\n"
    "J-1,2025-03-04,城东营业厅,张伟,陈静,A-02,75,\n"
    "J-1,2025-03-04,城东营业厅,张伟,陈静,A-03,✓,\n"
    "J-2,2025-04-05,城西营业厅,王芳,陈静,A-01,不合格,未问候\n"
    "J-2,2025-04-05,城西营业厅,王芳,陈静,A-02,1:45,\n"
    "J-2,2025-04-05,城西营业厅,王芳,陈静,B-01,2,\n"
)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def results(tmp_path: Path) -> Path:
    path = tmp_path / "results.csv"
    path.write_text(RESULTS, encoding="utf-8")
    return path


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "messy.csv"
    path.write_text(
        RESULTS
        + 'J-3,2025-04-06,=HYPERLINK("http://x"),李,陈静,A-99,合格,\n'
        + 'J-3,2025-04-06,=HYPERLINK("http://x"),李,陈静,A-01,很好,\n'
        + "J-3,2025-04-06\n",
        encoding="utf-8",
    )
    return path


# --------------------------------------------------------------------------- score


def test_table_is_the_default(results):
    code, out, _ = run("score", results, "--standard", MINI, "--by", "site")
    assert code == 0
    assert "平均得分" in out and "城东营业厅" in out and "A-03" in out
    assert "读取条目 6 = 6 计分 · 核对无误" in out
    assert "排名" in out and "红线" in out


def test_json_has_the_spec_keys(results):
    code, out, _ = run(
        "score", results, "--standard", MINI, "--by", "site,month", "--format", "json"
    )
    assert code == 0
    report = json.loads(out)
    assert {"rows", "observations", "rejected", "inspections", "score"} <= set(report["summary"])
    for row in report["standards"]:
        assert {
            "id",
            "pass",
            "fail",
            "na",
            "compliance",
            "ci_low",
            "ci_high",
            "target",
            "status",
        } <= set(row)
        for key in ("compliance", "ci_low", "ci_high", "target"):
            assert row[key] is None or 0 <= row[key] <= 1
    assert {"groups", "rejects", "months", "unobserved", "warnings"} <= set(report)
    assert report["summary"]["inspections"] == 2
    assert report["summary"]["score"] == pytest.approx((100 + 100 * 1 / 4) / 2)
    assert {tuple(g["key"].values()) for g in report["groups"]} == {
        ("城东营业厅", "2025-03"),
        ("城西营业厅", "2025-04"),
    }


def test_csv_is_formula_safe(messy):
    code, out, _ = run("score", messy, "--standard", MINI, "--by", "site", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert ["summary", "value"] in rows
    assert any(row[:1] == ['\'=HYPERLINK("http://x")'] for row in rows)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_markdown_escapes_cells(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("inspection,standard,result,site\nJ-1,A-01,pass,东|西<b>\n", encoding="utf-8")
    code, out, _ = run("score", path, "--standard", MINI, "--by", "site", "--format", "md")
    assert code == 0
    assert "东\\|西&lt;b>" in out and "| A-01 |" in out  # one escape for all Markdown


def test_html_is_one_safe_self_contained_file(messy, tmp_path):
    target = tmp_path / "report.html"
    code, out, _ = run("score", messy, "--standard", MINI, "--by", "site", "-o", target)
    assert code == 0 and out == ""
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "<script" not in html.lower()
    assert "src=" not in html and "<link" not in html
    assert "=HYPERLINK(&#34;http://x&#34;)" in html  # escaped text, never markup


def test_output_format_follows_the_file_suffix(results, tmp_path):
    for suffix, check in (
        (".json", lambda t: json.loads(t)),
        (".md", lambda t: t.startswith("# ")),
    ):
        target = tmp_path / f"report{suffix}"
        assert run("score", results, "--standard", MINI, "-o", target)[0] == 0
        assert check(target.read_text(encoding="utf-8"))
    table = tmp_path / "report.txt"
    assert run("score", results, "--standard", MINI, "-o", table)[0] == 0
    assert "平均得分" in table.read_text(encoding="utf-8")


def test_rejects_file_and_strict(messy, tmp_path):
    rejects = tmp_path / "rejects.csv"
    code, out, err = run(
        "score", messy, "--standard", MINI, "--rejects", rejects, "--format", "json"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert [(r["row"], r["standard"], r["reason"].split(":")[0].split(" (")[0]) for r in rows] == [
        ("10", "", "row has 2 cells but the header has 8"),
        ("8", "A-99", "unknown standard id"),
        ("9", "A-01", "unreadable value"),
    ]
    assert json.loads(out)["summary"]["rejected"] == 3
    code, _, err = run("score", messy, "--standard", MINI, "--strict", "--format", "json")
    assert code == 1 and "3 entries rejected" in err
    assert run("score", messy, "--standard", MINI, "--strict", "--rejects", rejects)[0] == 1


def test_by_month_needs_dates(tmp_path):
    path = tmp_path / "undated.csv"
    path.write_text("inspection,standard,result\nJ-1,A-01,pass\n", encoding="utf-8")
    code, _, err = run("score", path, "--standard", MINI, "--by", "month")
    assert code == 2 and "--by month: the results have no date column" in err
    assert run("score", path, "--standard", MINI, "--by", "stage")[0] == 0


def test_na_as_pass(results, tmp_path):
    path = tmp_path / "na.csv"
    path.write_text("inspection,standard,result\nJ-1,A-01,pass\nJ-1,A-02,n/a\n", encoding="utf-8")
    excluded = json.loads(run("score", path, "--standard", MINI, "--format", "json")[1])
    counted = json.loads(
        run("score", path, "--standard", MINI, "--format", "json", "--na-as", "pass")[1]
    )
    assert excluded["summary"]["observations"] == 1 and counted["summary"]["observations"] == 2


def test_several_files_and_standards(results, tmp_path):
    phone = tmp_path / "phone.csv"
    phone.write_text("inspection,C-01,C-02\nP-1,yes,75s\nP-2,yes,30\n", encoding="utf-8")
    code, out, _ = run(
        "score", results, phone, "--standard", MINI, "--standard", OTHER, "--format", "json"
    )
    assert code == 0
    report = json.loads(out)
    assert report["summary"]["inspections"] == 4
    c02 = next(s for s in report["standards"] if s["id"] == "C-02")
    assert (c02["pass"], c02["fail"]) == (1, 1)
    assert [f["shape"] for f in report["summary"]["files"]] == ["long", "wide"]


def test_encoding_column_and_sheet_options(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("单号,项目,得分\nJ-1,A-01,合格\n".encode("gbk"))
    code, out, _ = run(
        "score",
        gbk,
        "--standard",
        MINI,
        "--format",
        "json",
        "--encoding",
        "gbk",
        "--column",
        "inspection=单号",
        "--column",
        "standard=项目",
    )
    assert code == 0 and json.loads(out)["summary"]["observations"] == 1
    sheet = tmp_path / "r.xlsx"
    assert run("sample", MINI, "--inspections", "5", "-o", sheet)[0] == 0
    code, out, _ = run("score", sheet, "--standard", MINI, "--sheet", "1", "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["inspections"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--standard", MINI], "missing.csv: no such file"),
        (["{results}"], "--standard FILE"),
        (["{results}", "--standard", "nope.yaml"], "nope.yaml"),
        (
            ["{results}", "--standard", MINI, "--format", "pdf"],
            "'pdf' is not one of 'table', 'json', 'csv', 'md', 'html'",
        ),
        (
            ["{results}", "--standard", MINI, "--na-as", "fail"],
            "'fail' is not one of 'exclude', 'pass'",
        ),
        (["{results}", "--standard", MINI, "--column", "colour=x"], "--column"),
        (["{results}", "--standard", MINI, "--by", "site,site"], "names a column twice"),
        (["{results}", "--standard", MINI, "-o", "{results}"], "refusing to write over the input"),
        (["{results}", "--standard", MINI, "-o", "/no/such/dir/r.json"], "no such folder"),
        (["{results}", "--standard", MINI, "--rejects", MINI], "refusing to write over"),
        (["{results}", "--standard", MINI, "--encoding", "nope"], "not a text encoding"),
        (["{results}", "--standard", MINI, "--encoding", "rot13"], "not a text encoding"),
        (["{results}", "--standard", MINI, "--by", "区域"], "--by 区域: the results have no 区域"),
    ],
)
def test_bad_input_is_one_clean_line_and_exit_2(results, args, message):
    argv = [str(a).replace("{results}", str(results)) for a in args]
    code, out, err = run("score", *argv)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("svcstd: ") and message in err
    assert results.read_text(encoding="utf-8") == RESULTS


def test_a_broken_file_is_a_clean_error_in_a_real_process(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('inspection,standard,result\nJ-1,"A-01,pass\n', encoding="utf-8")
    done = svcstd("score", path, "--standard", MINI)
    assert done.returncode == 2
    assert done.stderr.startswith("svcstd: ") and "line 2" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_half_written_rejects_file_when_a_run_fails(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('inspection,standard,result\nJ-1,X,1\nJ-1,"A-01,pass\n', encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    assert run("score", path, "--standard", MINI, "--rejects", rejects)[0] == 2
    assert not rejects.exists() and list(tmp_path.iterdir()) == [path]


# --------------------------------------------------------------------------- sample


def test_sample_is_seeded_and_scores_cleanly(tmp_path):
    code, first, _ = run("sample", HOME_VISIT, "--inspections", "30", "--seed", "3")
    assert code == 0
    assert run("sample", HOME_VISIT, "--inspections", "30", "--seed", "3")[1] == first
    assert run("sample", HOME_VISIT, "--inspections", "30", "--seed", "4")[1] != first
    rows = list(csv.reader(io.StringIO(first.lstrip("\ufeff"))))
    assert rows[0] == ["检查编号", "日期", "网点", "员工", "检查员", "标准编号", "结果", "备注"]
    path = tmp_path / "sample.csv"
    path.write_text(first, encoding="utf-8")
    report = json.loads(run("score", path, "--standard", HOME_VISIT, "--format", "json")[1])
    assert report["summary"]["inspections"] == 30 and report["summary"]["rejected"] == 0
    assert report["summary"]["accounting"]["balanced"]
    assert report["summary"]["accounting"]["blank"] > 0 and report["summary"]["observations"] > 600


@pytest.mark.parametrize("standard", sorted((REPO / "standards").glob("*.yaml")))
@pytest.mark.parametrize("shape", ["long", "wide"])
def test_samples_of_every_bundled_standard_read_back_without_rejects(tmp_path, standard, shape):
    path = tmp_path / "sample.xlsx"
    code, _, err = run("sample", standard, "--inspections", "20", "--shape", shape, "-o", path)
    assert code == 0, err
    report = json.loads(run("score", path, "--standard", standard, "--format", "json")[1])
    assert report["summary"]["rejected"] == 0 and report["summary"]["inspections"] == 20
    assert report["summary"]["files"][0]["shape"] == shape


def test_sample_options(tmp_path):
    assert "-o FILE.xlsx" in run("sample", MINI, "--format", "xlsx")[2]
    assert run("sample", MINI, "--shape", "tall")[0] == 2
    assert run("sample", MINI, "--inspections", "0")[0] == 2
    english = run("sample", MINI, "--lang", "en", "--inspections", "2")[1]
    assert english.lstrip("\ufeff").startswith("inspection,date,site,staff,inspector,standard")
    wide = tmp_path / "wide.xlsx"
    assert run("sample", MINI, "--shape", "wide", "--inspections", "3", "-o", wide)[0] == 0
    header = [cell.value for cell in load_workbook(wide).active[1]]
    assert header[5:12] == ["A-01", "A-02", "A-03", "B-01", "B-02", "B-03", "B-04"]


# --------------------------------------------------------------------------- render → score


def test_a_rendered_results_sheet_round_trips_through_the_cli(tmp_path):
    blank = tmp_path / "blank.csv"
    assert svcstd("render", "checklist", MINI, "--format", "csv", "-o", blank).returncode == 0
    rows = list(csv.reader(io.StringIO(blank.read_text(encoding="utf-8-sig"))))
    header_at = next(i for i, row in enumerate(rows) if "标准编号" in row)
    header = rows[header_at]
    filled = rows[: header_at + 1]
    for row in rows[header_at + 1 :]:
        row = list(row)
        row[header.index("检查编号")] = "R-1"
        row[header.index("网点")] = "城东"
        row[header.index("结果")] = "合格" if row[header.index("标准编号")] != "A-02" else "95"
        filled.append(row)
    path = tmp_path / "filled.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(filled)
    report = json.loads(run("score", path, "--standard", MINI, "--format", "json")[1])
    counts = {s["id"]: (s["pass"], s["fail"]) for s in report["standards"]}
    assert counts["A-02"] == (0, 1) and counts["A-01"] == (1, 0)
    assert report["summary"]["rejected"] == 0 and report["summary"]["observations"] == 7


# --------------------------------------------------------------------------- demo


def test_demo_writes_the_report_and_says_where(tmp_path):
    done = svcstd("demo", "--out", tmp_path / "demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = tmp_path / "demo" / "home-visit-report.html"
    assert report.exists() and "<svg" in report.read_text(encoding="utf-8")
    assert report.resolve().as_uri() in done.stdout
    assert "6 files checked" in done.stdout or "checked" in done.stdout
    data = json.loads((tmp_path / "demo" / "home-visit-report.json").read_text(encoding="utf-8"))
    assert data["summary"]["inspections"] == 240 and data["groups"]


def test_demo_refuses_a_file_as_its_folder(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    code, _, err = run("demo", "--out", target)
    assert code == 2 and "is a file" in err


def test_progress_bar_only_on_a_terminal_for_large_inputs(monkeypatch):
    from svcstd.commands import score
    from svcstd.reports.score_table import progress_bar

    assert score._progress(10**9) is None  # stderr is not a terminal under pytest
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("SVCSTD_NO_PROGRESS", raising=False)
    assert score._progress(1000) is None  # small input: no bar
    update = progress_bar(100)
    update(50)
    update(None)
