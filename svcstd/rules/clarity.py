"""Clarity (明确具体): a standard says what, who, when, how and how it is checked, in numbers."""

from __future__ import annotations

from collections.abc import Iterator

from svcstd.model import StandardFile, split_roles
from svcstd.rules import Hit, Settings, rule
from svcstd.rules.text import vague_words

ELEMENTS = {"what": "做什么", "who": "谁来做", "when": "何时做", "how": "怎样做"}


@rule("C1", "incomplete-standard", title="Standard misses what, who, when or how", zh="要素不全")
def incomplete_standard(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard leaves out what is done, who does it, when, or how.

    ## What it checks
    Every standard has `what`, `who`, `when` and `how`.

    ## Why it matters
    A good standard is specific and descriptive (明确具体，有描述性): it is shown by a concrete
    action — what is done, who does it, when and how. Leave one out and two staff members
    will keep the standard in two different ways.

    ## Bad
    ```yaml
    - id: HL-01
      what: 接听来电
    ```

    ## Good
    ```yaml
    - id: HL-01
      what: 接听来电
      who: 话务员
      when: 铃响两声内
      how: 首句为"您好"，报工号
    ```
    """
    for path, _, _, std in doc.standards():
        missing = [name for name in ELEMENTS if not getattr(std, name)]
        if missing:
            yield Hit(
                path,
                f"standard {std.id} does not say {' / '.join(missing)}; "
                "a standard states what is done, who does it, when and how",
                f"标准 {std.id} 缺少{'、'.join(ELEMENTS[m] for m in missing)}"
                f"（{'/'.join(missing)}）；标准要写明做什么、谁来做、何时做、怎样做",
            )


STAFF_TEXT = ("what", "when", "how", "check")


@rule("C2", "vague-wording", title="Vague word with no number", zh="措辞模糊", severity="warning")
def vague_wording(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard uses a vague word (及时, 热情, promptly …) without a number to pin it down.

    ## What it checks
    `what`, `when`, `how`, `check` and `customer_text` (the promise `svcstd render promise`
    publishes) for words such as 及时, 尽快, 热情, 耐心, 到位, 规范, 主动, promptly, without
    undue delay, in a professional manner (the list, and how to extend or trim it with the
    `vague-words`, `not-vague` and `terms` settings, is in the README). Traditional characters
    (盡快, 專業) are read too. A word is not vague where it does not describe conduct:
    - inside a quoted script or a named document: 说“请您耐心稍候”, 按《服务规范》;
    - inside what staff must not do: 禁止说“请耐心等待”, never tell callers to be patient;
    - inside a fixed term or a name: 快速办理窗口, 绿色通道, child-friendly toilets, reasonable
      adjustments; 主动 and 专业 before an action or a thing (主动回拨, 专业人员);
    - explained on the spot: 热情问候（起身、微笑、说“您好”）;
    - with a quantity an inspector can check in the same sentence, within a few words: a number
      with a unit (30 秒, 2 working days, 95 %), a count (两声, 3 次), a clock time (17:00), a bound
      (不超过 3), a day (当天, next working day). A phone or counter number (12345, 3 号窗口), a
      year, 每一位 and 一次性 are not quantities.

    ## Why it matters
    "及时" means ten seconds to one customer and ten minutes to another. A standard must be
    measurable (可衡量) and verifiable (可检验); an inspector cannot check "热情". A promise to
    customers in vague words (我们将及时处理) tells them nothing they can hold staff to.

    ## Bad
    ```yaml
    how: 热情接待，及时回复 12345 来电
    customer_text: 我们将及时为您处理
    ```

    ## Good
    ```yaml
    how: 客户进门 3 米内起身问候；12345 来电 2 个工作日内回复
    customer_text: 报修后 30 分钟内上门
    ```

    ## Near miss (not flagged)
    ```yaml
    how: 未接通的来电主动回拨；禁止说“请耐心等待”，改为告知预计时长
    ```
    """
    for path, _, _, std in doc.standards():
        for name in (*STAFF_TEXT, "customer_text"):
            text = getattr(std, name)
            words = vague_words(text, settings.vocabulary) if text else []
            if words:
                unique = list(dict.fromkeys(words))
                listed, listed_en = "、".join(unique), "', '".join(unique)
                yield Hit(
                    (*path, name),
                    f"'{listed_en}' in {name} is vague; say it with a number "
                    "(seconds, minutes, times, a scale) an inspector can check",
                    f"{name} 中的“{listed}”含义模糊；请用检查员能核对的数字表述（秒、分钟、次数、评分）",
                )


@rule("C3", "not-measurable", title="Standard is not measurable", zh="不可衡量")
def not_measurable(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard has no `measure`, or a numeric measure has no bound.

    ## What it checks
    Every standard has a `measure`; `duration`, `count`, `rating` and `percent` measures have a
    `min` or a `max` (with min ≤ max); a duration has a `unit`.

    ## Why it matters
    Step 4 of the method turns each key factor into a quantified, measurable standard
    (量化的、可衡量的). Without a measure nobody can say whether one encounter met it.

    ## Bad
    ```yaml
    what: 缩短客户排队时间
    ```

    ## Good
    ```yaml
    what: 客户取号后等待办理的时间
    measure: {kind: duration, unit: min, max: 15}
    target: 0.9
    ```
    """
    for path, _, _, std in doc.standards():
        measure = std.measure
        if measure is None:
            yield Hit(
                path,
                f"standard {std.id} has no measure; add `measure: {{kind: yes_no}}` for a "
                "behaviour, or a duration/count/rating with min or max",
                f"标准 {std.id} 没有衡量方式；行为类写 `measure: {{kind: yes_no}}`，"
                "数值类写 duration/count/rating 并给出 min 或 max",
            )
            continue
        mpath = (*path, "measure")
        if measure.numeric and measure.min is None and measure.max is None:
            yield Hit(
                mpath,
                f"{measure.kind} measure of {std.id} has neither min nor max; "
                "say which values pass",
                f"标准 {std.id} 的 {measure.kind} 衡量没有 min 或 max；请写明多少算达标",
            )
        if measure.kind == "duration" and measure.unit is None:
            yield Hit(
                mpath,
                f"duration measure of {std.id} has no unit; add `unit: s`, `min`, `h` or `d`",
                f"标准 {std.id} 的时长没有单位；请加 `unit: s`、`min`、`h` 或 `d`",
            )
        if measure.min is not None and measure.max is not None and measure.min > measure.max:
            yield Hit(
                (*mpath, "min"),
                f"min {measure.min:g} is above max {measure.max:g}; no encounter can pass",
                f"min {measure.min:g} 大于 max {measure.max:g}；任何情况都无法达标",
            )


@rule("C4", "not-verifiable", title="Standard does not say how it is checked", zh="不可检验")
def not_verifiable(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard has no `check`: nobody knows how an inspector verifies it.

    ## What it checks
    Every standard has a `check` (检查标准): call-recording sampling, on-site observation,
    work-order records, mystery shopping, a customer call-back …

    ## Why it matters
    Standards must be verifiable (可检验), and staff must know who checks, how and how often.
    A standard nobody can check is a wish.

    ## Bad
    ```yaml
    what: 离开前清理作业现场
    ```

    ## Good
    ```yaml
    what: 离开前清理作业现场
    check: 回访时询问客户；现场抽查照片
    ```
    """
    for path, _, _, std in doc.standards():
        if not std.check:
            yield Hit(
                path,
                f"standard {std.id} has no `check`; say how an inspector verifies it",
                f"标准 {std.id} 没有 check（检查标准）；请写明检查员如何核查",
            )


@rule("C5", "not-operable", title="`who` is not a declared role", zh="不可操作")
def not_operable(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard's `who` names no role declared under `roles:`.

    ## What it checks
    The file declares `roles:`, and every part of each `who` (split on 、 , / and "and") is one
    of them.

    ## Why it matters
    Standards must be operable (可操作): a standard owned by "相关人员" is owned by nobody.
    Declared roles also drive the per-role training handouts.

    ## Bad
    ```yaml
    roles: [维护员]
    ...
        who: 工作人员
    ```

    ## Good
    ```yaml
    roles: [维护员, 客服代表]
    ...
        who: 维护员
    ```
    """
    standards = [(path, std) for path, _, _, std in doc.standards() if std.who]
    if not doc.roles:
        if standards:
            yield Hit(
                ("roles",),
                "no `roles:` declared; list the roles that may appear in `who`",
                "未声明 roles；请列出 who 中可出现的岗位",
            )
        return
    roles = set(doc.roles)
    for path, std in standards:
        who = std.who or ""
        unknown = [] if who in roles else [r for r in split_roles(who) if r not in roles]
        if unknown:
            hint = _closest(unknown[0], doc.roles)
            yield Hit(
                (*path, "who"),
                f"'{', '.join(unknown)}' is not a declared role ({', '.join(doc.roles)})"
                + (f"; did you mean '{hint}'?" if hint else ""),
                f"“{'、'.join(unknown)}”不是已声明的岗位（{'、'.join(doc.roles)}）"
                + (f"；是否应为“{hint}”？" if hint else ""),
            )


def _closest(name: str, roles: list[str]) -> str | None:
    """A declared role that differs only in case, or is a near spelling."""
    import difflib

    for role in roles:
        if role.casefold() == name.casefold():
            return role
    matches = difflib.get_close_matches(name, roles, n=1, cutoff=0.75)
    return matches[0] if matches else None


@rule("C6", "not-traceable", title="No record of the evidence", zh="不可追溯", severity="warning")
def not_traceable(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard does not say where the evidence of keeping it is recorded.

    ## What it checks
    Every standard has a `record`: the work-order field, call recording, log book or photo
    where the evidence lives.

    ## Why it matters
    Standards must be traceable (可追溯): when a complaint comes in weeks later, the record
    shows whether the standard was kept.

    ## Bad
    ```yaml
    what: 向客户出示工作证
    ```

    ## Good
    ```yaml
    what: 向客户出示工作证
    record: 回访记录"是否出示工作证"字段
    ```
    """
    for path, _, _, std in doc.standards():
        if not std.record:
            yield Hit(
                path,
                f"standard {std.id} has no `record`; say where the evidence is kept",
                f"标准 {std.id} 没有 record；请写明执行记录保存在哪里",
            )
