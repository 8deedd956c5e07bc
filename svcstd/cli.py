"""The `svcstd` command: parse options, call the core, print, exit. Nothing else lives here.

Each command imports what it needs inside its body, so `svcstd validate` never pays for
Jinja2, openpyxl or rich tables.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, NoReturn

os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # no plugin scan at start

import typer
from typer.core import TyperGroup

from svcstd.errors import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    SvcstdError,
    internal_error_line,
    printable,
)

DEBUG_KEY = "svcstd.debug"


# Options with fixed values: typer offers them in --help and refuses any other value itself.
class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class ChecklistFormat(StrEnum):
    md = "md"
    html = "html"
    csv = "csv"
    xlsx = "xlsx"
    xlsform = "xlsform"


class TextFormat(StrEnum):
    md = "md"
    html = "html"


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"


class SampleFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class Shape(StrEnum):
    long = "long"
    wide = "wide"


class Language(StrEnum):
    zh = "zh"
    en = "en"


class NaAs(StrEnum):
    exclude = "exclude"
    pass_ = "pass"


EPILOG = """\b
Exit codes: 0 ok; 1 findings (errors, or warnings and rejects under --strict);
2 the command could not run (bad option, unreadable input, unwritable output);
3 an internal error in svcstd (a bug: run again with --debug and report it)."""
# usage errors of the option parser pass through the guard untouched (typer may vendor click)
USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)
PASS_THROUGH: tuple[type[Exception], ...] = (
    typer.Exit,
    typer.Abort,
    *(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"),
)


class GuardedGroup(TyperGroup):
    """The top-level guard: every way a command can end becomes an exit code and one line.

    A `SvcstdError` is the user's to fix (exit 2); an `OSError` nobody caught is the machine's
    (a full disk, a closed pipe: exit 2); anything else is a bug in svcstd (exit 3), shown as
    one line naming it, with the traceback only under `--debug` or `SVCSTD_DEBUG=1`.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            try:
                result = super().invoke(ctx)
            except typer.Exit:
                sys.stdout.flush()  # a write error on stdout surfaces here, not at exit
                raise
            sys.stdout.flush()
            return result
        except USAGE_ERROR as error:  # a bad option or value: one line, like every other error
            context = getattr(error, "ctx", None)
            where = context.command_path if context is not None else "svcstd"
            message = error.format_message().replace("Value error, ", "")  # type: ignore[attr-defined]
            print(f"svcstd: {printable(message)} (see {where} --help)", file=sys.stderr)
            raise typer.Exit(EXIT_USAGE) from None
        except PASS_THROUGH:
            raise
        except SvcstdError as error:
            fail(error)
        except OSError as error:
            _settle_stdout()
            if error.errno == errno.EPIPE:  # `svcstd … | head` closed the pipe: nothing to say
                raise typer.Exit(EXIT_OK) from None
            _debug_traceback(ctx)
            print(f"svcstd: {_os_error_line(error)}", file=sys.stderr)
            raise typer.Exit(EXIT_USAGE) from None
        except Exception as error:
            _debug_traceback(ctx)
            print(internal_error_line(error), file=sys.stderr)
            raise typer.Exit(EXIT_INTERNAL) from None


def _debug_traceback(ctx: Any) -> None:
    if ctx.meta.get(DEBUG_KEY) or _debug_env():
        traceback.print_exc()


def _debug_env() -> bool:
    return os.environ.get("SVCSTD_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def _os_error_line(error: OSError) -> str:
    """An input/output failure nobody expected, in one line: which file, what happened."""
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is not None:
        return printable(f"{os.fsdecode(error.filename)}: {reason}")
    return printable(f"cannot write the output: {reason}")


def _settle_stdout() -> None:
    """Write out what stdout still holds; if stdout itself is what failed, silence it."""
    try:
        sys.stdout.flush()
    except OSError:
        _silence_stdout()


def _silence_stdout() -> None:
    """After stdout failed, point it at /dev/null so the exit flush adds no second error."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it)
        pass


app = typer.Typer(
    name="svcstd",
    cls=GuardedGroup,
    help="Write, check, train and inspect service standards (服务标准).",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def fail(error: SvcstdError) -> NoReturn:
    """Print a user error as one line on stderr and exit 2."""
    print(f"svcstd: {printable(str(error))}", file=sys.stderr)
    raise typer.Exit(EXIT_USAGE)


@app.callback()
def options(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="show the traceback of an internal error (also SVCSTD_DEBUG=1)"
        ),
    ] = False,
) -> None:
    """Write, check, train and inspect service standards (服务标准)."""
    ctx.meta[DEBUG_KEY] = debug


@app.command()
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="standard files or folders (*.yaml, *.yml)", metavar="PATH"),
    ],
    output_format: Annotated[
        ValidateFormat,
        typer.Option(
            "--format", help="text | json | sarif | github", metavar="FORMAT", case_sensitive=False
        ),
    ] = ValidateFormat.text,
    select: Annotated[
        str | None,
        typer.Option(help="only these rule codes or prefixes, e.g. P,C2", metavar="CODES"),
    ] = None,
    ignore: Annotated[
        str | None, typer.Option(help="skip these rule codes or prefixes, e.g. M2", metavar="CODES")
    ] = None,
    strict: Annotated[bool | None, typer.Option("--strict", help="warnings fail too")] = None,
    today: Annotated[
        str | None, typer.Option(help="date for the review-date rule (YYYY-MM-DD)", metavar="DATE")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="svcstd.toml or pyproject.toml to read settings from", metavar="FILE"),
    ] = None,
) -> None:
    """Check standard files against the schema and the pitfalls of writing standards."""
    from svcstd.commands.validate import run

    try:
        code = run(
            paths,
            output_format=output_format,
            select=select,
            ignore=ignore,
            strict=strict,
            today=today,
            config=config,
        )
    except SvcstdError as error:
        fail(error)
    raise typer.Exit(code)


@app.command()
def rules(
    code: Annotated[
        str | None, typer.Argument(help="a rule code such as P3", metavar="CODE")
    ] = None,
    lang: Annotated[
        Language, typer.Option(help="zh | en", metavar="LANG", case_sensitive=False)
    ] = Language.en,
) -> None:
    """List the rules, or explain one: what it checks, why, a bad and a good example."""
    from svcstd.commands.rules import run

    try:
        run(code, lang)
    except SvcstdError as error:
        fail(error)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a standard file (for editors and other tools)."""
    from svcstd.commands.schema import schema_text

    sys.stdout.write(schema_text())


# Commands from other modules register here.
# svcstd.commands.render: `svcstd render checklist|handout|promise`
render_app = typer.Typer(
    help="Turn a standard into a checklist, results sheet, phone form, staff handout or promise.",
    no_args_is_help=True,
)
app.add_typer(render_app, name="render")

StandardArg = Annotated[Path, typer.Argument(help="the standard file (YAML)", metavar="STANDARD")]
StageOpt = Annotated[
    str | None, typer.Option("--stage", help="only this stage (id or name)", metavar="STAGE")
]
RoleOpt = Annotated[
    str | None, typer.Option("--role", help="only standards this role owns", metavar="ROLE")
]
LangOpt = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help="zh | en (default: the standard's language)",
        metavar="LANG",
        case_sensitive=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="write to FILE (default: stdout)", metavar="FILE"),
]
TemplateOpt = Annotated[
    Path | None,
    typer.Option("--template", help="your own Jinja2 template (run in a sandbox)", metavar="FILE"),
]
TextFormatOpt = Annotated[
    TextFormat | None,
    typer.Option("--format", help="md | html", metavar="FORMAT", case_sensitive=False),
]


def _render(kind: str, standard: Path, **options: object) -> None:
    from svcstd.commands.render import run

    try:
        run(kind, standard, **options)  # type: ignore[arg-type]
    except SvcstdError as error:
        fail(error)


@render_app.command("checklist")
def render_checklist(
    standard: StandardArg,
    output_format: Annotated[
        ChecklistFormat | None,
        typer.Option(
            "--format",
            help="md | html | csv | xlsx | xlsform",
            metavar="FORMAT",
            case_sensitive=False,
        ),
    ] = None,
    stage: StageOpt = None,
    role: RoleOpt = None,
    lang: LangOpt = None,
    output: OutputOpt = None,
    template: TemplateOpt = None,
    shape: Annotated[
        Shape | None,
        typer.Option(
            "--shape",
            help="results sheet: long (default) | wide",
            metavar="SHAPE",
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """The inspector's checklist, a blank results sheet (csv/xlsx) or an XLSForm for phones."""
    _render(
        "checklist",
        standard,
        output_format=output_format,
        stage=stage,
        role=role,
        lang=lang,
        output=output,
        template=template,
        shape=shape,
    )


def _document(kind: str, summary: str) -> Callable[..., None]:
    """The handout and promise commands: same options, another document."""

    def command(
        standard: StandardArg,
        output_format: TextFormatOpt = None,
        stage: StageOpt = None,
        role: RoleOpt = None,
        lang: LangOpt = None,
        output: OutputOpt = None,
        template: TemplateOpt = None,
    ) -> None:
        _render(
            kind,
            standard,
            output_format=output_format,
            stage=stage,
            role=role,
            lang=lang,
            output=output,
            template=template,
        )

    command.__doc__ = summary
    return command


render_app.command("handout")(
    _document(
        "handout", "The staff handout: per role, the steps they own, what good looks like, and why."
    )
)
render_app.command("promise")(
    _document(
        "promise",
        "The customer-facing service promise: published standards in the customer's words.",
    )
)


# svcstd.commands.score: `svcstd score`, `svcstd sample`, `svcstd demo`


@app.command()
def score(
    results: Annotated[
        list[Path],
        typer.Argument(help="inspection results: CSV or XLSX files", metavar="RESULTS"),
    ],
    standard: Annotated[
        list[Path] | None,
        typer.Option(
            "--standard", "-s", help="the standard file(s) to score against", metavar="FILE"
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            help="group by site, staff, inspector, stage, factor, month, week or a column",
            metavar="COLUMNS",
        ),
    ] = None,
    output_format: Annotated[
        ScoreFormat | None,
        typer.Option(
            "--format",
            help="table | json | csv | md | html",
            metavar="FORMAT",
            case_sensitive=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="write to FILE (default: stdout)", metavar="FILE"),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            help="write every rejected row, with its row number and reason", metavar="FILE"
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="exit 1 if any entry is rejected")
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(help="CSV encoding (default: UTF-8, else GB18030)", metavar="ENCODING"),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(help="CSV delimiter (default: sniffed: , ; or tab)", metavar="CHAR"),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            help="XLSX sheet name or number (default: the one with results)", metavar="SHEET"
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="map a column: NAME=HEADER, e.g. result=得分 (repeatable)",
            metavar="NAME=HEADER",
        ),
    ] = None,
    na_as: Annotated[
        NaAs,
        typer.Option(
            "--na-as",
            help="N/A results: exclude (default) or pass",
            metavar="HOW",
            case_sensitive=False,
        ),
    ] = NaAs.exclude,
    lang: Annotated[
        Language | None,
        typer.Option(
            help="zh | en (default: the standard's language)", metavar="LANG", case_sensitive=False
        ),
    ] = None,
) -> None:
    """Score inspection results: compliance per standard, scores per group, nothing lost."""
    from svcstd.commands.score import run_score

    try:
        code = run_score(
            results,
            standard,
            by=by,
            output_format=output_format,
            output=output,
            rejects=rejects,
            strict=strict,
            encoding=encoding,
            delimiter=delimiter,
            sheet=sheet,
            columns=column,
            na_as=na_as,
            lang=lang,
        )
    except SvcstdError as error:
        fail(error)
    raise typer.Exit(code)


@app.command()
def sample(
    standard: Annotated[Path, typer.Argument(help="the standard file (YAML)", metavar="STANDARD")],
    inspections: Annotated[int, typer.Option(help="how many inspections", metavar="N")] = 60,
    seed: Annotated[
        int, typer.Option(help="random seed: the same seed gives the same file", metavar="SEED")
    ] = 1,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="write to FILE (default: stdout)", metavar="FILE"),
    ] = None,
    output_format: Annotated[
        SampleFormat | None,
        typer.Option("--format", help="csv | xlsx", metavar="FORMAT", case_sensitive=False),
    ] = None,
    shape: Annotated[
        Shape,
        typer.Option(
            help="long (a row per result) | wide (a column per standard)",
            metavar="SHAPE",
            case_sensitive=False,
        ),
    ] = Shape.long,
    lang: Annotated[
        Language | None,
        typer.Option(
            help="zh | en headers (default: the standard's language)",
            metavar="LANG",
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """Generate realistic inspection results for a standard, to try `svcstd score` on."""
    from svcstd.commands.score import run_sample

    try:
        code = run_sample(
            standard,
            inspections=inspections,
            seed=seed,
            output=output,
            output_format=output_format,
            shape=shape,
            lang=lang,
        )
    except SvcstdError as error:
        fail(error)
    raise typer.Exit(code)


@app.command()
def demo(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="folder for the demo files (default: ./svcstd-demo)", metavar="DIR"
        ),
    ] = None,
) -> None:
    """The main job on a bundled standard: validate, sample results, score, write the report."""
    from svcstd.commands.score import run_demo

    try:
        code = run_demo(out)
    except SvcstdError as error:
        fail(error)
    raise typer.Exit(code)


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (what CI sends on a timeout) unwinds like Ctrl-C, so temporary files go."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point of the `svcstd` script and `python -m svcstd`."""
    signal.signal(signal.SIGTERM, _terminated)
    for name in ("stdout", "stderr"):  # started with `>&-`: output goes nowhere, not to a crash
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    try:
        app()
    except BrokenPipeError:  # `svcstd … | head` closes the pipe early
        _silence_stdout()
        raise SystemExit(0) from None
    finally:
        # the process ends here: the interpreter's full collections at exit would only
        # rescan every object of typer and pydantic (30 ms, a fifth of a short run)
        gc.freeze()
