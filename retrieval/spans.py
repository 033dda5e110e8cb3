"""The short answer to an untyped question that the rules leave to the whole sentence.

`extract` answers 什么 / 哪个 questions by rules: the span the question's words hold on both
sides, a phrase headed by the asked noun, a quoted term. When none applies it gives up, and the
reader gets the whole sentence (DRCD: a quarter of its questions). Most such questions still ask
for a noun phrase of the sentence (…的民族为哪一个 ↔ 357年，阿拉曼人在…作战): this module lists
the sentence's noun phrases and scores them with weights fitted on CMRC, DRCD and the tune split
(`span` in `data/answerer_model.json`, `python -m benchmarks.fit_answerer`), a conditional
logit like the sentence ranker's. Whether the best phrase or the sentence is the answer is a
second fitted model (`span_decide`, a logistic one): it reads how sure the scorer is, what the
best phrase is, and the question's form (什么族群 asks for a noun, 用来做什么 for an action; a
sentence that restates the question around one clause answers it whole).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from retrieval import extract, features
from retrieval.extract import Span
from retrieval.kinds import is_kind_of
from retrieval.qtype import QuestionType

# Tags of the words a noun phrase is made of: nouns, names, Latin words, attributes, nominal
# verbs, and set phrases jieba keeps whole (自然科学, 暴力革命, 空气污染 are tagged l or i).
_NOMINAL = (
    "n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "nw", "j", "eng", "vn", "an", "ng", "b", "l", "i",
)
_NAME_TAGS = ("nr", "ns", "nt", "nz", "nrt", "nrfg", "j")
_MAX_CHARS = 20  # a phrase longer than this is a clause, not an answer
_MAX_LIST_CHARS = 40  # a list may name three or four phrases (城中区水井巷商业街、海湖新区…)
_LIST_JOINS = ("、", "和", "及", "与", "以及", "或")  # what stands between two listed phrases
_SUFFIXES = 3  # a phrase's shorter forms without its first words: 西德 of 当时西德
_COPULA = re.compile(r"(?:是|为|為|叫|称|稱|即|名为|名為)$")
NAMES = (
    "near", "in_gap", "gap_overlap", "after_left", "before_right", "length", "echo", "names",
    "headed", "copula", "modifier", "position", "quoted", "digit", "first", "ends_asked",
    "starts_asked", "listed",
)
# What the phrase-or-sentence decision reads: the question's form, how sure the scorer is of its
# best phrase (its probability, among how many) and that phrase's own features.
ASKED = (
    "sentence_length", "noun_asked", "asked_last", "verb_asked", "restated", "which", "unworded",
    "plural",
)
DECIDE = ("bias", "probability", "choices", *ASKED, *(f"phrase_{n}" for n in NAMES))
_PARTICLES = "吗呢呀啊吧"


def applies(qt: QuestionType) -> bool:
    """Whether a question asks for a thing the sentence may name (not a reason, a manner)."""
    return qt.qtype == "other" and qt.has_gap and not qt.descriptive


def candidates(question: str, sentence: str) -> list[Span]:
    """The sentence's noun phrases (runs of nominal words, and their shorter forms without their
    first words), lists of them and quoted terms, less the question's own words at their ends."""
    toks = extract.tag_words(sentence)
    out: dict[tuple[int, int], Span] = {}

    def add(start: int, end: int, most: int = _MAX_CHARS) -> None:
        text = sentence[start:end]
        if 2 <= len(text) <= most and text not in question:
            out.setdefault((start, end), Span(start, end, text))

    run: list[tuple[int, int, str, str]] = []
    runs: list[tuple[list[int], int]] = []  # each run's starts (its shorter forms') and end
    for tok in [*toks, (len(sentence), len(sentence), "", "x")]:
        if tok[3] in _NOMINAL:
            run.append(tok)
            continue
        if run:
            runs.append(([t[0] for t in run[:_SUFFIXES]], run[-1][1]))
        # The question's own words at a run's ends are what the question names, not the answer.
        while run and run[0][2] in question:
            run.pop(0)
        while run and run[-1][2] in question:
            run.pop()
        for i in range(min(len(run), _SUFFIXES)):
            add(run[i][0], run[-1][1])
        run = []
    # Phrases listed one after another (杨志文、刘超; 辰砂、方铅矿和闪锌矿) are one answer to a
    # question asking for several (哪两位, 哪些): every list of two or more consecutive items.
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            if sentence[runs[j - 1][1] : runs[j][0][0]] not in _LIST_JOINS:
                break
            for start in runs[i][0]:
                add(start, runs[j][1], _MAX_LIST_CHARS)
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
            # A shorter form leaves the question's own words off its ends; a phrase that still
            # opens or closes with one (副省长杨志文 for 哪两位副省长) names what was asked by.
            "ends_asked": float(last in question),
            "starts_asked": float(bool(words) and words[0][2] in question),
            "listed": float(any(t[2] == "、" or t[3] == "c" for t in words)),
        })
    return rows


def asked(question: str, qt: QuestionType, sentence: str) -> dict[str, float]:
    """What the question's form and the sentence say of a phrase answer against a clause."""
    before = extract.tag_words(question[: qt.start])
    after = extract.strip_punct(question[qt.end :]).rstrip(_PARTICLES)
    verb = bool(before) and before[-1][3].startswith("v") and not _COPULA.search(before[-1][2])
    bare = [ch for ch in sentence if ch.isalnum()]
    return {
        "sentence_length": math.log(1 + len(sentence)) / 3,
        "noun_asked": float(bool(qt.noun)),  # 什么族群
        "asked_last": float(not after),  # …的成因为？
        "verb_asked": float(verb and not qt.noun),  # 用来做什么
        # The share of the sentence the question already says: 放线菌酮常被用来抑制… for
        # 放线菌酮常被用来做什么 is answered by what is left, a clause.
        "restated": sum(ch in question for ch in bare) / max(1, len(bare)),
        "which": float(question[qt.start : qt.end].startswith("哪")),  # picks one of some
        "unworded": float(qt.start == qt.end),  # …的城市名为？: no question word at all
        "plural": float(qt.plural),  # 哪些, 哪几, 分别: a list
    }


def decision_row(
    asked_row: Mapping[str, float], probability: float, choices: int,
    phrase: Mapping[str, float],
) -> dict[str, float]:
    """The features of the phrase-or-sentence decision for the best of `choices` phrases."""
    return {
        "bias": 1.0, "probability": probability, "choices": math.log(choices) / 3,
        **{n: asked_row[n] for n in ASKED},
        **{f"phrase_{n}": phrase[n] for n in NAMES},
    }


def scored(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float],
    model: Mapping[str, float],
) -> list[tuple[float, Span, dict[str, float]]]:
    """The candidates with their probabilities under the model (softmax over the sentence's)
    and their features, best first."""
    spans = candidates(question, sentence)
    if not spans:
        return []
    rows = features_of(question, qt, sentence, weights, spans)
    scores = [sum(model.get(n, 0.0) * row[n] for n in NAMES) for row in rows]
    top = max(scores)
    exp = [math.exp(x - top) for x in scores]
    total = sum(exp)
    return sorted(((e / total, s, row) for e, s, row in zip(exp, spans, rows, strict=True)),
                  key=lambda item: -item[0])


def pick(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float],
    model: Mapping[str, float], decide: Mapping[str, float],
) -> str | None:
    """The best noun phrase of `sentence` in its own characters, or None when the question
    asks for none or the decision model prefers the sentence (the caller gives it)."""
    if not model or not decide or not applies(qt):
        return None
    norm, where = extract.aligned(sentence)
    ranked = scored(question, qt, norm, weights, model)
    if not ranked:
        return None
    probability, span, row = ranked[0]
    features = decision_row(asked(question, qt, norm), probability, len(ranked), row)
    if sum(decide.get(n, 0.0) * features[n] for n in DECIDE) <= 0:
        return None
    return sentence[where[span.start] : where[span.end - 1] + 1]
