"""Rules that read content: each class of false alarm and miss, with a trigger and a near miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from svcstd.config import load_config
from svcstd.rules.text import Vocabulary, quantities, vague_words
from tests.test_rules import at, edit, lint

HOW = "how: 摘机后说问候语"  # HL-01's `how`: replaced by each case's text
SPEED = "{id: speed, name: 接通速度, importance: 5, evidence: 2025 调研相关系数 0.41}"
MANNER = "{id: manner, name: 礼仪, importance: 3, evidence: 投诉分析}"

# (id, changes, rule, expected marked snippets)
CASES = [
    # C2 — vague words the lists missed
    ("C2-daowei", [(HOW, "how: 服务到位")], "C2", ["how: |服务到位"]),
    ("C2-guifan-adjective", [(HOW, "how: 规范操作")], "C2", ["how: |规范操作"]),
    ("C2-zhudong-manner", [(HOW, "how: 以主动的服务态度接待")], "C2", ["how: |以主动"]),
    ("C2-undue-delay", [(HOW, "how: respond without undue delay")], "C2", ["how: |respond"]),
    ("C2-professional", [(HOW, "how: reply in a professional manner")], "C2", ["how: |reply"]),
    ("C2-traditional", [(HOW, "how: 盡快處理，態度專業")], "C2", ["how: |盡快"]),
    # C2 — a number that is not a measure does not pin a vague word
    ("C2-phone-number", [(HOW, "how: 及时回复 12345 来电")], "C2", ["how: |及时"]),
    ("C2-every-one", [(HOW, "how: 每一位客户都热情接待")], "C2", ["how: |每一位"]),
    ("C2-counter-number", [(HOW, "how: 在 3 号窗口耐心解答")], "C2", ["how: |在 3 号"]),
    # C2 — near misses: terms, names, quotes, prohibitions, concrete actions, real quantities
    ("C2-zhudong-action", [(HOW, "how: 未接通的来电主动回拨")], "C2", []),
    ("C2-name-of-counter", [(HOW, "how: 引导客户到快速办理窗口")], "C2", []),
    ("C2-name-of-procedure", [(HOW, "how: 按简单业务快捷流程办理")], "C2", []),
    ("C2-hyphenated-term", [(HOW, "how: show the way to the child-friendly toilets")], "C2", []),
    ("C2-quoted-script", [(HOW, "how: 说“请您耐心稍候，马上为您查询”")], "C2", []),
    ("C2-must-not-say", [(HOW, "how: 禁止说“请耐心等待”，改为告知预计时长")], "C2", []),
    (
        "C2-never-say",
        [(HOW, "how: never tell callers to be patient; give the wait in minutes")],
        "C2",
        [],
    ),
    ("C2-explained", [(HOW, "how: 热情问候（起身、微笑、说出客户姓氏）")], "C2", []),
    ("C2-named-standard", [(HOW, "how: 按《营业厅服务规范》第 3 章执行")], "C2", []),
    ("C2-same-day", [(HOW, "how: 当天及时回复客户")], "C2", []),
    ("C2-clock-time", [(HOW, "how: 17:00 前及时回电")], "C2", []),
    # C2 — the promise customers read is checked like the staff text
    (
        "C2-customer-text",
        [("target: 0.9\n", "target: 0.9\n            customer_text: 我们将及时为您接通\n")],
        "C2",
        ["customer_text: |我们将"],
    ),
    (
        "C2-customer-text-figure",
        [("target: 0.9\n", "target: 0.9\n            customer_text: 铃响 10 秒内为您接通\n")],
        "C2",
        [],
    ),
    # P1 — a rationale that restates the pitfall does not silence it
    (
        "P1-restated-rationale",
        [("target: 0.95", "target: 0.95\n            rationale: 定得越严，员工越能保持警惕")],
        "P1",
        ["rationale: |定得越严"],
    ),
    (
        "P1-restated-rationale-en",
        [
            (
                "target: 0.95",
                "target: 0.95\n            rationale: the stricter it is, the more alert staff stay",
            )
        ],
        "P1",
        ["rationale: |the stricter"],
    ),
    (
        "P1-real-rationale",
        [("target: 0.95", "target: 0.95\n            rationale: 投诉中 40% 因首句不礼貌")],
        "P1",
        [],
    ),
    # P1 — the factor's evidence says what customers accept; the bound is far stricter
    (
        "P1-evidence-accepts-more",
        [
            (
                SPEED,
                SPEED.replace(
                    "2025 调研相关系数 0.41", "2025 调研：90% 的客户可接受 30 秒以内接通"
                ),
            ),
            ("max: 10}", "max: 5}"),
        ],
        "P1",
        ["max: |5}"],
    ),
    (
        "P1-evidence-close-to-bound",
        [
            (
                SPEED,
                SPEED.replace(
                    "2025 调研相关系数 0.41", "2025 调研：90% 的客户可接受 15 秒以内接通"
                ),
            )
        ],
        "P1",
        [],
    ),
    (
        "P1-evidence-is-a-minimum",
        [(SPEED, SPEED.replace("2025 调研相关系数 0.41", "调研：81% 的客户希望至少提前 3 天通知"))],
        "P1",
        [],
    ),
    (
        "P1-stated-expectation-with-industry-rationale",
        [
            ("max: 10}", "max: 3, expectation: {max: 15}}"),
            ("target: 0.9\n", "target: 0.9\n            rationale: 对标标杆企业\n"),
        ],
        "P1",
        ["max: |3,"],
    ),
    # P2 — phrasings beyond 行规, and evidence that contradicts the custom followed
    (
        "P2-peers-practice",
        [("target: 0.95", "target: 0.95\n            rationale: 同行通行做法，各家都这样")],
        "P2",
        ["rationale: |同行"],
    ),
    (
        "P2-sector-norms",
        [("target: 0.95", "target: 0.95\n            rationale: in line with sector norms")],
        "P2",
        ["rationale: |in line"],
    ),
    (
        "P2-other-providers",
        [("target: 0.95", "target: 0.95\n            rationale: this is what other providers do")],
        "P2",
        ["rationale: |this is"],
    ),
    (
        "P2-evidence-contradicts",
        [
            (
                SPEED,
                SPEED.replace(
                    "2025 调研相关系数 0.41", "2025 调研：90% 的客户可接受 30 秒以内接通"
                ),
            ),
            ("max: 10}", "max: 90}"),
            ("target: 0.9\n", "target: 0.9\n            basis: industry\n"),
        ],
        "P2",
        ["basis: |industry"],
    ),
    (
        "P2-custom-backed-by-customers",
        [
            (
                "target: 0.95",
                "target: 0.95\n            rationale: 行业通行做法；来电数据显示客户的感受与此一致",
            )
        ],
        "P2",
        [],
    ),
    # P3 — 均 compounds, inflected English, the promise; not a forecast or a sample size
    ("P3-daily-mean", [(HOW, "how: 日均差错不超过 2 笔")], "P3", ["how: |日均"]),
    ("P3-averaging", [(HOW, "how: keep waits averaging under 10 seconds")], "P3", ["how: |keep"]),
    (
        "P3-promise",
        [
            (
                "target: 0.9\n",
                "target: 0.9\n            customer_text: On average, we answer within 10 seconds\n",
            )
        ],
        "P3",
        ["customer_text: |On average"],
    ),
    ("P3-forecast", [(HOW, "how: 按上月平均来电量排班")], "P3", []),
    ("P3-sample-size", [("check: 录音抽检首句", "check: 质检员人均抽查 3 单")], "P3", []),
    ("P3-all-of-them", [(HOW, "how: 所有坐席均应报工号")], "P3", []),
    # P5 — evidence that is a business target or a checklist, not the customer's voice
    (
        "P5-sales-target",
        [
            (
                MANNER,
                "{id: manner, name: 礼仪, importance: 3, evidence: 省公司考核：每厅每小时销售终端 1.5 台}",
            )
        ],
        "P5",
        ["evidence: |省公司"],
    ),
    (
        "P5-audit-checklist",
        [
            (
                MANNER,
                "{id: manner, name: 礼仪, importance: 3, evidence: Internal audit checklist item 4.2}",
            )
        ],
        "P5",
        ["evidence: |Internal"],
    ),
    (
        "P5-customer-voice-and-sales",
        [
            (
                MANNER,
                "{id: manner, name: 礼仪, importance: 3, evidence: 投诉分析显示首句不礼貌最多；也带动销售}",
            )
        ],
        "P5",
        [],
    ),
    # P6 — a reason that is the pitfall itself; a vague promise for a figure
    (
        "P6-reason-restates",
        [
            (
                "target: 0.95",
                "target: 0.95\n            published: false\n            unpublished_reason: 免得客户拿来投诉",
            )
        ],
        "P6",
        ["unpublished_reason: |免得"],
    ),
    (
        "P6-reason-restates-en",
        [
            (
                "target: 0.95",
                "target: 0.95\n            published: false\n            unpublished_reason: Internal only, so customers cannot hold us to it",
            )
        ],
        "P6",
        ["unpublished_reason: |Internal"],
    ),
    (
        "P6-reason-raises-expectations",
        [
            (
                "target: 0.95",
                "target: 0.95\n            published: false\n"
                "            unpublished_reason: not published, to avoid raising expectations",
            )
        ],
        "P6",
        ["unpublished_reason: |not published"],
    ),
    (
        "P6-reason-mentions-claims",
        [
            (
                "target: 0.95",
                "target: 0.95\n            published: false\n"
                "            unpublished_reason: the claim form carries it; published in the pilot leaflet",
            )
        ],
        "P6",
        [],
    ),
    (
        "P6-reason-trial",
        [
            (
                "target: 0.95",
                "target: 0.95\n            published: false\n            unpublished_reason: 试行期，2027 年 3 月公布",
            )
        ],
        "P6",
        [],
    ),
    (
        "P6-vague-promise",
        [("target: 0.9\n", "target: 0.9\n            customer_text: 我们将尽快为您接通\n")],
        "P6",
        ["customer_text: |我们将"],
    ),
    (
        "P6-promise-without-figure-but-not-vague",
        [("target: 0.9\n", "target: 0.9\n            customer_text: 专席为您接听\n")],
        "P6",
        [],
    ),
]


@pytest.mark.parametrize(
    ("changes", "select", "expected"), [pytest.param(c, s, e, id=i) for i, c, s, e in CASES]
)
def test_content(
    tmp_path: Path, changes: list[tuple[str, str]], select: str, expected: list[str]
) -> None:
    text = edit(*changes)
    assert lint(text, select, tmp_path) == sorted(at(text, m, select) for m in expected)


STEP = """\
      - id: look
        name: 形象
        standards:
{items}"""
ITEM = """\
          - {{id: L-{n}, factor: look, what: 仪容第 {n} 项, who: 班长, when: 上岗前, how: 对照第 {n} 项, check: 抽查, record: 表 {n}, measure: {{kind: yes_no}}}}
"""


def thin(look_importance: int, count: int) -> str:
    """speed (importance 5) keeps its one standard; `look` gets `count` standards."""
    factor = f"  - {{id: look, name: 形象, importance: {look_importance}, evidence: 调研}}\n"
    text = BASE_WITH_LOOK.replace("  - {id: manner", factor + "  - {id: manner", 1)
    return text + STEP.format(items="".join(ITEM.format(n=n) for n in range(count)))


BASE_WITH_LOOK = edit()


def test_p4_top_factor_carried_by_a_token_standard(tmp_path: Path) -> None:
    text = thin(2, 4)
    assert lint(text, "P4", tmp_path) == [at(text, "  - |{id: speed", "P4")]


@pytest.mark.parametrize(("importance", "count"), [(4, 4), (2, 1)], ids=["close-importance", "few"])
def test_p4_thin_coverage_near_miss(tmp_path: Path, importance: int, count: int) -> None:
    assert lint(thin(importance, count), "P4", tmp_path) == []


def test_quantities_are_measures_not_any_digit() -> None:
    found = [
        text
        for text in (
            "30 秒",
            "两声",
            "2 working days",
            "8:30",
            "不超过 3",
            "95%",
            "12345",
            "3 号",
            "每一位",
            "一次性",
            "2025 年",
        )
        if quantities(text)
    ]
    assert found == ["30 秒", "两声", "2 working days", "8:30", "不超过 3", "95%"]


def test_vocabulary_adds_removes_and_protects_words() -> None:
    assert vague_words("请妥帖安排") == []
    assert vague_words("请妥帖安排", Vocabulary(vague=("妥帖",))) == ["妥帖"]
    assert vague_words("热情接待", Vocabulary(not_vague=("热情",))) == []
    assert vague_words("按热情服务法接待", Vocabulary(terms=("热情服务法",))) == []
    assert vague_words("respond swiftly", Vocabulary(not_vague=("SWIFTLY",))) == []


def test_vocabulary_settings_reach_the_rules(tmp_path: Path) -> None:
    (tmp_path / "svcstd.toml").write_text(
        'vague-words = {zh = ["摘机"]}\nnot-vague = {zh = ["及时"]}\nterms = {en = ["quick check"]}\n',
        encoding="utf-8",
    )
    config = load_config(start=tmp_path)
    assert config.vocabulary == Vocabulary(
        vague=("摘机",), not_vague=("及时",), terms=("quick check",)
    )
    text = edit((HOW, "how: 摘机后及时问候"))
    assert lint(text, "C2", tmp_path, vocabulary=config.vocabulary) == [
        at(text, "how: |摘机后", "C2")
    ]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('vague-words = ["及时"]', "'vague-words' must be a table of word lists per language"),
        ('terms = {fr = ["vite"]}', "'terms' has unknown language 'fr'"),
        ('not-vague = {zh = [""]}', "'not-vague.zh' must be a list of non-empty words"),
        ('vague-word = {zh = ["x"]}', "did you mean 'vague-words'?"),
    ],
)
def test_vocabulary_settings_are_checked(tmp_path: Path, setting: str, message: str) -> None:
    from svcstd.errors import SvcstdError

    (tmp_path / "svcstd.toml").write_text(setting + "\n", encoding="utf-8")
    with pytest.raises(SvcstdError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_config(start=tmp_path)
