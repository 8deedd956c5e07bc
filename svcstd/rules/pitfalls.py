"""The six pitfalls of writing service standards (制定服务标准的误区), P1–P6."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from svcstd.model import Factor, StandardFile
from svcstd.rules import Hit, Settings, rule

STRICT_TARGET = 0.98


@rule("P1", "stricter-is-better", title="The stricter the better", zh="标准越严越好")
def stricter_is_better(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard is stricter than customers need, or strict without a reason.

    ## What it checks
    - a 100 % target on a standard that is not a red line (`critical: false`);
    - a bound stricter than what customers say they expect (`measure.expectation`);
    - a strict standard — target ≥ 98 % or a red line — with no `rationale`.

    ## Why it matters
    "The stricter the better" (标准越严越好) is the first pitfall: a standard nobody can keep
    every time teaches staff to ignore standards, and money spent beating an expectation
    customers do not have is money not spent where they do care.

    ## Bad
    ```yaml
    what: 铃响后接听
    measure: {kind: duration, unit: s, max: 3, expectation: {max: 15}}
    target: 1.0
    ```

    ## Good
    ```yaml
    what: 铃响后接听
    measure: {kind: duration, unit: s, max: 10, expectation: {max: 15}}
    target: 0.9
    rationale: 调研显示客户可接受 15 秒内接听；10 秒留出余量
    ```
    """
    for path, _, _, std in doc.standards():
        if std.target >= 1.0 and not std.critical:
            yield Hit(
                (*path, "target"),
                f"target 100% on {std.id}, which is not a red line; one slip fails it — "
                "set a share staff can sustain (e.g. 0.95) or mark it `critical: true` with a reason",
                f"标准 {std.id} 不是红线却要求 100% 达标，一次失误即不达标；请设定可持续的比例"
                "（如 0.95），或标为 critical 并说明理由",
            )
        measure = std.measure
        expected = measure.expectation if measure else None
        if measure and expected and not std.rationale:
            if measure.max is not None and expected.max is not None and measure.max < expected.max:
                yield Hit(
                    (*path, "measure", "max"),
                    f"max {measure.max:g} is stricter than customers expect ({expected.max:g}); "
                    "meet the expectation rather than beat it at any cost, or explain in `rationale`",
                    f"max {measure.max:g} 比客户期望（{expected.max:g}）更严；满足期望即可，"
                    "或在 rationale 中说明理由",
                )
            if measure.min is not None and expected.min is not None and measure.min > expected.min:
                yield Hit(
                    (*path, "measure", "min"),
                    f"min {measure.min:g} is stricter than customers expect ({expected.min:g}); "
                    "meet the expectation, or explain in `rationale`",
                    f"min {measure.min:g} 比客户期望（{expected.min:g}）更严；满足期望即可，"
                    "或在 rationale 中说明理由",
                )
        hundred_not_critical = std.target >= 1.0 and not std.critical
        if (
            (std.target >= STRICT_TARGET or std.critical)
            and not std.rationale
            and not hundred_not_critical
        ):
            kind = "a red line" if std.critical else f"target {std.target:.0%}"
            kind_zh = "红线" if std.critical else f"达标率 {std.target:.0%}"
            yield Hit(
                path,
                f"{std.id} is strict ({kind}) but gives no `rationale`; say why customers need it",
                f"标准 {std.id} 要求很严（{kind_zh}）却没有 rationale；请说明客户为何需要",
            )


INDUSTRY = re.compile(
    r"行规|行业惯例|行业规矩|行业做法|业内惯例|业内通行|同行都|惯例|"
    r"\b(?:industry (?:practice|custom|norm|standard|convention)s?|common practice|"
    r"everyone (?:in the industry )?does)\b",
    re.IGNORECASE,
)
TEXT_FIELDS = ("what", "when", "how", "check", "rationale")


@rule("P2", "industry-custom", title="Following industry custom", zh="标准要符合行规")
def industry_custom(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard rests on industry custom where its factor has no customer evidence.

    ## What it checks
    Standards with `basis: industry`, or whose text appeals to 行规 / 行业惯例 / industry
    practice, when the key factor they serve has no `evidence` from customers.

    ## Why it matters
    "A standard must follow industry custom" (标准要符合行规) is the second pitfall: the
    industry's habits were set for the industry's convenience. What customers value is found
    by asking them (surveys, complaints, driver analysis), not by copying competitors.

    ## Bad
    ```yaml
    factors: [{id: hours, name: 营业时间, importance: 3}]
    ...
        basis: industry
        rationale: 行业惯例，营业厅 9 点开门
    ```

    ## Good
    ```yaml
    factors:
      - {id: hours, name: 营业时间, importance: 4, evidence: 2025 调研：32% 客户希望 8:30 前可办理}
    ...
        basis: customer
    ```
    """
    for path, _, _, std in doc.standards():
        texts = [getattr(std, name) or "" for name in TEXT_FIELDS]
        appeal = next((m.group(0) for t in texts if (m := INDUSTRY.search(t))), None)
        if std.basis != "industry" and appeal is None:
            continue
        factor = doc.factor(std.factor)
        if factor is not None and factor.evidence:
            continue
        reason = "`basis: industry`" if std.basis == "industry" else f"'{appeal}'"
        where = (*path, "basis") if std.basis == "industry" else path
        yield Hit(
            where,
            f"{std.id} rests on industry custom ({reason}) but its factor has no customer "
            "`evidence`; base it on what customers value (survey, complaints) or change the basis",
            f"标准 {std.id} 以行规为依据（{reason}），但其关键要素没有客户证据（evidence）；"
            "请以客户调研或投诉数据为依据",
        )


AVERAGE = re.compile(
    r"平均|均值|人均|\b(?:average|median)\b|"
    r"\bmean (?:time|wait|waiting|duration|score|rating|value|response|handling|queue)",
    re.IGNORECASE,
)


@rule("P3", "average-as-target", title="Targeting the average", zh="以平均数为目标")
def average_as_target(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard targets an average instead of every encounter.

    ## What it checks
    "平均", "均值", "average", "mean" in `what`, `when`, `how` or `check`, and
    `measure.aggregate: mean` or `median`.

    ## Why it matters
    "Targeting the average" (以平均数为目标) is the third pitfall: an average waiting time of
    8 minutes can hide a third of customers waiting 20. Judge each encounter against a
    threshold and set the share that must meet it (`target`).

    ## Bad
    ```yaml
    what: 客户平均等待时间不超过 10 分钟
    measure: {kind: duration, unit: min, max: 10, aggregate: mean}
    ```

    ## Good
    ```yaml
    what: 客户取号后等待时间不超过 10 分钟
    measure: {kind: duration, unit: min, max: 10}
    target: 0.9     # 90% 的客户
    ```
    """
    for path, _, _, std in doc.standards():
        for name in ("what", "when", "how", "check"):
            match = AVERAGE.search(getattr(std, name) or "")
            if match:
                yield Hit(
                    (*path, name),
                    f"'{match.group(0)}' in {name}: an average hides the customers who fare worst; "
                    "set a threshold per encounter and a share that must meet it (`target`)",
                    f"{name} 中的“{match.group(0)}”以平均数为目标，会掩盖体验最差的客户；"
                    "请对每次服务设定阈值，并用 target 规定达标比例",
                )
                break
        if std.measure and std.measure.aggregate in ("mean", "median"):
            yield Hit(
                (*path, "measure", "aggregate"),
                f"`aggregate: {std.measure.aggregate}` targets the average; "
                "use `each` with a `target` share",
                f"`aggregate: {std.measure.aggregate}` 以平均数为目标；请改为 each 并用 target 规定达标比例",
            )


def _importance(factors: list[Factor]) -> dict[str, float]:
    """Importance on one 0–1 scale: a file using only 0–1 keeps it, else 1–5 is divided by 5."""
    known = [f.importance for f in factors if f.importance is not None]
    scale = 1.0 if known and max(known) <= 1 else 5.0
    return {f.id: f.importance / scale for f in factors if f.importance is not None}


MANY = 3  # standards on a less important factor that show the detail went to the easy points


@rule("P4", "more-detail-is-better", title="The more detailed the better", zh="标准越细致越好")
def more_detail_is_better(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A step is buried in standards, or detail goes to easy factors while key ones have none.

    ## What it checks
    - a step with more standards than `max-standards-per-step` (default 7);
    - an important factor with no standard while a less important factor carries 3 or more
      (避重就轻).

    ## Why it matters
    "The more detailed the better" (标准越细致越好) is the fourth pitfall: service cannot be
    enumerated completely, and long lists drift to the easy points while dodging the
    important ones. Staff remember a few standards that matter.

    ## Bad
    ```yaml
    factors:
      - {id: fix-first-time, name: 一次修好, importance: 5, evidence: …}   # no standard
      - {id: uniform, name: 着装, importance: 2, evidence: …}              # 5 standards
    ```

    ## Good
    ```yaml
    # one standard on the uniform, two on fixing the fault the first time
    ```
    """
    limit = settings.max_standards_per_step
    for s, stage in enumerate(doc.stages):
        for t, step in enumerate(stage.steps):
            if len(step.standards) > limit:
                yield Hit(
                    ("stages", s, "steps", t, "standards"),
                    f"step '{step.id}' has {len(step.standards)} standards (limit {limit}); "
                    "keep the few that move satisfaction, or split the step",
                    f"步骤 '{step.id}' 有 {len(step.standards)} 条标准（上限 {limit}）；"
                    "保留真正影响满意度的几条，或拆分步骤",
                )
    counts = Counter(std.factor for _, _, _, std in doc.standards())
    importance = _importance(doc.factors)
    for i, factor in enumerate(doc.factors):
        if counts[factor.id] or factor.id not in importance:
            continue
        detailed = [
            other
            for other in doc.factors
            if counts[other.id] >= MANY and importance.get(other.id, 1.0) < importance[factor.id]
        ]
        if detailed:
            other = max(detailed, key=lambda f: counts[f.id])
            yield Hit(
                ("factors", i),
                f"important factor '{factor.id}' has no standard while less important "
                f"'{other.id}' has {counts[other.id]}; put the detail where customers care",
                f"重要的关键要素 '{factor.id}' 没有标准，而次要的 '{other.id}' 有 {counts[other.id]} 条；"
                "避重就轻——请把标准放在客户最在意的地方",
            )


@rule(
    "P5",
    "standard-for-its-own-sake",
    title="Standards for the sake of standards",
    zh="为了标准而标准",
)
def standard_for_its_own_sake(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard serves no key factor, or its factor has neither importance nor evidence.

    ## What it checks
    Every standard names a `factor`, and that factor has an `importance` or `evidence`.

    ## Why it matters
    "Standards for the sake of standards" (为了"标准"而标准) is the fifth pitfall: a standard
    that no customer-valued factor asks for costs training and inspection time and raises no
    satisfaction.

    ## Bad
    ```yaml
    - id: RH-09
      what: 柜台笔筒摆放在右上角
    ```

    ## Good
    ```yaml
    - id: RH-09
      factor: waiting
      what: 取号后 15 分钟内开始办理
    ```
    """
    for path, _, _, std in doc.standards():
        if std.factor is None:
            yield Hit(
                path,
                f"{std.id} serves no key factor; name the `factor` it turns into a standard, "
                "or drop it",
                f"标准 {std.id} 没有对应的关键要素；请用 factor 写明它服务于哪个要素，否则删除",
            )
            continue
        factor = doc.factor(std.factor)
        if factor is not None and factor.importance is None and not factor.evidence:
            yield Hit(
                (*path, "factor"),
                f"factor '{factor.id}' of {std.id} has neither importance nor evidence; "
                "show that customers value it",
                f"标准 {std.id} 的关键要素 '{factor.id}' 既无重要度也无证据；请说明客户为何看重它",
            )


@rule(
    "P6",
    "customers-need-not-know",
    title="Customers need not know the standard",
    zh="标准没必要让客户知道",
)
def customers_need_not_know(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A customer-facing standard is kept from customers without a stated reason.

    ## What it checks
    Standards with `customer_facing: true` that are not published (`published: false` on the
    file or on the standard) and give no `unpublished_reason`.

    ## Why it matters
    "Customers need not know the standard" (标准没必要让客户知道) is the sixth pitfall: a
    published promise lets customers hold staff to it and tells staff it matters.
    `svcstd render promise` turns the published standards into the customer promise.

    ## Bad
    ```yaml
    published: false
    ...
        customer_facing: true
    ```

    ## Good
    ```yaml
    published: true
    ```
    """
    if doc.unpublished_reason:
        return
    hidden_by_file = []
    for path, _, _, std in doc.standards():
        if not std.customer_facing or doc.is_published(std) or std.unpublished_reason:
            continue
        if std.published is None:  # hidden by the file's `published: false`
            hidden_by_file.append(std.id)
            continue
        yield Hit(
            (*path, "published"),
            f"customer-facing standard {std.id} is kept from customers; publish it "
            "(`published: true`) or give `unpublished_reason`",
            f"面向客户的标准 {std.id} 未向客户公开；请公开（published: true）或写明 unpublished_reason",
            key=True,
        )
    if hidden_by_file:
        count = len(hidden_by_file)
        listed = ", ".join(hidden_by_file[:5]) + (" …" if count > 5 else "")
        yield Hit(
            ("published",),
            f"`published: false` keeps {count} customer-facing standard{'s' * (count != 1)} "
            f"({listed}) from customers; publish them or give `unpublished_reason`",
            f"`published: false` 使 {count} 条面向客户的标准（{listed}）未向客户公开；"
            "请公开，或写明 unpublished_reason",
            key=True,
        )
