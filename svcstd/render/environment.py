"""The Jinja2 environment of the bundled templates: every value escaped for its format.

HTML autoescaping, and a Markdown escape applied to every `{{ … }}` in `.md` templates, so a `|`
or `<` in a standard cannot break a table or inject markup. The sandbox shares these options.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup

from svcstd.cells import MarkdownText, md_escape
from svcstd.render.view import Kind, TextFormat, percent


def _finalize_md(value: Any) -> Any:
    """Every `{{ … }}` in a Markdown template is escaped unless it is marked safe."""
    if isinstance(value, Markup | MarkdownText):
        return value
    return md_escape(value)


def _finalize_html(value: Any) -> Any:
    return "" if value is None else value


def _nl(value: Any) -> str:
    """A `join`-friendly filter: drop empty parts."""
    return "" if value is None else str(value)


def _joined(parts: Iterable[Any], separator: str = " · ") -> str:
    return separator.join(str(part) for part in parts if part not in (None, ""))


def css_string(value: Any) -> Any:
    """A quoted CSS string with everything but letters, digits and spaces escaped.

    Used for `@page` margin text: HTML escaping does not apply inside `<style>`, and a
    quote, a backslash or `</style>` in a standard's id or version must not end the string.
    """
    text = "" if value is None else str(value)
    body = "".join(c if (c.isalnum() or c == " ") else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{body}"')


def _filters() -> dict[str, Callable[..., Any]]:
    return {
        "md": md_escape,
        "text": _nl,
        "joined": _joined,
        "percent": percent,
        "css_string": css_string,
    }


# --------------------------------------------------------------------------- built-in templates

_ENVIRONMENTS: dict[str, Any] = {}


def _env_options(fmt: str) -> dict[str, Any]:
    """What the bundled and the sandboxed environments share: escaping, strictness, layout."""
    from jinja2 import StrictUndefined

    return {
        "autoescape": fmt == "html",
        "finalize": _finalize_html if fmt == "html" else _finalize_md,
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "auto_reload": False,
    }


def builtin_environment(fmt: TextFormat) -> Any:
    """The environment for the bundled templates: escaping fixed by the output format."""
    if fmt in _ENVIRONMENTS:
        return _ENVIRONMENTS[fmt]
    from jinja2 import Environment, FileSystemLoader

    from svcstd.resources import bundled_templates

    env = Environment(loader=FileSystemLoader(str(bundled_templates())), **_env_options(fmt))
    env.filters.update(_filters())
    _ENVIRONMENTS[fmt] = env
    return env


def render_builtin(kind: Kind, fmt: TextFormat, view: dict[str, Any]) -> str:
    """Render one of the bundled templates (`templates/<kind>.<fmt>.j2`)."""
    env = builtin_environment(fmt)
    template = env.get_template(f"{kind}.{fmt}.j2")
    return str(template.render(view))
