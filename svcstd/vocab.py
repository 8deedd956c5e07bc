"""Words shared by the documents svcstd writes and the results it reads back.

A results sheet rendered by `svcstd render` must be read by `svcstd score` unchanged, and
inspectors type results in English, Chinese or symbols; both sides use these tables.
"""

from __future__ import annotations

# Canonical metadata columns of a results sheet, with the headers users write for them.
META_COLUMNS: dict[str, tuple[str, ...]] = {
    "inspection": ("inspection", "inspection_id", "检查编号", "检查单号", "编号"),
    "standard": ("standard", "standard_id", "标准编号", "标准"),
    "result": ("result", "value", "结果", "得分"),
    "date": ("date", "inspection_date", "日期", "检查日期"),
    "site": ("site", "branch", "store", "网点", "营业厅", "站点", "门店"),
    "staff": ("staff", "employee", "agent", "员工", "工号", "服务人员"),
    "inspector": ("inspector", "checker", "检查员", "质检员"),
    "note": ("note", "notes", "comment", "备注"),
}

# Column labels rendered on results sheets, per language (the first alias of each kind above).
META_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "inspection": "inspection",
        "standard": "standard",
        "result": "result",
        "date": "date",
        "site": "site",
        "staff": "staff",
        "inspector": "inspector",
        "note": "note",
    },
    "zh": {
        "inspection": "检查编号",
        "standard": "标准编号",
        "result": "结果",
        "date": "日期",
        "site": "网点",
        "staff": "员工",
        "inspector": "检查员",
        "note": "备注",
    },
}

PASS_TOKENS = frozenset(
    {
        "pass",
        "passed",
        "yes",
        "y",
        "true",
        "1",
        "ok",
        "✓",
        "✔",
        "√",
        "是",
        "合格",
        "达标",
        "通过",
        "符合",
    }
)
FAIL_TOKENS = frozenset(
    {
        "fail",
        "failed",
        "no",
        "n",
        "false",
        "0",
        "✗",
        "✘",
        "×",
        "x",
        "否",
        "不合格",
        "未达标",
        "不达标",
        "不通过",
        "不符合",
    }
)
# `/` is how many Chinese sheets mark "not applicable" (full-width ／ reads as / once cleaned).
NA_TOKENS = frozenset({"na", "n/a", "n.a.", "not applicable", "-", "—", "/", "不适用", "无此项"})
