"""Scoring functions for evaluation: CMRC 2018 exact match and F1, ranks, abstention, latency.

Pure functions over strings and numbers, so each can be checked against a hand count.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The official CMRC 2018 script also strips these ASCII symbols, which Unicode files as
# symbols (S*) rather than punctuation (P*).
_EXTRA_STRIPPED = set("+=^`~|<>")
# A run of Latin letters or digits is one token, as in the official "mixed segmentation"
# (which splits such runs into words); every other visible character is a token of its own.
_TOKEN = re.compile(r"[0-9a-z]+|\S")


def strip_punctuation(text: str) -> str:
    """Lower-cased `text` without Chinese or English punctuation and without white space."""
    return "".join(
        ch
        for ch in text.lower()
        if not ch.isspace()
        and not unicodedata.category(ch).startswith("P")
        and ch not in _EXTRA_STRIPPED
    )


def answer_tokens(text: str) -> list[str]:
    """The units CMRC 2018 F1 counts: one per Chinese character, one per Latin/digit run."""
    return [token for token in _TOKEN.findall(text.lower()) if strip_punctuation(token)]


def longest_common_substring(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest contiguous run shared by `a` and `b` (the CMRC F1 overlap)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def exact_match(prediction: str | None, references: Iterable[str]) -> float:
    """1.0 when the prediction equals some reference once punctuation and spaces are removed."""
    got = strip_punctuation(prediction or "")
    return float(any(got == strip_punctuation(ref) for ref in references))


def f1_score(prediction: str | None, references: Iterable[str]) -> float:
    """CMRC 2018 F1: best over references of 2PR/(P+R), overlap = longest common substring."""
    got = answer_tokens(prediction or "")
    best = 0.0
    for ref in references:
        want = answer_tokens(ref)
        overlap = longest_common_substring(got, want)
        if overlap:
            precision, recall = overlap / len(got), overlap / len(want)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def contains_answer(text: str | None, references: Iterable[str]) -> bool:
    """Whether `text` holds some reference answer, compared without punctuation or spaces."""
    if not text:
        return False
    haystack = strip_punctuation(text)
    return any((needle := strip_punctuation(ref)) and needle in haystack for ref in references)


def recall_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose target is ranked within the first `k` (ranks are 1-based)."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else math.nan


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float:
    """Mean of 1/rank, counting a target that was not retrieved as 0."""
    return sum(1 / r for r in ranks if r is not None) / len(ranks) if ranks else math.nan


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Abstention:
    """How well "not found" tracks the questions the corpus cannot answer."""

    precision: float  # of the questions abstained on, the share that were unanswerable
    recall: float  # of the unanswerable questions, the share abstained on
    false_rate: float  # of the answerable questions, the share wrongly abstained on


def abstention(answerable: Sequence[bool], abstained: Sequence[bool]) -> Abstention:
    """Abstention precision, recall and false-abstention rate; NaN where a share has no base."""
    pairs = list(zip(answerable, abstained, strict=True))

    def share(hits: int, base: int) -> float:
        return hits / base if base else math.nan

    return Abstention(
        precision=share(sum(1 for a, x in pairs if x and not a), sum(1 for _, x in pairs if x)),
        recall=share(sum(1 for a, x in pairs if x and not a), sum(1 for a, _ in pairs if not a)),
        false_rate=share(sum(1 for a, x in pairs if x and a), sum(1 for a, _ in pairs if a)),
    )
