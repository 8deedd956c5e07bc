"""The strict loader against hostile input (duplicate keys, aliases, tags, YAML 1.1 typing, encodings, depth, size).

Each case asserts what the user sees: the finding's rule, severity, line and column, and the
substance of its message; and that nothing but a `SvcstdError` ever leaves the loader.
The files live in tests/data/hazards/ (made by make_hazards.py there); the few that would
bloat the repository are generated here.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
import yaml

import svcstd.source
from svcstd.errors import SourceError, SvcstdError
from svcstd.loading import MAX_SCHEMA_FINDINGS, Loaded, load, load_standard
from svcstd.source import MAX_BYTES, parse, read_file

HAZARDS = Path(__file__).resolve().parent / "data" / "hazards"
HEAD = "svcstd: 1\nid: hazard\ntitle: 上门服务规范\n"

Seen = list[tuple[str, str, int, int]]


def seen(loaded: Loaded) -> Seen:
    """What the user reads, minus the message: rule, severity, line, column of each finding."""
    return [(f.rule, f.severity, f.line, f.column) for f in loaded.findings]


def messages(loaded: Loaded) -> str:
    return "\n".join(f.message for f in loaded.findings)


def _load_text(text: str) -> Loaded:
    """`load` reads files; this writes the text to one first."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "standard.yaml"
        path.write_text(text, encoding="utf-8")
        return load(path)


# file → (findings as (rule, severity, line, column), words every message must carry)
CORPUS: dict[str, tuple[Seen, tuple[str, ...]]] = {
    # duplicate keys: the error sits on the second key and names the line of the first
    "duplicate-key.yaml": ([("S1", "error", 6, 1)], ("duplicate key 'owner'", "line 4")),
    "duplicate-key-nested.yaml": ([("S1", "error", 13, 13)], ("duplicate key 'what'", "line 12")),
    # anchors and aliases, and the bomb built from them: refused at the anchored node
    "anchor-alias.yaml": ([("S1", "error", 4, 8)], ("anchors and aliases", "write the value out")),
    "alias-bomb.yaml": ([("S1", "error", 1, 4)], ("anchors and aliases",)),
    # tags: named as written, never constructed
    "tag-python-object.yaml": (
        [("S1", "error", 4, 8)],
        ("tag !!python/object/apply:os.system is not allowed",),
    ),
    "tag-binary.yaml": ([("S1", "error", 4, 8)], ("tag !!binary is not allowed",)),
    "tag-custom.yaml": ([("S1", "error", 4, 8)], ("tag !dept is not allowed",)),
    "tag-set.yaml": ([("S1", "error", 4, 8)], ("tag !!set is not allowed",)),
    "merge-key.yaml": ([("S1", "error", 5, 3)], ("merge keys (<<) are not allowed",)),
    # YAML 1.1 booleans are text; a true/false field given one says how to write it
    "yaml11-no.yaml": ([("S2", "error", 4, 12)], ("published", "write true or false", "'no'")),
    "yaml11-implicit.yaml": ([], ()),
    # dates that do not exist, numbers too big to be numbers
    "date-invalid-month.yaml": (
        [("S2", "error", 4, 12)],
        ("effective", "write a real date as YYYY-MM-DD", "2024-13-45", "month"),
    ),
    "date-invalid-day.yaml": (
        [("S2", "error", 4, 12)],
        ("effective", "write a real date as YYYY-MM-DD", "2024-02-30", "day"),
    ),
    "huge-integer.yaml": ([("S2", "error", 4, 24)], ("every_months", "number too long", "5002")),
    "huge-number-weight.yaml": (
        [("S2", "error", 13, 21)],
        ("standard HV-01, weight", "write a plain number", "5002 chars"),
    ),
    # nesting: the 65th bracket is named
    "deep-flow-500.yaml": ([("S1", "error", 4, 72)], ("nested deeper than 64 levels",)),
    "tab-indent.yaml": ([("S1", "error", 5, 1)], ("tab used for indentation",)),
    # encodings: UTF-8 with BOM silently; GBK and UTF-16 with a warning naming the encoding
    "utf8-bom.yaml": ([], ()),
    "gbk.yaml": ([("S1", "warning", 1, 1)], ("GB18030/GBK", "save it as UTF-8")),
    "utf16-bom.yaml": ([("S1", "warning", 1, 1)], ("UTF-16", "save it as UTF-8")),
    "utf16-no-bom.yaml": ([("S1", "error", 1, 2)], ("UTF-16 without a byte-order mark",)),
    # bad bytes: positions in characters, after Chinese text
    "invalid-utf8.yaml": ([("S1", "error", 3, 14)], ("not valid UTF-8 text",)),
    "nul-bytes.yaml": ([("S1", "error", 4, 10)], ("binary file",)),
    "binary-garbage.yaml": ([("S1", "error", 3, 1)], ("binary file",)),
    "control-char.yaml": ([("S1", "error", 4, 11)], ("control characters are not allowed",)),
    # no standard at all, or not one standard
    "empty.yaml": ([("S1", "error", 1, 1)], ("the file is empty", "svcstd: 1")),
    "comments-only.yaml": ([("S1", "error", 1, 1)], ("the file is empty",)),
    "multi-document.yaml": ([("S1", "error", 4, 1)], ("more than one YAML document",)),
    "top-level-list.yaml": ([("S2", "error", 1, 1)], ("a standard file is a mapping", "a list")),
    "top-level-scalar.yaml": (
        [("S2", "error", 1, 1)],
        ("a standard file is a mapping", "上门服务规范"),
    ),
    # columns count characters on Chinese lines
    "chinese-syntax-column.yaml": ([("S1", "error", 3, 9)], ("mapping values are not allowed",)),
    "chinese-schema-column.yaml": (
        [("S2", "error", 4, 53)],
        ("factor punctuality, importance", "write a plain number", "很高"),
    ),
    # what YAML forbids and libyaml lets through
    "glued-comment.yaml": ([("S1", "error", 4, 13)], ("a comment needs a space before '#'",)),
    "unindented-continuation.yaml": (
        [("S1", "error", 5, 1)],
        ("continues a [ … ] or { … } list from line 4", "indent it"),
    ),
    "lone-dash.yaml": ([("S1", "error", 4, 14)], ("'-' alone is not a value", "quotes")),
}


def test_every_hazard_file_has_an_expectation() -> None:
    assert {path.name for path in HAZARDS.glob("*.yaml")} == set(CORPUS)


@pytest.mark.parametrize(("name", "expected", "words"), [(n, *v) for n, v in CORPUS.items()])
def test_hazard_file(name: str, expected: Seen, words: tuple[str, ...]) -> None:
    started = time.perf_counter()
    loaded = load(HAZARDS / name)
    assert time.perf_counter() - started < 2
    assert seen(loaded) == expected
    text = messages(loaded)
    for word in words:
        assert word in text
    assert all(len(f.message) < 200 for f in loaded.findings)
    errors = [f for f in loaded.findings if f.severity == "error"]
    assert (loaded.standard is None) == bool(errors)
    assert all(f.file == str(HAZARDS / name) for f in loaded.findings)


@pytest.mark.parametrize(
    "name", [n for n, (exp, _) in CORPUS.items() if exp[:1] and exp[0][0] == "S1"]
)
def test_unreadable_file_is_one_source_error_from_read_file(name: str) -> None:
    """S1 errors come from `read_file` as a `SourceError` carrying the same position."""
    first = CORPUS[name][0][0]
    if first[1] == "warning":
        read_file(HAZARDS / name)
        return
    with pytest.raises(SourceError) as caught:
        read_file(HAZARDS / name, display="shown.yaml")
    assert (caught.value.line, caught.value.column) == first[2:]
    assert str(caught.value).startswith(f"shown.yaml:{first[2]}:{first[3]}: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_load_standard_raises_only_svcstd_errors(name: str) -> None:
    expected = CORPUS[name][0]
    errors = [item for item in expected if item[1] == "error"]
    if not errors:
        assert load_standard(HAZARDS / name).svcstd == 1
        return
    with pytest.raises(SvcstdError) as caught:
        load_standard(HAZARDS / name)
    assert f":{errors[0][2]}:{errors[0][3]}" in (caught.value.where or "")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_pure_python_loader_agrees_on_rules(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml (a platform with no wheel) every hazard still ends in the same verdict."""
    monkeypatch.setattr(svcstd.source, "Loader", svcstd.source._untyped(yaml.SafeLoader))
    loaded = load(HAZARDS / name)
    assert [item[:2] for item in seen(loaded)] == [item[:2] for item in CORPUS[name][0]]
    assert all(f.line >= 1 and f.column >= 1 for f in loaded.findings)


# --- YAML 1.1 implicit typing: exact text in, the model decides -------------------------------


def test_yaml11_scalars_stay_exact_text() -> None:
    source = read_file(HAZARDS / "yaml11-implicit.yaml")
    data = source.data
    assert (data["svcstd"], data["id"], data["title"]) == ("1", "1_000", "010")
    assert (data["owner"], data["service"], data["version"]) == ("NO", "1:30", "1.10")
    assert data["effective"] == "2024-01-05"
    assert data["roles"] == ["on", "off", "yes", "0x1F", "1:30:00", ".inf", "1e3", "+1", "~x"]


def test_yaml11_file_keeps_version_and_parses_date() -> None:
    standard = load_standard(HAZARDS / "yaml11-implicit.yaml")
    assert standard.version == "1.10"
    assert standard.effective == dt.date(2024, 1, 5)
    assert standard.owner == "NO"
    assert standard.id == "1_000"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: true", True),
        ("a: False", False),
        ("a: ~", None),
        ("a:", None),
        ("a: null", None),
        ("a: 'true'", "true"),
        ("a: !!str true", "true"),
        ("a: !!str", ""),
        ("a: !!bool true", True),
        ('a: "<<"', "<<"),
        ("a: 1.10", "1.10"),
        ('a: "no"', "no"),
        ("a: yes", "yes"),
        ("a: 0o17", "0o17"),
        ("a: 12:30:00", "12:30:00"),
        ("a: 2024-01-05 10:00:00", "2024-01-05 10:00:00"),
        ("a: -5 度", "-5 度"),
    ],
)
def test_only_null_true_false_are_resolved(text: str, value: object) -> None:
    assert parse(text).data == {"a": value}


@pytest.mark.parametrize("value", ["no", "off", "yes", "on", "Y", "1", "'true'"])
def test_strict_bool_field_says_write_true_or_false(value: str) -> None:
    loaded = _load_text(HEAD + f"published: {value}\n")
    assert seen(loaded) == [("S2", "error", 4, 12)]
    assert "write true or false" in messages(loaded)


@pytest.mark.parametrize("value", ["inf", ".inf", "-infinity", "nan", "1e999", "9" * 400])
def test_non_finite_numbers_are_refused(value: str) -> None:
    loaded = _load_text(
        HEAD
        + "factors: [{id: f, name: 守时, importance: 1, evidence: x}]\n"
        + "stages: [{id: s, name: 阶段, steps: [{id: t, name: 步骤, standards: "
        + f"[{{id: A, measure: {{kind: count, max: {value}}}}}]}}]}}]\n"
    )
    assert [f.rule for f in loaded.findings] == ["S2"]
    assert "write a plain number" in messages(loaded)


# --- columns are characters, not bytes -------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column", "what"),
    [
        pytest.param("名称: 上门服务: 规范", 9, "mapping values", id="syntax-after-chinese"),
        pytest.param("owner: 上门服务\x07", 12, "control characters", id="control-after-chinese"),
        pytest.param('owner: "上门服务"#备注', 14, "a comment needs a space", id="glued-comment"),
        pytest.param("roles: [上门, 服务, -]", 17, "'-' alone", id="dash-after-chinese"),
        pytest.param("owner: 上门服务\x85x\u2028y\x9b", 16, "control", id="c1-control"),
    ],
)
def test_error_column_counts_characters(line: str, column: int, what: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(HEAD + line + "\n", "zh.yaml")
    assert (caught.value.line, caught.value.column) == (4, column)
    assert what in caught.value.message


def test_schema_error_column_counts_characters() -> None:
    loaded = _load_text(HEAD + "review: {every_months: 十二, last: 上门服务}\n")
    assert seen(loaded) == [("S2", "error", 4, 24), ("S2", "error", 4, 34)]


def test_invalid_byte_after_chinese_is_placed_in_characters(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(HEAD.encode() + "owner: 客服部".encode() + b"\xc3\x28\n")
    loaded = load(path)
    assert seen(loaded) == [("S1", "error", 4, 11)]


# --- what would crash or hang: deep nesting, huge files ----------------------------------------

DEEP = {
    "flow-30000": HEAD + "roles: " + "[" * 30000 + "]" * 30000 + "\n",
    "mapping-30000": "{a: " * 30000 + "}" * 30000 + "\n",
    # quoted closers hide the real nesting from any count of the raw characters
    "quoted-closers-30000": HEAD + "roles: " + '["]", ' * 30000 + "x" + "]" * 30000 + "\n",
    "compact-30000": "- " * 30000 + "x\n",
    "explicit-keys-30000": "? " * 30000 + "x\n",
    "indented-blocks": "".join(" " * i + f"k{i}:\n" for i in range(0, 3000, 2))
    + " " * 3000
    + "x\n",
    "indented-sequences": "".join(" " * i + "-\n" for i in range(100)) + " " * 100 + "x\n",
}
DEEP_EXPECTED = {
    "flow-30000": ((4, 72), "nested deeper than 64 levels"),
    "mapping-30000": ((1, 261), "nested deeper than 64 levels"),
    "quoted-closers-30000": ((4, 8 + 64 * 6), "nested deeper than 64 levels"),
    "compact-30000": ((1, 1), "nested too deeply"),
    "explicit-keys-30000": ((1, 1), "nested too deeply"),
    "indented-blocks": ((101, 1), "indented too deeply"),
    "indented-sequences": ((66, 66), "nested deeper than 64 levels"),
}
CHILD = """
import json, sys
from svcstd.loading import load
out = {}
for name in sys.argv[1:]:
    loaded = load(name)
    out[name] = [[f.rule, f.line, f.column, f.message] for f in loaded.findings]
print(json.dumps(out))
"""


def test_deep_nesting_is_a_clean_error_in_a_child_process(tmp_path: Path) -> None:
    """In a child process, so a crash in the C parser fails this test, not the whole run."""
    paths = {}
    for name, text in DEEP.items():
        paths[name] = tmp_path / f"{name}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths.values())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, (child.returncode, child.stderr[-2000:])
    assert "RecursionError" not in child.stderr
    assert time.perf_counter() - started < 20
    results = json.loads(child.stdout)
    for name, ((line, column), words) in DEEP_EXPECTED.items():
        findings = results[str(paths[name])]
        assert [tuple(f[:2]) for f in findings] == [("S1", line)], name
        assert words in findings[0][3], name
        # where the nesting passes our 64 levels, or later on the same line where libyaml
        # (≥ 0.2.5) stops at its own cap of 1,000 levels: a position inside the nest either way
        assert findings[0][2] >= column, name


def test_nesting_within_the_limit_loads() -> None:
    text = HEAD + "roles: " + "[" * 60 + "x" + "]" * 60 + "\n"
    assert parse(text).data["roles"][0][0][0]
    many = HEAD + "roles: [" + ", ".join(f"[{i}]" for i in range(2000)) + "]\n"
    assert len(parse(many).data["roles"]) == 2000


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(HEAD.encode() + b"# " + b"x" * MAX_BYTES + b"\n")
    loaded = load(path)
    assert seen(loaded) == [("S1", "error", 1, 1)]
    assert "larger than 4 MiB" in messages(loaded)


def test_file_at_the_size_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    body = HEAD.encode() + b"# "
    path.write_bytes(body + b"x" * (MAX_BYTES - len(body) - 1) + b"\n")
    assert load(path).standard is not None


def test_alias_bomb_is_refused_before_expansion() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]
    started = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        parse("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1
    assert (caught.value.line, caught.value.column) == (1, 5)


def test_thousands_of_schema_errors_are_capped_and_fast() -> None:
    text = HEAD + "".join(f"k{i}: v\n" for i in range(50_000))
    started = time.perf_counter()
    loaded = _load_text(text)
    assert time.perf_counter() - started < 5
    assert len(loaded.findings) == MAX_SCHEMA_FINDINGS + 1
    assert loaded.findings[0].line == 4
    assert f"{50_000 - MAX_SCHEMA_FINDINGS} more schema errors" in loaded.findings[-1].message


# --- what YAML forbids and libyaml lets through: errors, and near misses that stay clean -------


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        pytest.param('owner: "客服部"# 备注', (4, 13), "space before '#'", id="quoted-then-hash"),
        pytest.param("roles: [a, b]#c", (4, 14), "space before '#'", id="flow-then-hash"),
        pytest.param("roles: [a,#c\n  b]", (4, 11), "space before '#'", id="comma-then-hash"),
        pytest.param("owner: >#c\n  客服部", (4, 9), "space before '#'", id="block-header-hash"),
        pytest.param(
            "owner: '客服\n部'", (5, 1), "continues quoted text", id="quoted-continuation"
        ),
        pytest.param("roles: [-, a]", (4, 9), "'-' alone", id="lone-dash"),
        pytest.param("roles: [a, -, b]", (4, 12), "'-' alone", id="lone-dash-middle"),
        pytest.param("owner: >\n \n   \n # 注释", (6, 1), "blank line", id="deep-blank-line"),
    ],
)
def test_yaml_that_libyaml_accepts_but_the_spec_forbids(
    text: str, position: tuple[int, int], words: str
) -> None:
    with pytest.raises(SourceError) as caught:
        parse(HEAD + text + "\n")
    assert (caught.value.line, caught.value.column) == position
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        pytest.param("how: C#语言 #注释#2", "how", "C#语言", id="hash-in-plain-text"),
        pytest.param('how: "a#b" # 注释', "how", "a#b", id="hash-in-quotes"),
        pytest.param("how: |\n  第#1步\n  第#2步", "how", "第#1步\n第#2步\n", id="hash-in-block"),
        pytest.param("# 注释#2\nhow: x", "how", "x", id="hash-in-comment"),
        pytest.param(
            "roles: [维护员,\n  客服代表]", "roles", ["维护员", "客服代表"], id="indented-flow"
        ),
        pytest.param("how: '上门\n  服务'", "how", "上门 服务", id="indented-quoted"),
        pytest.param("what: -5 度", "what", "-5 度", id="leading-minus"),
        pytest.param("what: :x", "what", ":x", id="leading-colon"),
        pytest.param("roles: [-a, b]", "roles", ["-a", "b"], id="dash-word-in-flow"),
        pytest.param("how: |\n\n  上门", "how", "\n上门\n", id="blank-then-text"),
        pytest.param("how: |2\n   \n  上门", "how", " \n上门\n", id="explicit-indent"),
    ],
)
def test_near_misses_stay_clean(text: str, key: str, value: object) -> None:
    assert parse(HEAD + text + "\n").data[key] == value


# --- odd calls -------------------------------------------------------------------------------


def test_missing_file_and_directory_are_source_errors(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.yaml", tmp_path):
        loaded = load(path)
        assert seen(loaded) == [("S1", "error", 1, 1)]
        assert "cannot read the file" in messages(loaded)


def test_lone_surrogate_in_text_is_a_source_error() -> None:
    with pytest.raises(SourceError) as caught:
        parse(HEAD + "owner: 客\ud800服\n")
    assert (caught.value.line, caught.value.column) == (4, 9)


def test_utf8_bom_does_not_reach_the_first_key(tmp_path: Path) -> None:
    source = read_file(HAZARDS / "utf8-bom.yaml")
    assert next(iter(source.data)) == "svcstd"
    assert source.encoding == "utf-8-sig"


def test_gbk_file_reads_its_chinese_text() -> None:
    source = read_file(HAZARDS / "gbk.yaml")
    assert (source.encoding, source.data["title"], source.data["owner"]) == (
        "gb18030",
        "上门服务规范",
        "客服部",
    )


def test_locate_points_at_keys_and_values() -> None:
    source = parse(
        textwrap.dedent(
            """\
            svcstd: 1
            stages:
              - id: 上门
                steps: [{id: 到达, name: 准时}]
            """
        )
    )
    assert source.locate(("stages", 0, "steps", 0, "name")) == (4, 28)
    assert source.locate(("stages", 0, "steps"), key=True) == (4, 5)
    assert source.locate(("stages", 5, "id")) == (3, 3)
    assert source.locate(("nothing", "here")) == (1, 1)


def test_windows_line_endings_give_the_same_positions() -> None:
    text = HEAD + "roles: [维护员,\n\n  客服代表]\nhow: |\n\n  上门\nowner: x\nowner: y\n"
    positions = []
    for newline in ("\n", "\r\n"):
        with pytest.raises(SourceError) as caught:
            parse(text.replace("\n", newline))
        positions.append((caught.value.line, caught.value.column, caught.value.message))
    assert (
        positions[0] == positions[1] == (11, 1, "duplicate key 'owner'; first defined on line 10")
    )


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\u2029", "\r"])
def test_breaks_editors_do_not_show_do_not_shift_positions(odd: str) -> None:
    """libyaml breaks lines at NEL, LS, PS and a lone CR; users' editors count newlines."""
    with pytest.raises(SourceError) as caught:
        parse(HEAD + f'how: "上门{odd}服务"\nowner: 客服部\nowner: &a x\n')
    assert (caught.value.line, caught.value.column) == (6, 1)
    with pytest.raises(SourceError) as caught:
        parse(HEAD + f'how: "上门{odd}服务"\nroles: [a, b]]\n')
    assert (caught.value.line, caught.value.column) == (5, 14)


def test_schema_messages_stay_on_one_line() -> None:
    """A key or id quoted from the file may hold a newline; `file:line:col CODE message` may not."""
    loaded = _load_text(HEAD + '"名\\n称": 1\nstages: [{id: "a\\tb", name: x, steps: 1}]\n')
    assert [f.rule for f in loaded.findings] == ["S2", "S2", "S2"]
    assert all("\n" not in f.message and "\t" not in f.message for f in loaded.findings)
    assert "名\\n称" in messages(loaded)


def test_a_flood_of_flow_collections_is_refused_before_libyaml_builds_them() -> None:
    # 1,600 lines of 63 nested mappings: libyaml would build 100,800 nodes first (seconds, and
    # a gigabyte for a full 4 MiB file); refused at the opener past the limit instead
    line = "  k: " + "{a: " * 63 + "x" + "}" * 63 + "\n"
    text = HEAD + "stuff:\n" + line * 1600
    started = time.perf_counter()
    with pytest.raises(
        SourceError, match=r"more than 100,000 \{…\} and \[…\] collections"
    ) as caught:
        parse(text)
    assert time.perf_counter() - started < 2
    assert caught.value.line == 3 + 1 + 1 + 100_000 // 63  # the line holding opener 100,001
