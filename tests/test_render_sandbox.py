"""A user's own template: plain data in a sandbox, bounded, and every failure one clean line."""

from __future__ import annotations

from pathlib import Path

import pytest

from svcstd.errors import SvcstdError
from svcstd.loading import load_standard
from svcstd.render import build_view, render_user_template
from svcstd.render import sandbox as render_module

DATA = Path(__file__).parent / "data" / "render"


@pytest.fixture(scope="module")
def view():
    return build_view(load_standard(DATA / "sample.yaml"))


@pytest.fixture
def small_caps(monkeypatch):
    """Small limits so hostile templates hit them in milliseconds."""
    monkeypatch.setattr(render_module, "MAX_OUTPUT_CHARS", 100_000)
    monkeypatch.setattr(render_module, "MAX_LOOP_ITERATIONS", 20_000)


def run(tmp_path: Path, text: str, view, fmt: str = "md", name: str = "mine.j2") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return render_user_template(path, view, fmt)  # type: ignore[arg-type]


def fails(tmp_path: Path, text: str, view, fmt: str = "md") -> SvcstdError:
    with pytest.raises(SvcstdError) as caught:
        run(tmp_path, text, view, fmt)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return caught.value


def test_plain_template_sees_the_view(tmp_path, view):
    text = "{{ title }} v{{ version }}\n{% for s in standards %}{{ s.id }}={{ s.threshold }};{% endfor %}"
    out = run(tmp_path, text, view)
    assert out.startswith("营业厅服务标准（测试） v1.10\n")
    assert "RH-01=≤ 10 秒;RH-02=;" in out


def test_markdown_values_are_escaped_and_safe_marks_them(tmp_path, view):
    out = run(tmp_path, "{{ 'a|b' }} {{ 'a|b' | safe }} {{ 'a|b' | md }}", view)
    assert out == r"a\|b a|b a\|b"


def test_html_template_is_autoescaped(tmp_path, view):
    out = run(tmp_path, "<p>{{ '<b>x</b>' }}</p>", view, fmt="html", name="mine.html.j2")
    assert out == "<p>&lt;b&gt;x&lt;/b&gt;</p>"


def test_undefined_name_is_an_error_with_its_line(tmp_path, view):
    error = fails(tmp_path, "line one\n{{ nope }}\n", view)
    assert error.where == f"{tmp_path / 'mine.j2'}:2"
    assert "'nope' is undefined" in error.message


def test_undefined_attribute_is_an_error(tmp_path, view):
    error = fails(tmp_path, "\n\n{{ standards[0].nope }}", view)
    assert str(error.where).endswith("mine.j2:3")


def test_syntax_error_has_its_line(tmp_path, view):
    error = fails(tmp_path, "a\nb\n{% for x in %}\n", view)
    assert str(error.where).endswith("mine.j2:3")


def test_error_in_an_included_template_names_that_file(tmp_path, view):
    (tmp_path / "_part.j2").write_text("ok\n{{ missing }}", encoding="utf-8")
    error = fails(tmp_path, '{% include "_part.j2" %}', view)
    assert str(error.where).endswith("_part.j2:2")


def test_missing_include_is_clean(tmp_path, view):
    error = fails(tmp_path, '{% include "nowhere.j2" %}', view)
    assert "template not found: nowhere.j2" in str(error)


def test_include_cannot_leave_the_folder(tmp_path, view):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    path = inner / "mine.j2"
    path.write_text('{% include "../secret.txt" %}', encoding="utf-8")
    with pytest.raises(SvcstdError, match="template not found"):
        render_user_template(path, view, "md")


def test_user_template_can_extend_a_bundled_one(tmp_path, view):
    out = run(tmp_path, '{% extends "checklist.html.j2" %}', view, fmt="html", name="mine.html.j2")
    assert "<!doctype html>" in out and "sample-hall" in out


def test_missing_and_unreadable_templates(tmp_path, view):
    with pytest.raises(SvcstdError, match="template not found"):
        render_user_template(tmp_path / "absent.j2", view, "md")
    (tmp_path / "gbk.j2").write_bytes("模板".encode("gbk"))
    with pytest.raises(SvcstdError, match="not UTF-8"):
        render_user_template(tmp_path / "gbk.j2", view, "md")


def test_bom_is_ignored(tmp_path, view):
    (tmp_path / "bom.j2").write_bytes("\ufeff{{ id }}".encode())
    assert render_user_template(tmp_path / "bom.j2", view, "md") == "sample-hall"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param("{{ ''.__class__.__mro__ }}", "not allowed", id="dunder"),
        pytest.param("{{ standards.append(1) }}", "not allowed", id="mutate-list"),
        pytest.param("{{ labels.update({'a': 1}) }}", "not allowed", id="mutate-dict"),
        pytest.param("{{ cycler.__init__.__globals__ }}", "not allowed", id="globals"),
        pytest.param("{{ lipsum(1000) }}", "'lipsum' is undefined", id="lipsum"),
        pytest.param("{{ 1 / 0 }}", "ZeroDivisionError", id="zero"),
        pytest.param("{{ 'a' + 1 }}", "template error (TypeError)", id="type-error"),
    ],
)
def test_escapes_and_runtime_errors_are_clean(tmp_path, view, text, says):
    assert says in str(fails(tmp_path, text, view))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{{ 'ab' * 50000000 }}", id="repeat-string"),
        pytest.param("{{ 50000000 * 'ab' }}", id="repeat-reversed"),
        pytest.param("{{ [1] * 50000000 }}", id="repeat-list"),
        pytest.param(
            "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
            id="double-with-tilde",
        ),
        pytest.param(
            "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
            id="double-with-plus",
        ),
        pytest.param("{{ (range(1000) | list) | join('x' * 1000) }}", id="join-filter"),
        pytest.param("{{ ('x' * 1000).join(range(1000) | map('string')) }}", id="join-method"),
        pytest.param("{{ 'a' | center(999999999) }}", id="center-filter"),
        pytest.param("{{ 'a'.ljust(999999999) }}", id="ljust-method"),
        pytest.param("{{ '%0999999999d' % 1 }}", id="percent-width"),
        pytest.param("{{ '%*d' % (99999999, 1) }}", id="percent-star"),
        pytest.param("{{ '{:>999999999}'.format(1) }}", id="format-width"),
        pytest.param("{{ '%0999999999d' | format(1) }}", id="format-filter"),
        pytest.param("{{ ('x' * 1000) | replace('x', 'y' * 1000) }}", id="replace-filter"),
        pytest.param("{{ ('x' * 1000).replace('', 'y' * 1000) }}", id="replace-method"),
        pytest.param("{{ ('\\n' * 1000) | indent('y' * 1000) }}", id="indent"),
        pytest.param("{{ ('\\t' * 1000).expandtabs(1000) }}", id="expandtabs"),
        pytest.param("{{ 2 ** 99999999 }}", id="power"),
        pytest.param(
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            id="nested-loops",
        ),
        pytest.param("{% for i in range(99999) %}{{ 'x' * 99 }}{% endfor %}", id="output-cap"),
        pytest.param("{{ range(10 ** 9) | list }}", id="huge-range"),
        pytest.param("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", id="recursion"),
    ],
)
def test_resource_bombs_stop_with_a_clean_error(tmp_path, view, small_caps, text):
    error = fails(tmp_path, text, view)
    assert error.where and "mine.j2" in error.where
    assert "returned" not in error.message  # stopped before it allocated, not after


def test_ordinary_work_stays_under_the_caps(tmp_path, view, small_caps):
    text = "{% for s in standards %}{{ s.id | center(20) }}{{ '-' * 40 }}\n{% endfor %}"
    out = run(tmp_path, text, view)
    assert out.count("\n") == 6
