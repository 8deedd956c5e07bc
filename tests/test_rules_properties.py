"""Any standard file that loads can be checked: rules never crash and every finding has a place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcstd.check import check_paths
from svcstd.config import Config

words = st.sampled_from(
    [
        "接听",
        "及时回复",
        "平均等待",
        "行规",
        "30 秒内",
        "promptly",
        "话务员",
        "班长",
        "",
        "热情 3 米",
    ]
)
maybe_words = st.one_of(st.none(), words)
ids = st.sampled_from(["A", "B", "C", "HL-01", "HL-02"])
measures = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["yes_no", "duration", "count", "rating", "percent"])},
        optional={
            "unit": st.sampled_from(["s", "min", "h"]),
            "min": st.integers(-3, 30),
            "max": st.integers(-3, 30),
            "aggregate": st.sampled_from(["each", "mean"]),
            "expectation": st.fixed_dictionaries({}, optional={"max": st.integers(0, 30)}),
        },
    ),
)
standards = st.fixed_dictionaries(
    {"id": ids},
    optional={
        "factor": st.one_of(ids, st.sampled_from(["speed", "manner"])),
        "what": maybe_words,
        "who": maybe_words,
        "when": maybe_words,
        "how": maybe_words,
        "check": maybe_words,
        "record": maybe_words,
        "measure": measures,
        "target": st.sampled_from([0.5, 0.9, 0.99, 1.0, "95%"]),
        "critical": st.booleans(),
        "customer_facing": st.booleans(),
        "published": st.booleans(),
        "basis": st.sampled_from(["customer", "industry", "regulation"]),
        "rationale": maybe_words,
        "ignore": st.dictionaries(st.sampled_from(["P1", "C2", "X9"]), st.just("理由"), max_size=2),
    },
)
steps = st.fixed_dictionaries(
    {"id": ids, "name": st.just("步骤"), "standards": st.lists(standards, max_size=9)}
)
stages = st.fixed_dictionaries(
    {"id": ids, "name": st.just("阶段"), "steps": st.lists(steps, max_size=3)}
)
factors = st.fixed_dictionaries(
    {"id": st.sampled_from(["speed", "manner", "A"]), "name": st.just("要素")},
    optional={"importance": st.integers(0, 5), "evidence": maybe_words},
)
documents = st.fixed_dictionaries(
    {"svcstd": st.just(1), "id": st.just("doc"), "title": st.just("标题")},
    optional={
        "language": st.sampled_from(["zh", "en"]),
        "owner": words,
        "version": st.just("1.0"),
        "review": st.fixed_dictionaries(
            {"every_months": st.integers(1, 24)},
            optional={"last": st.dates(dt.date(2020, 1, 1), dt.date(2027, 1, 1)).map(str)},
        ),
        "roles": st.lists(st.sampled_from(["话务员", "班长"]), max_size=2),
        "published": st.booleans(),
        "factors": st.lists(factors, max_size=4),
        "stages": st.lists(stages, max_size=3),
    },
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents)
def test_rules_never_crash(tmp_path: Path, document: dict[str, object]) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    report = check_paths([path], Config(root=tmp_path, today=dt.date(2026, 11, 23)))
    lines = path.read_text(encoding="utf-8").count("\n") + 1
    for finding in report.findings:
        assert 1 <= finding.line <= lines
        assert finding.column >= 1
        assert finding.message
