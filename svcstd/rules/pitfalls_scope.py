"""Pitfalls of what the standards cover and who knows them (制定服务标准的误区 4–6).

Too much detail in the wrong places (P4), standards no customer-valued factor asks for (P5),
and standards kept from the customers they are for (P6).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from svcstd.model import Factor, Standard, StandardFile
from svcstd.rules import Hit, KeyPath, Settings, rule
from svcstd.rules.reasons import hides_from_customers, not_customer_voice
from svcstd.rules.text import has_quantity, vague_words


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
    """A step is buried in standards, or detail goes to easy factors while key ones go short.

    ## What it checks
    - a step with more standards than `max-standards-per-step` (default 7);
    - an important factor with no standard while a less important factor carries 3 or more;
    - a factor at the top of the importance scale (5 of 1–5) carried by one or two standards
      while a factor at least two points less important carries at least 3 and twice as many
      (避重就轻). Factors whose evidence is not the customer's voice (P5) are left out.

    ## Why it matters
    "The more detailed the better" (标准越细致越好) is the fourth pitfall: service cannot be
    enumerated completely, and long lists drift to the easy points while dodging the
    important ones. Staff remember a few standards that matter.

    ## Bad
    ```yaml
    factors:
      - {id: fix-first-time, name: 一次修好, importance: 5, evidence: …}   # one standard
      - {id: uniform, name: 着装, importance: 2, evidence: …}              # 5 standards
    ```

    ## Good
    ```yaml
    # one standard on the uniform, two on fixing the fault the first time
    ```

    ## Near miss (not flagged)
    An importance-5 factor with one standard beside an importance-4 factor with eight: the
    two are close in importance, so the detail is not dodging the key factor.
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
    """A standard serves no key factor, or its factor is not what customers value.

    ## What it checks
    - every standard names a `factor`, and that factor has an `importance` or `evidence`;
    - a factor's `evidence` is the customer's voice: evidence that is only a business target
      (sales per hour, upsell rate, 终端销量考核, a budget's claims per officer) or a regulator's or
      head office's checklist (audit checklist item, 检查表, 评比) is flagged on the factor.

    ## Why it matters
    "Standards for the sake of standards" (为了"标准"而标准) is the fifth pitfall: a standard
    that no customer-valued factor asks for costs training and inspection time and raises no
    satisfaction.

    ## Bad
    ```yaml
    factors:
      - {id: sales, name: 终端销售, importance: 4, evidence: 省公司考核：每厅每小时销售终端 1.5 台}
    ...
      - id: RH-09
        what: 柜台笔筒摆放在右上角
    ```

    ## Good
    ```yaml
    - id: RH-09
      factor: waiting
      what: 取号后 15 分钟内开始办理
    ```

    ## Near miss (not flagged)
    Evidence that names customers as well as sales ("投诉分析显示…；也带动销售") is the
    customer's voice.
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
    """A customer-facing standard is kept from customers, or promised to them in vague words.

    ## What it checks
    - standards with `customer_facing: true` that are not published (`published: false` on the
      file or on the standard) and give no `unpublished_reason`;
    - an `unpublished_reason` that is the pitfall itself: so customers cannot hold us to it,
      免得客户拿来投诉, 怕被当作承诺要担责, 纳税人无需了解 — unless it also gives a fair reason
      (a trial, security, privacy, the law);
    - a published `customer_text` in vague words (我们将及时处理) for a standard with a figure
      (30 minutes): customers are not told the standard.

    ## Why it matters
    "Customers need not know the standard" (标准没必要让客户知道) is the sixth pitfall: a
    published promise lets customers hold staff to it and tells staff it matters.
    `svcstd render promise` turns the published standards into the customer promise.

    ## Bad
    ```yaml
    published: false
    unpublished_reason: Internal only, so customers cannot hold us to it
    ```

    ## Good
    ```yaml
    published: true
    ...
        customer_text: 报修后 30 分钟内上门
    ```

    ## Near miss (not flagged)
    ```yaml
    unpublished_reason: 试行期，2027 年 3 月起公布
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
    if measure.min is None and measure.max is None:
        return
    words = vague_words(text, settings.vocabulary)
    if not words or has_quantity(text):
        return
    yield Hit(
        (*path, "customer_text"),
        f"the promise to customers of {std.id} says '{words[0]}' where the standard says "
        f"{measure.describe('en')}; tell customers the figure they can hold staff to",
        f"标准 {std.id} 的对客承诺只说“{words[0]}”，而标准是 {measure.describe('zh')}；"
        "请把标准告诉客户，让客户能据此监督",
    )
