"""Reading results: every shape, encoding and spelling users have, judged right, nothing dropped.

Each test writes the bytes a user's tool would write (Excel, WPS, a phone-form server, a
vendor's script) and checks what the reader makes of them: the verdicts and values, the row
numbers of what it rejects, and one clean error for what cannot be read at all.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from svcstd.errors import SvcstdError
from svcstd.loading import load_standard
from svcstd.model import Measure
from svcstd.results import (
    BLANK,
    FAIL,
    NA,
    PASS,
    UNREADABLE,
    Batch,
    Catalog,
    Observation,
    ReadOptions,
    Registry,
    Reject,
    clean,
    duration_seconds,
    judge,
    observations,
    parse_column_options,
    parse_date,
    read_results,
)
from svcstd.results.tables import MAX_CHUNK_ROWS, _records, _whole_lines

DATA = Path(__file__).parent / "data" / "score"
MINI = load_standard(DATA / "mini.yaml")
OTHER = load_standard(DATA / "other.yaml")

YES_NO = Measure(kind="yes_no")
SECONDS = Measure(kind="duration", unit="s", max=90)
MINUTES = Measure(kind="duration", unit="min", min=2, max=10)
HOURS = Measure(kind="duration", unit="h", max=2)
DAYS = Measure(kind="duration", unit="d", max=3)
RATING = Measure(kind="rating", scale=(-3, 3), min=1)
COUNT = Measure(kind="count", max=1)
PERCENT = Measure(kind="percent", min=90)


@pytest.fixture
def catalog() -> Catalog:
    return Catalog([("mini.yaml", MINI)])


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, catalog: Catalog, **options: object) -> tuple[list[Observation], list[Reject]]:
    seen: list[Observation] = []
    rejected: list[Reject] = []
    for item in observations([path], catalog, ReadOptions(**options)):  # type: ignore[arg-type]
        (seen if isinstance(item, Observation) else rejected).append(item)
    return seen, rejected


def batches(path: Path, catalog: Catalog, **options: object) -> Iterator[Batch]:
    """The reader's batches for one file, as the scorer gets them."""
    read_options = ReadOptions(**options)  # type: ignore[arg-type]
    return read_results([path], catalog, Registry(read_options.meta_names), read_options)


def verdicts(seen: list[Observation]) -> dict[tuple[str, str], str]:
    return {(o.inspection, o.standard): o.verdict for o in seen}


LONG = """检查编号,日期,网点,员工,检查员,标准编号,结果,备注
J-1,2025-03-04,城东营业厅,张伟,陈静,A-01,合格,
J-1,2025-03-04,城东营业厅,张伟,陈静,A-02,75,
J-1,2025-03-04,城东营业厅,张伟,陈静,A-03,✓,
J-2,2025-03-05,城西营业厅,王芳,陈静,A-01,不合格,未问候
J-2,2025-03-05,城西营业厅,王芳,陈静,A-02,1:45,
J-2,2025-03-05,城西营业厅,王芳,陈静,B-01,-2,
"""


# --------------------------------------------------------------------------- judging one cell


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        *((word, PASS) for word in ("pass", "PASS", "Yes", "y", "true", "1", "✓", "√", "✔️")),
        *((word, PASS) for word in ("是", "合格", "达标", "通过", "符合", "✓ 合格", "✓ pass")),
        *((word, FAIL) for word in ("fail", "No", "n", "false", "0", "✗", "×", "否")),
        *((word, FAIL) for word in ("不合格", "未达标", "不通过", "不符合", "✗ 不合格")),
        *((word, NA) for word in ("na", "N/A", "n/a", "不适用", "N/A 不适用", "-")),
        *((word, BLANK) for word in ("", "   ", "\u3000")),
        ("maybe", UNREADABLE),
        ("2", UNREADABLE),
        ("合格 不合格", UNREADABLE),
    ],
)
def test_yes_no_words_and_symbols(text, verdict):
    assert judge(YES_NO, text)[0] == verdict


def test_a_number_for_a_yes_no_standard_says_why():
    verdict, _, reason = judge(YES_NO, "2")
    assert verdict == UNREADABLE and "yes/no" in reason


@pytest.mark.parametrize(
    ("measure", "text", "verdict", "value"),
    [
        (SECONDS, "90", PASS, 90),
        (SECONDS, "91", FAIL, 91),
        (SECONDS, "1:30", PASS, 90),
        (SECONDS, "1:31", FAIL, 91),
        (SECONDS, "90s", PASS, 90),
        (SECONDS, "90 sec", PASS, 90),
        (SECONDS, "1.5 min", PASS, 90),
        (SECONDS, "1.5分钟", PASS, 90),
        (SECONDS, "90秒", PASS, 90),
        (SECONDS, "９０秒", PASS, 90),  # full-width digits
        (SECONDS, "1分30秒", PASS, 90),
        (SECONDS, "1分30", PASS, 90),
        (SECONDS, "2分", FAIL, 120),
        (SECONDS, "0:01:30", PASS, 90),
        (SECONDS, "pass", PASS, None),  # a word for a measured standard
        (MINUTES, "1:30", FAIL, 1.5),
        (MINUTES, "5", PASS, 5),
        (MINUTES, "300s", PASS, 5),
        (MINUTES, "1h", FAIL, 60),
        (HOURS, "1:30", PASS, 1.5),
        (HOURS, "1h30m", PASS, 1.5),
        (HOURS, "2小时30分", FAIL, 2.5),
        (HOURS, "90 min", PASS, 1.5),
        (DAYS, "2天", PASS, 2),
        (DAYS, "48h", PASS, 2),
        (RATING, "+2", PASS, 2),
        (RATING, "−1", FAIL, -1),  # a typographic minus: ratings may be negative (MOT −3…+3)
        (HOURS, "\ue0001:30:00", PASS, 1.5),  # an Excel time cell for hours means h:mm
        (RATING, "3分", PASS, 3),
        (COUNT, "1次", PASS, 1),
        (COUNT, "2", FAIL, 2),
        (PERCENT, "95%", PASS, 95),
        (PERCENT, "95％", PASS, 95),
        (PERCENT, "89.5", FAIL, 89.5),
    ],
)
def test_numbers_are_judged_in_the_standards_unit(measure, text, verdict, value):
    got_verdict, got_value, reason = judge(measure, text)
    assert (got_verdict, reason) == (verdict, "")
    assert got_value == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize(
    ("measure", "text", "reason"),
    [
        (DAYS, "1:30", "ambiguous"),
        (RATING, "4", "outside the rating scale"),
        (SECONDS, "ninety", "not a duration"),
        (SECONDS, "30秒1分", "out of order"),
        (SECONDS, "1,5 min", "not a duration"),
        (COUNT, "a few", "not a count"),
        (PERCENT, "high", "not a percentage"),
        (MINUTES, "-3", "negative duration"),  # a wait below zero passes "≤ max" otherwise
        (SECONDS, "-1:00", "negative duration"),
        (COUNT, "-1", "negative count"),
        (SECONDS, "9" * 400, "not a finite number"),
        (SECONDS, "\ue0000:25:00", "an Excel time cell (0:25"),  # Excel read 0:25 as minutes
        (YES_NO, "\ue0000:25:00", "an Excel time cell"),
    ],
)
def test_unreadable_values_say_why(measure, text, reason):
    verdict, value, why = judge(measure, text)
    assert verdict == UNREADABLE and value is None and reason in why


def test_a_duration_without_a_unit_refuses_unit_words():
    measure = Measure(kind="duration", max=10)
    assert judge(measure, "5")[0] == PASS
    verdict, _, reason = judge(measure, "5 min")
    assert verdict == UNREADABLE and "no unit" in reason


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1:30", 90), ("1h30m", 5400), ("1 min 30 s", 90), ("1小时30分钟", 5400), ("-2 min", -120)],
)
def test_duration_seconds(text, seconds):
    assert duration_seconds(text, "s") == (seconds, "")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-03-05", dt.date(2025, 3, 5)),
        ("2025/3/5", dt.date(2025, 3, 5)),
        ("2025.03.05", dt.date(2025, 3, 5)),
        ("2025年3月5日", dt.date(2025, 3, 5)),
        ("20250305", dt.date(2025, 3, 5)),
        ("2025-03-05T10:15:30.000+08:00", dt.date(2025, 3, 5)),
        ("2025-03-05 10:15", dt.date(2025, 3, 5)),
        ("45721", dt.date(2025, 3, 5)),  # an Excel serial day
        ("03/05/2025", None),  # month or day first? refused
        ("2025-02-30", None),
        ("soon", None),
    ],
)
def test_dates(text, date):
    assert parse_date(text) == date


def test_clean_normalises_what_people_type():
    assert clean("\u3000ＨＶ－０１ ") == "HV-01"
    assert clean("'=1+1") == "=1+1"  # a spreadsheet's protective quote
    assert clean("'quoted") == "'quoted"
    assert clean("a \n b") == "a b"


# --------------------------------------------------------------------------- the catalog


@pytest.mark.parametrize(
    "text",
    ["A-01", "a-01", "Ａ－０１", " A-01 ", "arrive/A-01", "arrive/welcome/A-01", "arrive-A-01"],
)
def test_standard_ids_are_found_however_written(catalog, text):
    found = catalog.find(text)
    assert found is not None and found.id == "A-01"


@pytest.mark.parametrize("text", ["A-1", "A-011", "X-01", "", "arrive"])
def test_near_misses_are_not_standards(catalog, text):
    assert catalog.find(text) is None


def test_the_same_id_in_two_standards_is_an_error():
    with pytest.raises(SvcstdError, match="A-01 is in both"):
        Catalog([("a.yaml", MINI), ("b.yaml", MINI)])


def test_equal_meanings_share_one_reading(catalog):
    info = catalog.by_id["A-02"]
    assert catalog.code(info, "A-02", "90") == catalog.code(info, "A-02", "1:30")
    assert catalog.code(info, "A-02", "90") != catalog.code(info, "A-02", "91")
    yes_no = catalog.by_id["A-01"]
    assert catalog.code(yes_no, "A-01", "合格") == catalog.code(yes_no, "A-01", "✓")


def test_column_options():
    assert parse_column_options(["result=得分", "site = 营业厅名称"]) == {
        "result": "得分",
        "site": "营业厅名称",
    }
    for bad in ("result", "=x", "colour=x"):
        with pytest.raises(SvcstdError, match="--column"):
            parse_column_options([bad])


# --------------------------------------------------------------------------- long sheets


def test_long_csv_with_chinese_headers(tmp_path, catalog):
    seen, rejected = read(write(tmp_path / "r.csv", LONG), catalog)
    assert rejected == []
    assert verdicts(seen) == {
        ("J-1", "A-01"): "pass",
        ("J-1", "A-02"): "pass",
        ("J-1", "A-03"): "pass",
        ("J-2", "A-01"): "fail",
        ("J-2", "A-02"): "fail",
        ("J-2", "B-01"): "fail",
    }
    first = seen[0]
    assert first.row == 2 and first.file.endswith("r.csv")
    assert first.meta == {
        "date": "2025-03-04",
        "site": "城东营业厅",
        "staff": "张伟",
        "inspector": "陈静",
    }
    assert [o.value for o in seen if o.standard == "A-02"] == [75, 105]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected_and_named(tmp_path, catalog, encoding, expected):
    path = write(tmp_path / "r.csv", LONG, encoding)
    read_batches = list(batches(path, catalog))
    assert read_batches[0].source.encoding == expected
    seen, _ = read(path, catalog)
    assert seen[0].meta["site"] == "城东营业厅"  # no mojibake, no BOM in the first header


@pytest.mark.parametrize("count", [3000, 2 * MAX_CHUNK_ROWS + 100, 40000])  # GBK in block 1 or 2
def test_gbk_text_after_64_kib_of_ascii_is_read_again_as_gb18030(tmp_path, catalog, count):
    ascii_rows = "".join(f"K-{n},2025-03-04,S1,P1,Q1,A-01,pass,\n" for n in range(count))
    assert len(ascii_rows) > 64 * 1024
    text = "inspection,date,site,staff,inspector,standard,result,note\n" + ascii_rows
    text += "K-last,2025-03-04,城东营业厅,张伟,陈静,A-01,不合格,未问候\n"
    path = write(tmp_path / "late.csv", text, "gb18030")
    seen, rejected = read(path, catalog)
    assert rejected == [] and len(seen) == count + 1
    assert len({o.inspection for o in seen}) == count + 1  # nothing read twice
    assert [o.row for o in seen] == list(range(2, count + 3))
    last = seen[-1]
    assert (last.inspection, last.verdict, last.meta["site"], last.row) == (
        "K-last",
        "fail",
        "城东营业厅",
        count + 2,
    )
    assert next(batches(path, catalog)).source.encoding in ("utf-8", "gb18030")


def test_damaged_utf8_is_an_error_with_its_line(tmp_path, catalog):
    data = LONG.encode("utf-8").replace("城西".encode(), b"\xff\xfe", 1)
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(SvcstdError) as caught:
        read(path, catalog)
    assert "line 5" in str(caught.value) and "UTF-8" in str(caught.value)


def test_forced_encoding(tmp_path, catalog):
    path = write(tmp_path / "r.csv", LONG, "gb18030")
    seen, _ = read(path, catalog, encoding="GB18030")
    assert seen[0].meta["site"] == "城东营业厅"
    with pytest.raises(SvcstdError, match="not a text encoding"):
        read(path, catalog, encoding="klingon")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_delimiter_is_sniffed_from_the_header(tmp_path, catalog, delimiter):
    seen, _ = read(write(tmp_path / "r.csv", LONG.replace(",", delimiter)), catalog)
    assert len(seen) == 6 and seen[0].meta["site"] == "城东营业厅"


def test_an_unterminated_quote_is_an_error_with_its_line(tmp_path, catalog):
    text = (
        LONG + 'J-3,2025-03-06,"城南,张伟,陈静,A-01,合格,\n' + "J-4,2025-03-06,x,y,z,A-01,合格,\n"
    )
    with pytest.raises(SvcstdError, match=r"line \d+: a quote"):
        read(write(tmp_path / "r.csv", text), catalog)


def test_a_stray_quote_is_an_error(tmp_path, catalog):
    text = LONG + 'J-3,2025-03-06,"城"南,张伟,陈静,A-01,合格,\n'
    with pytest.raises(SvcstdError, match="line 8: a stray quote"):
        read(write(tmp_path / "r.csv", text), catalog)


def test_ragged_rows_are_rejected_with_their_row_number(tmp_path, catalog):
    lines = LONG.splitlines()
    lines[2] = lines[2] + ",extra"  # an unquoted comma inside a cell
    lines[4] = "J-2,2025-03-05,城西营业厅"  # a line break inside an unquoted cell
    lines.insert(3, lines[3] + ",,")  # trailing empty cells are fine
    seen, rejected = read(write(tmp_path / "r.csv", "\n".join(lines) + "\n"), catalog)
    assert [(r.row, r.reason.split(" (")[0]) for r in rejected] == [
        (3, "row has 9 cells but the header has 8"),
        (6, "row has 3 cells but the header has 8"),
    ]
    assert len(seen) == 5


def test_blank_lines_and_a_title_above_the_header(tmp_path, catalog):
    text = "上门服务检查结果 2025 年 3 月\n\n" + LONG.replace("\nJ-2", "\n\n,,,,,,,\nJ-2", 1)
    path = write(tmp_path / "r.csv", text)
    seen, rejected = read(path, catalog)
    assert rejected == [] and len(seen) == 6
    assert seen[0].row == 4  # rows are numbered as a spreadsheet shows them
    source = next(batches(path, catalog)).source
    assert source.header_row == 3


def test_a_file_with_no_results_header_is_an_error(tmp_path, catalog):
    with pytest.raises(SvcstdError, match="no results header"):
        read(write(tmp_path / "r.csv", "name,age\nx,1\n"), catalog)
    with pytest.raises(SvcstdError, match="no result column"):
        read(write(tmp_path / "r.csv", "standard,score\nA-01,1\n"), catalog)
    with pytest.raises(SvcstdError, match="empty"):
        read(write(tmp_path / "r.csv", ""), catalog)


def test_column_mapping(tmp_path, catalog):
    text = "单号,项目,得分,营业厅名称\nJ-1,A-01,合格,城东\n"
    path = write(tmp_path / "r.csv", text)
    with pytest.raises(SvcstdError):
        read(path, catalog)
    columns = parse_column_options(["inspection=单号", "standard=项目", "result=得分"])
    columns["site"] = "营业厅名称"
    seen, _ = read(path, catalog, columns=columns)
    assert verdicts(seen) == {("J-1", "A-01"): "pass"} and seen[0].meta["site"] == "城东"


def test_english_headers_and_extra_columns(tmp_path, catalog):
    text = "Inspection,Standard,Result,Site,Region\nJ-1,A-01,yes,East,North\n"
    path = write(tmp_path / "r.csv", text)
    seen, _ = read(path, catalog, keep=("Region",))
    assert seen[0].meta == {
        "date": "",
        "site": "East",
        "staff": "",
        "inspector": "",
        "Region": "North",
    }


def test_ids_filled_down_continue_the_inspection_above(tmp_path, catalog):
    text = (
        "检查编号,日期,网点,员工,标准编号,结果\n"
        "J-1,2025-03-04,城东,张伟,A-01,合格\n"
        ",,,,A-02,80\n"  # the Excel habit: the id (and date, site…) only on a block's first row
        ",2025-03-04,城东,,A-03,✓\n"  # what is filled in agrees with the block
        "J-2,2025-03-05,城西,王芳,A-01,合格\n"
        ",,,,A-02,70\n"
        ",,,,A-02,75\n"  # A-02 again: not the same inspection any more
        ",2025-03-06,,,A-03,✓\n"  # another date: not the same inspection
        ",,,,B-01,\n"  # a blank row of a template: belongs to no one, rejected for nothing
    )
    path = write(tmp_path / "r.csv", text)
    seen, rejected = read(path, catalog)
    placed = [(o.row, o.inspection, o.standard) for o in seen if o.verdict != "blank"]
    assert placed == [
        (2, "J-1", "A-01"), (3, "J-1", "A-02"), (4, "J-1", "A-03"),
        (5, "J-2", "A-01"), (6, "J-2", "A-02"),
    ]  # fmt: skip
    assert seen[2].meta["date"] == "2025-03-04" and seen[4].meta["site"] == "城西"
    assert [(r.row, r.kind) for r in rejected] == [(7, "missing_id"), (8, "missing_id")]
    assert "missing inspection id" in rejected[0].reason
    assert [(o.row, o.inspection, o.verdict) for o in seen if o.verdict == "blank"] == [
        (9, "", "blank")
    ]
    assert any("3 rows had no inspection id" in w for w in _warnings(path, catalog))


def _warnings(path: Path, catalog: Catalog) -> list[str]:
    found: list[str] = []
    for batch in batches(path, catalog):
        found = batch.source.warnings
    return found


def test_rows_with_no_id_before_any_block_are_rejected(tmp_path, catalog):
    text = "检查编号,日期,网点,标准编号,结果\n,2025-03-04,城东,A-01,合格\nJ-1,2025-03-04,城东,A-01,合格\n"
    seen, rejected = read(write(tmp_path / "r.csv", text), catalog)
    assert [(r.row, r.kind) for r in rejected] == [(2, "missing_id")]
    assert [(o.row, o.inspection) for o in seen] == [(3, "J-1")]


def test_ids_filled_down_across_a_chunk_boundary(tmp_path, catalog):
    lines = ["inspection,standard,result"]
    for n in range(3000):
        lines += [f"J-{n},A-01,pass", ",A-02,60", ",A-03,pass"]
    seen, rejected = read(write(tmp_path / "r.csv", "\n".join(lines) + "\n"), catalog)
    assert rejected == []
    assert [o.inspection for o in seen] == [f"J-{n}" for n in range(3000) for _ in range(3)]


def test_without_an_id_column_rows_are_grouped_by_their_metadata(tmp_path, catalog):
    text = (
        "日期,网点,员工,标准编号,结果\n"
        "2025-03-04,城东,张伟,A-01,合格\n"
        "2025-03-04,城东,张伟,A-02,80\n"
        "2025-03-04,城西,王芳,A-01,合格\n"
    )
    path = write(tmp_path / "r.csv", text)
    seen, rejected = read(path, catalog)
    assert rejected == []
    inspections = [o.inspection for o in seen]
    assert inspections[0] == inspections[1] != inspections[2]
    assert "城东" in inspections[0]
    assert any("no inspection id column" in w for w in _warnings(path, catalog))


def test_xlsx_merged_id_cells_belong_to_every_row_they_cover(tmp_path, catalog):
    book = Workbook()
    sheet = book.active
    for row in [
        ["inspection", "site", "standard", "result"],
        ["J-1", "城东", "A-01", "pass"],
        [None, None, "A-02", "60"],
        [None, None, "A-03", "pass"],
        ["J-2", "城西", "A-01", "fail"],
    ]:
        sheet.append(row)
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("B2:B4")
    book.save(tmp_path / "m.xlsx")
    seen, rejected = read(tmp_path / "m.xlsx", catalog)
    assert rejected == []
    assert [(o.inspection, o.meta["site"]) for o in seen] == [("J-1", "城东")] * 3 + [
        ("J-2", "城西")
    ]


def test_unknown_standards_and_unreadable_values_are_entries_with_reasons(tmp_path, catalog):
    text = (
        LONG + "J-3,2025-03-06,城南,张伟,陈静,A-99,合格,\nJ-3,2025-03-06,城南,张伟,陈静,A-02,快,\n"
    )
    seen, _ = read(write(tmp_path / "r.csv", text), catalog)
    bad = [(o.row, o.standard, o.verdict, o.reason) for o in seen if o.verdict not in VALID]
    assert bad[0][:3] == (8, "A-99", "unknown")
    assert bad[1][:3] == (9, "A-02", "unreadable") and "duration" in bad[1][3]


VALID = {"pass", "fail", "na", "blank"}


# --------------------------------------------------------------------------- wide sheets


def test_wide_csv(tmp_path, catalog):
    text = (
        "检查编号,日期,网点,员工,检查员,A-01,A-02,A-03,B-01,备注\n"
        "J-1,2025-03-04,城东,张伟,陈静,合格,60,✓,2,\n"
        "J-2,2025-03-05,城西,王芳,陈静,不合格,,✓,不适用,迟到\n"
    )
    seen, rejected = read(write(tmp_path / "w.csv", text), catalog)
    assert rejected == []
    assert verdicts(seen) == {
        ("J-1", "A-01"): "pass",
        ("J-1", "A-02"): "pass",
        ("J-1", "A-03"): "pass",
        ("J-1", "B-01"): "pass",
        ("J-2", "A-01"): "fail",
        ("J-2", "A-02"): "blank",
        ("J-2", "A-03"): "pass",
        ("J-2", "B-01"): "na",
    }
    assert {o.row for o in seen if o.inspection == "J-2"} == {3}


KOBO = (
    "start,end,inspection,date,site,staff,inspector,arrive/A-01,arrive/A-02,arrive/A-03,"
    "serve/B-01,note,_id,_uuid,_submission_time,_validation_status,_index\n"
    "2025-03-04T09:00:00.000+08:00,2025-03-04T09:20:00.000+08:00,uuid:1,2025-03-04,城东,张伟,"
    "陈静,pass,75,pass,2,,1,u-1,2025-03-04T01:21:00,,1\n"
)
ODK = (
    "SubmissionDate,date,site,staff,inspector,arrive-A-01,arrive-A-02,arrive-A-03,serve-B-01,"
    "note,meta-instanceID,KEY,SubmitterID,Status\n"
    "2025-03-04T01:21:00.000Z,2025-03-04,城东,张伟,陈静,✓ 合格,75,✓ 合格,2,,uuid:9,uuid:9,5,\n"
)


@pytest.mark.parametrize(("text", "inspection"), [(KOBO, "uuid:1"), (ODK, "uuid:9")])
def test_phone_form_exports(tmp_path, catalog, text, inspection):
    path = write(tmp_path / "export.csv", text)
    seen, rejected = read(path, catalog)
    assert rejected == []
    assert {(o.standard, o.verdict) for o in seen} == {
        ("A-01", "pass"),
        ("A-02", "pass"),
        ("A-03", "pass"),
        ("B-01", "pass"),
    }
    assert {o.inspection for o in seen} == {inspection}
    assert seen[0].meta["site"] == "城东" and seen[0].meta["date"] == "2025-03-04"
    source = next(batches(path, catalog)).source
    assert source.shape == "wide" and source.ignored == [] and source.warnings == []


def test_wide_without_ids_uses_the_row(tmp_path, catalog):
    text = "date,A-01,A-02\n2025-03-04,pass,80\n2025-03-04,fail,95\n"
    seen, _ = read(write(tmp_path / "w.csv", text), catalog)
    assert sorted({o.inspection for o in seen}) == [
        f"{tmp_path / 'w.csv'}#2",
        f"{tmp_path / 'w.csv'}#3",
    ]


def test_wide_columns_shaped_like_ids_but_unknown_are_rejected_entries(tmp_path, catalog):
    text = "inspection,A-01,A-99,区域\nJ-1,pass,fail,东\nJ-2,pass,,东\n"
    path = write(tmp_path / "w.csv", text)
    seen, _ = read(path, catalog)
    unknown = [(o.inspection, o.verdict) for o in seen if o.standard == "A-99"]
    assert unknown == [("J-1", "unknown")]  # J-2 left it blank: not observed, not rejected
    source = next(batches(path, catalog)).source
    assert source.ignored == ["区域"]
    assert any("A-99" in w for w in source.warnings)


# --------------------------------------------------------------------------- XLSX


def xlsx(path: Path, rows: list[list[object]], title: str = "results", extra: str | None = None):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    if extra is not None:
        notes = book.create_sheet(extra, 0)
        notes.append(["填写说明"])
        notes.append(["每行一项"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_values_become_the_text_people_see(tmp_path, catalog):
    rows: list[list[object]] = [
        ["检查编号", "日期", "网点", "标准编号", "结果"],
        [12.0, dt.datetime(2025, 3, 4), "城东", "A-01", 1],
        [12.0, dt.datetime(2025, 3, 4), "城东", "A-02", dt.timedelta(seconds=90)],
        [12.0, dt.datetime(2025, 3, 4), "城东", "B-02", dt.time(0, 5)],  # typed 0:05 in Excel
        [12.0, dt.datetime(2025, 3, 4), "城东", "B-02", 7.5],
        [12.0, dt.datetime(2025, 3, 4), "城东", "B-03", True],
        [None, None, None, None, None],
        [None, None, None, None, None],
    ]
    path = xlsx(tmp_path / "r.xlsx", rows)
    book = load_workbook(path)
    book.active["E3"].number_format = "[m]:ss"  # a duration format: 90 seconds, as shown
    book.save(path)
    seen, rejected = read(path, catalog)
    # a time-of-day cell for a standard counted in minutes: Excel decided 0:05 means 5 minutes
    assert [(r.row, r.kind) for r in rejected] == [(4, "unreadable")]
    assert "an Excel time cell (0:05" in rejected[0].reason and rejected[0].value == "0:05:00"
    assert {
        (o.inspection, o.standard, o.verdict, o.value) for o in seen if o.verdict != "unreadable"
    } == {
        ("12", "A-01", "pass", None),
        ("12", "A-02", "pass", 90),
        ("12", "B-02", "pass", 7.5),
        ("12", "B-03", "pass", None),
    }
    assert seen[0].meta["date"] == "2025-03-04"


def test_xlsx_numeric_ids_are_warned_about(tmp_path, catalog):
    rows = [["inspection", "standard", "result"], [1.1, "A-01", "pass"]]
    path = xlsx(tmp_path / "r.xlsx", rows)
    warnings = [w for b in batches(path, catalog) for w in b.source.warnings]
    assert any("number in Excel" in w for w in warnings)


def test_xlsx_formula_without_a_saved_value_is_an_error(tmp_path, catalog):
    rows = [["inspection", "standard", "result"], ["J-1", "A-01", '=IF(1,"pass","fail")']]
    with pytest.raises(SvcstdError, match=r"cell C2 holds the formula .* no saved value"):
        read(xlsx(tmp_path / "r.xlsx", rows), catalog)


def test_xlsx_picks_the_sheet_with_results(tmp_path, catalog):
    rows = [["inspection", "standard", "result"], ["J-1", "A-01", "pass"]]
    path = xlsx(tmp_path / "r.xlsx", rows, extra="说明")
    seen, _ = read(path, catalog)
    assert verdicts(seen) == {("J-1", "A-01"): "pass"}
    assert read(path, catalog, sheet="results")[0] == seen
    assert read(path, catalog, sheet="2")[0] == seen
    with pytest.raises(SvcstdError, match="no results header"):
        read(path, catalog, sheet="说明")
    with pytest.raises(SvcstdError, match="no sheet 'x'"):
        read(path, catalog, sheet="x")


def test_old_excel_and_broken_workbooks_are_clean_errors(tmp_path, catalog):
    with pytest.raises(SvcstdError, match=r"\.xlsx or \.csv"):
        read(write(tmp_path / "r.xls", "x"), catalog)
    broken = tmp_path / "r.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SvcstdError, match=r"not a readable \.xlsx"):
        read(broken, catalog)


# --------------------------------------------------------------------------- streaming


def test_large_files_stream_in_batches_and_remember_only_distinct_texts(tmp_path, catalog):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["inspection", "standard", "result", "site"])
    rows = 3 * MAX_CHUNK_ROWS
    for n in range(rows):
        writer.writerow([f"J-{n // 4}", ("A-01", "A-02", "A-03", "B-01")[n % 4], n % 2, "S"])
    path = write(tmp_path / "big.csv", buffer.getvalue())
    stream = batches(path, catalog)
    first = next(stream)
    assert 0 < first.source.rows < rows  # the first batch comes before the rest is read
    rest = list(stream)
    assert sum(len(b.codes) for b in [first, *rest]) == rows
    assert max(len(b.codes) for b in rest) <= MAX_CHUNK_ROWS
    assert len(catalog.readings) <= 8  # one per distinct meaning, not per row


def test_a_broken_row_far_down_comes_after_the_rows_before_it(tmp_path, catalog):
    body = "".join(f"J-{n},A-01,pass\n" for n in range(MAX_CHUNK_ROWS + 10))
    path = write(tmp_path / "r.csv", "inspection,standard,result\n" + body + 'J-x,"A-01,pass\n')
    stream = batches(path, catalog)
    assert len(next(stream).codes) > 0  # rows before the broken one are read first
    with pytest.raises(SvcstdError, match=r"line \d+: a quote"):
        list(stream)


def test_wide_rows_come_a_few_at_a_time(tmp_path, catalog):
    # chunks are bounded by cells, not rows: a very wide sheet is not read whole
    header = ["inspection", "A-01"] + [f"extra{n}" for n in range(5000)]
    lines = [",".join(header)] + [",".join([f"J-{n}", "pass"] + [""] * 5000) for n in range(200)]
    path = write(tmp_path / "wide.csv", "\n".join(lines) + "\n")
    sizes = [len(batch.codes) for batch in batches(path, catalog)]
    assert sum(sizes) == 200 and max(sizes) < 50


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400) | st.text(alphabet=",;\t\"\n\r 合格AB-01ｘ'=", max_size=200))
def test_any_bytes_give_a_result_or_one_clean_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "r.csv"
    prefix = b"inspection,standard,result\n"
    path.write_bytes(prefix + (data if isinstance(data, bytes) else data.encode("utf-8")))
    try:
        for item in observations([path], Catalog([("mini.yaml", MINI)])):
            assert isinstance(item, (Observation, Reject))
            assert item.row >= 1
    except SvcstdError as error:
        assert str(error) and "\n" not in str(error)


def _records_both_ways(text: str, delimiter: str, cuts: list[int]) -> tuple[object, object]:
    """csv.reader's records of `text` read whole, and svcstd's records of the same text
    arriving in blocks cut at `cuts`, each with the line of an error (or 0)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    expected: list[list[str]] = []
    try:
        expected.extend(reader)
        expected_error = 0
    except csv.Error:
        expected_error = reader.line_num
    blocks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    got: list[list[str]] = []
    try:
        for rows in _records(_whole_lines(iter(blocks), "r.csv"), delimiter, "r.csv"):
            got.extend(rows)
        error = 0
    except SvcstdError as caught:
        error = int(str(caught).split(", line ")[1].split(":")[0])
    return (expected, expected_error), (got, error)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.text(alphabet=',;a合"\r ', max_size=8) | st.sampled_from(["", "a,b", "x,,y"]),
        max_size=12,
    ),
    newline=st.sampled_from(["\n", "\r\n"]),
    ending=st.sampled_from(["\n", "\r\n", "\r", ""]),
    delimiter=st.sampled_from([",", ";"]),
    cuts=st.lists(st.integers(0, 120), max_size=6),
)
def test_records_are_what_csv_reader_reads(lines, newline, ending, delimiter, cuts):
    # blocks cut anywhere — inside a quote, between CR and LF: the same records, and an error
    # on the same line
    text = newline.join(lines) + ending
    expected, got = _records_both_ways(text, delimiter, sorted(c for c in cuts if c <= len(text)))
    if expected[1]:  # rows before an error may be read or not; the error and its line agree
        assert got[1] == expected[1]
    else:
        assert got == expected


def test_bom_never_reaches_the_first_header(tmp_path, catalog):
    path = tmp_path / "r.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"inspection,standard,result\nJ-1,A-01,pass\n")
    source = next(batches(path, catalog)).source
    assert source.columns["inspection"] == "inspection"


def test_forced_delimiter_and_a_standard_mapped_to_a_question_column(tmp_path, catalog):
    text = "inspection|Q1|Q2\nJ-1|pass|80\n"
    path = write(tmp_path / "r.csv", text)
    columns = parse_column_options(["A-01=Q1", "A-02=Q2"], catalog)
    seen, _ = read(path, catalog, delimiter="|", columns=columns)
    assert verdicts(seen) == {("J-1", "A-01"): "pass", ("J-1", "A-02"): "pass"}
    with pytest.raises(SvcstdError, match="one character"):
        read(path, catalog, delimiter="||")
