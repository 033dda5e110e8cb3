"""The short answer to an untyped question that the rules leave to the whole sentence.

`extract` answers 什么 / 哪个 questions by rules: the span the question's words hold on both
sides, a phrase headed by the asked noun, a quoted term. When none applies it gives up, and the
reader gets the whole sentence (DRCD: a quarter of its questions). Most such questions still ask
for a noun phrase of the sentence (…的民族为哪一个 ↔ 357年，阿拉曼人在…作战): this module lists
the sentence's noun phrases and scores them with weights fitted on CMRC, DRCD and the tune split
(`span` in `data/answerer_model.json`, `python -m benchmarks.fit_answerer`), a conditional
logit like the sentence ranker's. The best phrase is the answer only when the model gives it at
least the fitted probability `span_threshold`; below it the sentence is the better answer (the
threshold is picked on the same sets by the F1 of the answer given either way).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from retrieval import extract, features
from retrieval.extract import Span
from retrieval.kinds import is_kind_of
from retrieval.qtype import QuestionType

# Tags of the words a noun phrase is made of: nouns, names, Latin words, attributes, nominal verbs.
_NOMINAL = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "nw", "j", "eng", "vn", "an", "ng", "b")
_NAME_TAGS = ("nr", "ns", "nt", "nz", "nrt", "nrfg", "j")
_MAX_CHARS = 20  # a phrase longer than this is a clause, not an answer
_SUFFIXES = 3  # a phrase's shorter forms without its first words: 西德 of 当时西德
_COPULA = re.compile(r"(?:是|为|為|叫|称|稱|即|名为|名為)$")
NAMES = (
    "near", "in_gap", "gap_overlap", "after_left", "before_right", "length", "echo", "names",
    "headed", "copula", "modifier", "position", "quoted", "digit", "first",
)


def applies(qt: QuestionType) -> bool:
    """Whether a question asks for a thing the sentence may name (not a reason, a manner)."""
    return qt.qtype == "other" and qt.has_gap and not qt.descriptive


def candidates(question: str, sentence: str) -> list[Span]:
    """The sentence's noun phrases (runs of nominal words, and their shorter forms without their
    first words) and quoted terms, less the question's own words at their ends."""
    toks = extract.tag_words(sentence)
    out: dict[tuple[int, int], Span] = {}

    def add(start: int, end: int) -> None:
        text = sentence[start:end]
        if 2 <= len(text) <= _MAX_CHARS and text not in question:
            out.setdefault((start, end), Span(start, end, text))

    run: list[tuple[int, int, str, str]] = []
    for tok in [*toks, (len(sentence), len(sentence), "", "x")]:
        if tok[3] in _NOMINAL:
            run.append(tok)
            continue
        # The question's own words at a run's ends are what the question names, not the answer.
        while run and run[0][2] in question:
            run.pop(0)
        while run and run[-1][2] in question:
            run.pop()
        for i in range(min(len(run), _SUFFIXES)):
            add(run[i][0], run[-1][1])
        run = []
    for q in extract.quoted(sentence):
        add(q.start, q.end)
    return list(out.values())


def features_of(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float],
    spans: list[Span],
) -> list[dict[str, float]]:
    """Each candidate's features: where it stands against the question's words, what it is."""
    anchors = extract.anchors_in(sentence, weights)
    total = sum(w for _, _, w in anchors) or 1.0
    filler = extract.gap(question, qt, sentence)
    _, left_end, right_start, _ = features.context(question, qt, sentence)
    quoted = {(q.start, q.end) for q in extract.quoted(sentence)}
    toks = extract.tag_words(sentence)
    first = min((s.start for s in spans), default=0)
    rows = []
    for s in spans:
        words = [t for t in toks if s.start <= t[0] and t[1] <= s.end]
        last = words[-1][2] if words else s.text
        rows.append({
            "near": extract.nearness(s, anchors, sentence) / total,
            "in_gap": float(filler is not None and filler.start <= s.start
                            and s.end <= filler.end),
            "gap_overlap": float(filler is not None and s.start < filler.end
                                 and filler.start < s.end),
            "after_left": float(left_end is not None and 0 <= s.start - left_end <= 1),
            "before_right": float(right_start is not None and 0 <= right_start - s.end <= 1),
            "length": math.log(1 + len(s.text)) / 3,
            "echo": sum(ch in question for ch in s.text) / len(s.text),
            "names": sum(t[3] in _NAME_TAGS for t in words) / max(1, len(words)),
            "headed": float(bool(qt.noun) and is_kind_of(last, qt.noun)),
            "copula": float(bool(_COPULA.search(sentence[max(0, s.start - 2) : s.start]))),
            "modifier": float(sentence[s.end : s.end + 1] == "的"),
            "position": s.start / max(1, len(sentence)),
            "quoted": float((s.start, s.end) in quoted),
            "digit": float(any(ch.isdigit() for ch in s.text)),
            "first": float(s.start == first),
        })
    return rows


def scored(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float],
    model: Mapping[str, float],
) -> list[tuple[float, Span]]:
    """The candidates with their probabilities under the model (softmax over the sentence's),
    best first."""
    spans = candidates(question, sentence)
    if not spans:
        return []
    rows = features_of(question, qt, sentence, weights, spans)
    scores = [sum(model.get(n, 0.0) * row[n] for n in NAMES) for row in rows]
    top = max(scores)
    exp = [math.exp(x - top) for x in scores]
    total = sum(exp)
    return sorted(((e / total, s) for e, s in zip(exp, spans, strict=True)),
                  key=lambda pair: -pair[0])


def pick(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float],
    model: Mapping[str, float], threshold: float,
) -> str | None:
    """The best noun phrase of `sentence` in its own characters, or None when the question
    asks for none or the model is not sure enough of any (the caller gives the sentence)."""
    if not model or not applies(qt):
        return None
    norm, where = extract.aligned(sentence)
    ranked = scored(question, qt, norm, weights, model)
    if not ranked or ranked[0][0] < threshold:
        return None
    span = ranked[0][1]
    return sentence[where[span.start] : where[span.end - 1] + 1]
