"""Where output goes: devices, FIFOs, links, full disks, signals, and what a table shows."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.hostile import (
    HOME_VISIT,
    MINI,
    REPO,
    assert_clean_error,
    cli,
    patched,
    svcstd,
    write,
)

RESULTS = (
    "检查编号,日期,网点,员工,检查员,标准编号,结果,备注\n"
    "J-1,2025-03-04,城东营业厅,张伟,陈静,A-01,合格,\n"
    "J-1,2025-03-04,城东营业厅,张伟,陈静,A-02,75,\n"
    "J-1,2025-03-04,城东营业厅,张伟,陈静,A-03,✓,\n"
    "J-1,2025-03-04,城东营业厅,张伟,陈静,Z-99,✓,\n"
    "J-2,2025-04-05,城西营业厅,王芳,陈静,A-01,不合格,\n"
    "J-2,2025-04-05,城西营业厅,王芳,陈静,A-03,合格,\n"
)


def run_into(stdout: int, args: list[object]) -> subprocess.CompletedProcess[str]:
    """The real command with its standard output on the file descriptor `stdout`."""
    return subprocess.run(
        [sys.executable, "-m", "svcstd", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------- what -o may name


def test_dev_stdout_is_written_through() -> None:
    result = svcstd("render", "checklist", MINI, "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# ")


def test_dev_null_is_left_a_device(tmp_path: Path) -> None:
    results = write(tmp_path / "r.csv", RESULTS)
    for args in (["render", "checklist", MINI], ["score", results, "-s", MINI]):
        result = svcstd(*args, "-o", "/dev/null")
        assert result.returncode == 0, result.stderr
        assert Path("/dev/null").is_char_device()


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = svcstd("render", "checklist", MINI, "-o", fifo)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith(b"# ")
    assert fifo.is_fifo() and not leftovers(tmp_path)


def test_a_symlink_keeps_pointing_at_the_new_file(tmp_path: Path) -> None:
    real = write(tmp_path / "real.md", "old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    result = cli("render", "checklist", MINI, "-o", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("# ")
    assert not leftovers(tmp_path)


def test_a_symlink_to_an_input_is_refused(tmp_path: Path) -> None:
    standard = write(tmp_path / "s.yaml", MINI.read_text(encoding="utf-8"))
    link = tmp_path / "link.md"
    link.symlink_to(standard)
    assert_clean_error(cli("render", "checklist", standard, "-o", link), 2, "refusing")
    assert standard.read_text(encoding="utf-8") == MINI.read_text(encoding="utf-8")


def test_a_socket_and_a_folder_are_refused(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    path = tmp_path / "s.md"
    server.bind(str(path))
    try:
        assert_clean_error(cli("render", "checklist", MINI, "-o", path), 2, "neither a file")
    finally:
        server.close()
    assert_clean_error(cli("render", "checklist", MINI, "-o", tmp_path), 2, "is a folder")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["render", "checklist", MINI, "-o", "report.pdf"], id="render-pdf"),
        pytest.param(["render", "handout", MINI, "-o", "report.docx"], id="render-docx"),
        pytest.param(["score", "r.csv", "--standard", MINI, "-o", "report.pdf"], id="score-pdf"),
        pytest.param(
            ["score", "r.csv", "--standard", MINI, "--format", "json", "-o", "r.pdf"],
            id="score-pdf-with-format",
        ),
        pytest.param(["sample", MINI, "-o", "results.pdf"], id="sample-pdf"),
    ],
)
def test_an_unknown_suffix_is_an_error(tmp_path: Path, args: list[object]) -> None:
    write(tmp_path / "r.csv", RESULTS)
    line = assert_clean_error(cli(*args, cwd=tmp_path), 2, "cannot be written as '.")
    assert ".md" in line or ".csv" in line
    assert not [p for p in tmp_path.iterdir() if p.name != "r.csv"]


def test_txt_and_no_suffix_still_mean_text(tmp_path: Path) -> None:
    write(tmp_path / "r.csv", RESULTS)
    assert cli("score", "r.csv", "-s", MINI, "-o", "t.txt", cwd=tmp_path).returncode == 0
    assert cli("render", "checklist", MINI, "-o", "plain", cwd=tmp_path).returncode == 0
    assert (tmp_path / "plain").read_text(encoding="utf-8").startswith("# ")


# ---------------------------------------------------------------- full devices and disks


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", REPO / "standards"], id="validate"),
        pytest.param(["render", "checklist", HOME_VISIT], id="render"),
        pytest.param(["score", "RESULTS", "--standard", MINI], id="score-table"),
        pytest.param(["score", "RESULTS", "--standard", MINI, "--format", "json"], id="score-json"),
        pytest.param(["schema"], id="schema"),
        pytest.param(["rules"], id="rules"),
    ],
)
def test_stdout_on_a_full_device(tmp_path: Path, args: list[object]) -> None:
    results = write(tmp_path / "r.csv", RESULTS)
    args = [results if a == "RESULTS" else a for a in args]
    with open("/dev/full", "w") as full:
        result = run_into(full.fileno(), args)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "svcstd: cannot write the output: No space left on device\n"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["score", "RESULTS", "--standard", MINI], id="score-table"),
        pytest.param(["score", "RESULTS", "--standard", MINI, "--format", "md"], id="score-md"),
        pytest.param(["render", "checklist", HOME_VISIT], id="render"),
        pytest.param(["schema"], id="schema"),
    ],
)
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[object]) -> None:
    """`svcstd … | head`: the reader has gone; exit 0 and nothing on stderr, as with cat."""
    results = write(tmp_path / "r.csv", RESULTS)
    args = [results if a == "RESULTS" else a for a in args]
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE
    try:
        result = run_into(write_end, args)
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


def _limited(bytes_: int):  # type: ignore[no-untyped-def]
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (bytes_, bytes_))

    return limit


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["render", "checklist", HOME_VISIT, "-o", "out.html"], id="render"),
        pytest.param(["score", "r.csv", "-s", MINI, "-o", "out.html"], id="score-html"),
        pytest.param(["score", "r.csv", "-s", MINI, "-o", "out.json"], id="score-json"),
        pytest.param(["sample", HOME_VISIT, "-o", "out.csv"], id="sample"),
    ],
)
def test_a_full_disk_during_o_leaves_the_old_file_and_no_temp(
    tmp_path: Path, args: list[object]
) -> None:
    write(tmp_path / "r.csv", RESULTS)
    target = tmp_path / str(args[args.index("-o") + 1])
    target.write_text("old", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "svcstd", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        preexec_fn=_limited(2000),
        timeout=120,
    )
    assert_clean_error(result, 2, f"{target.name}: cannot write: File too large")
    assert target.read_text(encoding="utf-8") == "old"
    assert not leftovers(tmp_path)


def test_output_and_rejects_change_together(tmp_path: Path) -> None:
    """The report cannot be written (the disk fills): the rejects file stays the old one."""
    write(tmp_path / "r.csv", RESULTS)
    report, rejects = tmp_path / "report.html", tmp_path / "rejects.csv"
    report.write_text("old report", encoding="utf-8")
    rejects.write_text("old rejects", encoding="utf-8")
    args = ["score", "r.csv", "-s", MINI, "-o", report.name, "--rejects", rejects.name]
    result = subprocess.run(
        [sys.executable, "-m", "svcstd", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        preexec_fn=_limited(4000),  # the rejects file fits, the HTML report does not
        timeout=120,
    )
    assert_clean_error(result, 2, "report.html: cannot write")
    assert report.read_text(encoding="utf-8") == "old report"
    assert rejects.read_text(encoding="utf-8") == "old rejects"
    assert not leftovers(tmp_path)
    # and with room, both are new
    assert svcstd(*args, cwd=tmp_path).returncode == 0
    assert "Z-99" in rejects.read_text(encoding="utf-8-sig")
    assert report.read_text(encoding="utf-8").startswith("<!")


def test_sigterm_removes_temporary_files(tmp_path: Path) -> None:
    write(tmp_path / "r.csv", RESULTS)
    setup = (
        "import time, svcstd.commands.score as s\n"
        "emit = s._emit\n"
        "def slow(*args, **kwargs):\n"
        "    emit(*args, **kwargs)\n"
        "    time.sleep(60)\n"
        "s._emit = slow\n"
    )
    code = f"{setup}\nfrom svcstd.cli import main\nmain()\n"
    args = ["score", "r.csv", "-s", MINI, "-o", "out.json", "--rejects", "rej.csv"]
    child = subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(leftovers(tmp_path)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(leftovers(tmp_path)) == 2, "both outputs are being written"
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_demo_into_a_place_it_cannot_write(tmp_path: Path) -> None:
    blocker = write(tmp_path / "file", "a file, not a folder")
    assert_clean_error(
        svcstd("demo", "--out", blocker / "demo"), 2, "cannot create the demo folder"
    )
    result = patched(
        "import os\nos.access = lambda *a, **k: False\n", "demo", "--out", tmp_path / "d"
    )
    assert_clean_error(result, 2, "cannot write into the demo folder")


# ---------------------------------------------------------------- the score table


def test_site_names_print_literally_in_the_score_table(tmp_path: Path) -> None:
    sites = ["[/b]", "[yes/no]", "[link=http://x]点我", "红\x1b[31m色"]
    rows = ["检查编号,日期,网点,员工,检查员,标准编号,结果,备注"]
    for number, site in enumerate(sites):
        for standard in ("A-01", "A-02", "A-03"):
            rows.append(f"J-{number},2025-03-04,{site},张伟,陈静,{standard},合格,")
    results = write(tmp_path / "r.csv", "\n".join(rows) + "\n")
    result = cli("score", results, "--standard", MINI, "--by", "site")
    assert result.returncode == 0, result.stderr
    for shown in ["[/b]", "[yes/no]", "[link=http://x]点我", "红\\x1b[31m色"]:
        assert shown in result.stdout, shown
    assert "\x1b" not in result.stdout
