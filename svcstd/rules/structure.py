"""Structure: the file reads, fits the schema, and its ids and references hold together."""

from __future__ import annotations

from collections.abc import Iterator

from svcstd.model import StandardFile
from svcstd.rules import RULES, Hit, Settings, declare, rule

declare(
    "S1",
    "unreadable-file",
    title="File cannot be read as a strict standard file",
    zh="文件无法读取",
    doc="""The file is not text svcstd can read safely, or not valid strict YAML.

## What it checks
Encoding (UTF-8; GB18030/GBK is read with a warning), YAML syntax, duplicate keys, anchors and
aliases, tags, merge keys, tabs in indentation, nesting depth, file size, more than one document.

## Why it matters
A standard that different tools read differently is not one standard. PyYAML would silently keep
the last of two duplicate keys and read `no` as false; svcstd refuses instead, so what the
inspector checks is exactly what the author wrote. S1 errors cannot be deselected.

## Bad
```yaml
what: 与客户约定上门时间
what: 与客户确认地址      # duplicate key: which one holds?
```

## Good
```yaml
what: 与客户约定上门时间并确认地址
```
""",
)

declare(
    "S2",
    "schema",
    title="Value does not fit the standard file format",
    zh="不符合文件格式",
    doc="""A key is unknown or missing, or a value has the wrong kind.

## What it checks
The file against the format (`svcstd schema` prints it as JSON Schema): unknown keys (with a
"did you mean" hint), missing required keys, text where a number belongs, `no` where true/false
belongs, invalid dates, targets outside 0–1. S2 errors cannot be deselected.

## Why it matters
Rendering, inspection forms and scoring all read the same fields; a misspelt `chek:` would
silently leave the standard without a check method.

## Bad
```yaml
- id: HV-01
  chek: 抽查工单
  critical: no
```

## Good
```yaml
- id: HV-01
  check: 抽查工单
  critical: false
```
""",
)


@rule("S3", "duplicate-id", title="Duplicate id", zh="编号重复")
def duplicate_id(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """Two stages, steps, standards or factors share an id.

    ## What it checks
    Ids of factors, of stages, of steps within a stage and of standards across the whole file
    are unique; standard files checked together have different file ids.

    ## Why it matters
    Inspection results refer to standards by id. Two standards called HV-03 make every result
    for HV-03 ambiguous, and scores become untraceable (可追溯).

    ## Bad
    ```yaml
    standards:
      - id: HV-03
        what: 出示工作证
      - id: HV-03
        what: 穿戴鞋套
    ```

    ## Good
    ```yaml
    standards:
      - id: HV-03
        what: 出示工作证
      - id: HV-04
        what: 穿戴鞋套
    ```
    """
    yield from _duplicates(
        [(("factors", i, "id"), f.id) for i, f in enumerate(doc.factors)], "factor", "关键要素"
    )
    yield from _duplicates(
        [(("stages", i, "id"), s.id) for i, s in enumerate(doc.stages)], "stage", "阶段"
    )
    for s, stage in enumerate(doc.stages):
        yield from _duplicates(
            [(("stages", s, "steps", t, "id"), step.id) for t, step in enumerate(stage.steps)],
            "step",
            "步骤",
        )
    yield from _duplicates(
        [((*path, "id"), std.id) for path, _, _, std in doc.standards()], "standard", "标准"
    )


def _duplicates(
    items: list[tuple[tuple[str | int, ...], str]], what: str, zh: str
) -> Iterator[Hit]:
    first: dict[str, tuple[str | int, ...]] = {}
    for path, item_id in items:
        if item_id in first:
            yield Hit(
                path,
                f"{what} id '{item_id}' is used twice; give each {what} its own id",
                f"{zh}编号 '{item_id}' 重复；每个{zh}的编号必须唯一",
            )
        else:
            first[item_id] = path


@rule("S4", "unknown-reference", title="Reference to something not defined", zh="引用未定义")
def unknown_reference(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """A standard names a factor that is not defined, or a waiver names an unknown rule.

    ## What it checks
    Every `factor:` of a standard is the id of an entry under `factors:`; every key of a
    standard's `ignore:` table is a rule code.

    ## Why it matters
    Step 4 of the method turns a *key factor* into a standard. A reference to a factor that was
    never identified breaks the chain from customer evidence to what staff are asked to do.

    ## Bad
    ```yaml
    factors: [{id: punctuality, name: 守时, importance: 5}]
    ...
        factor: punctualty
    ```

    ## Good
    ```yaml
        factor: punctuality
    ```
    """
    factor_ids = {f.id for f in doc.factors}
    for path, _, _, std in doc.standards():
        if std.factor is not None and std.factor not in factor_ids:
            known = ", ".join(sorted(factor_ids)) or "none defined"
            yield Hit(
                (*path, "factor"),
                f"factor '{std.factor}' is not defined under `factors:` (defined: {known})",
                f"关键要素 '{std.factor}' 未在 factors 中定义（已定义：{known}）",
            )
        for code in std.ignore:
            if code.upper() not in RULES:
                yield Hit(
                    (*path, "ignore", code),
                    f"cannot waive '{code}': no such rule (`svcstd rules` lists them)",
                    f"无法豁免 '{code}'：没有这条规则（`svcstd rules` 可查看）",
                    key=True,
                )


@rule("S5", "empty-section", title="Empty stage, step or standard", zh="阶段或步骤为空")
def empty_section(doc: StandardFile, settings: Settings) -> Iterator[Hit]:
    """The file has no stages, a stage has no steps, or a step has no standards.

    ## What it checks
    Steps 1 and 2 of the method are done: at least one stage, each stage has steps, each step
    has at least one standard.

    ## Why it matters
    An empty stage is a part of the customer's journey that nobody has standardised; in an
    inspection it silently scores nothing.

    ## Bad
    ```yaml
    stages:
      - id: visit
        name: 上门
        steps: []
    ```

    ## Good
    ```yaml
    stages:
      - id: visit
        name: 上门
        steps:
          - id: knock
            name: 敲门
            standards: [...]
    ```
    """
    if not doc.stages:
        yield Hit(
            ("stages",),
            "no stages: list the stages of the service in the order the customer meets them",
            "没有服务阶段：请按客户接触的顺序列出服务阶段",
        )
    for s, stage in enumerate(doc.stages):
        if not stage.steps:
            yield Hit(
                ("stages", s, "steps"),
                f"stage '{stage.id}' has no steps; break it into concrete service steps",
                f"阶段 '{stage.id}' 没有步骤；请分解为具体的服务步骤",
            )
        for t, step in enumerate(stage.steps):
            if not step.standards:
                yield Hit(
                    ("stages", s, "steps", t, "standards"),
                    f"step '{step.id}' has no standards; turn its key factors into standards",
                    f"步骤 '{step.id}' 没有服务标准；请把关键要素转化为标准",
                )
