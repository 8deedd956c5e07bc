"""The standard file as data: the four steps of the method as nested pydantic models.

Stages (step 1) hold steps (step 2); factors are the key satisfaction factors (step 3);
each `Standard` is one factor turned into something measurable (step 4). The models are
strict about shape (unknown keys are errors) and lenient about nothing else: cross-field
judgements (is a target too strict? is a word vague?) are rules with codes and positions.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

Language = Literal["zh", "en"]
MeasureKind = Literal["yes_no", "duration", "count", "rating", "percent"]
TimeUnit = Literal["s", "min", "h", "d"]
Basis = Literal["customer", "regulation", "industry", "internal"]
Aggregate = Literal["each", "mean", "median", "max", "min", "p90", "p95"]

UNIT_SECONDS: dict[str, float] = {"s": 1, "min": 60, "h": 3600, "d": 86400}
# Weights are relative shares of a score; beyond this a weight is a typing slip (1e12, 10000).
MAX_WEIGHT = 1000.0


def _share(value: Any) -> Any:
    """Accept a share as 0.95, "0.95" or "95%"."""
    if isinstance(value, str):
        text = value.strip().replace("％", "%")
        if text.endswith("%"):
            try:
                return float(text[:-1]) / 100
            except ValueError:
                return value
        return text
    return value


def _integer(value: Any) -> Any:
    """Plain digits written in YAML arrive as text; a literal version number wants an int."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


Share = Annotated[float, BeforeValidator(_share), Field(ge=0, le=1)]
Text = Annotated[str, Field(min_length=1)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\s/]+$")]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, values are not coerced between kinds."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class Bounds(Strict):
    """A range on the measure's scale; either end may be open."""

    min: float | None = None
    max: float | None = None


class Measure(Strict):
    """How one encounter is judged: a behaviour done or not, or a number inside bounds."""

    kind: MeasureKind
    unit: TimeUnit | None = Field(None, description="unit of a duration: s, min, h or d")
    min: float | None = None
    max: float | None = None
    scale: tuple[float, float] | None = Field(
        None, description="range of a rating scale, e.g. [-3, 3] for the MOT scale or [1, 5]"
    )
    aggregate: Aggregate = Field(
        "each", description="`each` judges every encounter; `mean` targets an average (pitfall 3)"
    )
    expectation: Bounds | None = Field(
        None, description="what customers say they expect, on the same scale (pitfall 1)"
    )

    @property
    def numeric(self) -> bool:
        return self.kind != "yes_no"

    def passes(self, value: float) -> bool:
        """Whether one observed value lies inside the bounds (inclusive)."""
        if math.isnan(value):
            return False
        if self.min is not None and value < self.min:
            return False
        return not (self.max is not None and value > self.max)

    def describe(self, language: Language = "zh") -> str:
        """The threshold in words, e.g. "≤ 30 s", "5–10 min", "≥ 4 (1–5)"."""
        if self.kind == "yes_no":
            return "做到" if language == "zh" else "done"
        unit = {"duration": self.unit or "", "percent": "%", "count": "", "rating": ""}[self.kind]
        if language == "zh" and self.kind == "duration":
            unit = {"s": "秒", "min": "分钟", "h": "小时", "d": "天"}.get(unit, unit)
        suffix = f" {unit}" if unit and unit != "%" else unit
        if self.min is not None and self.max is not None:
            words = f"{_num(self.min)}–{_num(self.max)}{suffix}"
        elif self.max is not None:
            words = f"≤ {_num(self.max)}{suffix}"
        elif self.min is not None:
            words = f"≥ {_num(self.min)}{suffix}"
        else:
            words = "记录数值" if language == "zh" else "record the value"
        if self.kind == "rating" and self.scale:
            words += (
                f"（{_num(self.scale[0])}…{_num(self.scale[1])}）"
                if language == "zh"
                else (f" (scale {_num(self.scale[0])}…{_num(self.scale[1])})")
            )
        return words


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class Factor(Strict):
    """A key satisfaction factor (step 3), with the customer evidence that makes it key."""

    id: Id
    name: Text
    importance: float | None = Field(None, ge=0, le=5, description="1–5, or 0–1")
    evidence: str | None = Field(None, description="survey, complaint data or driver analysis")
    description: str | None = None


class Standard(Strict):
    """One measurable service standard (step 4): what, who, when, how, and how it is checked."""

    id: Id
    factor: str | None = None
    what: str | None = None
    who: str | None = None
    when: str | None = None
    how: str | None = None
    check: str | None = None
    record: str | None = None
    measure: Measure | None = None
    target: Share = 0.95
    weight: float = Field(
        1.0,
        ge=0,
        le=MAX_WEIGHT,
        allow_inf_nan=False,
        description=f"the standard's share of an inspection's score, relative to the others (0–{MAX_WEIGHT:g}); 0 counts it in compliance only",
    )
    critical: StrictBool = False
    customer_facing: StrictBool = True
    published: StrictBool | None = Field(None, description="overrides the file's `published`")
    unpublished_reason: str | None = None
    basis: Basis | None = None
    rationale: str | None = None
    customer_text: str | None = Field(None, description="the promise in the customer's words")
    ignore: dict[str, Text] = Field(default_factory=dict, description="waivers: {CODE: reason}")


class Step(Strict):
    """A concrete service step (step 2) inside a stage."""

    id: Id
    name: Text
    standards: list[Standard] = Field(default_factory=list)


class Stage(Strict):
    """A stage of the service in the order the customer meets it (step 1)."""

    id: Id
    name: Text
    steps: list[Step] = Field(default_factory=list)


class Review(Strict):
    """When the standard is reviewed and improved (定期审核和优化)."""

    every_months: int = Field(ge=1, le=120)
    last: dt.date | None = None


class Inspection(Strict):
    """Who checks, how and how often: staff must know this (公布检查结果)."""

    by: str | None = None
    method: str | None = None
    frequency: str | None = None


class StandardFile(Strict):
    """One service standard: the whole YAML file."""

    svcstd: Annotated[Literal[1], BeforeValidator(_integer)] = Field(description="format version")
    id: Id
    title: Text
    language: Language = "zh"
    service: str | None = None
    owner: str | None = None
    version: str | None = None
    effective: dt.date | None = None
    review: Review | None = None
    roles: list[Text] = Field(default_factory=list)
    inspection: Inspection | None = None
    published: StrictBool = True
    unpublished_reason: str | None = None
    factors: list[Factor] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)

    def standards(self) -> Iterator[tuple[tuple[str | int, ...], Stage, Step, Standard]]:
        """Every standard with its key path, in the customer's order."""
        for s, stage in enumerate(self.stages):
            for t, step in enumerate(stage.steps):
                for n, standard in enumerate(step.standards):
                    yield ("stages", s, "steps", t, "standards", n), stage, step, standard

    def factor(self, factor_id: str | None) -> Factor | None:
        return next((f for f in self.factors if f.id == factor_id), None)

    def is_published(self, standard: Standard) -> bool:
        return self.published if standard.published is None else standard.published


ROLE_SEPARATORS = re.compile(r"[、,，/；;&＆+]|\s+(?:and|or)\s+")


def split_roles(who: str) -> list[str]:
    """`who` may name several roles: "维护员、客服代表" or "agent / supervisor"."""
    return [part.strip() for part in ROLE_SEPARATORS.split(who) if part.strip()]
