"""A standard → the plain data its documents are rendered from (the functional core).

`build_view` turns a `StandardFile` into dicts, lists, strings and numbers, filtered by stage
and role, with labels in the chosen language. Templates only ever see that data, so a user's
template in the sandbox cannot reach a Python object.
"""

from __future__ import annotations

from typing import Any, Literal

from svcstd.errors import SvcstdError
from svcstd.model import Measure, Standard, StandardFile, split_roles
from svcstd.render.labels import LABELS, UNIT_WORDS

Kind = Literal["checklist", "handout", "promise"]
TextFormat = Literal["md", "html"]


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
