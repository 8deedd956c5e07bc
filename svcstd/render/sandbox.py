"""A user's own template, rendered in an immutable sandbox with bounded work and output."""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from svcstd.errors import SvcstdError
from svcstd.render.environment import _env_options, _filters
from svcstd.render.view import TextFormat

# A user's template may write at most this many characters (and build no longer strings).
MAX_OUTPUT_CHARS = 16 * 1024 * 1024
# … and run at most this many loop iterations in total, for at most this many seconds.
MAX_LOOP_ITERATIONS = 5_000_000
MAX_SECONDS = 60.0
# a whole number in a template: 16,384 bits is ~4,900 digits, more than Python will print;
# `((9 ** 1024) ** 1024) ** 1024` must stop before it runs, not after minutes of arithmetic
MAX_NUMBER_BITS = 16_384


def render_user_template(path: Path, view: dict[str, Any], fmt: TextFormat) -> str:
    """Render a user's template in an immutable sandbox; every failure is one clean line."""
    from jinja2 import ChoiceLoader, FileSystemLoader, TemplateNotFound, TemplateSyntaxError

    from svcstd.resources import bundled_templates

    if not path.is_file():
        raise SvcstdError("template not found", str(path))
    env = _guarded_sandbox(fmt)
    # Siblings of the user's template first, then the bundled ones, so that
    # `{% extends "checklist.html.j2" %}` works; FileSystemLoader refuses paths outside them.
    env.loader = ChoiceLoader(
        [
            FileSystemLoader(str(path.parent), encoding="utf-8-sig"),
            FileSystemLoader(str(bundled_templates())),
        ]
    )
    filename = str(path)
    chunks: list[str] = []
    size = 0
    try:
        template = env.get_template(path.name)
        env.start()
        for chunk in template.generate(view):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise _TooBig(f"output is larger than {MAX_OUTPUT_CHARS:,} characters")
            chunks.append(chunk)
    except TemplateSyntaxError as error:
        where = f"{error.filename or filename}:{error.lineno}"
        raise SvcstdError(_clean(error.message or str(error)), where) from None
    except TemplateNotFound as error:
        raise SvcstdError(f"template not found: {error.name}", _where(filename, error)) from None
    except UnicodeDecodeError as error:
        raise SvcstdError(f"template is not UTF-8 text ({error.reason})", filename) from None
    except OSError as error:
        raise SvcstdError(f"cannot read template: {error.strerror or error}", filename) from None
    except RecursionError:
        raise SvcstdError("template recursion is too deep", filename) from None
    except MemoryError:
        raise SvcstdError("template needs too much memory", filename) from None
    except Exception as error:  # a user's template can fail in any way; never a traceback
        raise SvcstdError(_describe(error), _where(filename, error)) from None
    return "".join(chunks)


class _TooBig(Exception):
    """A user's template tried to build or write more than the cap."""


def _describe(error: BaseException) -> str:
    from jinja2 import UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(error, UndefinedError):
        return f"undefined: {_clean(str(error))}"
    if isinstance(error, SecurityError):
        return f"not allowed in a template: {_clean(str(error))}"
    if isinstance(error, _TooBig):
        return f"template stopped: {error}"
    name = type(error).__name__
    text = _clean(str(error))
    return f"template error ({name}): {text}" if text else f"template error ({name})"


def _clean(text: str) -> str:
    """One line, no longer than a terminal can show sensibly."""
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:297] + "…"


def _where(filename: str, error: BaseException) -> str:
    """`template:line` of the innermost traceback frame that belongs to a template."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.endswith(".py") and frame.lineno
    ]
    if frames:
        return f"{frames[-1].filename}:{frames[-1].lineno}"
    return filename


def _too_long(value: Any) -> bool:
    try:
        return isinstance(value, str | list | tuple | bytes) and len(value) > MAX_OUTPUT_CHARS
    except TypeError:
        return False


def _guarded_sandbox(fmt: TextFormat) -> Any:
    """An `ImmutableSandboxedEnvironment` that also bounds size, loops and time.

    The sandbox blocks attribute escapes and mutation but not resource use: `'ab' * 50000000`
    builds 100 MB, a namespace can double a string forty times, nested `range` loops run
    for ever. Here every operator, call, filter, `~` and loop that can grow is checked
    before it allocates, loops share an iteration budget, and the output is capped.
    """
    from jinja2 import nodes
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    cap = MAX_OUTPUT_CHARS

    def refuse(what: str) -> None:
        raise SecurityError(f"{what} would exceed the template size limit ({cap:,} characters)")

    def check_args(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
        for value in [*args, *kwargs.values()]:
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > cap:
                refuse(f"the number {value}")
            if _too_long(value):
                refuse("a value")

    def size_of(value: Any) -> int:
        return len(value) if isinstance(value, str | list | tuple) else len(str(value))

    def check_format(spec: str) -> None:
        # widths and precisions in "%999999999d" or "{:>999999999}"
        for digits in re.findall(r"\d+", spec):
            if len(digits) > 7 or int(digits) > cap:
                refuse(f"the format width {digits}")
        if re.search(r"%[-+ #0]*\*", spec):
            refuse("a '*' width in a format")

    def check_arithmetic(operator: str, left: Any, right: Any) -> None:
        """Bound a product or power of whole numbers by the size of its result, before it
        is computed: the bit length of a product is at most the sum of its factors', of a
        power the base's times the exponent."""
        if not (_whole(left) and _whole(right)):
            return
        if operator == "*":
            bits = left.bit_length() + right.bit_length()
        elif operator == "**" and right > 0:
            bits = left.bit_length() * right
        else:
            return
        if bits > MAX_NUMBER_BITS:
            raise SecurityError(
                f"the result of {operator} would have more than {MAX_NUMBER_BITS:,} bits "
                f"(about {MAX_NUMBER_BITS * 3 // 10:,} digits); a template computes small numbers"
            )

    class GuardedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

        def start(self) -> None:
            self.loop_budget = MAX_LOOP_ITERATIONS
            self.deadline = time.monotonic() + MAX_SECONDS

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            check_arithmetic(operator, left, right)
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if (
                        isinstance(seq, str | list | tuple)
                        and isinstance(times, int)
                        and len(seq) * max(times, 0) > cap
                    ):
                        refuse("repeating a value")
            elif operator == "**":
                if isinstance(right, int | float) and abs(right) > 1024:
                    refuse(f"the power {right}")
            elif operator == "+":
                sequences = (str, list, tuple)
                if (
                    isinstance(left, sequences)
                    and isinstance(right, sequences)
                    and len(left) + len(right) > cap
                ):
                    refuse("joining values")
            elif operator == "%" and isinstance(left, str):
                check_format(left)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            __self.tick()
            check_args(args, kwargs)
            # the sandbox hands out str.format wrapped; the bound method is `__wrapped__`
            method = getattr(__obj, "__wrapped__", __obj)
            owner = getattr(method, "__self__", None)
            name = getattr(method, "__name__", "")
            if isinstance(owner, str):
                if name in ("format", "format_map"):
                    check_format(owner)
                elif name == "replace" and len(args) >= 2:
                    grows = owner.count(str(args[0])) if args[0] else len(owner) + 1
                    if len(owner) + grows * size_of(args[1]) > cap:
                        refuse("replacing text")
                elif name == "join" and args:
                    items = list(args[0]) if not isinstance(args[0], list | tuple) else args[0]
                    total = sum(size_of(item) for item in items) + len(owner) * len(items)
                    if total > cap:
                        refuse("joining values")
                    args = (items, *args[1:])
                elif name == "expandtabs":
                    width = int(args[0]) if args else 8
                    if owner.count("\t") * width + len(owner) > cap:
                        refuse("expanding tabs")
            result = super().call(__context, __obj, *args, **kwargs)
            if _too_long(result):
                raise SecurityError(f"a call returned more than {cap:,} characters")
            return result

        def tick(self) -> None:
            if time.monotonic() > self.deadline:
                raise SecurityError(f"template ran longer than {MAX_SECONDS:.0f} s")

        def guard_text(self, value: Any) -> Any:
            if _too_long(value):
                refuse("joining text with ~")
            return value

        def guard_loop(self, iterable: Any) -> Iterator[Any]:
            for count, item in enumerate(iterable):
                self.loop_budget -= 1
                if self.loop_budget < 0:
                    raise SecurityError(
                        f"template ran more than {MAX_LOOP_ITERATIONS:,} loop iterations"
                    )
                if count % 4096 == 0:
                    self.tick()
                yield item

        def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
            tree = super()._parse(source, name, filename)
            for parent in [tree, *tree.find_all(nodes.Node)]:
                for field in parent.fields:
                    value = getattr(parent, field, None)
                    if isinstance(value, nodes.Concat):
                        setattr(parent, field, _wrap_concat(value))
                    elif isinstance(value, list):
                        value[:] = [
                            _wrap_concat(v) if isinstance(v, nodes.Concat) else v for v in value
                        ]
            for node in tree.find_all(nodes.For):
                node.iter = nodes.Call(
                    nodes.EnvironmentAttribute("guard_loop"),
                    [node.iter],
                    [],
                    None,
                    None,
                    lineno=node.iter.lineno,
                )
            return tree

    def _wrap_concat(node: Any) -> Any:
        return nodes.Call(
            nodes.EnvironmentAttribute("guard_text"), [node], [], None, None, lineno=node.lineno
        )

    env = GuardedSandbox(**_env_options(fmt))
    env.globals.pop("lipsum", None)  # builds large text from nothing
    env.filters.update(_filters())
    _guard_filters(env, check_args, refuse, check_format, size_of)
    env.start()
    return env


def _guard_filters(
    env: Any,
    check_args: Callable[[Iterable[Any], dict[str, Any]], None],
    refuse: Callable[[str], None],
    check_format: Callable[[str], None],
    size_of: Callable[[Any], int],
) -> None:
    """Wrap every filter: numbers and inputs within the cap before, results within it after."""
    from jinja2.exceptions import SecurityError

    cap = MAX_OUTPUT_CHARS

    def guard(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            values = [a for a in args if not _is_context(a)]
            check_args(values, kwargs)
            if name == "replace" and len(values) >= 3:
                text, old, new = str(values[0]), str(values[1]), values[2]
                grows = text.count(old) if old else len(text) + 1
                if len(text) + grows * size_of(new) > cap:
                    refuse("replacing text")
            elif name == "join" and values:
                items = list(values[0])
                separator = values[1] if len(values) > 1 else kwargs.get("d", "")
                if sum(size_of(i) for i in items) + size_of(separator) * len(items) > cap:
                    refuse("joining values")
                args = tuple(items if a is values[0] else a for a in args)
            elif name == "indent" and values:
                width = values[1] if len(values) > 1 else kwargs.get("width", 4)
                lines = str(values[0]).count("\n") + 1
                if lines * (size_of(width) if isinstance(width, str) else int(width)) > cap:
                    refuse("indenting text")
            elif name == "format" and values:
                check_format(str(values[0]))
            result = func(*args, **kwargs)
            if _too_long(result):
                raise SecurityError(f"the filter {name} returned more than {cap:,} characters")
            return result

        for attr in ("jinja_pass_arg",):
            if hasattr(func, attr):
                setattr(guarded, attr, getattr(func, attr))
        return guarded

    for name, func in list(env.filters.items()):
        env.filters[name] = guard(name, func)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_context(value: Any) -> bool:
    from jinja2 import Environment
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context

    return isinstance(value, Context | EvalContext | Environment)
