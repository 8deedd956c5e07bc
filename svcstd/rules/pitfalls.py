"""Pitfalls of the bound itself (制定服务标准的误区 1–3): too strict, copied from custom, an average.

P4–P6 (what the standards cover, and who knows them) are in `pitfalls_scope`.
"""

from __future__ import annotations

from collections.abc import Iterator

from svcstd.model import Standard, StandardFile
from svcstd.rules import Hit, KeyPath, Settings, rule
from svcstd.rules.patterns import Bilingual, Lazy
from svcstd.rules.reasons import (
    expected_max,
    gives_reason,
    industry_appeal,
    is_customer_voice,
    leans_on_industry,
    restates_strictness,
)
from svcstd.rules.text import normalise

STRICT_TARGET = 0.98


@rule("P1", "stricter-is-better", title="The stricter the better", zh="标准越严越好")
def stricter_is_better(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard is stricter than customers need, or strict without a reason.

    ## What it checks
    - a 100 % target on a standard that is not a red line (`critical: false`);
    - a `rationale` that restates the pitfall instead of giving a reason ("定得越严，员工越能保持
      警惕", "the stricter, the more alert staff stay");
    - a bound stricter than what customers expect: `measure.expectation` when it is stated,
      otherwise a wait the factor's `evidence` says customers accept ("90% 的客户可接受 15 分钟以内"),
      when the bound is at least twice as strict. A rationale silences this only if it neither
      restates the pitfall nor leans on industry custom;
    - a strict standard — target ≥ 98 % or a red line — with no `rationale`.

    ## Why it matters
    "The stricter the better" (标准越严越好) is the first pitfall: a standard nobody can keep
    every time teaches staff to ignore standards, and money spent beating an expectation
    customers do not have is money not spent where they do care.

    ## Bad
    ```yaml
    factors: [{id: wait, name: 等候, importance: 5, evidence: 调研：85% 的客户对 15 分钟以内的等候表示满意}]
    ...
        measure: {kind: duration, unit: min, max: 3}
        target: 1.0
        rationale: 定得越严，员工越能保持警惕
    ```

    ## Good
    ```yaml
    what: 铃响后接听
    measure: {kind: duration, unit: s, max: 10, expectation: {max: 15}}
    target: 0.9
    rationale: 调研显示客户可接受 15 秒内接听；10 秒留出余量
    ```

    ## Near miss (not flagged)
    Evidence that customers want *at least* 3 days' notice is not a wait they accept: a
    7-day notice standard is not stricter than it.
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
    """A standard rests on industry custom where customers have not been heard.

    ## What it checks
    Standards with `basis: industry`, or whose text appeals to custom (行规, 行业惯例, 同行通行做法,
    对标, 与其他部门看齐, "in line with sector norms", "what other providers do" …), when
    - the key factor they serve has no evidence in the customer's voice (survey, complaints,
      call-backs, reviews), or
    - that evidence contradicts the custom followed: customers accept a wait at least 1.5 times
      longer or shorter than the bound (from `measure.expectation` or the evidence text), or
    - the `rationale` gives custom as its only reason, with no customer voice of its own.

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

    ## Near miss (not flagged)
    ```yaml
    rationale: 90% 的验收口径是行业通行做法；来电数据显示报网速慢的家庭 62% 确实不足 90%，与客户的感受一致
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
AVERAGE = Bilingual(
    r"平均|均值|(?<![每各所全凡都])[日周月年季人户件单次案笔票台]均(?![应须可需要为不已能有在匀衡等摊分配设])",
    r"\b(?:averag(?:e|es|ed|ing)|medians?|on average)\b"
    r"|\bmean (?:time|wait|waiting|duration|score|rating|value|response|handling|queue)",
)
# A target: a bound or a goal in the same sentence as the average.
BOUND = Bilingual(
    r"不超过|不多于|不少于|不低于|不高于|不大于|不小于|以内|以下|以上|低于|高于|少于|多于|控制在|保持在|"
    r"达到|达标|目标|考核|≤|≥|<|>|[\d两三四五六七八九十]\s*(?:秒|分钟|分|小时|天|日|个?工作日)?内",
    r"≤|≥|<|>|\b(?:under|below|above|within|at least|at most|no more than|no less than"
    r"|not exceed\w*|exceed\w*|less than|more than|fewer than|target\w*|kept|keep|goal|aim\w*"
    r"|reach\w*)\b",
)
# Not a target: the average feeds a plan or sets a sample (按上月平均客流排班, 人均抽查 3 单).
NOT_TARGET = Bilingual(
    r"预测|估算|测算|排班|排定|调配|配置|安排|抽查|抽检|抽样|抽听|抽取",
    r"\b(?:forecast\w*|plan\w*|schedul\w*|rota\w*|staff(?:ing|ed)|sampl\w*|audit\w*"
    r"|per inspector|per assessor)\b",
)
SENTENCES = Lazy(r"[。；;！!？?\n]|\.(?:\s|$)")
CLAUSES = Lazy(r"[，,、]")


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
    An average set as a target in `what`, `when`, `how`, `check` or `customer_text`: 平均, 均值,
    the 均 compounds (日均, 月均, 人均 …), average / averages / averaging / on average, mean time,
    median — when the sentence bounds it (不超过, within, under, 目标 …) or it names what a
    numeric measure measures (`what`). Also `measure.aggregate: mean` or `median`. An average
    that feeds a plan (按上月平均客流排班) or sets a sample (人均抽查 3 单) is not a target, and
    均 meaning "all" (均应, 各台均配备) is not an average.

    ## Why it matters
    "Targeting the average" (以平均数为目标) is the third pitfall: an average waiting time of
    8 minutes can hide a third of customers waiting 20. Judge each encounter against a
    threshold and set the share that must meet it (`target`).

    ## Bad
    ```yaml
    what: 客户平均等待时间不超过 10 分钟
    measure: {kind: duration, unit: min, max: 10, aggregate: mean}
    customer_text: On average, we answer your call within 16 minutes
    ```

    ## Good
    ```yaml
    what: 客户取号后等待时间不超过 10 分钟
    measure: {kind: duration, unit: min, max: 10}
    target: 0.9     # 90% 的客户
    ```

    ## Near miss (not flagged)
    ```yaml
    how: 按上月平均客流排班
    check: 质检员人均抽查 3 单
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
