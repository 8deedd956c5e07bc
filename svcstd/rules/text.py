"""Reading a standard's text as an inspector would, in Chinese and English.

A word such as 及时 or "promptly" is vague only where it describes what staff do: not inside a
quoted script (说“请耐心等待”), not inside what staff must not do (禁止说…, never say …), not
inside a fixed term or a name (快速办理窗口, child-friendly toilets), and not where a quantity an
inspector can check stands next to it. A quantity is a number with a unit (30 秒, 2 working
days, 95 %), a count (3 次, 两声), a clock time (8:30) or a bound (不超过 3) — a phone or counter
number (12345, 3 号窗口) and idioms (每一位, 一次性) are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from svcstd import vocab
from svcstd.rules import hant
from svcstd.rules.patterns import LATIN, Bilingual, Lazy

CJK = "\u3400-\u9fff"
FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％：", "0123456789.,%:")
MASK = "\u2591"  # stands in for masked text, so that positions keep their meaning

# Sentences: the number that pins a vague word must be in the same sentence.
SENTENCE_END = Lazy(r"[。；;！!？?\n]|\.(?:\s|$)")
# Clauses: a prohibition reaches to the end of its clause.
CLAUSE_END = Lazy(r"[。；;！!？?\n，,、]|\.(?:\s|$)| but | and then ")

QUOTED = Lazy(
    r"“[^”]*”|\"[^\"\n]*\"|「[^」]*」|『[^』]*』|‘[^’]*’|《[^》]*》|【[^】]*】"
    r"|(?<![A-Za-z])'[^'\n]+'(?![A-Za-z])"
)
PROHIBITION = Bilingual(
    r"禁止|严禁|不得|不准|不许|不要|不可|不能|切勿|切忌|勿|杜绝|避免|忌用|忌说|不使用|不说",
    r"\b(?:never|must not|mustn't|do not|don't|shall not|should not|may not|cannot|can't"
    r"|avoid(?:s|ing)?|refrain from|instead of|rather than|not)\b",
)
HYPHENATED = Lazy(r"[A-Za-z]+(?:-[A-Za-z]+)+")
# A vague word explained on the spot: 热情接待（起身、微笑、问候）, "politely, i.e. …".
EXPLAINED = Lazy(r"^[^\s，,。；;]{0,4}?(?:[：:（(]|即|\s*[—–-]\s|,?\s*(?:i\.e\.|namely|that is))")
# 主动 and 专业 are concrete before an action or a thing (主动回拨: call back unasked; 专业人员),
# vague as a manner (积极主动, 以专业的态度, 态度专业).
MANNER_WORDS = frozenset({"主动", "专业"})
MANNER_BEFORE = Lazy(r"(?:态度|积极|很|非常|更加|要|以)$")
MANNER_AFTER = Lazy(
    r"^(?:$|[\s，,。；;、）)]|的|地|态度|素养|水准|形象|服务|热情|积极|关心|关怀|配合|沟通|耐心|热诚)"
)

NUMBER = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千万半]+)"
UNIT_ZH = (
    r"秒钟|秒|分钟|分|个?小时|个?(?:工作|自然)?日|个?工作天|天|周|星期|个月|月|年|%|成|倍|米|公里|千米"
    r"|次|声|遍|下|个|件|项|条|名|人|位|句|步|单|通|张|份|台|户|元|层|圈|点|时"
)
UNIT_EN = (
    r"seconds?|secs?|s|minutes?|mins?|min|hours?|hrs?|h|(?:working |business |calendar )?days?"
    r"|weeks?|months?|years?|%|percent|per cent|rings?|times?|steps?|met(?:er|re)s?|m|km|miles?"
    r"|calls?|attempts?|items?|people|customers?|visitors?|sentences?|words?|points?|stars?"
    r"|pounds?|pence|p|am|pm|a\.m\.|p\.m\.|o'clock"
)
NUMBER_WORD = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|forty-eight|fifty|sixty|seventy|ninety|hundred|half an?|half|once|twice"
)
QUANTITY = Lazy(
    rf"(?<![\d.]){NUMBER}\s*(?:{UNIT_ZH})"
    rf"|\b\d+(?:[.,]\d+)*\s*(?:{UNIT_EN})(?![A-Za-z])"
    rf"|\b(?:{NUMBER_WORD})\s+(?:(?:working |business )?days?|seconds?|minutes?|hours?|weeks?"
    rf"|months?|rings?|times?|steps?|met(?:er|re)s?|calls?|attempts?|sentences?)\b"
    r"|\b(?:once|twice)\b"
    r"|\d{1,2}:\d{2}|24/7|7\s*[×x*]\s*24|[£$€¥]\s*\d"
    r"|(?:≤|≥|<=|>=|<|>|不超过|不少于|不低于|不高于|不多于|至少|最多|最少|少于|多于|低于|高于|以内|超过)\s*\d"
    r"|\d\s*(?:以内|以上|以下|内)"
    r"|\b(?:within|at least|at most|no more than|no later than|up to|under|over|fewer than|less than"
    r"|more than|after|before|by)\s+\d"
    r"|当天|当日|次日|当场|当班|当月|同日|同一天|\b(?:same|next) (?:working |business )?day\b"
    r"|\bend of (?:the )?(?:day|week|month)\b|\bclose of business\b",
    re.IGNORECASE,
)
# Look like quantities but are not measures: 一次性, 每一位, a year (2025 年), 3 号窗口.
NOT_QUANTITY = Lazy(
    r"(?:每|任何|任一)?一(?:次|位|个|名|件|项|条|种|单|人|下)|\b\d{4}\s*年|(?<!\d)\d{4}(?!\d)"
    r"|第一时间|一时"  # idioms with a numeral: "at once", "for a moment"
)


@dataclass(frozen=True)
class Vocabulary:
    """Vague words and terms of art per language: the built-in lists plus a user's settings."""

    vague: tuple[str, ...] = ()  # added to the built-in vague words
    not_vague: tuple[str, ...] = ()  # built-in vague words a user's standards use precisely
    terms: tuple[str, ...] = ()  # fixed terms whose vague-looking words are not vague


DEFAULT = Vocabulary()


@dataclass(frozen=True)
class _Compiled:
    """Chinese words in a plain pattern, English ones apart with IGNORECASE and compiled only
    for text with Latin letters: one pattern with both took about 70 µs a field, the Chinese
    one alone takes under 1 µs."""

    vague_zh: re.Pattern[str]
    vague_en: Lazy
    terms: Lazy | None
    name: Lazy

    def vague(self, text: str) -> list[re.Match[str]]:
        found = list(self.vague_zh.finditer(text))
        if LATIN.search(text):
            found += self.vague_en.finditer(text)
        return sorted(found, key=lambda m: m.start())


@lru_cache(maxsize=8)
def _compiled(vocabulary: Vocabulary) -> _Compiled:
    dropped = {w.casefold() for w in vocabulary.not_vague}
    dropped = {normalise(w) for w in dropped}
    words = [
        normalise(w)
        for w in (*vocab.VAGUE_WORDS["zh"], *vocab.VAGUE_WORDS["en"], *vocabulary.vague)
        if normalise(w.casefold()) not in dropped
    ]
    terms = [normalise(w) for w in (*vocab.TERMS["zh"], *vocab.TERMS["en"], *vocabulary.terms)]
    zh_vague = _alternation([w for w in words if not w.isascii()]) or "(?!)"
    en_vague = _alternation([w for w in words if w.isascii()]) or "(?!)"
    heads = _alternation(list(vocab.NAME_HEADS_ZH))
    return _Compiled(
        vague_zh=re.compile(zh_vague),
        vague_en=Lazy(en_vague, re.IGNORECASE),
        terms=Lazy(_alternation(terms), re.IGNORECASE) if terms else None,
        name=Lazy(rf"({zh_vague})(?=[{CJK}]{{0,2}}?(?:{heads}))"),
    )


def _alternation(words: list[str]) -> str:
    """Longest first, English words whole (\b), Chinese anywhere."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", r"\s+")
        parts.append(rf"\b{escaped}\b" if word.isascii() else escaped)
    return "|".join(parts)


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII, traditional characters as simplified.

    Character for character, so that positions in the result are positions in `text`.
    """
    return text.translate(FULL_WIDTH).translate(hant.table())


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def masked(text: str, vocabulary: Vocabulary = DEFAULT) -> str:
    """`text` with what is not staff conduct blanked out: quotes, prohibitions, terms, names."""
    compiled = _compiled(vocabulary)
    text = normalise(text)
    spans = [m.span() for m in QUOTED.finditer(text)]
    spans += [m.span() for m in HYPHENATED.finditer(text)]
    if compiled.terms is not None:
        spans += [m.span() for m in compiled.terms.finditer(text)]
    spans += [m.span(1) for m in compiled.name.finditer(text)]
    for match in PROHIBITION.finditer(text):
        end = CLAUSE_END.search(text, match.end())
        spans.append((match.start(), end.start() if end else len(text)))
    return _blank(text, spans)


def quantities(text: str) -> list[tuple[int, int]]:
    """Spans of quantities an inspector can check (see the module docstring)."""
    text = normalise(text)
    idioms = [m.span() for m in NOT_QUANTITY.finditer(text)]
    return [
        m.span()
        for m in QUANTITY.finditer(text)
        if not any(s <= m.start() and m.end() <= e + 1 for s, e in idioms)
        and not any(s <= m.start() < e for s, e in idioms)
    ]


def has_quantity(text: str) -> bool:
    return bool(quantities(text))


# Characters either side of a vague word in which a quantity pins it down; English words are
# longer, so "promptly, within two minutes" needs a wider window than "30 秒内及时".
NEARBY = 10
NEARBY_LATIN = 24


def vague_words(text: str, vocabulary: Vocabulary = DEFAULT) -> list[str]:
    """Vague words describing conduct in `text`, with no quantity close by in their sentence."""
    compiled = _compiled(vocabulary)
    plain = normalise(text)
    if not compiled.vague(plain):
        return []  # most text: nothing else to read
    visible = masked(text, vocabulary)
    numbers = quantities(plain)
    found = []
    for match in compiled.vague(visible):
        word = match.group(0)
        after = visible[match.end() :]
        if word in MANNER_WORDS and not (
            MANNER_AFTER.match(after) or MANNER_BEFORE.search(visible[: match.start()])
        ):
            continue
        if EXPLAINED.match(after):
            continue
        if _pinned(plain, numbers, match.start(), match.end(), word.isascii()):
            continue
        found.append(word)
    return found


def _pinned(text: str, numbers: list[tuple[int, int]], start: int, end: int, latin: bool) -> bool:
    """Whether a quantity overlaps the reach of text[start:end] inside its sentence."""
    reach = NEARBY_LATIN if latin else NEARBY
    left = max(0, start - reach)
    for before in SENTENCE_END.finditer(text, left, start):
        left = before.end()
    after = SENTENCE_END.search(text, end, end + reach)
    right = after.start() if after else end + reach
    return any(s < right and e > left for s, e in numbers)
