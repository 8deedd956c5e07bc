"""The `svcstd` command: parse options, call the core, print, exit. Nothing else lives here.

Each command imports what it needs inside its body, so `svcstd validate` never pays for
Jinja2, openpyxl or rich tables.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # no plugin scan at start

import typer

from svcstd.errors import EXIT_USAGE, SvcstdError

app = typer.Typer(
    name="svcstd",
    help="Write, check, train and inspect service standards (服务标准).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def fail(error: SvcstdError) -> NoReturn:
    """Print a user error as one line on stderr and exit 2."""
    print(f"svcstd: {error}", file=sys.stderr)
    raise typer.Exit(EXIT_USAGE)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="standard files or folders (*.yaml, *.yml)")],
    output_format: Annotated[
        str, typer.Option("--format", help="text | json | sarif | github")
    ] = "text",
    select: Annotated[
        str | None, typer.Option(help="only these rule codes or prefixes, e.g. P,C2")
    ] = None,
    ignore: Annotated[
        str | None, typer.Option(help="skip these rule codes or prefixes, e.g. M2")
    ] = None,
    strict: Annotated[bool | None, typer.Option("--strict", help="warnings fail too")] = None,
    today: Annotated[
        str | None, typer.Option(help="date for the review-date rule (YYYY-MM-DD)")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="svcstd.toml or pyproject.toml to read settings from")
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
    code: Annotated[str | None, typer.Argument(help="a rule code such as P3")] = None,
    lang: Annotated[str, typer.Option(help="zh | en")] = "en",
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

StandardArg = Annotated[Path, typer.Argument(help="the standard file (YAML)")]
StageOpt = Annotated[str | None, typer.Option("--stage", help="only this stage (id or name)")]
RoleOpt = Annotated[str | None, typer.Option("--role", help="only standards this role owns")]
LangOpt = Annotated[
    str | None, typer.Option("--lang", help="zh | en (default: the standard's language)")
]
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="write to FILE (default: stdout)")
]
TemplateOpt = Annotated[
    Path | None, typer.Option("--template", help="your own Jinja2 template (run in a sandbox)")
]
TextFormatOpt = Annotated[str | None, typer.Option("--format", help="md | html")]


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
        str | None, typer.Option("--format", help="md | html | csv | xlsx | xlsform")
    ] = None,
    stage: StageOpt = None,
    role: RoleOpt = None,
    lang: LangOpt = None,
    output: OutputOpt = None,
    template: TemplateOpt = None,
    shape: Annotated[
        str | None, typer.Option("--shape", help="results sheet: long (default) | wide")
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


@render_app.command("handout")
def render_handout(
    standard: StandardArg,
    output_format: TextFormatOpt = None,
    stage: StageOpt = None,
    role: RoleOpt = None,
    lang: LangOpt = None,
    output: OutputOpt = None,
    template: TemplateOpt = None,
) -> None:
    """The staff handout: per role, the steps they own, what good looks like, and why."""
    _render(
        "handout",
        standard,
        output_format=output_format,
        stage=stage,
        role=role,
        lang=lang,
        output=output,
        template=template,
    )


@render_app.command("promise")
def render_promise(
    standard: StandardArg,
    output_format: TextFormatOpt = None,
    stage: StageOpt = None,
    role: RoleOpt = None,
    lang: LangOpt = None,
    output: OutputOpt = None,
    template: TemplateOpt = None,
) -> None:
    """The customer-facing service promise: published standards in the customer's words."""
    _render(
        "promise",
        standard,
        output_format=output_format,
        stage=stage,
        role=role,
        lang=lang,
        output=output,
        template=template,
    )


# svcstd.commands.score: `svcstd score`, `svcstd sample`, `svcstd demo`


def main() -> None:
    """Entry point of the `svcstd` script and `python -m svcstd`."""
    try:
        app()
    except BrokenPipeError:  # `svcstd … | head` closes the pipe early
        sys.stderr.close()
        raise SystemExit(0) from None
