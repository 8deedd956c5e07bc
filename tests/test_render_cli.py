"""`svcstd render …` end to end: every bundled standard in every format, options, safe writing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from svcstd.cli import app
from svcstd.resources import bundled_standards

DATA = Path(__file__).parent / "data" / "render"
SAMPLE = str(DATA / "sample.yaml")
BUNDLED = sorted(bundled_standards().glob("*.yaml"))
runner = CliRunner()


def render(*args: str):
    return runner.invoke(app, ["render", *args])


def one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("svcstd: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_there_are_bundled_standards():
    assert len(BUNDLED) >= 5


@pytest.mark.parametrize("standard", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_standard_renders_in_every_format(standard, tmp_path):
    from pyxform.xls2xform import convert

    outputs = []
    for kind, formats in {
        "checklist": ["md", "html", "csv", "xlsx", "xlsform"],
        "handout": ["md", "html"],
        "promise": ["md", "html"],
    }.items():
        for fmt in formats:
            suffix = "form.xlsx" if fmt == "xlsform" else fmt  # an XLSForm is a workbook
            target = tmp_path / f"{kind}.{suffix}"
            result = render(kind, str(standard), "--format", fmt, "-o", str(target))
            assert result.exit_code == 0, (kind, fmt, result.output)
            outputs.append(target)
    wide = tmp_path / "wide.xlsx"
    assert (
        render(
            "checklist", str(standard), "--format", "xlsx", "--shape", "wide", "-o", str(wide)
        ).exit_code
        == 0
    )
    warnings: list[str] = []
    convert(xlsform=str(tmp_path / "checklist.form.xlsx"), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    doc_id = standard.stem
    for path in outputs:
        if path.suffix in (".md", ".html"):
            assert doc_id in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("kind", ["checklist", "handout", "promise"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_text_goes_to_stdout_as_utf8(kind, fmt):
    result = render(kind, SAMPLE, "--format", fmt)
    assert result.exit_code == 0
    text = result.stdout_bytes.decode("utf-8")
    assert "sample-hall" in text and "1.10" in text


def test_csv_goes_to_stdout():
    result = render("checklist", SAMPLE, "--format", "csv", "--shape", "wide")
    assert result.exit_code == 0
    title, header = result.stdout_bytes.decode("utf-8-sig").splitlines()
    assert title == "营业厅服务标准（测试） · sample-hall v1.10 · 检查表"
    assert header.startswith("检查编号,日期,网点,员工,检查员,RH-01")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("out.html", b"<!doctype html>"),
        ("out.md", b"# "),
        ("out.csv", b"\xef\xbb\xbf"),
        ("out.xlsx", b"PK"),
    ],
)
def test_format_follows_the_output_suffix(tmp_path, name, start):
    target = tmp_path / name
    assert render("checklist", SAMPLE, "-o", str(target)).exit_code == 0
    assert target.read_bytes().startswith(start)


def test_lang_overrides_labels():
    result = render("checklist", SAMPLE, "--lang", "en")
    assert "Inspection plan" in result.stdout and "检查安排" not in result.stdout


def test_stage_and_role_filters():
    result = render("handout", SAMPLE, "--role", "值班长", "--stage", "serve")
    assert result.exit_code == 0
    assert "RH-03" in result.stdout and "RH-01" not in result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        pytest.param(["checklist", SAMPLE, "--format", "xlsx"], ["-o FILE"], id="xlsx-needs-file"),
        pytest.param(
            ["checklist", SAMPLE, "--format", "xlsform"], ["-o FILE"], id="xlsform-needs-file"
        ),
        pytest.param(
            ["checklist", SAMPLE, "--format", "pdf"],
            ["'pdf' is not one of 'md', 'html', 'csv', 'xlsx', 'xlsform'"],
            id="format",
        ),
        pytest.param(
            ["handout", SAMPLE, "--format", "csv"],
            ["'csv' is not one of 'md', 'html'"],
            id="handout-csv",
        ),
        pytest.param(
            ["checklist", SAMPLE, "--shape", "wide"],
            ["--shape applies to csv and xlsx"],
            id="shape-md",
        ),
        pytest.param(
            ["checklist", SAMPLE, "--format", "csv", "--shape", "tall"],
            ["'tall' is not one of 'long', 'wide'", "see svcstd render checklist --help"],
            id="shape",
        ),
        pytest.param(
            ["checklist", SAMPLE, "--lang", "fr"], ["'fr' is not one of 'zh', 'en'"], id="lang"
        ),
        pytest.param(["checklist", SAMPLE, "--stage", "lobby"], ["no stage 'lobby'"], id="stage"),
        pytest.param(["checklist", SAMPLE, "--role", "boss"], ["no role 'boss'"], id="role"),
        pytest.param(["checklist", "nope.yaml"], ["nope.yaml:1:1", "cannot read"], id="missing"),
        pytest.param(
            ["checklist", SAMPLE, "--format", "csv", "--template", SAMPLE],
            ["--template renders text"],
            id="template-csv",
        ),
        pytest.param(
            ["checklist", SAMPLE, "--template", "none.j2"], ["template not found"], id="no-template"
        ),
    ],
)
def test_bad_options_are_one_clean_line(args, fragments):
    one_line_error(render(*args), *fragments)


def test_nothing_to_promise_is_an_error(tmp_path):
    text = (
        (DATA / "sample.yaml")
        .read_text(encoding="utf-8")
        .replace("published: true", "published: false")
    )
    standard = tmp_path / "internal.yaml"
    standard.write_text(text, encoding="utf-8")
    one_line_error(render("promise", str(standard)), "nothing to promise")
    assert render("checklist", str(standard)).exit_code == 0


def test_broken_standard_is_one_clean_line_with_position(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("svcstd: 1\nid: x\ntitle: [unclosed\n", encoding="utf-8")
    one_line_error(render("checklist", str(broken)), "broken.yaml:")


def test_refuses_to_write_over_the_standard(tmp_path):
    standard = tmp_path / "std.yaml"
    standard.write_bytes((DATA / "sample.yaml").read_bytes())
    before = standard.read_bytes()
    one_line_error(
        render("checklist", str(standard), "-o", str(standard)), "refusing to write over the input"
    )
    link = tmp_path / "link.md"
    link.symlink_to(standard)
    one_line_error(render("checklist", str(standard), "-o", str(link)), "refusing")
    assert standard.read_bytes() == before


def test_refuses_to_write_over_the_template(tmp_path):
    template = tmp_path / "mine.md.j2"
    template.write_text("{{ id }}", encoding="utf-8")
    one_line_error(
        render("checklist", SAMPLE, "--template", str(template), "-o", str(template)), "refusing"
    )
    assert template.read_text(encoding="utf-8") == "{{ id }}"


def test_output_folder_must_exist(tmp_path):
    one_line_error(
        render("checklist", SAMPLE, "-o", str(tmp_path / "no" / "x.md")), "no such folder"
    )
    one_line_error(render("checklist", SAMPLE, "-o", str(tmp_path)), "is a folder")


def test_output_replaces_atomically_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "checklist.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert render("checklist", SAMPLE, "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# 营业厅服务标准")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checklist.md"]


def test_new_output_gets_the_usual_mode(tmp_path):
    target = tmp_path / "new.md"
    assert render("checklist", SAMPLE, "-o", str(target)).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_failed_render_keeps_the_old_output(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    template = tmp_path / "bad.j2"
    template.write_text("{{ nope }}", encoding="utf-8")
    one_line_error(
        render("checklist", SAMPLE, "--template", str(template), "-o", str(target)), "bad.j2:1"
    )
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.j2", "out.md"]


def test_user_template_through_the_cli(tmp_path):
    template = tmp_path / "list.html.j2"
    template.write_text(
        "<ul>{% for s in standards %}<li>{{ s.id }}</li>{% endfor %}</ul>", encoding="utf-8"
    )
    result = render("checklist", SAMPLE, "--template", str(template), "--role", "营业员")
    assert result.exit_code == 0
    assert result.stdout == "<ul><li>RH-02</li><li>RH-05</li></ul>"


@pytest.mark.parametrize(
    ("template", "output", "escaped"),
    [
        ("plain.j2", "out.html", True),  # no hint in the template's name: the output's suffix
        ("plain.j2", "out.md", False),
        ("page.html.j2", "out.txt", True),  # the template's name says HTML
        ("notes.md.j2", "out.html", False),  # … or Markdown, whatever the output is called
    ],
)
def test_user_template_escaping_follows_its_name_then_the_output(
    tmp_path, template, output, escaped
):
    path = tmp_path / template
    path.write_text("{{ '<b>' }}", encoding="utf-8")
    target = tmp_path / output
    assert render("checklist", SAMPLE, "--template", str(path), "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == ("&lt;b&gt;" if escaped else "&lt;b>")


def test_real_process_exit_code_and_start_up_imports(tmp_path):
    """The installed entry point: exit 2 with one line; importing the CLI loads no Jinja2/openpyxl."""
    code = "import sys, svcstd.cli; print(sorted(m for m in ('jinja2', 'openpyxl') if m in sys.modules))"
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert imported.stdout.strip() == "[]"
    done = subprocess.run(
        [sys.executable, "-m", "svcstd", "render", "checklist", SAMPLE, "--format", "xlsx"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "-o FILE" in done.stderr
