"""Read a standard file strictly, once, and keep its node tree so any key path maps to line:column.

PyYAML is permissive in ways that hurt here (docs/design.md, "Hazards"): it keeps the last of duplicate keys,
turns `no` into False and `1:30` into 90, builds objects from tags and expands alias bombs.
This module composes the node tree with the C parser where available and constructs plain
Python data itself: mappings, lists, strings, None, True and False. Numbers stay text until
the model asks for a number, so `1.10`, `010` and `2.1` keep the exact digits the author wrote.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from svcstd import collector
from svcstd.errors import SourceError

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
NESTED_TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels; a standard needs few levels"
MAX_INDENT = 200
# The C composer recurses once per nesting level without a guard and segfaults near 25,000
# levels (less on smaller thread stacks). Indentation bounds block nesting; a text with more
# than this many `[`/`{` gets its flow nesting measured from parser events before composing,
# because brackets inside quoted text make any count of the raw characters unreliable.
MAX_OPENERS = 500
# Flow collections (`{…}`, `[…]`) in one file: each becomes nodes libyaml builds in memory before
# any check of ours can run; 30,000 lines nested 63 deep took 23 s and 1 GB. A standard file
# with every standard written inline needs a few thousand.
MAX_COLLECTIONS = 100_000

YAML_TAG = "tag:yaml.org,2002:"
UNTAGGED_PLAIN = "?"  # the YAML spec's non-specific tags: an untagged plain scalar …
UNTAGGED_QUOTED = "!"  # … and an untagged quoted or block one (or one tagged just `!`)
PLAIN_TAGS = frozenset(
    [UNTAGGED_PLAIN, UNTAGGED_QUOTED]
    + [YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "value")]
)
TEXT_TAGS = frozenset({UNTAGGED_QUOTED, YAML_TAG + "str"})
SEQ_TAG, MAP_TAG, MERGE_TAG = YAML_TAG + "seq", YAML_TAG + "map", YAML_TAG + "merge"


def _untyped(base: Any) -> Any:
    """A loader that leaves scalars untyped: PyYAML's implicit resolver tries a regular
    expression per scalar to find ints, floats, dates — a third of the parse time, for
    types svcstd never builds. Only `<<` (to refuse merge keys) is still recognised."""

    class UntypedLoader(base):  # type: ignore[misc]
        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                if implicit[0]:
                    return YAML_TAG + "merge" if value == "<<" else UNTAGGED_PLAIN
                return UNTAGGED_QUOTED
            return YAML_TAG + ("seq" if kind is SequenceNode else "map")

    return UntypedLoader


Loader: Any = _untyped(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
TRUES = frozenset({"true", "True", "TRUE"})
FALSES = frozenset({"false", "False", "FALSE"})

OPENER = re.compile(r"[\[{]")
TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
DEEP_INDENT = re.compile(rf"^ {{{MAX_INDENT},}}(?=\S)", re.MULTILINE)
COMPACT_NESTING = re.compile(rf"(?:[-?][ ]+){{{MAX_DEPTH}}}")
DEEP_HINT = re.compile(" " * MAX_INDENT)
COMPACT_HINT = re.compile(r"[-?][ ]+[-?][ ]")
INDICATORS = frozenset("-?:")
BLOCK_ENDS = frozenset({"", " ", "\t"})  # what may not follow a leading - ? : in plain text
FLOW_ENDS = BLOCK_ENDS | frozenset(",[]{}")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """A parsed standard file: its data, its node tree and how it was decoded."""

    file: str
    text: str
    root: Node
    data: Any
    encoding: str
    odd_breaks: bool = False  # see `_has_odd_breaks`: positions are then counted from offsets

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of the nearest enclosing node.

        With `key=True` the position of the last mapping key itself is returned, which is
        where an unknown or misspelt key should be pointed at.
        """
        node = self.root
        for index, segment in enumerate(path):
            last = index == len(path) - 1
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == segment:
                        if last and key:
                            return self.position(key_node)
                        node = value_node
                        break
                else:
                    return self.position(node)
            elif isinstance(node, SequenceNode) and isinstance(segment, int):
                if 0 <= segment < len(node.value):
                    node = node.value[segment]
                else:
                    return self.position(node)
            else:
                return self.position(node)
        return self.position(node)

    def position(self, node: Node) -> tuple[int, int]:
        """Line and column (1-based) where a node starts, lines split at newlines only."""
        return _position(self.text, node, self.odd_breaks)


def _has_odd_breaks(text: str) -> bool:
    """Whether the parser sees line breaks (NEL, LS, PS, a lone CR) that editors do not."""
    if "\x85" in text or "\u2028" in text or "\u2029" in text:  # `in` is far faster than re
        return True
    return "\r" in text and text.count("\r") != text.count("\r\n")


def _position(text: str, node: Node, odd_breaks: bool) -> tuple[int, int]:
    mark = node.start_mark
    if odd_breaks:
        return _text_position(text, mark.index)
    return mark.line + 1, mark.column + 1


def read_file(path: Path | str, display: str | None = None) -> Source:
    """Read and parse one file; every problem is a `SourceError` with a position."""
    file = display or str(path)
    try:
        # opened without blocking and checked before reading: a FIFO would wait for ever
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                message = "not a regular file (a FIFO, socket or device); give a standard file"
                raise SourceError(file, 1, 1, message)
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise SourceError(file, 1, 1, f"cannot read the file: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise SourceError(
            file, 1, 1, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; split the standard"
        )
    text, encoding = decode(data, file)
    return parse(text, file, encoding)


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16/32 with BOM, then GB18030."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as error:
                raise _decode_error(file, data, error, codec) from None
    if b"\x00" in data:
        line, column = _byte_position(data, data.index(b"\x00"))
        if _looks_like_utf16(data[:200]):
            message = "looks like UTF-16 without a byte-order mark; save the file as UTF-8"
        else:
            message = "this is a binary file, not a YAML text file"
        raise SourceError(file, line, column, message)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        if _damaged_utf8(data):
            raise _decode_error(file, data, utf8_error, "UTF-8") from None
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise _decode_error(file, data, utf8_error, "UTF-8 or GB18030") from None


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 text with a few bad bytes, not GBK: read as GB18030 it would all be mojibake.

    GBK Chinese is almost never valid UTF-8, so most of its non-ASCII characters fail;
    a damaged or mixed UTF-8 file decodes mostly fine.
    """
    text = data.decode("utf-8", errors="replace")
    failed = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - failed > failed


def _looks_like_utf16(head: bytes) -> bool:
    """Mostly-ASCII text saved as UTF-16 without a BOM: NULs in one byte of each pair only."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    return pairs > 0 and max(even, odd) >= 0.4 * pairs and min(even, odd) <= 0.1 * pairs


def _decode_error(file: str, data: bytes, error: UnicodeDecodeError, codec: str) -> SourceError:
    line, column = _byte_position(data, error.start, error.encoding)
    return SourceError(file, line, column, f"not valid {codec} text; save the file as UTF-8")


def _byte_position(data: bytes, offset: int, codec: str = "utf-8") -> tuple[int, int]:
    """Line and column, in characters, of a byte offset: editors count characters, not bytes."""
    before = data[:offset].decode(codec, errors="replace")
    return _text_position(before, len(before))


def _text_position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def parse(text: str, file: str = "<string>", encoding: str = "utf-8") -> Source:
    """Parse YAML text strictly into a `Source`."""
    _precheck(text, file)
    if text.count("[") + text.count("{") > MAX_OPENERS:
        _run_parser(text, file, lambda loader: _check_depth(loader, text, file))
    with collector.paused():
        root = _run_parser(text, file, lambda loader: loader.get_single_node())
        if root is None:
            message = "the file is empty; a standard file starts with `svcstd: 1`"
            raise SourceError(file, 1, 1, message)
        odd_breaks = _has_odd_breaks(text)
        data = _Constructor(file, text, odd_breaks).build(root)
    return Source(
        text=text, file=file, root=root, data=data, encoding=encoding, odd_breaks=odd_breaks
    )


def _run_parser(text: str, file: str, action: Any) -> Any:
    """Run `action(loader)` over the text; every way the parser can fail becomes a `SourceError`."""
    loader = None
    try:
        loader = Loader(text)  # the pure-Python reader already raises on bad characters here
        return action(loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if "but found another document" in str(error):
            problem = "more than one YAML document; keep one standard per file"
        elif problem.startswith("mapping values are not allowed"):
            problem += " (text containing ': ' must be quoted, or use a full-width '：')"
        line, column = _text_position(text, min(mark.index, len(text))) if mark else (1, 1)
        if "nesting depth" in problem:  # libyaml ≥ 0.2.5's own cap, met before ours is checked
            raise SourceError(file, line, column, NESTED_TOO_DEEP) from None
        raise SourceError(file, line, column, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as error:
        position = getattr(error, "position", 0) or 0
        if issubclass(Loader, getattr(yaml, "CSafeLoader", ())):  # libyaml: UTF-8 byte offsets
            line, column = _byte_position(text.encode("utf-8", "surrogatepass"), position)
        else:
            line, column = _text_position(text, position)
        reason = getattr(error, "reason", None) or str(error).splitlines()[0]
        raise SourceError(file, line, column, f"YAML syntax error: {reason}") from None
    except UnicodeEncodeError as error:  # lone surrogates in text handed to `parse` directly
        line, column = _text_position(text, error.start)
        raise SourceError(file, line, column, "text contains an invalid character") from None
    except (RecursionError, MemoryError):
        message = NESTED_TOO_DEEP
        raise SourceError(file, 1, 1, message) from None
    finally:
        if loader is not None:
            loader.dispose()


def _check_depth(loader: Any, text: str, file: str) -> None:
    """Walk the parser's events (no recursion) and refuse nesting deeper than `MAX_DEPTH`."""
    depth = -1  # the top collection is level 0, as in `_Constructor.construct`
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _text_position(
                    text, event.start_mark.index if event.start_mark else 0
                )
                message = NESTED_TOO_DEEP
                raise SourceError(file, line, column, message)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _precheck(text: str, file: str) -> None:
    """Refuse what would make the parser crash or mislead before it sees the text."""
    if text.count("{") + text.count("[") > MAX_COLLECTIONS:
        opener = OPENER.finditer(text)
        start = next(islice(opener, MAX_COLLECTIONS, None)).start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        message = (
            f"more than {MAX_COLLECTIONS:,} {{…}} and […] collections; a standard file needs "
            "far fewer (split it, or write it in block style)"
        )
        raise SourceError(file, line, column, message)
    # Each pattern runs only when a plain substring test says it could match: the regular
    # expressions scan slowly over Chinese text, and this runs on every file.
    match = TAB_INDENT.search(text) if "\t" in text else None
    if match:
        line = text.count("\n", 0, match.start()) + 1
        column = match.end() - match.start()
        raise SourceError(file, line, column, "tab used for indentation; indent with spaces")
    for pattern, hint, what in (
        (DEEP_INDENT, DEEP_HINT, "indented too deeply"),
        (COMPACT_NESTING, COMPACT_HINT, "nested too deeply"),
    ):
        match = pattern.search(text) if hint.search(text) else None
        if match:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise SourceError(file, line, column, f"{what}; a standard needs few levels")


def _glued_hash_lines(text: str) -> list[int]:
    """Lines (0-based, ascending) with a `#` right after a non-space: a comment glued to a
    value, or text. One pass over the lines: counting newlines up to each `#` was quadratic."""
    if "#" not in text:
        return []
    glued = []
    for number, line in enumerate(text.split("\n")):
        at = line.find("#", 1)
        while at > 0:
            if not line[at - 1].isspace():
                glued.append(number)
                break
            at = line.find("#", at + 1)
    return glued


class _Constructor:
    """Builds plain data from nodes, refusing aliases, tags, duplicate and complex keys.

    It also refuses what YAML forbids but libyaml lets through (the YAML test suite's
    error cases): a comment glued to a value (`"x"#note`), continuation lines of a quoted
    text or `[ … ]` not indented under their key, a lone `-` as a value, and blank lines
    at the top of a `|`/`>` block indented deeper than its text. Another YAML tool would
    reject these files, so svcstd does too, at the same place.
    """

    def __init__(self, file: str, text: str, odd_breaks: bool = False) -> None:
        self.file = file
        self.text = text
        self.odd_breaks = odd_breaks
        # The checks YAML needs and libyaml skips match the parser's line numbers against
        # `text.split("\n")`; with NEL/LS/PS/CR breaks those disagree, so they are skipped.
        self.spec_checks = not odd_breaks
        # An alias needs a `*` in the text; without one, no node can be reached twice.
        self.seen: set[int] | None = set() if "*" in text else None
        self._lines: list[str] | None = None
        self.glued_comment_lines = _glued_hash_lines(text) if self.spec_checks else []
        # the scalars that cover each glued line: a lookup per line keeps the check linear
        self.spans_on_line: dict[int, list[tuple[tuple[int, int], tuple[int, int], int | None]]]
        self.spans_on_line = {}

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.replace("\r\n", "\n").split("\n")
        return self._lines

    def position(self, node: Node) -> tuple[int, int]:
        return _position(self.text, node, self.odd_breaks)

    def fail(self, node: Node, message: str) -> SourceError:
        line, column = self.position(node)
        return SourceError(self.file, line, column, message)

    def build(self, root: Node) -> Any:
        data = self.construct(root)
        if self.glued_comment_lines:
            self.check_glued_comments()
        return data

    def construct(self, node: Node, depth: int = 0, indent: int = -1, flow: bool = False) -> Any:
        """`indent` is the column of the nearest enclosing block collection (-1 at the top);
        `flow` says whether the node sits inside a [ … ] or { … } list."""
        if depth > MAX_DEPTH:
            raise self.fail(node, NESTED_TOO_DEEP)
        if self.seen is not None:
            self.check_alias(node)
        if isinstance(node, ScalarNode):
            return self.scalar(node, indent, flow)
        if not isinstance(node, CollectionNode):  # pragma: no cover - the composer makes none
            raise self.fail(node, "unsupported YAML node")
        if node.flow_style:
            if not flow and self.spec_checks:
                self.check_continuation(node, indent, "a [ … ] or { … } list")
            flow = True
        else:
            indent = node.start_mark.column
        if isinstance(node, SequenceNode):
            if node.tag != SEQ_TAG:
                raise self.tag_error(node)
            return [self.construct(item, depth + 1, indent, flow) for item in node.value]
        if isinstance(node, MappingNode):
            if node.tag != MAP_TAG:
                raise self.tag_error(node)
            return self.mapping(node, depth, indent, flow)
        raise self.fail(
            node, "unsupported YAML node"
        )  # pragma: no cover - composer makes no others

    def check_alias(self, node: Node) -> None:
        assert self.seen is not None
        if id(node) in self.seen:
            raise self.fail(
                node, "anchors and aliases (&name, *name) are not allowed; write the value out"
            )
        self.seen.add(id(node))

    def scalar(self, node: ScalarNode, indent: int, flow: bool) -> Any:
        if node.tag not in PLAIN_TAGS:
            if node.tag == MERGE_TAG:
                raise self.fail(node, "merge keys (<<) are not allowed; write the keys out")
            raise self.tag_error(node)
        value: str = node.value
        style = node.style
        if self.glued_comment_lines:
            self.record_span(node)
        # plain: None from the Python parser, "" from the C one; an explicit `!!str` keeps text
        if not style:
            if value[:1] in INDICATORS and value[1:2] in (FLOW_ENDS if flow else BLOCK_ENDS):
                raise self.fail(node, f"{value[0]!r} alone is not a value; put it in quotes")
            if node.tag in TEXT_TAGS:  # `!!str true` is text
                return value
            if value in NULLS:
                return None
            if value in TRUES:
                return True
            if value in FALSES:
                return False
        elif style in "\"'":
            if not flow and self.spec_checks:
                self.check_continuation(node, indent, "quoted text")
        elif self.spec_checks:
            self.check_block_scalar(node, indent)
        return value

    def check_continuation(self, node: Node, indent: int, what: str) -> None:
        """Lines after the first of a quoted text or flow list must sit right of their key."""
        first, last = node.start_mark.line, node.end_mark.line
        if indent < 0 or first == last:
            return
        for number in range(first + 1, last + 1):
            line = self.lines[number]
            content = line.lstrip(" ")
            if not content or (what != "quoted text" and content.startswith("#")):
                continue
            if len(line) - len(content) <= indent:
                raise SourceError(
                    self.file,
                    number + 1,
                    len(line) - len(content) + 1,
                    f"this line continues {what} from line {first + 1}; "
                    f"indent it more than column {indent + 1}",
                )

    def check_block_scalar(self, node: ScalarNode, indent: int) -> None:
        """Blank lines opening a `|`/`>` text may not be indented deeper than its first line."""
        header = self.lines[node.start_mark.line][node.start_mark.column :]
        if any(char.isdigit() for char in header.split("#", 1)[0]):
            return  # an explicit indentation indicator: nothing is detected
        deepest, deepest_line = -1, 0
        for number in range(node.start_mark.line + 1, len(self.lines)):
            line = self.lines[number]
            content = line.lstrip(" ")
            if content:
                width = len(line) - len(content)
                if width > indent and deepest > width:
                    raise SourceError(
                        self.file,
                        deepest_line + 1,
                        1,
                        f"blank line indented by {deepest} spaces opens a text indented by "
                        f"{width}; remove the trailing spaces",
                    )
                return
            if len(line) > deepest:
                deepest, deepest_line = len(line), number

    def record_span(self, node: ScalarNode) -> None:
        first, last = node.start_mark.line, node.end_mark.line
        glued = self.glued_comment_lines
        index = bisect.bisect_left(glued, first)
        if index == len(glued) or glued[index] > last:
            return
        header = first if node.style in ("|", ">") else None
        span = ((first, node.start_mark.column), (last, node.end_mark.column), header)
        while index < len(glued) and glued[index] <= last:
            self.spans_on_line.setdefault(glued[index], []).append(span)
            index += 1

    def check_glued_comments(self) -> None:
        """A `#` right after a value, outside any text, is a comment YAML does not allow."""
        for spans in self.spans_on_line.values():
            spans.sort(key=lambda span: span[0])  # document order already; made sure of
        for number in self.glued_comment_lines:
            line = self.lines[number]
            if line.lstrip(" ").startswith("%"):
                continue  # a directive
            column = line.find("#")
            while column >= 0:
                if not self.inside_text((number, column)):
                    if column and not line[column - 1].isspace():
                        raise SourceError(
                            self.file,
                            number + 1,
                            column + 1,
                            "a comment needs a space before '#'; or put the text in quotes",
                        )
                    break  # the rest of the line is a comment
                column = line.find("#", column + 1)

    def inside_text(self, where: tuple[int, int]) -> bool:
        """Whether `where` lies inside a scalar's text. Scalars never overlap, so only the
        last one starting at or before `where` can hold it: a binary search, because one
        line of a flow mapping can hold many thousands of them."""
        spans = self.spans_on_line.get(where[0])
        if not spans:
            return False
        index = bisect.bisect_right(spans, where, key=lambda span: span[0]) - 1
        if index < 0:
            return False
        start, end, header = spans[index]
        return start <= where < end and where[0] != header

    def tag_error(self, node: Node) -> SourceError:
        """Name the tag the way the author wrote it: `!!binary`, not `tag:yaml.org,2002:binary`."""
        tag = node.tag.replace(YAML_TAG, "!!", 1) if node.tag.startswith(YAML_TAG) else node.tag
        return self.fail(
            node, f"tag {tag} is not allowed (a standard needs plain values); remove it"
        )

    def mapping(self, node: MappingNode, depth: int, indent: int, flow: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "keys must be plain text, not lists or mappings")
            if self.seen is not None:
                self.check_alias(key_node)
            key = self.scalar(key_node, indent, flow)
            if key is None or isinstance(key, bool):
                key = key_node.value
            if key in result:
                first = next(k for k, _ in node.value if k.value == key_node.value)
                line, _ = self.position(first)
                raise self.fail(key_node, f"duplicate key {key!r}; first defined on line {line}")
            result[key] = self.construct(value_node, depth + 1, indent, flow)
        return result
