"""Turn a standard into the documents its users hand out: checklist, handout, promise.

`view` (a standard → plain data), `labels` (the documents' words in zh and en),
`environment` (the bundled templates, escaped for their format) and `sandbox` (a user's own
template, with bounded work). See docs/design.md.
"""

from __future__ import annotations

from svcstd.render.environment import builtin_environment, css_string, render_builtin
from svcstd.render.sandbox import render_user_template
from svcstd.render.view import Kind, TextFormat, build_view, percent, promise_text, unit_words

__all__ = [
    "Kind",
    "TextFormat",
    "build_view",
    "builtin_environment",
    "css_string",
    "percent",
    "promise_text",
    "render_builtin",
    "render_user_template",
    "unit_words",
]
