"""`svcstd validate` as users run it: real processes, exit codes, every output format, settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import REPO, svcstd
from tests.test_rules import BASE, edit

STANDARDS = REPO / "standards"


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    """One error (P3) and one warning (C6) in a file of its own folder."""
    text = edit(("what: 接起来电", "what: 平均接通时间"), ("            record: 质检评分表\n", ""))
    path = tmp_path / "hotline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_standards_are_clean() -> None:
    result = svcstd("validate", "standards/", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no findings" in result.stdout
    assert "examples" not in result.stdout


def test_each_pitfall_example_reports_its_pitfall() -> None:
    result = svcstd("validate", "standards/examples/", "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    for code in ("P1", "P2", "P3", "P4", "P5", "P6"):
        files = {Path(f["file"]).name for f in findings if f["rule"] == code}
        assert any(name.startswith(code.lower()) for name in files), (code, files)


def test_text_output_and_exit_code(flawed: Path) -> None:
    result = svcstd("validate", flawed, cwd=flawed.parent)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("hotline.yaml:") and " P3 " in lines[0] + " "
    assert any(" C6 " in line and "warning" in line for line in lines)
    assert lines[-1] == "Found 1 error, 1 warning in 1 file."
    assert "\033[" not in result.stdout  # no colour when not on a terminal


def test_warnings_pass_unless_strict(flawed: Path) -> None:
    assert svcstd("validate", flawed, "--ignore", "P3").returncode == 0
    assert svcstd("validate", flawed, "--ignore", "P3", "--strict").returncode == 1


def test_select_by_prefix(flawed: Path) -> None:
    result = svcstd("validate", flawed, "--select", "C", "--format", "json")
    assert {f["rule"] for f in json.loads(result.stdout)["findings"]} == {"C6"}


def test_json_shape(flawed: Path) -> None:
    data = json.loads(svcstd("validate", flawed, "--format", "json").stdout)
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 1, "waived": 0}
    finding = data["findings"][0]
    assert set(finding) == {"rule", "severity", "message", "file", "line", "column"}
    assert (finding["rule"], finding["severity"]) == ("P3", "error")
    assert finding["line"] == BASE.splitlines().index("            what: 接起来电") + 1
    assert finding["column"] == 19


SARIF_REQUIRED = {
    # The parts of the SARIF 2.1.0 schema (OASIS) that code-scanning consumers rely on.
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {"type": "object", "required": ["id"]},
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                                "suppressions": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["kind"],
                                        "properties": {"kind": {"enum": ["inSource", "external"]}},
                                    },
                                },
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "properties": {
                                            "physicalLocation": {
                                                "properties": {
                                                    "region": {
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "startColumn": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif(flawed: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(svcstd("validate", flawed, "--format", "sarif").stdout)
    jsonschema.validate(log, SARIF_REQUIRED)
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    assert {r["ruleId"] for r in run["results"]} == {"P3", "C6"}


def test_sarif_uris_are_encoded(tmp_path: Path) -> None:
    path = tmp_path / "上门 服务.yaml"
    path.write_text(edit(("what: 接起来电", "what: 平均接通时间")), encoding="utf-8")
    log = json.loads(svcstd("validate", path.name, "--format", "sarif", cwd=tmp_path).stdout)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "%E4%B8%8A%E9%97%A8%20%E6%9C%8D%E5%8A%A1.yaml"}


def test_github_annotations(flawed: Path) -> None:
    result = svcstd("validate", flawed, "--format", "github", cwd=flawed.parent)
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=hotline.yaml,line=")
    assert ",title=P3::" in first


def test_settings_file_and_exclude(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "drafts").mkdir()
    (tmp_path / "good" / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "drafts" / "b.yaml").write_text(edit(("what: 接起来电", "what: 平均接通")), "utf-8")
    (tmp_path / "svcstd.toml").write_text('exclude = ["drafts"]\n', encoding="utf-8")
    assert svcstd("validate", ".", cwd=tmp_path).returncode == 0
    named = svcstd("validate", "drafts/b.yaml", cwd=tmp_path)  # named explicitly: checked
    assert named.returncode == 1 and "P3" in named.stdout


def test_settings_are_found_beside_the_checked_path(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "drafts").mkdir(parents=True)
    (project / "a.yaml").write_text(BASE, encoding="utf-8")
    (project / "drafts" / "b.yaml").write_text(edit(("what: 接起来电", "what: 平均接通")), "utf-8")
    (project / "svcstd.toml").write_text('exclude = ["drafts"]\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert svcstd("validate", project, cwd=elsewhere).returncode == 0


def test_pyproject_settings(tmp_path: Path, flawed: Path) -> None:
    (flawed.parent / "pyproject.toml").write_text(
        '[tool.svcstd]\nignore = ["P3"]\nstrict = true\n', encoding="utf-8"
    )
    result = svcstd("validate", flawed.name, cwd=flawed.parent)
    assert result.returncode == 1  # strict: the C6 warning fails
    assert "P3" not in result.stdout


def test_unknown_setting_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "svcstd.toml").write_text("selekt = ['P']\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    result = svcstd("validate", "a.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown setting 'selekt'; did you mean 'select'?" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "no-such.yaml"], "no such file or folder"),
        (
            ["validate", "standards/", "--format", "xml"],
            "'xml' is not one of 'text', 'json', 'sarif', 'github'",
        ),
        (["validate", "standards/", "--select", "Q9"], "unknown rule code"),
        (["validate", "standards/", "--today", "2026-13-01"], "is not a date"),
        (["rules", "P9"], "no rule"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = svcstd(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_today_moves_the_review_date(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(BASE, encoding="utf-8")  # last review 2026-06-01, every 12 months
    assert (
        svcstd("validate", path, "--select", "M2", "--today", "2027-06-02", "--strict").returncode
        == 1
    )
    assert (
        svcstd("validate", path, "--select", "M2", "--today", "2027-06-01", "--strict").returncode
        == 0
    )


def test_rules_catalogue_and_docs() -> None:
    listing = svcstd("rules").stdout
    for code in ("S1", "C2", "M2", "P1", "P6"):
        assert f"\n{code} " in "\n" + listing
    doc = svcstd("rules", "p3").stdout
    for section in ("## What it checks", "## Why it matters", "## Bad", "## Good"):
        assert section in doc


def test_schema_is_json_schema_and_matches_the_bundled_copy() -> None:
    printed = json.loads(svcstd("schema").stdout)
    assert printed["properties"]["svcstd"]["const"] == 1
    bundled = json.loads((STANDARDS / "svcstd.schema.json").read_text(encoding="utf-8"))
    assert printed == bundled, "run: svcstd schema > standards/svcstd.schema.json"


def test_bundled_standards_point_editors_at_the_schema() -> None:
    for path in STANDARDS.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=svcstd.schema.json", path.name


def test_text_output_aligns_codes_under_cjk_file_names() -> None:
    from svcstd.check import Report
    from svcstd.findings import Finding
    from svcstd.reports.findings import as_text, width

    report = Report(
        ["上门服务.yaml", "a.yaml"],
        [
            Finding("上门服务.yaml", 12, 3, "P3", "error", "平均"),
            Finding("a.yaml", 1, 1, "M4", "warning", "owner"),
        ],
    )
    lines = as_text(report).splitlines()[:2]
    columns = [
        width(line[: line.index(code)]) for line, code in zip(lines, ("P3", "M4"), strict=True)
    ]
    assert columns[0] == columns[1]
    coloured = as_text(report, colour=True)
    assert "\033[31m" in coloured and "\033[33m" in coloured  # errors red, warnings yellow
