"""Property tests: whatever bytes or YAML-ish text arrive, `load` gives a result or clean findings.

"Clean" means: findings only of S1/S2, each on one line, at a line and column that exist in the
file; a standard exactly when there is no error; never another exception, never a hang.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcstd.errors import SourceError
from svcstd.loading import Loaded, load
from svcstd.source import parse

SETTINGS = settings(
    max_examples=200,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

VALID = """\
svcstd: 1
id: home-visit
title: 上门服务规范
owner: 客服部
version: "2.1"
effective: 2025-01-01
review: {every_months: 12, last: 2025-01-01}
roles: [维护员, 客服代表]
factors:
  - id: punctuality
    name: 守时
    importance: 5
    evidence: 2024 满意度调研
stages:
  - id: phone
    name: 电话预约
    steps:
      - id: book
        name: 预约上门时间
        standards:
          - id: HV-01
            factor: punctuality
            what: 与客户约定上门时间段
            who: 维护员
            how: |
              电话联系，约定的时间段
              不超过 2 小时
            measure: {kind: duration, unit: min, max: 120}
            target: 95%
            critical: false
"""

TOKENS = [
    "- ", ": ", "[", "]", "{", "}", ", ", "&a ", "*a", "!!", "!!str ", "!x ", "!!python/name:os ",
    '"', "'", "#", " #", "\n", "\n  ", "\n    ", "\t", "  ", "? ", "<<: ", "|", ">", "---\n",
    "...\n", "%YAML 1.2\n", "\\", "\ufeff", "\x00", "\x07", "\x85", "\u2028", "～", "：", "－",
    "svcstd", "id", "title", "stages", "steps", "standards", "measure", "target", "1", "0.95",
    "010", "1.10", "1:30", "no", "on", "~", "null", "true", "2024-02-30", "1_000", ".inf", "-",
    "上门服务", "维护员", "及时", "平均", "名称", "客服部",
]  # fmt: skip
RUNS = ["[" * 70, "- " * 70, '["]", ' * 70, "{a: " * 70, " " * 210, "&a [*a, " * 5]

tokens = st.one_of(
    st.sampled_from(TOKENS),
    st.sampled_from(RUNS),
    st.integers(-(10**30), 10**30).map(str),
    st.text(alphabet="服务标准上门维护员客服代表检查记录甲乙丙丁", min_size=1, max_size=6),
    st.text(max_size=4),
)
soups = st.lists(tokens, max_size=120).map("".join)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: a hang is a bug the deadline alone would never report."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"load took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties") / "standard.yaml"


def load_bytes(path: Path, data: bytes) -> Loaded:
    path.write_bytes(data)
    with time_limit(10):
        return load(path)


def assert_clean(loaded: Loaded, text: str | None = None) -> None:
    """The contract of `load` for any input; with the decoded text, positions must exist in it."""
    assert isinstance(loaded, Loaded)
    lines = text.split("\n") if text is not None else None
    for finding in loaded.findings:
        assert finding.rule in ("S1", "S2"), finding
        assert finding.severity in ("error", "warning"), finding
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.message and "\n" not in finding.message, finding
        if lines is not None:
            assert finding.line <= len(lines), finding
            assert finding.column <= len(lines[finding.line - 1]) + 1, finding
    errors = [f for f in loaded.findings if f.severity == "error"]
    assert (loaded.standard is None) == bool(errors)
    if loaded.standard is None and loaded.source is None:
        assert [f.rule for f in errors] == ["S1"]


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_random_bytes(scratch: Path, data: bytes) -> None:
    assert_clean(load_bytes(scratch, data))


@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes_after_a_valid_head(scratch: Path, data: bytes) -> None:
    assert_clean(load_bytes(scratch, VALID.encode() + data))


@SETTINGS
@given(soup=soups)
def test_token_soup(scratch: Path, soup: str) -> None:
    loaded = load_bytes(scratch, soup.encode("utf-8", errors="surrogatepass"))
    if "\ufeff" in soup[:1] or "\x00" in soup:
        assert_clean(loaded)
    else:
        assert_clean(loaded, soup)


@SETTINGS
@given(position=st.integers(0, len(VALID)), cut=st.integers(0, 40), soup=soups)
def test_token_soup_inside_a_valid_standard(
    scratch: Path, position: int, cut: int, soup: str
) -> None:
    text = VALID[:position] + soup + VALID[position + cut :]
    loaded = load_bytes(scratch, text.encode("utf-8", errors="surrogatepass"))
    if "\ufeff" in text[:1] or "\x00" in text:
        assert_clean(loaded)
    else:
        assert_clean(loaded, text)


@SETTINGS
@given(
    soup=soups,
    encoding=st.sampled_from(["utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-32", "big5"]),
)
def test_token_soup_in_other_encodings(scratch: Path, soup: str, encoding: str) -> None:
    data = (VALID + soup).encode(encoding, errors="ignore")
    assert_clean(load_bytes(scratch, data))


@SETTINGS
@given(text=st.text(max_size=300))
def test_parse_any_text_raises_only_source_error(text: str) -> None:
    try:
        with time_limit(10):
            source = parse(text)
    except SourceError as error:
        assert error.line >= 1 and error.column >= 1
        assert error.line <= text.count("\n") + 1
    else:
        assert source.root is not None


def test_valid_standard_loads(scratch: Path) -> None:
    """The base of the soups is itself clean: the properties above start from a real standard."""
    loaded = load_bytes(scratch, VALID.encode())
    assert loaded.findings == []
    assert loaded.standard is not None
