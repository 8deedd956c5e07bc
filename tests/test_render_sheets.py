"""Results sheets and XLSForms: the exact shape `svcstd score` reads, safe cells, valid forms.

The round trip: render a blank sheet (csv and xlsx, long and wide), fill it in here as an
inspector would, and read it back with `svcstd.results` — every result must come back
attached to the right standard with the right verdict. XLSForms are converted with pyxform,
the reference converter; a simulated phone export of the form is read back the same way.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svcstd.loading import load_standard
from svcstd.render import build_view
from svcstd.sheets import (
    LONG_COLUMNS,
    csv_bytes,
    form_names,
    neutralise,
    results_sheet,
    xlsform,
    xlsform_bytes,
    xlsx_bytes,
    xml_name,
)
from svcstd.vocab import META_COLUMNS, META_LABELS

DATA = Path(__file__).parent / "data" / "render"

# What the test inspector writes for each standard of sample.yaml, and what it must mean.
FILLED = {
    "RH-01": ("8", "pass"),  # ≤ 10 s
    "RH-02": ("✗", "fail"),  # yes/no, a red line
    "RH-03": ("16", "fail"),  # 0–15 min
    "RH-04": ("N/A", "na"),
    "RH-05": ("4", "pass"),  # ≥ 4 on 1…5
    "RH-06": ("", "blank"),  # not observed
}
META = {"date": "2026-03-02", "site": "城东营业厅", "staff": "E-17", "inspector": "王质检"}


@pytest.fixture(scope="module")
def sample():
    return load_standard(DATA / "sample.yaml")


def csv_rows(data: bytes, title: bool = False) -> list[list[str]]:
    """The rows of a CSV sheet, without its one-cell title row unless `title`."""
    assert data.startswith("\ufeff".encode())  # Excel on Windows needs the BOM for Chinese
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows[0]) == 1  # the title row
    return rows if title else rows[1:]


# --------------------------------------------------------------------------- shape


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_long_sheet_shape(sample, lang):
    rows = csv_rows(csv_bytes(results_sheet(build_view(sample, lang=lang), "long")))
    assert rows[0] == [META_LABELS[lang][key] for key in LONG_COLUMNS]
    standard_at = LONG_COLUMNS.index("standard")
    assert [row[standard_at] for row in rows[1:]] == list(FILLED)
    assert all(cell == "" for row in rows[1:] for i, cell in enumerate(row) if i != standard_at)


def test_title_row_names_standard_version_and_filters(sample):
    rows = csv_rows(csv_bytes(results_sheet(build_view(sample), "long")), title=True)
    assert rows[0] == ["营业厅服务标准（测试） · sample-hall v1.10 · 检查表"]
    view = build_view(sample, lang="en", stage="serve", role="值班长")
    rows = csv_rows(csv_bytes(results_sheet(view, "wide")), title=True)
    assert rows[0] == ["营业厅服务标准（测试） · sample-hall v1.10 · checklist · serve · 值班长"]


def test_every_header_is_one_the_reader_knows(sample):
    """The labels written come from vocab.META_LABELS and are aliases of vocab.META_COLUMNS."""
    for lang in ("zh", "en"):
        for key, label in META_LABELS[lang].items():
            assert label in META_COLUMNS[key]


def test_wide_sheet_shape(sample):
    rows = csv_rows(csv_bytes(results_sheet(build_view(sample), "wide")))
    assert rows == [["检查编号", "日期", "网点", "员工", "检查员", *FILLED, "备注"]]


def test_sheet_follows_filters(sample):
    rows = csv_rows(csv_bytes(results_sheet(build_view(sample, stage="arrive"), "wide")))
    assert rows[0][5:7] == ["RH-01", "RH-02"] and len(rows[0]) == 8


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1", "'＝1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("HV-01", "HV-01"),
        ("合格", "合格"),
        ("", ""),
    ],
)
def test_neutralise(text, safe):
    assert neutralise(text) == safe


def test_csv_cells_cannot_run_as_formulas():
    view = build_view(load_standard(DATA / "hostile.yaml"))
    rows = csv_rows(csv_bytes(results_sheet(view, "long")))
    standard_at = LONG_COLUMNS.index("standard")
    assert [row[standard_at] for row in rows[1:]] == ["'=1+1", "'-7"]
    wide = csv_rows(csv_bytes(results_sheet(view, "wide")))
    assert wide[0][5:7] == ["'=1+1", "'-7"]


def test_xlsx_text_is_string_cells_with_excel_quote_prefix(tmp_path):
    view = build_view(load_standard(DATA / "hostile.yaml"))
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(xlsx_bytes(results_sheet(view, "wide")))
    sheet = load_workbook(path).active
    assert (
        sheet.cell(1, 1).value
        == '<script>alert(1)</script> | 标题 · hostile v9"</style><script>alert(2)</script>\\ · 检查表'
    )
    formula_cell = sheet.cell(2, 6)
    assert formula_cell.value == "=1+1"  # the id itself, exact, so it reads back
    assert formula_cell.data_type == "s"
    assert formula_cell.quotePrefix is True
    assert sheet.cell(2, 7).value == "-7" and sheet.cell(2, 7).quotePrefix is True
    assert sheet.cell(2, 1).quotePrefix is False
    assert all(cell.data_type == "s" for cell in sheet[2])


def test_xlsx_guides_the_inspector(sample, tmp_path):
    view = build_view(sample)
    path = tmp_path / "long.xlsx"
    path.write_bytes(xlsx_bytes(results_sheet(view, "long")))
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].value == "营业厅服务标准（测试） · sample-hall v1.10 · 检查表"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    result_column = "G"  # LONG_COLUMNS: result is the 7th
    first = validations[f"{result_column}3"]
    assert first.promptTitle == "RH-01" and "≤ 10 秒" in first.prompt
    assert first.type == "decimal" and first.operator == "greaterThanOrEqual"
    red_line = validations[f"{result_column}4"]
    assert red_line.type == "list" and red_line.formula1 == '"合格,不合格,不适用"'
    assert "【红线】" in red_line.prompt
    rating = validations[f"{result_column}7"]
    assert (rating.formula1, rating.formula2) == ("1", "5")


def test_xlsx_wide_prompts_each_standard_column(sample, tmp_path):
    view = build_view(sample)
    path = tmp_path / "wide.xlsx"
    path.write_bytes(xlsx_bytes(results_sheet(view, "wide")))
    sheet = load_workbook(path).active
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert sorted(validations) == [f"{c}3:{c}1000" for c in "FGHIJK"]
    assert "客户进门时主动问候" in validations["F3:F1000"].prompt
    assert sheet["G2"].fill.fgColor.rgb.endswith("FDECEA")  # the red line's column


# --------------------------------------------------------------------------- round trip


def fill_long(rows: list[list[str]]) -> list[list[str]]:
    header = rows[0]
    index = {key: header.index(META_LABELS["zh"][key]) for key in LONG_COLUMNS}
    filled = [header]
    for row in rows[1:]:
        row = list(row)
        row[index["inspection"]] = "I-1"
        for key, value in META.items():
            row[index[key]] = value
        row[index["result"]] = FILLED[row[index["standard"]]][0]
        filled.append(row)
    return filled


def fill_wide(header: list[str]) -> list[list[str]]:
    values = {"检查编号": "I-1", "日期": META["date"], "网点": META["site"]}
    values |= {"员工": META["staff"], "检查员": META["inspector"], "备注": "雨天"}
    values |= {key: value for key, (value, _) in FILLED.items()}
    return [header, [values[cell] for cell in header]]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def fill_xlsx(path: Path, values: dict[tuple[int, int], str]) -> None:
    book = load_workbook(path)
    sheet = book.active
    for (row, column), value in values.items():
        sheet.cell(row, column).value = value
    book.save(path)


def read_back(sample, path: Path) -> dict[str, tuple[str, str, dict[str, str]]]:
    from svcstd import results  # the score command's reader

    Catalog, Observation, observations = results.Catalog, results.Observation, results.observations

    seen = {}
    for item in observations([path], Catalog([("sample.yaml", sample)])):
        assert isinstance(item, Observation), item
        seen[item.standard] = (item.inspection, item.verdict, item.meta)
    return seen


def assert_round_trip(seen) -> None:
    assert {key: verdict for key, (_, verdict, _) in seen.items()} == {
        key: meaning for key, (_, meaning) in FILLED.items()
    }
    assert {inspection for inspection, _, _ in seen.values()} == {"I-1"}
    assert all(meta == META for _, _, meta in seen.values())


def test_round_trip_long_csv(sample, tmp_path):
    title, *blank = csv_rows(csv_bytes(results_sheet(build_view(sample), "long")), title=True)
    path = tmp_path / "long.csv"
    write_csv(path, [title, *fill_long(blank)])
    assert_round_trip(read_back(sample, path))


def test_round_trip_wide_csv(sample, tmp_path):
    title, header = csv_rows(csv_bytes(results_sheet(build_view(sample), "wide")), title=True)
    path = tmp_path / "wide.csv"
    write_csv(path, [title, *fill_wide(header)])
    assert_round_trip(read_back(sample, path))


def test_round_trip_long_xlsx(sample, tmp_path):
    view = build_view(sample)
    path = tmp_path / "long.xlsx"
    path.write_bytes(xlsx_bytes(results_sheet(view, "long")))
    _, *blank = [[c.value or "" for c in r] for r in load_workbook(path).active.iter_rows()]
    filled = fill_long(blank)
    fill_xlsx(
        path,
        {(r + 2, c + 1): v for r, row in enumerate(filled) for c, v in enumerate(row) if r and v},
    )
    assert_round_trip(read_back(sample, path))


def test_round_trip_wide_xlsx(sample, tmp_path):
    view = build_view(sample)
    path = tmp_path / "wide.xlsx"
    path.write_bytes(xlsx_bytes(results_sheet(view, "wide")))
    header = [c.value for c in load_workbook(path).active[2]]
    row = fill_wide(header)[1]
    fill_xlsx(path, {(3, c + 1): v for c, v in enumerate(row) if v})
    assert_round_trip(read_back(sample, path))


def test_round_trip_keeps_formula_like_ids(tmp_path):
    """`=1+1` is written as `'=1+1` in CSV and read back as the id `=1+1`."""
    from svcstd import results

    Catalog, Observation, observations = results.Catalog, results.Observation, results.observations

    doc = load_standard(DATA / "hostile.yaml")
    blank = csv_rows(csv_bytes(results_sheet(build_view(doc), "wide")))
    path = tmp_path / "wide.csv"
    write_csv(path, [blank[0], ["I-9", "2026-03-02", "s", "p", "q", "✓", "12", ""]])
    seen = {
        o.standard: o.verdict
        for o in observations([path], Catalog([("hostile.yaml", doc)]))
        if isinstance(o, Observation)
    }
    assert seen == {"=1+1": "pass", "-7": "pass"}


# --------------------------------------------------------------------------- XLSForm


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("HV-01", "HV-01"),
        ("上门-01", "上门-01"),
        ("_x", "_x"),
        ("a.b", "a.b"),
        ("01", "_01"),
        ("1.2", "_1.2"),
        ("-7", "_-7"),
        (".x", "_.x"),
        ("=1+1", "_1_1"),
        ("a:b", "a_b"),
        ("a|b#c", "a_b_c"),
    ],
)
def test_xml_name(text, name):
    assert xml_name(text) == name


def test_form_names_are_unique_and_avoid_reserved():
    names = form_names(["a:b", "a_b", "site", "A_B"], ["site"])
    assert names == {"a:b": "a_b", "a_b": "a_b_2", "site": "site_2", "A_B": "A_B_3"}


def convert(path: Path) -> str:
    from pyxform.xls2xform import convert as pyxform_convert

    warnings: list[str] = []
    result = pyxform_convert(xlsform=str(path), warnings=warnings)
    assert warnings == []
    return result.xform


@pytest.mark.parametrize("name", ["sample.yaml", "hostile.yaml"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsform_converts_with_pyxform(tmp_path, name, lang):
    form = xlsform(build_view(load_standard(DATA / name), lang=lang))
    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsform_bytes(form))
    xform = convert(path)
    assert "<h:title>" in xform


def test_xlsform_structure(sample, tmp_path):
    form = xlsform(build_view(sample))
    types = {row["name"]: row["type"] for row in form.survey}
    assert types["RH-01"] == "decimal" and types["RH-02"] == "select_one result"
    assert types["RH-04"] == "integer"
    groups = [row["name"] for row in form.survey if row["type"] == "begin_group"]
    assert groups == ["arrive", "serve"]
    required = {row["name"] for row in form.survey if row.get("required") == "yes"}
    assert {"date", "site", "staff", "inspector", "RH-02"} <= required
    rows = {row["name"]: row for row in form.survey}
    assert rows["RH-01"]["constraint"] == ". >= 0"
    assert "≤ 10 秒" in rows["RH-01"]["hint"]
    assert rows["RH-05"]["constraint"] == ". >= 1 and . <= 5"
    assert rows["RH-06"]["constraint"] == ". >= 0 and . <= 100"
    assert rows["RH-02"]["label"].startswith("【红线】 RH-02")
    assert rows["inspection"]["calculation"] == "once(uuid())"
    assert [c["name"] for c in form.choices] == ["pass", "fail", "na"]
    settings = form.settings[0]
    assert (settings["form_id"], settings["version"]) == ("sample-hall", "1.10")
    assert form.renamed == {}


def test_xlsform_xform_has_a_node_per_standard(sample, tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsform_bytes(xlsform(build_view(sample))))
    xform = convert(path)
    for standard_id in FILLED:
        assert f"<{standard_id}/>" in xform
    assert 'version="1.10"' in xform


def test_xlsform_maps_ids_that_are_no_xml_names():
    form = xlsform(build_view(load_standard(DATA / "hostile.yaml")))
    assert form.renamed == {"=1+1": "_1_1", "-7": "_-7"}
    groups = [row["name"] for row in form.survey if row["type"] == "begin_group"]
    assert groups == ["_1st"]
    # a `${name}` in the text would be read as a reference to a question
    assert not any("${" in str(row.get("label")) for row in form.survey)


def test_xlsform_text_cells_are_strings(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsform_bytes(xlsform(build_view(load_standard(DATA / "hostile.yaml")))))
    survey = load_workbook(path)["survey"]
    assert all(cell.data_type == "s" for row in survey.iter_rows() for cell in row if cell.value)


@pytest.mark.parametrize("separator", ["/", "-"])
def test_phone_export_reads_back(sample, tmp_path, separator):
    """A Kobo (`group/question`) or ODK Central (`group-question`) export of the form."""
    form = xlsform(build_view(sample))
    header, row, group = [], [], ""
    values = {key: value for key, (value, _) in FILLED.items()}
    values |= {"inspection": "uuid:1", **META}
    for item in form.survey:
        kind, name = item["type"], str(item["name"])
        if kind == "begin_group":
            group = name
        elif kind == "end_group":
            group = ""
        elif name in values:
            header.append(f"{group}{separator}{name}" if group else name)
            row.append(values[name])
    header += ["_uuid", "_submission_time"]
    row += ["abc", "2026-03-02T10:00:00"]
    path = tmp_path / "export.csv"
    write_csv(path, [header, row])
    seen = read_back(sample, path)
    assert {key: verdict for key, (_, verdict, _) in seen.items()} == {
        key: meaning for key, (_, meaning) in FILLED.items()
    }


def test_control_characters_do_not_break_workbooks(tmp_path):
    """YAML escapes like "\\f" can put characters into a standard that XLSX cannot hold."""
    text = (DATA / "sample.yaml").read_text(encoding="utf-8")
    text = text.replace("what: 出示工牌", 'what: "出示\\f工牌\\x1f"')
    standard = tmp_path / "controls.yaml"
    standard.write_text(text, encoding="utf-8")
    view = build_view(load_standard(standard))
    for shape in ("long", "wide"):
        path = tmp_path / f"{shape}.xlsx"
        path.write_bytes(xlsx_bytes(results_sheet(view, shape)))
        prompts = [v.prompt for v in load_workbook(path).active.data_validations.dataValidation]
        assert any("出示\ufffd工牌\ufffd" in prompt for prompt in prompts)
    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsform_bytes(xlsform(view)))
    labels = [row[2].value for row in load_workbook(path)["survey"].iter_rows()]
    assert "【红线】 RH-02 出示\ufffd工牌" in labels  # a trailing control character is trimmed
    convert(path)


# --------------------------------------------------------------------------- any ids at all

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from svcstd.model import StandardFile  # noqa: E402

weird_ids = st.text(
    alphabet=st.sampled_from("Aa09-_.|=+@:#·上门${}") | st.characters(codec="utf-8"),
    min_size=1,
    max_size=6,
).filter(
    lambda text: text.strip() == text and "/" not in text and not any(c.isspace() for c in text)
)


@settings(max_examples=15, deadline=None)
@given(
    stage_ids=st.lists(weird_ids, min_size=1, max_size=3, unique=True),
    standard_ids=st.lists(weird_ids, min_size=1, max_size=5, unique=True),
    text=st.text(max_size=30),
)
def test_any_ids_make_a_form_pyxform_accepts(tmp_path_factory, stage_ids, standard_ids, text):
    stages = [
        {"id": stage_id, "name": f"S{n}", "steps": [{"id": "t", "name": "T", "standards": []}]}
        for n, stage_id in enumerate(stage_ids)
    ]
    for n, standard_id in enumerate(standard_ids):
        measure = {"kind": "yes_no"} if n % 2 else {"kind": "count", "min": 1}
        stages[n % len(stages)]["steps"][0]["standards"].append(
            {"id": standard_id, "what": text, "check": text, "measure": measure}
        )
    doc = StandardFile.model_validate(
        {
            "svcstd": 1,
            "id": standard_ids[0],
            "title": text.strip() or "T",
            "version": text,
            "stages": stages,
        }
    )
    form = xlsform(build_view(doc))
    names = [row["name"] for row in form.survey if row["type"] != "end_group"]
    assert len({str(name).casefold() for name in names}) == len(names)
    path = tmp_path_factory.mktemp("form") / "form.xlsx"
    path.write_bytes(xlsform_bytes(form))
    convert(path)
