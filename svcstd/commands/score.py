"""`svcstd score`, `svcstd sample`, `svcstd demo`: options in, the core called, output out.

Outputs are written atomically (a temporary file beside the target, then `os.replace`) and
never over an input; the rejects file is streamed the same way, so a run over millions of rows
keeps every rejected row without holding them in memory.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svcstd.errors import EXIT_FINDINGS, EXIT_OK, SvcstdError
from svcstd.outputs import OutputSet, check_suffix, check_target, write_atomic

if TYPE_CHECKING:
    from svcstd.results import Catalog, ReadOptions, SourceInfo
    from svcstd.scoring import Report, ScoreOptions

SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "md", ".html": "html", ".htm": "html"}
PIPE_WIDTH = 120  # columns of the table when it is not shown on a terminal
PROGRESS_BYTES = 32 * 1024 * 1024  # show a progress bar on a terminal above this input size
SAMPLE_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx"}
REJECT_COLUMNS = ("file", "row", "inspection", "standard", "value", "reason")


def run_score(
    results: list[Path],
    standards: list[Path] | None,
    *,
    by: str | None = None,
    output_format: str | None = None,
    output: Path | None = None,
    rejects: Path | None = None,
    strict: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    columns: list[str] | None = None,
    na_as: str = "exclude",
    lang: str | None = None,
) -> int:
    """Score result files against standards, print or write the report, return the exit code."""
    from svcstd.results import Catalog, ReadOptions, parse_column_options
    from svcstd.scoring import ScoreOptions, parse_by, read_options_for, to_json

    fmt = _score_format(output_format, output)
    if not results:
        raise SvcstdError("give at least one results file (CSV or XLSX)")
    if not standards:
        raise SvcstdError("give the standard the results are scored against: --standard FILE")
    inputs = [*results, *standards]
    for target in (output, rejects):
        if target is not None:
            check_target(target, inputs)
    if output is not None and rejects is not None and _same_path(output, rejects):
        raise SvcstdError("-o and --rejects name the same file", str(output))
    for path in results:
        if path.is_dir():
            raise SvcstdError("is a folder; give result files (CSV or XLSX)", str(path))
        if not path.exists():
            raise SvcstdError("no such file", str(path))
        if not path.is_file():  # a FIFO or device would block or never end
            raise SvcstdError("not a regular file; give result files (CSV or XLSX)", str(path))

    catalog = Catalog([(str(path), _load(path)) for path in standards])
    by_names = parse_by(by)
    base = ReadOptions(
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        columns=parse_column_options(columns or [], catalog),
    )
    outputs = OutputSet()  # -o and --rejects: both new, or neither
    try:
        report = _score_files(
            results,
            catalog,
            read_options_for(by_names, base),
            ScoreOptions(na_as=na_as, by=by_names),
            rejects,
            outputs,
        )
        _check_by_columns(by_names, report)
        language = lang or catalog.files[0][1].language
        _emit(to_json(report), fmt, output, language, outputs)
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise
    summary = report.summary
    if summary.rejected and rejects is None:
        print(
            f"svcstd: {summary.rejected} entries rejected; write them out with --rejects FILE",
            file=sys.stderr,
        )
    failed = summary.rejected or summary.incomplete_inspections
    return EXIT_FINDINGS if strict and failed else EXIT_OK


def _check_by_columns(by: tuple[str, ...], report: Report) -> None:
    """A --by column that no results file has is a mistake, not one blank group."""
    files = report.summary.files
    for name in by:
        if name in ("stage", "factor"):
            continue
        needed = "date" if name in ("month", "week") else name
        if files and not any(needed in source.columns for source in files):
            hint = (
                f"--column {needed}=HEADER"
                if needed in ("date", "site", "staff", "inspector")
                else "a column header"
            )
            raise SvcstdError(
                f"--by {name}: the results have no {needed} column; name one in the header "
                f"or map it with {hint}"
            )


def _score_files(
    results: list[Path],
    catalog: Catalog,
    read_options: ReadOptions,
    score_options: ScoreOptions,
    rejects: Path | None,
    outputs: OutputSet,
) -> Report:
    """Stream every file through the scorer; rejected rows go straight to --rejects (which
    `outputs` commits together with the report)."""
    from svcstd.scoring import score_files

    writer = _RejectsFile(rejects, outputs) if rejects is not None else None
    sizes = [path.stat().st_size for path in results]
    progress = _progress(sum(sizes))

    def on_progress(file_index: int, source: SourceInfo) -> None:
        if progress is not None:
            progress(sum(sizes[:file_index]) + source.position)

    try:
        report = score_files(
            results,
            catalog,
            read_options,
            score_options,
            on_reject=writer.write if writer is not None else None,
            on_progress=on_progress,
        )
    finally:
        if progress is not None:
            progress(None)
    if writer is not None:
        report.summary.rejects_file = str(rejects)
    return report


def _progress(total: int) -> Callable[[int | None], None] | None:
    """A progress bar on stderr for large inputs, only when stderr is a terminal."""
    if total < PROGRESS_BYTES or not sys.stderr.isatty() or os.environ.get("SVCSTD_NO_PROGRESS"):
        return None
    from svcstd.reports.score_table import progress_bar

    return progress_bar(total)


def _load(path: Path) -> Any:
    from svcstd.loading import load_standard

    if path.is_dir():
        raise SvcstdError("is a folder; give a standard file (*.yaml) with --standard", str(path))
    return load_standard(path)


def _score_format(output_format: str | None, output: Path | None) -> str:
    named = check_suffix(output, SUFFIX_FORMATS, "a score report") if output else None
    return output_format or named or "table"  # the CLI accepts only the score formats


def _emit(
    report: dict[str, Any], fmt: str, output: Path | None, lang: str, outputs: OutputSet
) -> None:
    if fmt == "table":
        from svcstd.reports.score_table import render_table

        if output is None:
            # a terminal gives its own width; a pipe or file gets room for every column
            width = None if sys.stdout.isatty() else PIPE_WIDTH
            render_table(report, lang, sys.stdout, width=width)
            return
        buffer = io.StringIO()
        render_table(report, lang, buffer, width=PIPE_WIDTH)
        write_atomic(output, buffer.getvalue().encode("utf-8"), outputs)
        return
    from svcstd.reports.scores import json_pieces, render

    if fmt == "json":  # written piece by piece: a big report is never one big string
        pieces = json_pieces(report)
        if output is None:
            sys.stdout.writelines(pieces)
        else:
            _write_pieces(output, pieces, outputs)
        return
    text = render(report, fmt, lang)
    if output is None:
        sys.stdout.write(text)
    else:
        data = text.encode("utf-8")
        if fmt == "csv":
            data = b"\xef\xbb\xbf" + data  # Excel on Windows reads the Chinese
        write_atomic(output, data, outputs)


def _write_pieces(target: Path, pieces: Any, outputs: OutputSet) -> None:
    """Write text pieces to `target` in one piece (a big report is never one big string)."""
    file = outputs.open(target, "w", encoding="utf-8")
    try:
        file.handle.writelines(pieces)
    except OSError as error:
        raise file._error(error) from None


class _RejectsFile:
    """Rejected rows streamed as CSV into a temporary file, renamed into place at the end."""

    def __init__(self, target: Path, outputs: OutputSet) -> None:
        self.file = outputs.open(target, "w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file.handle, lineterminator="\r\n")
        self.writer.writerow(REJECT_COLUMNS)

    def write(self, reject: Any) -> None:
        from svcstd.cells import neutralise as safe_cell

        try:
            self.writer.writerow(
                [
                    safe_cell(reject.file),
                    reject.row,
                    safe_cell(reject.inspection),
                    safe_cell(reject.standard),
                    safe_cell(reject.value),
                    safe_cell(reject.reason),
                ]
            )
        except OSError as error:  # a full disk while rows stream in
            raise self.file._error(error) from None


def _same_path(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


# --------------------------------------------------------------------------- sample


def run_sample(
    standard: Path,
    *,
    inspections: int = 60,
    seed: int = 1,
    output: Path | None = None,
    output_format: str | None = None,
    shape: str = "long",
    lang: str | None = None,
) -> int:
    """Write realistic inspection results for a standard (CSV to stdout, or a file)."""
    from svcstd.sample import SampleOptions, sample_bytes

    fmt = output_format
    named = check_suffix(output, SAMPLE_SUFFIXES, "a results sample") if output else None
    if fmt is None:
        fmt = named or "csv"
    if not 1 <= inspections <= 1_000_000:
        raise SvcstdError("--inspections must be between 1 and 1,000,000")
    if fmt == "xlsx" and output is None:
        raise SvcstdError("an xlsx sample needs a file: add -o FILE.xlsx")
    if output is not None:
        check_target(output, [standard])
    doc = _load(standard)
    options = SampleOptions(inspections=inspections, seed=seed, shape=shape, lang=lang)
    data = sample_bytes(doc, options, fmt)
    if output is None:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else sys.stdout.write(
            data.decode("utf-8")
        )
        sys.stdout.flush()
    else:
        write_atomic(output, data)
    return EXIT_OK


# --------------------------------------------------------------------------- demo


def run_demo(out: Path | None = None, standard: str = "home-visit") -> int:
    """The main job on the bundled standards: validate, sample, score, write the HTML report."""
    from svcstd.resources import bundled_standards
    from svcstd.sample import SampleOptions, sample_bytes

    folder = out or Path("svcstd-demo")
    if folder.exists() and not folder.is_dir():
        raise SvcstdError("is a file; give a folder for the demo with --out", str(folder))
    standards_dir = bundled_standards()
    chosen = standards_dir / f"{standard}.yaml"
    if not chosen.is_file():
        candidates = sorted(standards_dir.glob("*.yaml"))
        if not candidates:
            raise SvcstdError("no bundled standards found; is svcstd installed completely?")
        chosen = candidates[0]

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise SvcstdError(f"cannot create the demo folder: {reason}", str(folder)) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SvcstdError("cannot write into the demo folder; give another with --out", str(folder))
    print(f"1. Checking the bundled standards in {standards_dir}")
    code = _validate(standards_dir)
    if code != EXIT_OK:
        print("   (the bundled standards have findings; the demo goes on)")
    doc = _load(chosen)
    results = folder / f"{doc.id}-results.csv"
    print(f"\n2. Inspection results for {chosen.name} ({doc.title}): {results}")
    options = SampleOptions(inspections=240, seed=2025, shape="long")
    write_atomic(results, sample_bytes(doc, options, "csv"))
    report_path = folder / f"{doc.id}-report.html"
    json_path = folder / f"{doc.id}-report.json"
    print(f"\n3. Scoring them by site: {report_path}")
    run_score([results], [chosen], by="site", output_format="html", output=report_path)
    run_score([results], [chosen], by="site", output_format="json", output=json_path)
    print(f"\nDone. Open the report: {report_path.resolve().as_uri()}")
    print(
        f"Try it on your own results:  svcstd score {results} --standard {chosen} --by site,month"
    )
    return EXIT_OK


def _validate(folder: Path) -> int:
    """`svcstd validate` over the bundled standards (not examples/, flawed on purpose)."""
    from svcstd.commands.validate import run as validate

    sys.stdout.flush()
    return validate(sorted(folder.glob("*.yaml")), output_format="text")
