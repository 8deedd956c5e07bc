"""Method: the four steps are finished and the standard is run — owned, inspected, reviewed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from svcstd.model import StandardFile
from svcstd.rules import Hit, Settings, rule


@rule(
    "M1",
    "factor-without-standard",
    title="Key factor with no standard",
    zh="关键要素未转化",
    severity="warning",
)
def factor_without_standard(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A key satisfaction factor was identified but no standard turns it into practice.

    ## What it checks
    Every entry under `factors:` is named by at least one standard's `factor:`.

    ## Why it matters
    Step 3 found what raises customer satisfaction; step 4 must turn each such factor into a
    measurable standard. A factor left without one is a finding nobody acts on.

    ## Bad
    ```yaml
    factors:
      - {id: punctuality, name: 守时, importance: 5, evidence: 2025 满意度调研}
    # ... no standard says `factor: punctuality`
    ```

    ## Good
    ```yaml
        - id: HV-05
          factor: punctuality
          what: 比约定时间提前 5–10 分钟到达
    ```
    """
    used = {std.factor for _, _, _, std in doc.standards()}
    for i, factor in enumerate(doc.factors):
        if factor.id not in used:
            yield Hit(
                ("factors", i),
                f"key factor '{factor.id}' ({factor.name}) has no standard; "
                "turn it into at least one measurable standard",
                f"关键要素 '{factor.id}'（{factor.name}）没有对应的服务标准；请至少转化为一条可衡量的标准",
            )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 → Feb 28/29);
    past the calendar's last day (a review `last: 9999-…`) it is that last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    for last_day in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@rule(
    "M2",
    "review-overdue",
    title="Review plan missing or overdue",
    zh="未定期审核",
    severity="warning",
)
def review_overdue(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """The standard has no review plan, or its next review date has passed.

    ## What it checks
    `review: {every_months, last}` is present; `last` (or `effective` when never reviewed)
    plus `every_months` is not before today (`--today` sets today for reproducible runs).

    ## Why it matters
    Running standards includes reviewing and improving them regularly (定期审核和优化服务标准):
    customers' expectations move, and a standard written three years ago may now measure the
    wrong thing.

    ## Bad
    ```yaml
    review: {every_months: 12, last: 2022-03-01}
    ```

    ## Good
    ```yaml
    review: {every_months: 12, last: 2026-03-01}
    ```
    """
    if doc.review is None:
        yield Hit(
            (),
            "no review plan; add `review: {every_months: 12, last: YYYY-MM-DD}`",
            "没有审核计划；请添加 `review: {every_months: 12, last: YYYY-MM-DD}`",
        )
        return
    since = doc.review.last or doc.effective
    if since is None:
        yield Hit(
            ("review",),
            "review plan has no `last` date and the standard no `effective` date",
            "审核计划没有 last（上次审核日期），标准也没有 effective（生效日期）",
        )
        return
    due = add_months(since, doc.review.every_months)
    if due < settings.today:
        yield Hit(
            ("review", "last") if doc.review.last else ("review",),
            f"review was due on {due.isoformat()} (every {doc.review.every_months} months "
            f"since {since.isoformat()}); review the standard and update `last`",
            f"应于 {due.isoformat()} 审核（自 {since.isoformat()} 起每 {doc.review.every_months} 个月）；"
            "请审核标准并更新 last",
        )


@rule("M3", "no-inspection-plan", title="No inspection plan", zh="缺少检查安排", severity="warning")
def no_inspection_plan(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """The file does not say who inspects, how, and how often.

    ## What it checks
    `inspection:` with `by`, `method` and `frequency`.

    ## Why it matters
    Checking execution and publishing the results (检查标准的执行并公布检查结果) works when
    staff know who checks, how and how often. The plan is printed on every checklist.

    ## Bad
    ```yaml
    inspection: {by: 质检员}
    ```

    ## Good
    ```yaml
    inspection: {by: 质检员, method: 工单回访与现场抽查, frequency: 每月每网点 10 单}
    ```
    """
    if doc.inspection is None:
        yield Hit(
            (),
            "no inspection plan; add `inspection: {by, method, frequency}`",
            "没有检查安排；请添加 `inspection: {by, method, frequency}`（谁检查、怎样检查、多久一次）",
        )
        return
    missing = [k for k in PLAN if not getattr(doc.inspection, k)]
    if missing:
        yield Hit(
            ("inspection",),
            f"inspection plan does not say {', '.join(PLAN[k][0] for k in missing)}",
            f"检查安排没有写明{'、'.join(PLAN[k][1] for k in missing)}",
        )


PLAN = {
    "by": ("who inspects (`by`)", "谁来检查（by）"),
    "method": ("how (`method`)", "怎样检查（method）"),
    "frequency": ("how often (`frequency`)", "多久检查一次（frequency）"),
}


@rule(
    "M4",
    "no-owner",
    title="No owner, version or effective date",
    zh="缺少归属或版本",
    severity="warning",
)
def no_owner(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """The file does not say who maintains it, which version it is, or since when it applies.

    ## What it checks
    `owner`, `version` and `effective` are present.

    ## Why it matters
    Every checklist and result is traced back to the version of the standard it was checked
    against; a standard without an owner is never reviewed.

    ## Bad
    ```yaml
    id: hotline
    title: 热线服务规范
    ```

    ## Good
    ```yaml
    id: hotline
    title: 热线服务规范
    owner: 客服中心质量管理室
    version: "3.0"
    effective: 2026-01-01
    ```
    """
    missing = [k for k in ("owner", "version", "effective") if getattr(doc, k) is None]
    if missing:
        yield Hit(
            (),
            f"missing {', '.join(missing)}; say who maintains the standard and which version applies",
            f"缺少 {', '.join(missing)}；请写明维护部门、版本和生效日期",
        )
