"""The view every template sees: plain data, filtered by stage and role, labelled by language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from svcstd.cells import md_escape
from svcstd.errors import SvcstdError
from svcstd.loading import load_standard
from svcstd.render import build_view, percent

DATA = Path(__file__).parent / "data" / "render"


@pytest.fixture(scope="module")
def sample():
    return load_standard(DATA / "sample.yaml")


def ids(view):
    return [item["id"] for item in view["standards"]]


def test_view_is_plain_data_that_round_trips_through_json(sample):
    view = build_view(sample)
    assert json.loads(json.dumps(view)) == view


def test_view_carries_identity_and_plan(sample):
    view = build_view(sample)
    assert (view["id"], view["version"], view["effective"]) == ("sample-hall", "1.10", "2026-01-01")
    assert view["inspection"] == {"by": "质检员", "method": "暗访与监控抽查", "frequency": "每月"}
    assert view["counts"] == {"standards": 6, "critical": 1, "stages": 2}


def test_standards_in_file_order_with_numbers(sample):
    view = build_view(sample)
    assert ids(view) == ["RH-01", "RH-02", "RH-03", "RH-04", "RH-05", "RH-06"]
    assert [s["number"] for s in view["standards"]][:3] == ["1.1.1", "1.1.2", "2.1.1"]
    assert view["standards"][2]["step_name"] == "排队"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", ["≤ 10 秒", None, "0–15 分钟", "≥ 4", "≥ 4（1…5）", "≥ 95%"]),
        ("en", ["≤ 10 s", None, "0–15 min", "≥ 4", "≥ 4 (scale 1…5)", "≥ 95%"]),
    ],
)
def test_thresholds_in_words(sample, lang, expected):
    view = build_view(sample, lang=lang)
    assert [s["threshold"] for s in view["standards"]] == expected


def test_labels_follow_language_and_lang_overrides(sample):
    assert build_view(sample)["labels"]["critical"] == "红线"
    english = build_view(sample, lang="en")
    assert english["labels"]["critical"] == "Red line"
    assert english["lang"] == "en"
    assert english["standards"][0]["unit_words"] == "s"


def test_bad_lang_is_a_clean_error(sample):
    with pytest.raises(SvcstdError, match="--lang must be zh or en"):
        build_view(sample, lang="fr")


@pytest.mark.parametrize("stage", ["serve", "办理"])
def test_stage_filter_by_id_or_name(sample, stage):
    view = build_view(sample, stage=stage)
    assert ids(view) == ["RH-03", "RH-04", "RH-05", "RH-06"]
    assert [s["id"] for s in view["stages"]] == ["serve"]
    assert view["filters"]["stage"] == stage


def test_unknown_stage_lists_the_stages(sample):
    with pytest.raises(SvcstdError, match="no stage 'lobby' in sample-hall; stages: arrive, serve"):
        build_view(sample, stage="lobby")


def test_role_filter_splits_who(sample):
    # RH-02 is owned by "大堂经理、营业员": both roles see it
    assert ids(build_view(sample, role="营业员")) == ["RH-02", "RH-05"]
    assert ids(build_view(sample, role="大堂经理")) == ["RH-01", "RH-02"]


def test_role_and_stage_together(sample):
    assert ids(build_view(sample, role="营业员", stage="serve")) == ["RH-05"]


def test_unknown_role_lists_the_roles(sample):
    with pytest.raises(SvcstdError, match=r"no role '老板'.*大堂经理, 营业员, 值班长"):
        build_view(sample, role="老板")


def test_filter_that_leaves_nothing_is_an_error(sample):
    with pytest.raises(SvcstdError, match="no standard matches stage 'arrive' and role '值班长'"):
        build_view(sample, stage="arrive", role="值班长")


def test_role_match_ignores_case():
    from svcstd.model import StandardFile

    doc = StandardFile.model_validate(
        {
            "svcstd": 1,
            "id": "x",
            "title": "X",
            "language": "en",
            "roles": ["Agent"],
            "stages": [
                {
                    "id": "a",
                    "name": "A",
                    "steps": [
                        {"id": "b", "name": "B", "standards": [{"id": "X-1", "who": "agent"}]}
                    ],
                }
            ],
        }
    )
    assert ids(build_view(doc, role="AGENT")) == ["X-1"]


def test_handout_sections_per_role_and_for_standards_without_role(sample):
    sections = build_view(sample)["role_sections"]
    assert [(s["role"], s["count"]) for s in sections] == [
        ("大堂经理", 2),
        ("营业员", 2),
        ("值班长", 2),
        ("未指定岗位", 1),
    ]
    owned = [
        item["id"]
        for stage in sections[1]["stages"]
        for step in stage["steps"]
        for item in step["standards"]
    ]
    assert owned == ["RH-02", "RH-05"]


def test_handout_with_role_has_one_section(sample):
    sections = build_view(sample, role="值班长")["role_sections"]
    assert [s["role"] for s in sections] == ["值班长"]


def test_promises_are_customer_facing_and_published(sample):
    groups = build_view(sample)["promises"]
    promised = [item["id"] for group in groups for item in group["standards"]]
    # RH-04 is back stage, RH-06 is unpublished
    assert promised == ["RH-01", "RH-02", "RH-03", "RH-05"]


def test_promise_text_prefers_customer_words(sample):
    items = {s["id"]: s for s in build_view(sample)["standards"]}
    assert items["RH-01"]["promise"] == "您一进门，10 秒内就有人接待您"
    assert items["RH-01"]["promise_number"] is None  # the customer text says the number
    assert items["RH-03"]["promise"] == "客户取号后等候时间（0–15 分钟）"
    assert items["RH-03"]["promise_number"] == "0–15 分钟"
    assert items["RH-02"]["promise"] == "出示工牌"


def test_factor_and_why_reach_the_view(sample):
    item = build_view(sample)["standards"][2]
    assert item["factor"]["name"] == "等候时间短"
    assert "30%" in item["factor"]["evidence"]


@pytest.mark.parametrize(
    ("share", "text"), [(0.95, "95%"), (0.975, "97.5%"), (1.0, "100%"), (0, "0%")]
)
def test_percent(share, text):
    assert percent(share) == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        pytest.param("a | b", r"a \| b", id="pipe"),
        pytest.param("<script>", "&lt;script>", id="tag"),
        pytest.param("[x](javascript:y)", r"\[x\](javascript:y)", id="link"),
        pytest.param("**b** `c` ~~d~~", r"\*\*b\*\* \`c\` \~\~d\~\~", id="emphasis"),
        pytest.param("_a_ snake_case", r"\_a\_ snake_case", id="underscore"),
        pytest.param("# 标题", r"\# 标题", id="heading"),
        pytest.param("- 项", r"\- 项", id="bullet"),
        pytest.param("1. 首先", r"1\. 首先", id="ordered"),
        pytest.param("3.2", "3.2", id="version-stays"),
        pytest.param("&lt;", "&amp;lt;", id="entity"),
        pytest.param("R&D", "R&D", id="ampersand"),
        pytest.param("一\n二\r\n\n三", "一<br>二<br>三", id="newlines"),
        pytest.param("    code", " code", id="indent"),
        pytest.param("Owner: ", "Owner: ", id="trailing-space"),
        pytest.param(None, "", id="none"),
        pytest.param(3, "3", id="number"),
    ],
)
def test_md_escape(text, escaped):
    assert md_escape(text) == escaped
