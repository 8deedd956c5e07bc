"""The six pitfalls of writing service standards (制定服务标准的误区), P1–P6."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from svcstd.model import Factor, Standard, StandardFile
from svcstd.rules import Hit, KeyPath, Settings, rule
from svcstd.rules.reasons import (
    expected_max,
    gives_reason,
    hides_from_customers,
    industry_appeal,
    is_customer_voice,
    leans_on_industry,
    not_customer_voice,
    restates_strictness,
)
from svcstd.rules.text import has_quantity, normalise, vague_words

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
        hundred_not_critical = std.target >= 1.0 and not std.critical
        if hundred_not_critical:
            yield Hit(
                (*path, "target"),
                f"target 100% on {std.id}, which is not a red line; one slip fails it — "
                "set a share staff can sustain (e.g. 0.95) or mark it `critical: true` with a reason",
                f"标准 {std.id} 不是红线却要求 100% 达标，一次失误即不达标；请设定可持续的比例"
                "（如 0.95），或标为 critical 并说明理由",
            )
        restated = restates_strictness(std.rationale)
        if restated:
            yield Hit(
                (*path, "rationale"),
                f"the rationale of {std.id} ('{restated}') restates the pitfall instead of giving "
                "a reason; say what customers need and how you know",
                f"标准 {std.id} 的 rationale（“{restated}”）只是重复“越严越好”的误区，不是理由；"
                "请说明客户需要什么、依据是什么",
            )
        yield from _beyond_expectation(doc, path, std)
        strict = std.target >= STRICT_TARGET or std.critical
        if strict and not std.rationale and not hundred_not_critical:
            kind = "a red line" if std.critical else f"target {std.target:.0%}"
            kind_zh = "红线" if std.critical else f"达标率 {std.target:.0%}"
            yield Hit(
                path,
                f"{std.id} is strict ({kind}) but gives no `rationale`; say why customers need it",
                f"标准 {std.id} 要求很严（{kind_zh}）却没有 rationale；请说明客户为何需要",
            )


FAR = 2.0  # a bound this many times stricter than the expectation read from evidence text


def _expectation(doc: StandardFile, std: Standard) -> tuple[float | None, float | None, bool]:
    """What customers expect (min, max) and whether it was stated (True) or read from evidence."""
    measure = std.measure
    if measure is None or not measure.numeric:
        return None, None, True
    if measure.expectation is not None:
        return measure.expectation.min, measure.expectation.max, True
    factor = doc.factor(std.factor)
    if factor is None or not factor.evidence:
        return None, None, True
    return None, expected_max(factor.evidence, measure), False


def _beyond_expectation(doc: StandardFile, path: KeyPath, std: Standard) -> Iterator[Hit]:
    """A bound stricter than customers expect, with no rationale that gives a reason."""
    measure = std.measure
    if measure is None or gives_reason(std.rationale):
        return
    low, high, stated = _expectation(doc, std)
    margin = 1.0 if stated else FAR
    if measure.max is not None and high is not None and measure.max * margin < high:
        said = "customers expect" if stated else "the factor's evidence says customers accept"
        said_zh = "客户期望" if stated else "要素证据显示客户可接受"
        yield Hit(
            (*path, "measure", "max"),
            f"max {measure.max:g} is stricter than {said} ({high:g}); "
            "meet the expectation rather than beat it at any cost, or explain in `rationale`",
            f"max {measure.max:g} 比{said_zh}（{high:g}）更严；满足期望即可，"
            "或在 rationale 中说明理由",
        )
    if measure.min is not None and low is not None and measure.min > low:
        yield Hit(
            (*path, "measure", "min"),
            f"min {measure.min:g} is stricter than customers expect ({low:g}); "
            "meet the expectation, or explain in `rationale`",
            f"min {measure.min:g} 比客户期望（{low:g}）更严；满足期望即可，"
            "或在 rationale 中说明理由",
        )


TEXT_FIELDS = ("what", "when", "how", "check", "rationale")
CONTRADICTS = 1.5  # a bound this far from what customers said, either way, is not theirs


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
        field = next((name for name in TEXT_FIELDS if industry_appeal(getattr(std, name))), None)
        if std.basis != "industry" and field is None:
            continue
        factor = doc.factor(std.factor)
        evidence = factor.evidence if factor is not None else None
        contradiction = _contradicts(doc, std)
        alone = leans_on_industry(std.rationale)  # custom is the rationale's only reason
        if is_customer_voice(evidence) and contradiction is None and alone is None:
            continue
        appeal = industry_appeal(getattr(std, field)) if field else None
        reason = f"'{appeal}'" if appeal else "`basis: industry`"
        if field and std.basis == "industry":
            where: KeyPath = path  # the basis and the text both rest on custom: the standard does
        else:
            where = (*path, field) if field else (*path, "basis")
        if contradiction is not None and std.measure and std.measure.max is not None:
            bound = std.measure.max
            yield Hit(
                where,
                f"{std.id} follows industry custom ({reason}) although its factor's customer "
                f"evidence points elsewhere (customers accept {contradiction:g}, the standard sets "
                f"{bound:g}); set the bound from what customers say",
                f"标准 {std.id} 照搬行规（{reason}），但其关键要素的客户证据与之不符（客户可接受 "
                f"{contradiction:g}，标准定为 {bound:g}）；"
                "请按客户的声音设定",
            )
            continue
        if alone is not None and is_customer_voice(evidence):
            yield Hit(
                (*path, "rationale"),
                f"the rationale of {std.id} rests on industry custom alone ('{alone}'); say what "
                "customers told you (survey, complaints) that supports the standard",
                f"标准 {std.id} 的 rationale 只以行规为依据（“{alone}”）；请说明客户的声音"
                "（调研、投诉）如何支持这条标准",
            )
            continue
        yield Hit(
            where,
            f"{std.id} rests on industry custom ({reason}) but its factor has no customer "
            "`evidence`; base it on what customers value (survey, complaints) or change the basis",
            f"标准 {std.id} 以行规为依据（{reason}），但其关键要素没有客户证据（evidence）；"
            "请以客户调研或投诉数据为依据",
        )


def _contradicts(doc: StandardFile, std: Standard) -> float | None:
    """What customers accept, when the standard's bound is far from it in either direction."""
    measure = std.measure
    if measure is None or measure.max is None:
        return None
    _, expected, _ = _expectation(doc, std)
    if expected is None or expected <= 0:
        return None
    ratio = measure.max / expected
    return expected if ratio > CONTRADICTS or ratio < 1 / CONTRADICTS else None


# An average: 平均, 均值 and the 均 compounds (日均, 月均, 人均 …), average/mean/median in any form.
AVERAGE = re.compile(
    r"平均|均值|[日周月年季人户件单次台班车座]均(?![应须可需要为不已能有在匀衡等摊分])|"
    r"\b(?:averag(?:e|es|ed|ing)|medians?|on average)\b|"
    r"\bmean (?:time|wait|waiting|duration|score|rating|value|response|handling|queue)",
    re.IGNORECASE,
)
# A target: a bound or a goal in the same clause as the average.
BOUND = re.compile(
    r"不超过|不多于|不少于|不低于|不高于|不大于|不小于|以内|以下|以上|低于|高于|少于|多于|控制在|保持在|"
    r"达到|达标|目标|考核|≤|≥|<|>|内"
    r"|\b(?:under|below|above|within|at least|at most|no more than|no less than|not exceed\w*"
    r"|exceed\w*|less than|more than|fewer than|target\w*|kept|keep|goal|aim\w*|reach\w*)\b",
    re.IGNORECASE,
)
# Not a target: the average feeds a plan or sets a sample (按上月平均客流排班, 人均抽查 3 单).
NOT_TARGET = re.compile(
    r"预测|估算|测算|排班|排定|调配|配置|安排|抽查|抽检|抽样|抽听|抽取|"
    r"\b(?:forecast\w*|plan\w*|schedul\w*|rota\w*|staff(?:ing|ed)"
    r"|sampl\w*|audit\w*|per inspector|per assessor)\b",
    re.IGNORECASE,
)
SENTENCES = re.compile(r"[。；;！!？?\n]|\.(?:\s|$)")
CLAUSES = re.compile(r"[，,、]")


def average_target(text: str, defines: bool) -> str | None:
    """The average a text sets as a target, if any.

    A bound or goal anywhere in the sentence makes the average a target ("On average, we
    answer within 16 minutes"), unless the average's own clause plans or samples with it.
    `defines`: the text says what is measured (`what` of a numeric standard), so an average
    there is what the bound applies to even with no bound word beside it.
    """
    for sentence in SENTENCES.split(normalise(text)):
        for clause in CLAUSES.split(sentence):
            match = AVERAGE.search(clause)
            if match is None or NOT_TARGET.search(clause):
                continue
            if defines or BOUND.search(sentence):
                return match.group(0)
    return None


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
        numeric = bool(std.measure and std.measure.numeric)
        found: list[tuple[str, str]] = []
        for name in ("what", "when", "how", "check"):
            average = average_target(getattr(std, name) or "", numeric and name == "what")
            if average:
                found.append((name, average))
                break
        promise = average_target(std.customer_text or "", False)  # a separate audience
        if promise:
            found.append(("customer_text", promise))
        for name, average in found:
            yield Hit(
                (*path, name),
                f"'{average}' in {name}: an average hides the customers who fare worst; "
                "set a threshold per encounter and a share that must meet it (`target`)",
                f"{name} 中的“{average}”以平均数为目标，会掩盖体验最差的客户；"
                "请对每次服务设定阈值，并用 target 规定达标比例",
            )
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
TOP = 0.9  # the top of the importance scale (5 of 1–5) …
THIN_MAX = 2  # … carried by one or two standards …
THIN = 2  # … while a factor two points less important has at least twice as many
MINOR = 0.4


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
        if factor.id not in importance:
            continue
        own = counts[factor.id]
        if not_customer_voice(factor.evidence or ""):
            continue  # not a key factor in the method's sense: P5 says so
        if own:  # a top factor carried by a token standard or two, a minor one by many
            if own > THIN_MAX or importance[factor.id] < TOP:
                continue
            detailed = [
                other
                for other in doc.factors
                if counts[other.id] >= max(MANY, THIN * own)
                and importance.get(other.id, 1.0) <= importance[factor.id] - MINOR
            ]
        else:
            detailed = [
                other
                for other in doc.factors
                if counts[other.id] >= MANY
                and importance.get(other.id, 1.0) < importance[factor.id]
            ]
        if not detailed:
            continue
        other = max(detailed, key=lambda f: counts[f.id])
        has = f"has only {own}" if own else "has no standard"
        has_zh = f"只有 {own} 条标准" if own else "没有标准"
        yield Hit(
            ("factors", i),
            f"important factor '{factor.id}' {has} while less important "
            f"'{other.id}' has {counts[other.id]}; put the detail where customers care",
            f"重要的关键要素 '{factor.id}' {has_zh}，而次要的 '{other.id}' 有 {counts[other.id]} 条；"
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
    for i, factor in enumerate(doc.factors):
        kind = not_customer_voice(factor.evidence or "")
        if kind is None:
            continue
        what = (
            "a business target"
            if kind == "business"
            else "a regulator's or head office's checklist"
        )
        what_zh = "经营考核指标" if kind == "business" else "监管或上级的检查清单"
        yield Hit(
            ("factors", i, "evidence"),
            f"the evidence of factor '{factor.id}' is {what}, not the customer's voice; "
            "a key factor is what customers value — show it with a survey, complaints or call-backs",
            f"关键要素 '{factor.id}' 的证据是{what_zh}，不是客户的声音；"
            "关键要素应是客户看重的——请用调研、投诉或回访数据证明",
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
        restated = hides_from_customers(doc.unpublished_reason)
        if restated:
            yield _hiding_reason(("unpublished_reason",), restated)
        return
    hidden_by_file = []
    for path, _, _, std in doc.standards():
        if std.customer_facing and doc.is_published(std):
            yield from _vague_promise(path, std, settings)
        if not std.customer_facing or doc.is_published(std):
            continue
        if std.unpublished_reason:
            restated = hides_from_customers(std.unpublished_reason)
            if restated:
                yield _hiding_reason((*path, "unpublished_reason"), restated)
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


def _hiding_reason(path: KeyPath, words: str) -> Hit:
    return Hit(
        path,
        f"the reason for not publishing ('{words}') is the pitfall itself: a standard customers "
        "can hold you to is the point; publish it, or give a reason such as a trial period",
        f"不公开的理由（“{words}”）正是“标准没必要让客户知道”的误区：让客户能据此监督正是公开的目的；"
        "请公开，或给出试行期等正当理由",
    )


def _vague_promise(path: KeyPath, std: Standard, settings: Settings) -> Iterator[Hit]:
    """A published promise in vague words, while the standard holds staff to a figure."""
    measure = std.measure
    text = std.customer_text
    if not text or measure is None or not measure.numeric:
        return
    if (measure.min is None and measure.max is None) or has_quantity(text):
        return
    words = vague_words(text, settings.vocabulary)
    if not words:
        return
    yield Hit(
        (*path, "customer_text"),
        f"the promise to customers of {std.id} says '{words[0]}' where the standard says "
        f"{measure.describe('en')}; tell customers the figure they can hold staff to",
        f"标准 {std.id} 的对客承诺只说“{words[0]}”，而标准是 {measure.describe('zh')}；"
        "请把标准告诉客户，让客户能据此监督",
    )
