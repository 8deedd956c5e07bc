"""Turn a standard into the documents its users hand out: checklist, handout, promise.

The functional core is `build_view`: a `StandardFile` becomes plain data (dicts, lists,
strings, numbers) filtered by stage and role, with labels in the chosen language. Templates
only ever see that data, so a user's own template in the sandbox cannot reach a Python
object. Built-in templates run in an environment that escapes every value for its output
format: HTML autoescaping, and a Markdown escape applied to every `{{ … }}` in `.md`
templates, so a `|` or `<` in a standard cannot break a table or inject markup.
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup

from svcstd.cells import MarkdownText, md_escape
from svcstd.errors import SvcstdError
from svcstd.model import Measure, Standard, StandardFile, split_roles

Kind = Literal["checklist", "handout", "promise"]
TextFormat = Literal["md", "html"]

# A user's template may write at most this many characters (and build no longer strings).
MAX_OUTPUT_CHARS = 16 * 1024 * 1024
# … and run at most this many loop iterations in total, for at most this many seconds.
MAX_LOOP_ITERATIONS = 5_000_000
MAX_SECONDS = 60.0
# a whole number in a template: 16,384 bits is ~4,900 digits, more than Python will print;
# `((9 ** 1024) ** 1024) ** 1024` must stop before it runs, not after minutes of arithmetic
MAX_NUMBER_BITS = 16_384

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "checklist": "服务检查表",
        "colon": "：",
        "lp": "（",
        "rp": "）",
        "gap": "　",
        "handout": "员工培训手册",
        "promise": "服务承诺",
        "standard_id": "标准文件",
        "version": "版本",
        "effective": "生效日期",
        "service": "服务",
        "owner": "负责部门",
        "inspection_plan": "检查安排",
        "inspected_by": "检查人",
        "method": "检查方式",
        "frequency": "检查频率",
        "stage": "阶段",
        "step": "步骤",
        "id": "编号",
        "standard": "标准",
        "what": "做什么",
        "who": "谁来做",
        "when": "何时做",
        "how": "怎样做",
        "check": "检查方法",
        "record": "记录",
        "threshold": "达标要求",
        "target": "达标率目标",
        "target_words": "达标率目标 {share}",
        "result": "结果",
        "critical": "红线",
        "critical_mark": "【红线】",
        "critical_note": "红线项一项不合格，本次检查即判不合格。",
        "legend": "结果填写：✓ 合格　✗ 不合格　N/A 不适用；数值项填写实测值。",
        "semicolon": "；",
        "sep": " · ",
        "pass": "合格",
        "fail": "不合格",
        "na": "不适用",
        "measured": "实测",
        "counted": "实测",
        "scored": "评分",
        "inspection": "检查编号",
        "date": "日期",
        "site": "网点",
        "staff": "员工",
        "inspector": "检查员",
        "note": "备注",
        "signature_inspector": "检查员签字",
        "signature_staff": "被检查人签字",
        "totals": "合计",
        "passed_of_applicable": "合格项 / 适用项",
        "red_lines_ok": "红线项全部合格",
        "yes_no": "□ 是　□ 否",
        "filter_only": "本文件仅含",
        "filter_stage": "阶段",
        "filter_role": "岗位",
        "standards_count": "项标准",
        "standards_count_one": "项标准",
        "role": "岗位",
        "your_standards": "你负责的标准",
        "good_looks_like": "做到什么程度",
        "done": "做到",
        "done_described": "按上述要求做到",
        "why": "为什么",
        "evidence": "依据",
        "how_checked": "怎么检查",
        "who_checks": "谁来检查、怎么检查、多久一次",
        "everyone": "未指定岗位",
        "rationale": "说明",
        "our_promise": "我们的服务承诺",
        "promise_intro": "以下是我们对每一位客户的承诺，欢迎您监督。",
        "promise_ref": "承诺编号",
        "standard_value": "标准",
        "generated": "由 svcstd 生成",
        "contents": "目录",
        "importance": "重要度",
        "unassigned": "（未写明）",
    },
    "en": {
        "checklist": "Service checklist",
        "colon": ": ",
        "lp": " (",
        "rp": ")",
        "gap": "   ",
        "handout": "Staff handout",
        "promise": "Service promise",
        "standard_id": "Standard",
        "version": "Version",
        "effective": "Effective",
        "service": "Service",
        "owner": "Owner",
        "inspection_plan": "Inspection plan",
        "inspected_by": "Checked by",
        "method": "Method",
        "frequency": "Frequency",
        "stage": "Stage",
        "step": "Step",
        "id": "ID",
        "standard": "Standard",
        "what": "What",
        "who": "Who",
        "when": "When",
        "how": "How",
        "check": "How it is checked",
        "record": "Record",
        "threshold": "Requirement",
        "target": "Target",
        "target_words": "target: {share} of encounters",
        "result": "Result",
        "critical": "Red line",
        "critical_mark": "RED LINE",
        "critical_note": "One failed red-line item fails the whole inspection.",
        "legend": "Result: ✓ pass, ✗ fail, N/A not applicable; for a number, write the value.",
        "semicolon": "; ",
        "sep": " · ",
        "pass": "pass",
        "fail": "fail",
        "na": "n/a",
        "measured": "measured",
        "counted": "count",
        "scored": "score",
        "inspection": "Inspection no.",
        "date": "Date",
        "site": "Site",
        "staff": "Staff",
        "inspector": "Inspector",
        "note": "Note",
        "signature_inspector": "Inspector's signature",
        "signature_staff": "Staff signature",
        "totals": "Totals",
        "passed_of_applicable": "passed / applicable",
        "red_lines_ok": "All red lines passed",
        "yes_no": "□ yes / □ no",
        "filter_only": "This copy covers only",
        "filter_stage": "stage",
        "filter_role": "role",
        "standards_count": "standards",
        "standards_count_one": "standard",
        "role": "Role",
        "your_standards": "Your standards",
        "good_looks_like": "What good looks like",
        "done": "Done",
        "done_described": "Done as described above",
        "why": "Why",
        "evidence": "Evidence",
        "how_checked": "How it is checked",
        "who_checks": "Who checks, how, how often",
        "everyone": "No role named",
        "rationale": "Rationale",
        "our_promise": "Our service promise",
        "promise_intro": "This is what we promise every customer. Hold us to it.",
        "promise_ref": "ref.",
        "standard_value": "Standard",
        "generated": "generated by svcstd",
        "contents": "Contents",
        "importance": "Importance",
        "unassigned": "(not stated)",
    },
}

UNIT_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "s": "秒",
        "min": "分钟",
        "h": "小时",
        "d": "天",
        "percent": "%",
        "count": "",
        "rating": "分",
    },
    "en": {
        "s": "s",
        "min": "min",
        "h": "h",
        "d": "days",
        "percent": "%",
        "count": "",
        "rating": "",
    },
}


# --------------------------------------------------------------------------- the view


def build_view(
    doc: StandardFile,
    *,
    kind: Kind = "checklist",
    lang: str | None = None,
    stage: str | None = None,
    role: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The plain data every template receives: the standard filtered by stage and role.

    Raises `SvcstdError` when a filter names no stage or role of the file, or leaves nothing.
    """
    language = lang or doc.language
    if language not in LABELS:
        raise SvcstdError(f"--lang must be zh or en, not {language!r}")
    labels = LABELS[language]
    stage_ids = _pick_stage(doc, stage)
    role_name = _pick_role(doc, role)

    stages: list[dict[str, Any]] = []
    flat: list[dict[str, Any]] = []
    for s_index, stage_model in enumerate(doc.stages, start=1):
        if stage_model.id not in stage_ids:
            continue
        steps: list[dict[str, Any]] = []
        for t_index, step in enumerate(stage_model.steps, start=1):
            items: list[dict[str, Any]] = []
            for standard in step.standards:
                if role_name is not None and role_name not in _roles_of(standard):
                    continue
                item = _standard_view(doc, standard, language)
                item.update(
                    stage=stage_model.id,
                    stage_name=stage_model.name,
                    step=step.id,
                    step_name=step.name,
                    number=f"{s_index}.{t_index}.{len(items) + 1}",
                )
                items.append(item)
            if items:
                steps.append(
                    {
                        "id": step.id,
                        "name": step.name,
                        "number": f"{s_index}.{t_index}",
                        "standards": items,
                    }
                )
                flat.extend(items)
        if steps or (stage is None and role is None):
            stages.append(
                {
                    "id": stage_model.id,
                    "name": stage_model.name,
                    "number": str(s_index),
                    "steps": steps,
                }
            )
    if (stage is not None or role is not None) and not flat:
        what = " and ".join(
            part
            for part in (f"stage '{stage}'" if stage else "", f"role '{role_name}'" if role else "")
            if part
        )
        raise SvcstdError(f"no standard matches {what}")

    view: dict[str, Any] = {
        "kind": kind,
        "lang": language,
        "labels": dict(labels),
        "id": doc.id,
        "title": doc.title,
        "language": doc.language,
        "service": doc.service,
        "owner": doc.owner,
        "version": doc.version,
        "effective": doc.effective.isoformat() if doc.effective else None,
        "review": {
            "every_months": doc.review.every_months if doc.review else None,
            "last": doc.review.last.isoformat() if doc.review and doc.review.last else None,
        },
        "inspection": {
            "by": doc.inspection.by if doc.inspection else None,
            "method": doc.inspection.method if doc.inspection else None,
            "frequency": doc.inspection.frequency if doc.inspection else None,
        },
        "roles": list(doc.roles),
        "published": doc.published,
        "factors": [_factor_view(doc, f.id) for f in doc.factors],
        "stages": stages,
        "standards": flat,
        "counts": {
            "standards": len(flat),
            "critical": sum(1 for item in flat if item["critical"]),
            "stages": sum(1 for s in stages if s["steps"]),
        },
        "count_words": count_words(len(flat), labels),
        "filters": {
            "stage": stage,
            "stage_name": _stage_name(doc, stage_ids) if stage is not None else None,
            "role": role_name,
        },
        "source": source,
        "generator": _generator(),
    }
    view["role_sections"] = _role_sections(doc, stages, role_name, labels)
    view["promises"] = _promises(stages)
    return view


def _pick_stage(doc: StandardFile, stage: str | None) -> set[str]:
    if stage is None:
        return {s.id for s in doc.stages}
    for candidate in doc.stages:
        if stage in (candidate.id, candidate.name):
            return {candidate.id}
    known = ", ".join(s.id for s in doc.stages) or "none"
    raise SvcstdError(f"no stage '{stage}' in {doc.id}; stages: {known}")


def _stage_name(doc: StandardFile, stage_ids: set[str]) -> str:
    return next(s.name for s in doc.stages if s.id in stage_ids)


def _roles_of(standard: Standard) -> list[str]:
    return split_roles(standard.who) if standard.who else []


def _all_roles(doc: StandardFile) -> list[str]:
    """Declared roles first, then any role named in `who` but not declared, in file order."""
    names = list(dict.fromkeys(doc.roles))
    for _, _, _, standard in doc.standards():
        for name in _roles_of(standard):
            if name not in names:
                names.append(name)
    return names


def _pick_role(doc: StandardFile, role: str | None) -> str | None:
    if role is None:
        return None
    wanted = role.strip()
    names = _all_roles(doc)
    if wanted in names:
        return wanted
    folded = {name.casefold(): name for name in names}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    raise SvcstdError(f"no role '{role}' in {doc.id}; roles: {', '.join(names) or 'none'}")


def _factor_view(doc: StandardFile, factor_id: str | None) -> dict[str, Any] | None:
    factor = doc.factor(factor_id)
    if factor is None:
        return None
    return {
        "id": factor.id,
        "name": factor.name,
        "importance": factor.importance,
        "evidence": factor.evidence,
        "description": factor.description,
    }


def _standard_view(doc: StandardFile, standard: Standard, lang: str) -> dict[str, Any]:
    measure = standard.measure
    labels = LABELS[lang]
    threshold = measure.describe(lang) if measure and measure.numeric else None  # type: ignore[arg-type]
    return {
        "id": standard.id,
        "what": standard.what,
        "who": standard.who,
        "roles": _roles_of(standard),
        "when": standard.when,
        "how": standard.how,
        "check": standard.check,
        "record": standard.record,
        "kind": measure.kind if measure else None,
        "numeric": bool(measure and measure.numeric),
        "integer": bool(measure and measure.kind == "count"),
        "unit": measure.unit if measure else None,
        "unit_words": unit_words(measure, lang),
        "min": measure.min if measure else None,
        "max": measure.max if measure else None,
        "scale": list(measure.scale) if measure and measure.scale else None,
        "threshold": threshold,
        # what one encounter must meet to pass: the number, or done as the standard says
        "requirement": threshold or labels["done"],
        "requirement_described": threshold or labels["done_described"],
        "target": standard.target,
        "target_text": percent(standard.target),
        # the target is a share of encounters, not of one encounter
        "target_words": labels["target_words"].format(share=percent(standard.target)),
        # the word before the blank where an inspector writes a measured value
        "value_label": _value_label(measure, labels),
        "weight": standard.weight,
        "critical": standard.critical,
        "customer_facing": standard.customer_facing,
        "published": doc.is_published(standard),
        "customer_text": standard.customer_text,
        "promise": promise_text(standard, threshold, lang),
        # the number shown beside the promise; customer_text already says it in its own words
        "promise_number": None if standard.customer_text else threshold,
        "factor": _factor_view(doc, standard.factor),
        "basis": standard.basis,
        "rationale": standard.rationale,
    }


def _value_label(measure: Measure | None, labels: dict[str, str]) -> str:
    """ "measured ____ min", "count ____", "score ____": no empty slot where a unit is missing."""
    if measure is None or not measure.numeric:
        return ""
    if measure.kind == "count":
        return labels["counted"]
    if measure.kind == "rating":
        return labels["scored"]
    return labels["measured"]


def count_words(count: int, labels: dict[str, str]) -> str:
    """ "1 standard", "6 standards", "6 项标准"."""
    noun = labels["standards_count_one"] if count == 1 else labels["standards_count"]
    return f"{count} {noun}"


def unit_words(measure: Measure | None, lang: str) -> str:
    """What to write after a measured value on a paper form: "分钟", "%", ""."""
    if measure is None or not measure.numeric:
        return ""
    words = UNIT_WORDS.get(lang, UNIT_WORDS["en"])
    key = measure.unit if measure.kind == "duration" else measure.kind
    return words.get(key or "", "")


def percent(share: float) -> str:
    """0.95 → "95%", 0.975 → "97.5%"."""
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def promise_text(standard: Standard, threshold: str | None, lang: str) -> str:
    """The promise in the customer's words, or what is done and to which number."""
    if standard.customer_text:
        return standard.customer_text
    what = standard.what or standard.id
    if threshold is None:
        return what
    return f"{what}（{threshold}）" if lang == "zh" else f"{what} ({threshold})"


def _role_sections(
    doc: StandardFile, stages: list[dict[str, Any]], role: str | None, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """The handout's chapters: for each role, the stages and steps whose standards it owns."""
    names = [role] if role else _all_roles(doc)
    sections = []
    for name in [*names, None]:
        owned = []
        for stage in stages:
            steps = []
            for step in stage["steps"]:
                mine = [
                    item
                    for item in step["standards"]
                    if (name in item["roles"] if name is not None else not item["roles"])
                ]
                if mine:
                    steps.append({**step, "standards": mine})
            if steps:
                owned.append({**stage, "steps": steps})
        if owned:
            count = sum(len(step["standards"]) for stage in owned for step in stage["steps"])
            sections.append(
                {
                    "role": name if name is not None else labels["everyone"],
                    "stages": owned,
                    "count": count,
                    "count_words": count_words(count, labels),
                }
            )
    return sections


def _promises(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Customer-facing, published standards grouped by stage: what customers are told."""
    groups = []
    for stage in stages:
        items = [
            item
            for step in stage["steps"]
            for item in step["standards"]
            if item["customer_facing"] and item["published"]
        ]
        if items:
            groups.append(
                {
                    "id": stage["id"],
                    "name": stage["name"],
                    "number": stage["number"],
                    "standards": items,
                }
            )
    return groups


def _generator() -> str:
    from svcstd import __version__

    return f"svcstd {__version__}"


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


# --------------------------------------------------------------------------- a user's template


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
