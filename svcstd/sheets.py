"""Results sheets (CSV, XLSX) and XLSForms: what inspectors fill in and `svcstd score` reads back.

Everything here turns the plain view of `svcstd.render.build_view` into bytes; nothing is
written to disk. Two safety rules hold for every cell:
- text that a spreadsheet would run as a formula (starting with = + - @, tab, CR or their
  full-width forms) is neutralised: in CSV with a leading `'`, in XLSX by writing it as a
  string cell with Excel's own quote prefix (the value itself stays exact, so ids round-trip);
- XLSX text is always written as a string cell, never left to openpyxl to guess.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from svcstd.cells import is_formula_like, neutralise
from svcstd.errors import SvcstdError
from svcstd.formnames import form_names, xml_name
from svcstd.vocab import META_LABELS

Shape = Literal["long", "wide"]
Cell = str | int | float | None


LONG_COLUMNS = ("inspection", "date", "site", "staff", "inspector", "standard", "result", "note")
WIDE_BEFORE = ("inspection", "date", "site", "staff", "inspector")
WIDE_AFTER = ("note",)

# Column names of the XLSForm's metadata questions: the canonical keys of vocab.META_COLUMNS,
# so an ODK / Kobo export is read by `svcstd score` without mapping.
FORM_METADATA = ("inspection", "date", "site", "staff", "inspector", "note")
RESERVED_NAMES = frozenset({*FORM_METADATA, "start", "end", "today", "meta", "instanceID"})

RESULT_CHOICES = {
    "zh": (("pass", "✓ 合格"), ("fail", "✗ 不合格"), ("na", "N/A 不适用")),
    "en": (("pass", "✓ pass"), ("fail", "✗ fail"), ("na", "N/A not applicable")),
}
# What an inspector may pick in a results sheet cell for a yes/no standard (all in vocab).
RESULT_WORDS = {"zh": ("合格", "不合格", "不适用"), "en": ("pass", "fail", "n/a")}

FORM_WORDS = {
    "zh": {
        "checklist": "检查表",
        "colon": "：",
        "threshold": "达标要求",
        "check": "检查方法",
        "critical": "【红线】",
        "critical_note": "一项不合格即本次检查不合格",
        "at_least_zero": "请填写 0 或更大的数值",
        "between": "请填写 {low} 到 {high} 之间的数值",
        "blank_ok": "未观察到请留空",
        "date": "检查日期",
        "site": "网点",
        "staff": "被检查员工（姓名或工号）",
        "inspector": "检查员",
        "note": "备注",
        "sheet": "结果",
    },
    "en": {
        "checklist": "checklist",
        "colon": ": ",
        "threshold": "Requirement",
        "check": "How it is checked",
        "critical": "RED LINE",
        "critical_note": "one failure fails the inspection",
        "at_least_zero": "Enter 0 or more",
        "between": "Enter a number from {low} to {high}",
        "blank_ok": "leave blank if not observed",
        "date": "Inspection date",
        "site": "Site",
        "staff": "Staff inspected (name or number)",
        "inspector": "Inspector",
        "note": "Note",
        "sheet": "results",
    },
}


# --------------------------------------------------------------------------- results sheets


@dataclass
class Sheet:
    """A blank results sheet: header, rows, and what each column or row is about."""

    header: list[str]
    rows: list[list[Cell]]
    lang: str
    # a title row above the header: which standard and version the sheet was made from
    # (`svcstd score` looks for the header below such a row)
    title: str = ""
    # per standard column (wide) or per row (long): the standard's view, for prompts and comments
    column_standards: dict[int, dict[str, Any]] = field(default_factory=dict)
    row_standards: list[dict[str, Any]] = field(default_factory=list)
    result_column: int = -1


def results_sheet(view: dict[str, Any], shape: Shape) -> Sheet:
    """The blank sheet `svcstd score` reads: long (a row per standard) or wide (a column each)."""
    lang = view["lang"]
    labels = META_LABELS[lang]
    standards = view["standards"]
    title = sheet_title(view)
    if shape == "long":
        header = [labels[key] for key in LONG_COLUMNS]
        standard_at = LONG_COLUMNS.index("standard")
        rows: list[list[Cell]] = []
        for item in standards:
            row: list[Cell] = [None] * len(header)
            row[standard_at] = item["id"]
            rows.append(row)
        return Sheet(
            header,
            rows,
            lang,
            title,
            row_standards=list(standards),
            result_column=LONG_COLUMNS.index("result"),
        )
    if shape == "wide":
        header = [labels[key] for key in WIDE_BEFORE]
        columns: dict[int, dict[str, Any]] = {}
        for item in standards:
            columns[len(header)] = item
            header.append(item["id"])
        header.extend(labels[key] for key in WIDE_AFTER)
        return Sheet(header, [], lang, title, column_standards=columns)
    raise SvcstdError(f"--shape must be long or wide, not {shape!r}")


def sheet_title(view: dict[str, Any]) -> str:
    """ "上门服务标准 · home-visit v3.2 · 检查表": the text a result is traced back to."""
    words = FORM_WORDS[view["lang"]]
    version = f" v{view['version']}" if view["version"] else ""
    parts = [view["title"], f"{view['id']}{version}", words["checklist"]]
    filters = [value for value in (view["filters"]["stage"], view["filters"]["role"]) if value]
    return " · ".join(parts + filters)


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a BOM (so Excel on Windows reads the Chinese), CRLF rows, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if sheet.title:
        writer.writerow([neutralise(sheet.title)])
    writer.writerow([neutralise(cell) for cell in sheet.header])
    for row in sheet.rows:
        writer.writerow(
            ["" if c is None else neutralise(c) if isinstance(c, str) else c for c in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheet: Sheet) -> bytes:
    """An XLSX results sheet with prompts on every result cell saying what to check and to which bound."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    words = FORM_WORDS[sheet.lang]
    book = Workbook(write_only=True)
    ws = book.create_sheet(words["sheet"])
    first_row = 2 if sheet.title else 1
    ws.freeze_panes = f"A{first_row + 1}"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8F1FB")
    red_fill = PatternFill("solid", fgColor="FDECEA")

    widths = [max(10, min(40, _width(title) + 2)) for title in sheet.header]
    if sheet.row_standards:
        widths[LONG_COLUMNS.index("standard")] = max(
            12, *(_width(s["id"]) + 2 for s in sheet.row_standards)
        )
        widths[sheet.result_column] = 14
        widths[LONG_COLUMNS.index("note")] = 30
    _set_widths(ws, widths)

    if sheet.title:
        title_cell = _text_cell(ws, sheet.title)
        title_cell.font = Font(bold=True, size=13)
        ws.append([title_cell])
    # the header is styled; what each standard column means is the input prompt of its cells.
    # Styles are set once and copied: setting a Font per cell costs ~20 µs each.
    plain_header, red_header = _text_cell(ws, ""), _text_cell(ws, "")
    plain_header.font = red_header.font = bold
    plain_header.fill, red_header.fill = fill, red_fill
    header_cells = []
    for index, title in enumerate(sheet.header):
        cell = _text_cell(ws, title)
        standard = sheet.column_standards.get(index)
        model = red_header if standard and standard["critical"] else plain_header
        cell._style = copy(model._style)  # openpyxl's own way to share a style
        cell.quotePrefix = is_formula_like(title)
        header_cells.append(cell)
    ws.append(header_cells)

    validations = _Validations(sheet.lang)
    if sheet.row_standards:
        result_letter = get_column_letter(sheet.result_column + 1)
        rows = zip(sheet.rows, sheet.row_standards, strict=True)
        for number, (row, standard) in enumerate(rows, start=first_row + 1):
            cells = [_value_cell(ws, value) for value in row]
            if standard["critical"]:
                cells[LONG_COLUMNS.index("standard")] = marked = _text_cell(ws, standard["id"])
                marked.fill = red_fill
            ws.append(cells)
            validations.add(standard, f"{result_letter}{number}", words)
    else:
        for column, standard in sheet.column_standards.items():
            letter = get_column_letter(column + 1)
            validations.add(standard, f"{letter}{first_row + 1}:{letter}1000", words)
    for validation in validations.all():
        ws.data_validations.append(validation)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set_widths(ws: Any, widths: list[int]) -> None:
    """Column widths, one `<col>` per run of equal widths (a wide sheet has hundreds)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.dimensions import ColumnDimension

    start = 0
    for index in range(1, len(widths) + 1):
        if index == len(widths) or widths[index] != widths[start]:
            letter = get_column_letter(start + 1)
            ws.column_dimensions[letter] = ColumnDimension(
                ws, index=letter, min=start + 1, max=index, width=widths[start]
            )
            start = index


class _Validations:
    """Data validations for result cells: a drop-down for yes/no, a number check otherwise."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.items: list[Any] = []

    def add(self, standard: dict[str, Any], cells: str, words: dict[str, str]) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        prompt = _excel_text(_guide(standard, words), 255)
        title = _excel_text(standard["id"], 32)
        if standard["numeric"]:
            low, high = _plausible(standard)
            kind = "whole" if standard["integer"] else "decimal"
            if high is None:
                validation = DataValidation(
                    type=kind, operator="greaterThanOrEqual", formula1=_num(low)
                )
                message = words["at_least_zero"]
            else:
                validation = DataValidation(
                    type=kind, operator="between", formula1=_num(low), formula2=_num(high)
                )
                message = words["between"].format(low=_num(low), high=_num(high))
            validation.errorStyle = "warning"
            validation.error = _excel_text(message, 255)
        else:
            options = ",".join(RESULT_WORDS[self.lang])
            validation = DataValidation(type="list", formula1=f'"{options}"')
            validation.errorStyle = "warning"
        validation.allow_blank = True
        validation.showInputMessage = True
        validation.showErrorMessage = True
        validation.promptTitle = title
        validation.prompt = prompt
        validation.add(cells)
        self.items.append(validation)

    def all(self) -> list[Any]:
        return self.items


def _plausible(standard: dict[str, Any]) -> tuple[float, float | None]:
    """The range of values that can be observed at all (not the pass threshold)."""
    if standard["kind"] == "rating" and standard["scale"]:
        low, high = standard["scale"]
        return float(low), float(high)
    if standard["kind"] == "percent":
        return 0.0, 100.0
    return 0.0, None


def _guide(standard: dict[str, Any], words: dict[str, str]) -> str:
    parts = [standard["what"] or standard["id"]]
    if standard["threshold"]:
        parts.append(f"{words['threshold']}{words['colon']}{standard['threshold']}")
    if standard["check"]:
        parts.append(f"{words['check']}{words['colon']}{standard['check']}")
    if standard["critical"]:
        parts.append(f"{words['critical']} {words['critical_note']}")
    return "\n".join(parts)


def _excel_text(text: str, limit: int) -> str:
    """Excel refuses prompts over 255 characters, titles over 32, and control characters."""
    text = _NOT_IN_XLSX.sub("\ufffd", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


_WIDE_CHAR = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]"
)


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return len(text) + len(_WIDE_CHAR.findall(text))


# Characters an XLSX cell cannot hold (C0 controls but tab, LF, CR); a standard may carry them
# through YAML escapes such as "\f". They become U+FFFD, visibly, rather than failing the file.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text_cell(ws: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    text = _NOT_IN_XLSX.sub("\ufffd", text)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if is_formula_like(text):
        cell.quotePrefix = True  # Excel's own "'": stays text even when the cell is edited
    return cell


def _value_cell(ws: Any, value: Cell) -> Any:
    """A plain value where openpyxl cannot mistake it for a formula, else a string cell."""
    if isinstance(value, str) and (is_formula_like(value) or _NOT_IN_XLSX.search(value)):
        return _text_cell(ws, value)
    return value


# --------------------------------------------------------------------------- XLSForm


@dataclass
class Form:
    """An XLSForm as rows of its three sheets, and how standard ids became question names."""

    survey: list[dict[str, Cell]]
    choices: list[dict[str, Cell]]
    settings: list[dict[str, Cell]]
    renamed: dict[str, str]  # standard id → question name, only where they differ


SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "constraint",
    "constraint_message",
    "appearance",
    "default",
    "calculation",
)


def xlsform(view: dict[str, Any]) -> Form:
    """One group per stage, a question per standard named by its id, required metadata first."""
    lang = view["lang"]
    words = FORM_WORDS[lang]
    survey: list[dict[str, Cell]] = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "calculate", "name": "inspection", "calculation": "once(uuid())"},
        {
            "type": "date",
            "name": "date",
            "label": words["date"],
            "required": "yes",
            "default": "today()",
        },
        {"type": "text", "name": "site", "label": words["site"], "required": "yes"},
        {"type": "text", "name": "staff", "label": words["staff"], "required": "yes"},
        {"type": "text", "name": "inspector", "label": words["inspector"], "required": "yes"},
    ]
    stages = [stage for stage in view["stages"] if stage["steps"]]
    group_names = form_names((stage["id"] for stage in stages), RESERVED_NAMES)
    standard_names = form_names(
        (item["id"] for item in view["standards"]), [*RESERVED_NAMES, *group_names.values()]
    )
    for stage in stages:
        survey.append(
            {
                "type": "begin_group",
                "name": group_names[stage["id"]],
                "label": _form_text(f"{stage['number']} {stage['name']}"),
                "appearance": "field-list",
            }
        )
        for step in stage["steps"]:
            for item in step["standards"]:
                survey.append(_question(item, standard_names[item["id"]], words))
        survey.append({"type": "end_group", "name": group_names[stage["id"]]})
    survey.append(
        {"type": "text", "name": "note", "label": words["note"], "appearance": "multiline"}
    )

    choices: list[dict[str, Cell]] = [
        {"list_name": "result", "name": name, "label": label}
        for name, label in RESULT_CHOICES[lang]
    ]
    title = f"{view['title']} — {words['checklist']}"
    if view["version"]:
        title += f" v{view['version']}"
    settings: list[dict[str, Cell]] = [
        {
            "form_title": _form_text(title),
            "form_id": xml_name(view["id"]),
            "version": view["version"] or "1",
            "instance_name": "concat(${site}, ' ', ${staff}, ' ', ${date})",
        }
    ]
    renamed = {key: value for key, value in standard_names.items() if key != value}
    return Form(survey, choices, settings, renamed)


def _question(item: dict[str, Any], name: str, words: dict[str, str]) -> dict[str, Cell]:
    label = f"{item['id']} {item['what'] or ''}".strip()
    if item["critical"]:
        label = f"{words['critical']} {label}"
    hint_parts = []
    if item["threshold"]:
        hint_parts.append(f"{words['threshold']}{words['colon']}{item['threshold']}")
    if item["check"]:
        hint_parts.append(f"{words['check']}{words['colon']}{item['check']}")
    if item["critical"]:
        hint_parts.append(words["critical_note"])
    row: dict[str, Cell] = {"name": name, "label": _form_text(label)}
    if item["numeric"]:
        low, high = _plausible(item)
        row["type"] = "integer" if item["integer"] else "decimal"
        if high is None:
            row["constraint"] = f". >= {_num(low)}"
            row["constraint_message"] = words["at_least_zero"]
        else:
            row["constraint"] = f". >= {_num(low)} and . <= {_num(high)}"
            row["constraint_message"] = words["between"].format(low=_num(low), high=_num(high))
        hint_parts.append(words["blank_ok"])
    else:
        row["type"] = "select_one result"
        row["required"] = "yes"
        row["appearance"] = "columns"
    row["hint"] = _form_text(" · ".join(hint_parts)) if hint_parts else None
    return row


def _form_text(text: str) -> str:
    """Label text that XLSForm will not read as a reference to another question (`${name}`)."""
    return text.replace("${", "$ {")


def xlsform_bytes(form: Form) -> bytes:
    """The XLSForm workbook: survey, choices and settings sheets, all text as string cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets: Sequence[tuple[str, Sequence[str], list[dict[str, Cell]]]] = (
        ("survey", SURVEY_COLUMNS, form.survey),
        ("choices", ("list_name", "name", "label"), form.choices),
        ("settings", ("form_title", "form_id", "version", "instance_name"), form.settings),
    )
    for title, columns, rows in sheets:
        ws = book.create_sheet(title)
        ws.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = _text_cell(ws, column)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_value_cell(ws, row.get(column)) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
