"""Named entities for short answers: jieba.posseg (with newsbot's suffix rules) against Baidu LAC.

For every person / place / organisation question of the tuning sets, the sentence that
holds a reference answer is tagged (in its simplified form) by each tagger, and the spans of the
question's type are scored against the answer: `exact` (a span is a reference answer), `hit` (a
span holds one or lies inside one) and `f1` (the best CMRC F1 of a span). Sentences are tagged
one at a time, as `answer()` does, and timed in the same run in CPU time of the process (all
its threads), which other jobs on a shared machine disturb less than wall-clock time.

    pip install -e '.[bench]'
    python -m benchmarks.ner_taggers --squad ../shared/data/cmrc2018_trial.json \
        --squad ../shared/data/drcd_test.json --limit 1000
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval import entities, extract, metrics
from retrieval.evaluate import load_gold, split_of
from retrieval.layout import parse_page
from retrieval.qtype import classify
from retrieval.readers import read_text
from retrieval.resources import bundled_pages, data_dir
from retrieval.squad import load_squad
from retrieval.tokenize import normalize

_TYPES = ("person", "place", "organization")


@dataclass
class Case:
    """One question of a typed kind, the sentence holding its answer, its references."""

    source: str
    qtype: str
    sentence: str
    answers: list[str]


def _sentence_with(text: str, answers: list[str]) -> str | None:
    for sentence in extract.split_sentences(normalize(text)):
        if any(normalize(a) in sentence for a in answers):
            return sentence
    return None


def squad_cases(path: Path, limit: int) -> list[Case]:
    """Typed questions of a SQuAD-format file (the first `limit`) with their answer sentence."""
    squad = load_squad(path)
    out = []
    for q in squad.questions[:limit]:
        qtype = classify(normalize(q.question)).qtype
        article = squad.articles[q.article]
        sentence = _sentence_with("\n".join(article.paragraphs), q.answers)
        if qtype in _TYPES and sentence:
            out.append(Case(path.name, qtype, sentence, q.answers))
    return out


def tune_cases() -> list[Case]:
    """Typed answerable questions of the bundled tune split (never the frozen test split)."""
    articles = {}
    for page in bundled_pages():
        for article in parse_page(read_text(page)).articles:
            articles[article.title] = "\n".join(article.paragraphs)
    out = []
    for path in sorted((data_dir() / "eval").glob("*.jsonl")):
        if split_of(path) == "test":
            continue
        for gold in load_gold(path):
            qtype = classify(normalize(gold.question)).qtype
            text = articles.get(gold.article_title or "")
            if gold.split == "test" or qtype not in _TYPES or not gold.answers or not text:
                continue
            sentence = _sentence_with(text, gold.answers)
            if sentence:
                out.append(Case("tune split", qtype, sentence, gold.answers))
    return out


def score(cases: list[Case], finder: Callable[[str, str], list[str]]) -> dict[str, float]:
    """exact / hit / f1 of a tagger's spans over the cases, and its milliseconds per sentence."""
    exact = hit = f1 = 0.0
    ms = []
    for case in cases:
        entities.forget()
        start = time.process_time()
        spans = finder(case.qtype, case.sentence)
        ms.append((time.process_time() - start) * 1000)
        refs = [normalize(a) for a in case.answers]
        exact += any(s in refs for s in spans)
        hit += any(r in s or s in r for s in spans for r in refs)
        f1 += max((metrics.f1_score(s, refs) for s in spans), default=0.0)
    n = max(1, len(cases))
    return {
        "n": len(cases),
        "exact": round(exact / n, 3),
        "hit": round(hit / n, 3),
        "f1": round(f1 / n, 3),
        "ms_p50": round(statistics.median(ms), 2) if ms else 0.0,
    }


def posseg_finder(qtype: str, sentence: str) -> list[str]:
    """newsbot's rule-based finders over jieba.posseg tokens."""
    return [s.text for s in extract.typed_candidates(qtype, sentence)]


def lac_finder(qtype: str, sentence: str) -> list[str]:
    """LAC's own PER/LOC/ORG spans."""
    return [sentence[a:b] for a, b in entities.entity_spans(qtype, sentence)]


def both_finder(qtype: str, sentence: str) -> list[str]:
    """What `extract` uses: the rules' spans and LAC's together (outermost kept)."""
    return [s.text for s in extract.typed_candidates(qtype, sentence, tagged=True)]


TAGGERS = {"posseg+rules": posseg_finder, "lac": lac_finder, "lac+rules": both_finder}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", action="append", type=Path, default=[])
    parser.add_argument("--limit", type=int, default=1000, help="questions read per SQuAD file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sets = {"tune split": tune_cases()}
    for path in args.squad:
        sets[path.name] = squad_cases(path, args.limit)
    for cases in sets.values():  # warm both taggers before timing
        for finder in TAGGERS.values():
            finder("person", cases[0].sentence if cases else "")
    results = {
        name: {tagger: score(cases, finder) for tagger, finder in TAGGERS.items()}
        for name, cases in sets.items()
    }
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print("| set | tagger | questions | exact | hit | F1 | CPU ms/sentence p50 |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, row in results.items():
        for tagger, r in row.items():
            print(f"| {name} | {tagger} | {r['n']} | {r['exact']} | {r['hit']} | {r['f1']} "
                  f"| {r['ms_p50']} |")


if __name__ == "__main__":
    main()
