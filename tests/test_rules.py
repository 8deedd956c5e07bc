"""Each rule: a triggering case at an exact position, and a near miss that must stay clean."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from svcstd.check import check_paths
from svcstd.config import Config
from svcstd.rules import RULES

BASE = textwrap.dedent(
    """\
    svcstd: 1
    id: hotline-test
    title: 热线测试标准
    language: zh
    owner: 客服中心
    version: "1.0"
    effective: 2026-01-01
    review: {every_months: 12, last: 2026-06-01}
    roles: [话务员, 班长]
    inspection: {by: 质检员, method: 录音抽检, frequency: 每月}
    published: true
    factors:
      - {id: speed, name: 接通速度, importance: 5, evidence: 2025 调研相关系数 0.41}
      - {id: manner, name: 礼仪, importance: 3, evidence: 投诉分析}
    stages:
      - id: answer
        name: 接听
        steps:
          - id: pickup
            name: 接起电话
            standards:
              - id: HL-01
                factor: speed
                what: 接起来电
                who: 话务员
                when: 铃响两声内
                how: 摘机后说问候语
                check: 录音抽检
                record: 通话录音
                measure: {kind: duration, unit: s, max: 10}
                target: 0.9
              - id: HL-02
                factor: manner
                what: 首句问候"您好"
                who: 话务员
                when: 接通后第一句
                how: 说"您好，工号 1234 为您服务"
                check: 录音抽检首句
                record: 质检评分表
                measure: {kind: yes_no}
                target: 0.95
    """
)


def lint(text: str, select: str = "", tmp_path: Path | None = None, **config: object) -> list[str]:
    """Findings as "line:col CODE" (waived ones as "line:col CODE waived")."""
    assert tmp_path is not None
    path = tmp_path / "standard.yaml"
    path.write_text(text, encoding="utf-8")
    settings = Config(
        root=tmp_path,
        select=tuple(select.split(",")) if select else (),
        today=dt.date(2026, 11, 23),
        **config,  # type: ignore[arg-type]
    )
    report = check_paths([path], settings)
    return [
        f"{f.line}:{f.column} {f.rule}" + (" waived" if f.waived else "") for f in report.findings
    ]


def at(text: str, marked: str, code: str) -> str:
    """Position of the `|` in `marked` (a snippet of `text` with a `|` inserted) + code."""
    needle = marked.replace("|", "")
    start = text.index(needle) + marked.index("|")
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{line}:{column} {code}"


def edit(*changes: tuple[str, str]) -> str:
    text = BASE
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def check(tmp_path: Path):
    def run(text: str, select: str = "", **config: object) -> list[str]:
        return lint(text, select, tmp_path, **config)

    return run


def test_base_document_is_clean(check) -> None:
    assert check(BASE) == []


# (id, text, select, expected [(marked snippet, code)])
CASES = [
    # structure
    (
        "S3-dup",
        edit(("- id: HL-02", "- id: HL-01")),
        "S3",
        [("          - id: |HL-01\n            factor: manner", "S3")],
    ),
    ("S3-miss", BASE, "S3", []),
    ("S4-factor", edit(("factor: manner", "factor: maner")), "S4", [("factor: |maner", "S4")]),
    (
        "S4-waiver",
        edit(("target: 0.95", "target: 0.95\n            ignore: {P9: 没有这条}")),
        "S4",
        [("ignore: {|P9", "S4")],
    ),
    ("S4-miss", edit(("target: 0.95", "target: 0.95\n            ignore: {P1: 有理由}")), "S4", []),
    (
        "S5-step",
        edit(
            (
                "name: 接起电话\n",
                "name: 接起电话\n        standards: []\n      - id: hold\n        name: 等待\n",
            )
        ),
        "S5",
        [("standards: |[]", "S5")],
    ),
    ("S5-miss", BASE, "S5", []),
    # clarity
    (
        "C1",
        edit(
            (
                "            who: 话务员\n            when: 铃响两声内\n",
                "            when: 铃响两声内\n",
            )
        ),
        "C1",
        [("- |id: HL-01", "C1")],
    ),
    ("C2-zh", edit(("how: 摘机后说问候语", "how: 及时接听")), "C2", [("how: |及时接听", "C2")]),
    ("C2-zh-number-nearby", edit(("how: 摘机后说问候语", "how: 铃响 10 秒内及时接听")), "C2", []),
    (
        "C2-en",
        edit(("how: 摘机后说问候语", "how: answer promptly")),
        "C2",
        [("how: |answer promptly", "C2")],
    ),
    (
        "C2-en-number-nearby",
        edit(("how: 摘机后说问候语", "how: answer promptly, within 10 s")),
        "C2",
        [],
    ),
    (
        "C3-none",
        edit(("            measure: {kind: yes_no}\n", "")),
        "C3",
        [("- |id: HL-02", "C3")],
    ),
    (
        "C3-unbounded",
        edit(("measure: {kind: duration, unit: s, max: 10}", "measure: {kind: duration, unit: s}")),
        "C3",
        [("measure: |{kind: duration, unit: s}", "C3")],
    ),
    (
        "C3-no-unit",
        edit(("measure: {kind: duration, unit: s, max: 10}", "measure: {kind: duration, max: 10}")),
        "C3",
        [("measure: |{kind: duration, max", "C3")],
    ),
    (
        "C3-min-above-max",
        edit(("unit: s, max: 10}", "unit: s, min: 20, max: 10}")),
        "C3",
        [("min: |20", "C3")],
    ),
    ("C3-miss", BASE, "C3", []),
    ("C4", edit(("            check: 录音抽检首句\n", "")), "C4", [("- |id: HL-02", "C4")]),
    (
        "C5",
        edit(("who: 话务员\n            when: 接通后", "who: 工作人员\n            when: 接通后")),
        "C5",
        [("who: |工作人员", "C5")],
    ),
    (
        "C5-two-roles",
        edit(
            ("who: 话务员\n            when: 接通后", "who: 话务员、班长\n            when: 接通后")
        ),
        "C5",
        [],
    ),
    ("C6", edit(("            record: 质检评分表\n", "")), "C6", [("- |id: HL-02", "C6")]),
    # method
    (
        "M1",
        edit(
            (
                "  - {id: manner",
                "  - {id: wait, name: 等待, importance: 2, evidence: 调研}\n  - {id: manner",
            )
        ),
        "M1",
        [("  - |{id: wait", "M1")],
    ),
    ("M1-miss", BASE, "M1", []),
    ("M2-overdue", edit(("last: 2026-06-01", "last: 2024-01-01")), "M2", [("last: |2024", "M2")]),
    (
        "M2-none",
        edit(("review: {every_months: 12, last: 2026-06-01}\n", "")),
        "M2",
        [("|svcstd", "M2")],
    ),
    ("M2-miss", BASE, "M2", []),
    (
        "M3",
        edit(
            (
                "inspection: {by: 质检员, method: 录音抽检, frequency: 每月}",
                "inspection: {by: 质检员}",
            )
        ),
        "M3",
        [("inspection: |{by", "M3")],
    ),
    ("M4", edit(("owner: 客服中心\n", "")), "M4", [("|svcstd", "M4")]),
    # pitfalls
    (
        "P1-100-not-critical",
        edit(("target: 0.95", "target: 1.0\n            rationale: 客户最在意首句")),
        "P1",
        [("target: |1.0", "P1")],
    ),
    (
        "P1-strict-no-rationale",
        edit(("target: 0.95", "target: 0.99")),
        "P1",
        [("- |id: HL-02", "P1")],
    ),
    (
        "P1-critical-with-rationale",
        edit(
            (
                "target: 0.95",
                "target: 1.0\n            critical: true\n            rationale: 投诉中 40% 因首句不礼貌",
            )
        ),
        "P1",
        [],
    ),
    (
        "P1-beyond-expectation",
        edit(("unit: s, max: 10}", "unit: s, max: 3, expectation: {max: 15}}")),
        "P1",
        [("max: |3,", "P1")],
    ),
    (
        "P1-meets-expectation",
        edit(("unit: s, max: 10}", "unit: s, max: 15, expectation: {max: 15}}")),
        "P1",
        [],
    ),
    (
        "P2-industry",
        edit(
            (
                "  - {id: manner, name: 礼仪, importance: 3, evidence: 投诉分析}",
                "  - {id: manner, name: 礼仪, importance: 3}",
            ),
            ("target: 0.95", "target: 0.95\n            basis: industry"),
        ),
        "P2",
        [("basis: |industry", "P2")],
    ),
    (
        "P2-text",
        edit(
            (
                "  - {id: manner, name: 礼仪, importance: 3, evidence: 投诉分析}",
                "  - {id: manner, name: 礼仪, importance: 3}",
            ),
            ('how: 说"您好', 'how: 按行规说"您好'),
        ),
        "P2",
        [('how: |按行规说"您好', "P2")],
    ),
    (
        "P2-industry-with-evidence",
        edit(("target: 0.95", "target: 0.95\n            basis: industry")),
        "P2",
        [],
    ),
    (
        "P3-text",
        edit(("what: 接起来电", "what: 平均接通时间")),
        "P3",
        [("what: |平均接通时间", "P3")],
    ),
    (
        "P3-aggregate",
        edit(("unit: s, max: 10}", "unit: s, max: 10, aggregate: mean}")),
        "P3",
        [("aggregate: |mean", "P3")],
    ),
    ("P3-share-not-average", edit(("what: 接起来电", "what: 90% 的来电在 10 秒内接起")), "P3", []),
    ("P5-no-factor", edit(("            factor: manner\n", "")), "P5", [("- |id: HL-02", "P5")]),
    (
        "P5-factor-without-evidence",
        edit(
            (
                "  - {id: manner, name: 礼仪, importance: 3, evidence: 投诉分析}",
                "  - {id: manner, name: 礼仪}",
            )
        ),
        "P5",
        [("factor: |manner", "P5")],
    ),
    (
        "P5-importance-only",
        edit(
            (
                "  - {id: manner, name: 礼仪, importance: 3, evidence: 投诉分析}",
                "  - {id: manner, name: 礼仪, importance: 3}",
            )
        ),
        "P5",
        [],
    ),
    (
        "P6",
        edit(("published: true", "published: false")),
        "P6",
        [("|published: false", "P6")],
    ),
    (
        "P6-one-standard",
        edit(("target: 0.95", "target: 0.95\n            published: false")),
        "P6",
        [("            |published: false", "P6")],
    ),
    (
        "P1-100-without-rationale-once",
        edit(("target: 0.95", "target: 1.0")),
        "P1",
        [("target: |1.0", "P1")],
    ),
    (
        "P3-mean-as-a-verb",
        edit(("how: 摘机后说问候语", "how: explain what each option would mean for them")),
        "P3",
        [],
    ),
    (
        "P3-mean-time",
        edit(("how: 摘机后说问候语", "how: keep the mean time under 10 s")),
        "P3",
        [("how: |keep the mean", "P3")],
    ),
    (
        "C2-en-number-word",
        edit(("how: 摘机后说问候语", "how: greet promptly, within two minutes")),
        "C2",
        [],
    ),
    (
        "C2-en-term-of-art",
        edit(("how: 摘机后说问候语", "how: offer reasonable adjustments for disabled customers")),
        "C2",
        [],
    ),
    (
        "C5-case-hint",
        edit(
            ("who: 话务员\n            when: 接通后", "who: teller\n            when: 接通后"),
            ("roles: [话务员, 班长]", "roles: [话务员, 班长, Teller]"),
        ),
        "C5",
        [("who: |teller", "C5")],
    ),
    (
        "P6-with-reason",
        edit(("published: true", "published: false\nunpublished_reason: 试行期，2027 年公布")),
        "P6",
        [],
    ),
    (
        "P6-back-stage",
        edit(
            ("published: true", "published: false"),
            ("target: 0.9\n", "target: 0.9\n            customer_facing: false\n"),
            ("target: 0.95", "target: 0.95\n            customer_facing: false"),
        ),
        "P6",
        [],
    ),
]


@pytest.mark.parametrize(
    ("text", "select", "expected"), [pytest.param(t, s, e, id=i) for i, t, s, e in CASES]
)
def test_rule(check, text: str, select: str, expected: list[tuple[str, str]]) -> None:
    assert check(text, select) == sorted(at(text, m, c) for m, c in expected)


STEP_WITH = """\
      - id: extra
        name: 额外
        standards:
{items}"""
ITEM = """\
          - {{id: X-{n}, factor: manner, what: 做法 {n}, who: 班长, when: 第 {n} 步, how: 按第 {n} 条, check: 抽查, record: 表 {n}, measure: {{kind: yes_no}}}}
"""


def with_extra_step(count: int) -> str:
    """`count` standards on the manner factor, made almost as important as speed."""
    items = "".join(ITEM.format(n=n) for n in range(count))
    text = BASE.replace("name: 礼仪, importance: 3", "name: 礼仪, importance: 4")
    return text + STEP_WITH.format(items=items)


def test_p4_too_many_standards_in_a_step(check) -> None:
    text = with_extra_step(8)
    assert check(text, "P4") == [at(text, "        standards:\n          |- {id: X-0", "P4")]


def test_p4_limit_is_inclusive_and_configurable(check) -> None:
    assert check(with_extra_step(7), "P4") == []
    assert check(with_extra_step(5), "P4", max_standards_per_step=4) != []


def test_p4_detail_on_the_easy_factor(check) -> None:
    text = with_extra_step(3).replace(
        "  - {id: manner",
        "  - {id: fix, name: 一次解决, importance: 5, evidence: 调研}\n  - {id: manner",
    )
    assert check(text, "P4") == [at(text, "  - |{id: fix", "P4")]


def test_p4_no_detail_elsewhere_is_fine(check) -> None:
    text = BASE.replace(
        "  - {id: manner",
        "  - {id: fix, name: 一次解决, importance: 5, evidence: 调研}\n  - {id: manner",
    )
    assert check(text, "P4") == []


def test_waiver_is_shown_not_counted(check, tmp_path: Path) -> None:
    text = edit(
        ("target: 0.95", "target: 0.99\n            ignore: {P1: 首句问候是热线的招牌，管理层要求}")
    )
    assert check(text, "P1") == [at(text, "- |id: HL-02", "P1") + " waived"]
    settings = Config(root=tmp_path, select=("P1",), today=dt.date(2026, 11, 23))
    report = check_paths([tmp_path / "standard.yaml"], settings)
    assert (report.errors, report.waived) == (0, 1)


def test_messages_follow_the_file_language(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(edit(("how: 摘机后说问候语", "how: 及时接听")), encoding="utf-8")
    report = check_paths([path], Config(root=tmp_path, select=("C2",)))
    assert "含义模糊" in report.findings[0].message
    path.write_text(
        edit(("language: zh", "language: en"), ("how: 摘机后说问候语", "how: 及时接听")),
        encoding="utf-8",
    )
    report = check_paths([path], Config(root=tmp_path, select=("C2",)))
    assert "is vague" in report.findings[0].message


def test_role_hint_and_english_list(tmp_path: Path) -> None:
    text = edit(
        ("language: zh", "language: en"),
        ("roles: [话务员, 班长]", "roles: [话务员, 班长, Teller]"),
        ("who: 话务员\n            when: 接通后", "who: teller\n            when: 接通后"),
        ("how: 摘机后说问候语", "how: answer promptly and warmly"),
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [
        f.message for f in check_paths([path], Config(root=tmp_path, select=("C",))).findings
    ]
    assert any("did you mean 'Teller'?" in m for m in messages)
    assert any("'promptly', 'warmly' in how is vague" in m for m in messages)


def test_every_rule_has_a_test_case() -> None:
    tested = {code for _, _, code, _ in CASES} | {"P4", "S1", "S2"}
    assert set(RULES) <= {c for entry in tested for c in entry.split(",")}
