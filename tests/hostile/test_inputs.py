"""Inputs that used to crash or hang: each is now a result or one clean line."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from svcstd.cli import app
from svcstd.source import parse
from tests.hostile import HOME_VISIT, MINI, assert_clean_error, cli, svcstd, write

MINI_TEXT = MINI.read_text(encoding="utf-8")


def in_process(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- dates at the calendar's end


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"effective: 2025-01-01": "effective: 9999-12-31"}, id="effective"),
        pytest.param(
            {
                "effective: 2025-01-01": "effective: 2025-01-01\nreview: {every_months: 120, last: 9999-06-30}"
            },
            id="review-last",
        ),
        pytest.param(
            {"effective: 2025-01-01": "effective: 9999-12-31\nreview: {every_months: 1}"},
            id="effective-plus-a-month",
        ),
    ],
)
def test_dates_in_year_9999_are_checked_not_crashed(tmp_path: Path, change: dict[str, str]) -> None:
    text = MINI_TEXT
    for old, new in change.items():
        text = text.replace(old, new)
    standard = write(tmp_path / "far.yaml", text)
    result = cli("validate", standard, "--format", "json", "--today", "2026-01-01")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert not [f for f in report["findings"] if f["rule"] == "M2" and "due" in f["message"]]
    for command in (["render", "checklist", standard], ["sample", standard, "--inspections", "3"]):
        run = cli(*command)
        assert run.returncode == 0, run.stderr


# ---------------------------------------------------------------- folders and special files


def test_a_symlink_loop_in_a_folder_is_a_finding(tmp_path: Path) -> None:
    write(tmp_path / "good.yaml", MINI_TEXT)
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "up").symlink_to(tmp_path, target_is_directory=True)  # a folder loop
    result = cli("validate", tmp_path, "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    loops = [f for f in findings if f["rule"] == "S1"]
    assert sorted(Path(f["file"]).name for f in loops) == ["a.yaml", "b.yaml"]
    assert all("symbolic links" in f["message"] and f["line"] == 1 for f in loops)


def test_a_symlink_loop_named_explicitly_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "a.yaml")
    assert_clean_error(cli("validate", tmp_path / "a.yaml"), 2, "symbolic links")


def test_a_fifo_in_a_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    write(tmp_path / "good.yaml", MINI_TEXT)
    os.mkfifo(tmp_path / "x.yaml")
    started = time.monotonic()
    result = cli("validate", tmp_path, "--format", "json")
    assert time.monotonic() - started < 60
    assert result.returncode in (0, 1), result.stderr
    assert [Path(f).name for f in json.loads(result.stdout)["files"]] == ["good.yaml"]


@pytest.mark.parametrize("command", ["validate", "render", "score"])
def test_a_fifo_named_explicitly_is_a_clean_error(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    args = {
        "validate": ["validate", fifo],
        "render": ["render", "checklist", fifo],
        "score": ["score", MINI, "--standard", fifo],
    }[command]
    assert_clean_error(cli(*args), 2, "not a regular file")


def test_a_fifo_named_as_results_is_a_clean_error(tmp_path: Path) -> None:
    fifo = tmp_path / "r.csv"
    os.mkfifo(fifo)
    assert_clean_error(cli("score", fifo, "--standard", MINI), 2, "not a regular file")


def test_a_device_named_as_a_standard_is_a_clean_error() -> None:
    assert_clean_error(cli("validate", "/dev/null"), 2, "not a regular file")


def test_a_folder_without_search_permission_is_a_clean_error(tmp_path, monkeypatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    write(locked / "a.yaml", MINI_TEXT)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fsdecode(path)) == locked:  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    code, _out, err = in_process("validate", tmp_path)
    assert code == 2
    assert err.strip() == f"svcstd: {locked}: cannot read the folder: Permission denied"


def test_an_unreadable_standard_is_a_finding_or_a_clean_error(tmp_path, monkeypatch) -> None:
    standard = write(tmp_path / "a.yaml", MINI_TEXT)
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if Path(os.fsdecode(path)) == standard:  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    code, out, err = in_process("validate", standard)
    assert code == 1 and "S1  cannot read the file: Permission denied" in out
    code, out, err = in_process("render", "checklist", standard)
    assert code == 2 and err.strip().endswith(":1:1: cannot read the file: Permission denied")
    code, out, err = in_process("score", MINI, "--standard", standard)
    assert code == 2 and "Permission denied" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- names that are not text


def nasty_name(tmp_path: Path) -> Path:
    """A standard whose file name holds a byte that is not UTF-8 and an ANSI colour code."""
    folder = tmp_path / "names"
    folder.mkdir()
    name = os.fsdecode(b"bad\xff\x1b[31m.yaml")
    write(folder / name, 'svcstd: 1\nid: "x\\e[31m"\n')
    return folder


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_non_utf8_file_name_gives_valid_utf8_output(tmp_path: Path, fmt: str) -> None:
    folder = nasty_name(tmp_path)
    result = svcstd("validate", folder, "--format", fmt, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "\x1b" not in out, "a raw escape code reached the output"
    assert "\udcff" not in out
    if fmt == "sarif":
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out)["runs"][0]["results"]
        }
        assert uris == {"names/bad%FF%1B%5B31m.yaml"}
    elif fmt == "json":
        assert {f["file"] for f in json.loads(out)["findings"]} == {"names/bad\\xff\x1b[31m.yaml"}
    else:
        assert "names/bad\\xff\\x1b[31m.yaml" in out


def test_control_characters_from_the_file_are_escaped_in_text(tmp_path: Path) -> None:
    hostile = 'id: "A-\\e]8;;http://x\\a01",'  # an OSC 8 hyperlink and a bell in an id
    text = MINI_TEXT.replace("title: 测试服务标准", 'title: "测试\\e[2J\\r标准"')
    text = text.replace("id: A-01,", hostile).replace("id: A-02,", hostile)
    standard = write(tmp_path / "ctl.yaml", text)
    result = cli("validate", standard)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\r" not in result.stdout and "\a" not in result.stdout
    assert "A-\\x1b]8;;http://x\\x0701" in result.stdout  # shown, escaped


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("svcstd.toml", b"select = 5\n", "'select' must be rule codes"),
        ("svcstd.toml", b"ignore = [1, 2]\n", "'ignore' must be rule codes"),
        ("svcstd.toml", b'select = ["P\xff"]\n', "not UTF-8"),
        ("pyproject.toml", b"[tool.svcstd]\nselect = 5\n", "'select' must be rule codes"),
        ("pyproject.toml", b"[tool]\nsvcstd = 5\n", "'tool.svcstd' must be a table"),
        ("pyproject.toml", b"tool = 5\n", "'tool' must be a table"),
        ("pyproject.toml", b"\xff\xfe[tool.svcstd]\n", "not UTF-8"),
    ],
)
def test_bad_settings_are_one_clean_line(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    write(tmp_path / "a.yaml", MINI_TEXT)
    (tmp_path / name).write_bytes(content)
    assert_clean_error(cli("validate", tmp_path), 2, name, fragment)


# ---------------------------------------------------------------- bounded work


def test_glued_hash_scan_is_linear() -> None:
    """20,000 lines of `k: "a#b"` took 57 s when each `#` counted the newlines before it."""
    text = "svcstd: 1\n" + "".join(f'k{i}: "a#b"\n' for i in range(100_000))
    started = time.perf_counter()
    source = parse(text, "glued.yaml")
    elapsed = time.perf_counter() - started
    assert source.data["k99999"] == "a#b"
    assert elapsed < 5, f"{elapsed:.1f} s for 100,000 lines: the scan is not linear"


def test_glued_hash_scan_is_linear_on_one_long_line() -> None:
    """One flow mapping of 50,000 texts with `#` on a single line: each `#` once."""
    entries = ", ".join(f'k{i}: "a#b"' for i in range(50_000))
    started = time.perf_counter()
    source = parse("svcstd: 1\nx: {" + entries + "}\n", "flow.yaml")
    elapsed = time.perf_counter() - started
    assert source.data["x"]["k49999"] == "a#b"
    assert elapsed < 5, f"{elapsed:.1f} s for one line of 50,000 texts: not linear"


def test_a_glued_comment_is_still_found_after_many_lines() -> None:
    from svcstd.errors import SourceError

    text = "svcstd: 1\n" + "".join(f'k{i}: "a#b"\n' for i in range(5_000)) + 'last: "x"#note\n'
    with pytest.raises(SourceError) as caught:
        parse(text, "glued.yaml")
    assert (caught.value.line, caught.value.column) == (5_002, 10)


@pytest.mark.parametrize(
    "expression",
    [
        "((9 ** 1024) ** 1024) ** 1024",
        "(2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000)"
        " * (2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000)"
        " * (2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000) * (2 ** 1000)",
    ],
)
def test_template_arithmetic_stops_before_it_runs(tmp_path: Path, expression: str) -> None:
    template = write(tmp_path / "sum.md.j2", "{{ " + expression + " }}\n")
    started = time.monotonic()
    result = cli("render", "checklist", HOME_VISIT, "--template", template)
    assert time.monotonic() - started < 30
    assert_clean_error(result, 2, f"{template}:1:", "bits")


def test_small_template_arithmetic_still_works(tmp_path: Path) -> None:
    template = write(tmp_path / "sum.md.j2", "{{ 9 ** 100 % 1000 }} {{ 2 ** 10 * 3 }}\n")
    result = cli("render", "checklist", HOME_VISIT, "--template", template)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(9**100 % 1000), str(2**10 * 3)]
