"""Write the hostile files of this folder; kept so the bytes can be reviewed and rebuilt.

Run from anywhere: `python tests/data/hazards/make_hazards.py`. Files big enough to bloat the
repository (30,000 nested brackets, a file over the size cap) are made by the tests instead.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
HEAD = "svcstd: 1\nid: hazard\ntitle: 上门服务规范\n"
STANDARD = """\
stages:
  - id: visit
    name: 上门
    steps:
      - id: arrive
        name: 到达
        standards:
          - id: HV-01
            what: 准时到达
{extra}"""

TEXT: dict[str, str] = {
    "duplicate-key.yaml": HEAD + 'owner: 客服部\nversion: "1.0"\nowner: 质检部\n',
    "duplicate-key-nested.yaml": HEAD + STANDARD.format(extra="            what: 按约定时间到达\n"),
    "anchor-alias.yaml": HEAD + "owner: &dept 客服部\ninspection: {by: *dept}\n",
    "alias-bomb.yaml": (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        )
    ),
    "tag-python-object.yaml": HEAD + "owner: !!python/object/apply:os.system ['echo pwned']\n",
    "tag-binary.yaml": HEAD + "owner: !!binary 5a6i5pyN6YOo\n",
    "tag-custom.yaml": HEAD + "owner: !dept 客服部\n",
    "tag-set.yaml": HEAD + "roles: !!set {维护员, 客服代表}\n",
    "merge-key.yaml": HEAD + "review:\n  <<: {every_months: 12}\n  last: 2025-01-01\n",
    "yaml11-no.yaml": HEAD + "published: no\n",
    "yaml11-implicit.yaml": (
        "svcstd: 1\nid: 1_000\ntitle: 010\nowner: NO\nservice: 1:30\nversion: 1.10\n"
        "effective: 2024-01-05\nroles: [on, off, yes, 0x1F, 1:30:00, .inf, 1e3, +1, ~x]\n"
    ),
    "date-invalid-month.yaml": HEAD + "effective: 2024-13-45\n",
    "date-invalid-day.yaml": HEAD + "effective: 2024-02-30\n",
    "huge-integer.yaml": HEAD + "review: {every_months: " + "9" * 5000 + "}\n",
    "huge-number-weight.yaml": HEAD
    + STANDARD.format(extra="            weight: " + "7" * 5000 + "\n"),
    "deep-flow-500.yaml": HEAD + "roles: " + "[" * 500 + "]" * 500 + "\n",
    "tab-indent.yaml": HEAD + "review:\n\tevery_months: 12\n",
    "empty.yaml": "",
    "comments-only.yaml": "# 上门服务规范\n# 待补充\n",
    "multi-document.yaml": HEAD + "---\nid: second\n",
    "top-level-list.yaml": "- 维护员\n- 客服代表\n",
    "top-level-scalar.yaml": "上门服务规范\n",
    "control-char.yaml": HEAD + "owner: 客服部\x07\n",
    "chinese-syntax-column.yaml": "svcstd: 1\nid: zh\n名称: 上门服务: 规范\n",
    "chinese-schema-column.yaml": HEAD
    + "factors: [{id: punctuality, name: 守时守信, importance: 很高}]\n",
    "glued-comment.yaml": HEAD + 'owner: "客服部"#备注\n',
    "unindented-continuation.yaml": HEAD + "roles: [维护员,\n客服代表]\n",
    "lone-dash.yaml": HEAD + "roles: [维护员, -]\n",
}

BYTES: dict[str, bytes] = {
    "utf8-bom.yaml": b"\xef\xbb\xbf" + HEAD.encode(),
    "gbk.yaml": (HEAD + "owner: 客服部\n").encode("gbk"),
    "utf16-bom.yaml": (HEAD + "owner: 客服部\n").encode("utf-16"),
    "utf16-no-bom.yaml": (HEAD + "owner: 客服部\n").encode("utf-16-le"),
    "invalid-utf8.yaml": HEAD.encode()[:-1] + b"\xff\xfe\n",
    "nul-bytes.yaml": HEAD.encode() + "owner: 客服".encode() + b"\x00\n",
    "binary-garbage.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 2,
}


def main() -> None:
    for name, text in TEXT.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
    for name, data in BYTES.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
