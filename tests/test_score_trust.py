"""The score command never gives a wrong figure with exit 0: each sloppy-sheet habit and
each mistake that once did, run as a user runs it (the real command, in a child process)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from openpyxl import Workbook

from tests.cli import REPO, svcstd

MINI = REPO / "tests" / "data" / "score" / "mini.yaml"
HOME_VISIT = REPO / "standards" / "home-visit.yaml"
HEADER = "检查编号,网点,标准编号,结果\n"


def score_json(path: Path, *extra: object, standard: Path = MINI) -> tuple[int, dict, str]:
    ran = svcstd("score", path, "--standard", standard, "--format", "json", *extra)
    return ran.returncode, (json.loads(ran.stdout) if ran.stdout.strip() else {}), ran.stderr


def write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_red_line_with_a_typo_makes_the_inspection_incomplete(tmp_path):
    text = HEADER + "J-1,东,A-01,pass\nJ-1,东,A-03,pas\nJ-2,东,A-01,fail\nJ-2,东,A-03,pass\n"
    code, report, _ = score_json(write(tmp_path, text))
    assert code == 0
    summary = report["summary"]
    assert summary["incomplete_inspections"] == 1 and summary["scored_inspections"] == 1
    # J-2 alone: A-01 (weight 2) failed, the red line A-03 (weight 1) held; J-1 left out
    assert summary["score"] == 100 / 3
    assert report["incomplete"][0]["inspection"] == "J-1"
    assert report["incomplete"][0]["standards"] == ["A-03"]
    assert any("incomplete" in w for w in report["warnings"])
    assert score_json(write(tmp_path, text), "--strict")[0] == 1


def test_a_red_line_left_out_of_the_sheet_is_reported(tmp_path):
    text = HEADER + "J-1,东,A-01,pass\nJ-2,东,A-01,pass\nJ-2,东,A-03,pass\n"
    _, report, _ = score_json(write(tmp_path, text))
    assert report["red_lines_not_inspected"] == [
        {"id": "A-03", "not_inspected": 1, "inspections": 2}
    ]
    assert any("red line A-03 was not inspected in 1 of 2" in w for w in report["warnings"])


def test_results_for_another_standard_are_an_error_naming_their_ids(tmp_path):
    ran = svcstd(
        "score",
        write(tmp_path, "inspection,standard,result\nJ-1,HV-01,pass\nJ-1,HV-02,pass\n"),
        "--standard",
        MINI,
    )
    assert ran.returncode == 2 and ran.stdout == ""
    assert "only 0 of 2 results name a standard" in ran.stderr and "HV-01 (1)" in ran.stderr


def test_slash_is_not_applicable_and_negative_durations_are_refused(tmp_path):
    text = HEADER + "J-1,东,A-01,/\nJ-1,东,A-02,-5\nJ-1,东,B-02,-1:00\nJ-1,东,A-03,pass\n"
    _, report, _ = score_json(write(tmp_path, text))
    rows = {row["id"]: row for row in report["standards"]}
    assert rows["A-01"]["na"] == 1 and rows["A-01"]["fail"] == 0
    assert rows["A-02"]["pass"] == 0 and rows["A-02"]["unreadable"] == 1
    reasons = {reject["standard"]: reject["reason"] for reject in report["rejects"]}
    assert "negative duration" in reasons["A-02"] and "negative duration" in reasons["B-02"]


def test_ids_filled_down_are_scored_and_said(tmp_path):
    text = HEADER + "J-1,东,A-01,pass\n,,A-02,60\n,,A-03,pass\nJ-2,西,A-01,fail\n,,A-03,pass\n"
    _, report, _ = score_json(write(tmp_path, text))
    assert report["summary"]["inspections"] == 2 and report["summary"]["rejected"] == 0
    assert report["summary"]["files"][0]["filled_down"] == 3
    assert any("3 rows had no inspection id" in w for w in report["warnings"])


def test_an_excel_time_cell_for_seconds_is_refused_with_how_to_enter_it(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["inspection", "standard", "result"])
    sheet.append(["J-1", "A-02", dt.time(0, 25)])  # typed 0:25 meaning 25 s; Excel stores 25 min
    sheet["C2"].number_format = "h:mm"
    sheet.append(["J-1", "A-03", "pass"])
    book.save(tmp_path / "r.xlsx")
    _, report, _ = score_json(tmp_path / "r.xlsx")
    [reject] = report["rejects"]
    assert reject["standard"] == "A-02" and "Excel time cell (0:25" in reject["reason"]
    assert "25" in reject["reason"] and reject["value"] == "0:25:00"


def test_a_workbook_saved_as_csv_is_read_as_a_workbook(tmp_path):
    book = Workbook()
    book.active.append(["inspection", "standard", "result"])
    book.active.append(["J-1", "A-01", "pass"])
    book.save(tmp_path / "r.xlsx")
    shutil.copy(tmp_path / "r.xlsx", tmp_path / "r.csv")
    code, report, _ = score_json(tmp_path / "r.csv")
    assert code == 0 and report["summary"]["files"][0]["format"] == "xlsx"


def test_damaged_workbooks_and_wrong_encodings_are_one_clean_line(tmp_path):
    book = Workbook()
    book.active.append(["inspection", "standard", "result"])
    book.save(tmp_path / "r.xlsx")
    data = (tmp_path / "r.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    plain = write(tmp_path, HEADER + "J-1,东,A-01,pass\n")
    for args in (
        [tmp_path / "cut.xlsx"],
        [plain, "--encoding", "rot13"],
        [plain, "--encoding", "utf-16"],  # no BOM: not UTF-16 text
        [plain, "--encoding", "base64"],
    ):
        ran = svcstd("score", *args, "--standard", MINI)
        assert ran.returncode == 2, (args, ran.stderr)
        assert ran.stderr.startswith("svcstd: ") and ran.stderr.count("\n") == 1, ran.stderr
        assert "Traceback" not in ran.stderr


def test_a_wide_sheet_of_a_hundred_thousand_columns_is_refused_at_once(tmp_path):
    header = ",".join(["inspection", *(f"c{n}" for n in range(100_000))])
    ran = svcstd("score", write(tmp_path, header + "\n"), "--standard", MINI)
    assert ran.returncode == 2 and "at most 16,384 columns" in ran.stderr


def test_the_demo_sample_scores_with_every_entry_accounted_for(tmp_path):
    sample = tmp_path / "s.csv"
    assert svcstd("sample", HOME_VISIT, "--inspections", 40, "-o", sample).returncode == 0
    code, report, _ = score_json(sample, standard=HOME_VISIT)
    assert code == 0 and report["summary"]["accounting"]["balanced"]
    assert report["summary"]["rejected"] == 0


def test_a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_before_reading(tmp_path):
    import zipfile

    base, bomb = tmp_path / "base.xlsx", tmp_path / "bomb.xlsx"
    book = Workbook()
    book.active.append(["inspection", "standard", "result"])
    book.save(base)
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>J</t></is></c></row>' * 100_000
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with out.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                for _ in range(20):  # 118 MiB of XML in about 400 KiB
                    sheet.write(row)
                sheet.write(b"</sheetData>" + tail)
    ran = svcstd("score", bomb, "--standard", MINI)
    assert ran.returncode == 2 and "unpacks to 118 MiB" in ran.stderr


def test_a_middle_row_naming_another_site_is_noticed_anywhere_in_the_file(tmp_path):
    # the first and last rows of the inspection agree; only its middle row does not
    lines = [HEADER.strip()]
    for number in range(6000):
        site = "东"
        for standard in ("A-01", "A-02", "A-03"):
            middle = number == 5000 and standard == "A-02"
            lines.append(f"J-{number},{'西' if middle else site},{standard},pass")
    _, report, _ = score_json(write(tmp_path, "\n".join(lines) + "\n"))
    [warning] = [w for w in report["warnings"] if "disagree" in w]
    assert warning.startswith("1 inspections have rows that disagree") and "J-5000" in warning


def test_thousands_of_different_unknown_ids_are_all_counted(tmp_path):
    lines = ["inspection,standard,result", *(f"J-{n},ZZ-{n},pass" for n in range(3000))]
    lines += [f"K-{n},A-01,pass" for n in range(100)]
    ran = svcstd("score", write(tmp_path, "\n".join(lines) + "\n"), "--standard", MINI)
    assert ran.returncode == 2 and "only 100 of 3,100 results name a standard" in ran.stderr
