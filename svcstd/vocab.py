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


# --- Rule vocabulary: the words `svcstd validate` reads standards with ---------------------
# Users extend or trim the vague words and terms of art per language in their settings
# (`vague-words`, `not-vague`, `terms`). Chinese entries match anywhere in the text; English
# ones match whole words in any case.


def _words(text: str) -> tuple[str, ...]:
    """One entry per line or comma, so that the lists read as lists."""
    return tuple(
        word.strip() for line in text.splitlines() for word in line.split(",") if word.strip()
    )


# Words a customer and an inspector read differently: "及时" is 10 s to one, 10 min to another.
VAGUE_WORDS: dict[str, tuple[str, ...]] = {
    "zh": _words(
        """
        及时, 尽快, 尽早, 迅速, 快速, 快捷, 较快, 第一时间, 短时间, 适时
        热情, 耐心, 友好, 礼貌, 亲切, 贴心, 用心, 细心, 细致, 周到, 得体, 大方得体
        适当, 恰当, 合理, 妥善, 妥当, 适中, 适度, 良好, 优质, 高效, 认真, 到位, 规范, 主动, 积极, 专业
        尽量, 尽可能, 尽力, 充分, 一定程度
        """
    ),
    "en": _words(
        """
        promptly, quickly, swiftly, speedily, timely, shortly
        as soon as possible, asap, in a timely manner, in a timely fashion
        without undue delay, without delay, undue delay, at the earliest opportunity, in due course
        friendly, warmly, polite, politely, courteous, courteously, patiently
        helpful, sensitively, professionally, in a professional manner, professional manner
        appropriate, appropriately, as appropriate, where appropriate, properly, efficiently
        reasonable, reasonably, adequate, adequately, where possible, if possible, as needed
        """
    ),
}

# Fixed terms that hold a vague word but name a defined thing: not vague.
TERMS: dict[str, tuple[str, ...]] = {
    "zh": _words(
        """
        服务规范, 规范化, 行为规范, 操作规范, 技术规范, 管理规范, 作业规范
        合理化建议, 礼貌用语, 文明礼貌用语, 快速路, 随时随地, 主动脉
        """
    ),
    "en": _words(
        """
        reasonable adjustment, reasonable adjustments, adequate explanation, adequate explanations
        reasonable care and skill, quick start, quick reference
        """
    ),
}

# A vague word just before one of these (at most two characters between) is part of the name
# of a counter, lane or team — 快速办理窗口, 绿色通道 — not a description of conduct.
NAME_HEADS_ZH = _words(
    "窗口, 通道, 流程, 专窗, 专席, 专线, 柜台, 服务台, 专区, 车道, 服务队, 小组, 之星, 标兵"
)
