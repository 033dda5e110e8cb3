"""One gold or SQuAD-format set, answered by newsbot under each tokenizer and by two baselines.

Columns, side by side in one run (same store, same questions, same machine load):
- `newsbot-<mode>`: `answer()` over a Searcher built with `Tokenizer(mode)`, for every mode;
- `bm25-words`: rank_bm25's BM25Okapi over plain jieba words, no answer extraction: it cites
  the best paragraph, its evidence is that paragraph's best-scoring sentence (scored by a
  sentence index of its own) and its "answer" is that whole sentence, a floor for answer F1;
- `bm25-bigrams`: the same with overlapping character pairs instead of words.

    python -m benchmarks.compare_variants --squad ../shared/data/cmrc2018_trial.json
    python -m benchmarks.compare_variants data/eval/questions.jsonl --json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import jieba
import numpy as np
from rank_bm25 import BM25Okapi

from retrieval import evaluate
from retrieval.answer import Conversation, answer
from retrieval.errors import NewsbotError
from retrieval.models import Answer, ArticleRef, Hit
from retrieval.search import Searcher
from retrieval.store import Store
from retrieval.tokenize import MODES, Tokenizer

# A sentence ends at a full stop, question or exclamation mark or semicolon (with any closing
# quote after it), or at a line end.
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’」』）)]*")
_CONTENT = re.compile(r"\w+")


def jieba_words(text: str) -> list[str]:
    """Plain jieba words, lower-cased, without punctuation or spaces."""
    return [w for w in jieba.lcut(text.lower()) if _CONTENT.fullmatch(w)]


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs within each run of letters, digits and CJK characters."""
    tokens = []
    for run in _CONTENT.findall(text.lower()):
        tokens += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return tokens


class BM25Baseline:
    """BM25 over paragraphs for the hits and over sentences for the evidence, nothing more."""

    def __init__(self, store: Store, tokenize: Callable[[str], list[str]], k: int) -> None:
        self.store, self.tokenize, self.k = store, tokenize, k
        self.paragraphs = list(store.iter_paragraphs())
        self.sentences = [
            (i, s.strip())
            for i, row in enumerate(self.paragraphs)
            for s in _SENTENCE.findall(row.text)
            if s.strip()
        ]
        self.sentence_paragraph = np.array([i for i, _ in self.sentences])
        self.by_paragraph = BM25Okapi([tokenize(row.text) for row in self.paragraphs])
        self.by_sentence = BM25Okapi([tokenize(s) for _, s in self.sentences])

    def ask(self, question: str, conversation: object = None) -> Answer:
        tokens = self.tokenize(question)
        scores = self.by_paragraph.get_scores(tokens)
        top = np.argsort(-scores, kind="stable")[: self.k]
        hits = [
            Hit(row.id, row.article_id, row.title, float(scores[i]), row.text)
            for i in top
            for row in [self.paragraphs[i]]
        ]
        sentence_scores = self.by_sentence.get_scores(tokens)
        # Only the cited (best) paragraph's sentences compete for the evidence.
        sentence_scores[self.sentence_paragraph != top[0]] = -np.inf
        best = int(np.argmax(sentence_scores))
        evidence = self.sentences[best][1]
        row = self.paragraphs[top[0]]
        article: ArticleRef = self.store.article_ref(row.article_id)
        return Answer(
            question=question,
            answer=evidence,
            evidence=evidence,
            qtype="other",
            score=float(sentence_scores[best]),
            article=article,
            paragraph_id=row.id,
            hits=hits,
            ms=0.0,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="JSONL gold sets (or SQuAD files)")
    parser.add_argument("--squad", action="store_true", help="FILES are SQuAD-format JSON")
    parser.add_argument("-k", default="1,5", help="Recall@k cut-offs (default 1,5)")
    parser.add_argument("--json", action="store_true", help="print the summaries as JSON")
    args = parser.parse_args(argv)
    ks = sorted({int(k) for k in args.k.split(",")})
    gold = [] if args.squad else args.files or [Path("data/eval/questions.jsonl")]
    try:
        store, questions = evaluate.prepare(gold, args.files if args.squad else [])
    except NewsbotError as exc:
        print(f"compare_variants: {exc}", file=sys.stderr)
        return 1
    columns: dict[str, evaluate.Summary] = {}
    with store:
        for mode in MODES:
            searcher = Searcher.open(store, tokenizer=Tokenizer(mode))

            def ask(question: str, conversation: object, searcher: Searcher = searcher) -> Answer:
                return answer(question, searcher, k=max(ks), conversation=conversation)

            outcomes = evaluate.run(questions, ask, new_conversation=Conversation)
            columns[f"newsbot-{mode}"] = evaluate.summarize(outcomes, ks)
        for name, tokenize in (("bm25-words", jieba_words), ("bm25-bigrams", char_bigrams)):
            baseline = BM25Baseline(store, tokenize, max(ks))
            columns[name] = evaluate.summarize(evaluate.run(questions, baseline.ask), ks)
    if args.json:
        print(json.dumps({n: s.to_json() for n, s in columns.items()}, ensure_ascii=False))
    else:
        print(evaluate.format_table(columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
