"""Tokenizer modes and BM25 parameters compared as retrieval on CMRC 2018 and on our gold set.

CMRC 2018 trial: every passage is cut at sentence ends into paragraphs of about 150
characters, its title counting as part of each (as a headline does in the store); each
question should rank first the paragraph holding its answer's start (Recall@1, Recall@5, MRR).
Gold set (`data/eval/questions.jsonl` over the bundled page), questions that name an article
and follow no other: the best paragraph should come from that article (article@1) and hold
one of the answers (paragraph@1).

    .venv/bin/python benchmarks/tokenizer_variants.py [--file ../shared/data/cmrc2018_trial.json]

The CMRC file is licensed data read from ../shared/data beside the checkout, never copied into
the repository; without it the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.index import BM25Index
from retrieval.ingest import ingest_paths
from retrieval.resources import bundled_pages, data_dir
from retrieval.search import document_text
from retrieval.store import Store
from retrieval.tokenize import MODES, Tokenizer

DEFAULT_FILE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cmrc2018_trial.json"
)
PARAGRAPH_CHARS = 150
# (k1, b, epsilon): rank_bm25's defaults, then the usual ranges around them.
PARAMS = [
    (1.5, 0.75, 0.25),
    (1.5, 0.75, 0.0),
    (1.2, 0.75, 0.0),
    (0.9, 0.4, 0.0),
    (0.5, 0.3, 0.25),
    (0.5, 0.3, 0.0),
    (0.3, 0.3, 0.0),
]


@dataclass
class Paragraph:
    title: str
    text: str
    start: int  # offset of the paragraph in its passage's context


def split_passage(title: str, context: str) -> list[Paragraph]:
    """Sentences (ending in 。！？) gathered into paragraphs of about PARAGRAPH_CHARS characters."""
    out: list[Paragraph] = []
    start = 0
    for m in re.finditer(r"[^。！？]*[。！？]+|[^。！？]+$", context):
        if m.start() - start >= PARAGRAPH_CHARS:
            out.append(Paragraph(title, context[start : m.start()], start))
            start = m.start()
    out.append(Paragraph(title, context[start:], start))
    return out


def load(path: Path) -> tuple[list[Paragraph], list[tuple[str, int]]]:
    """Paragraphs of every passage and (question, row of the answer's paragraph) pairs."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    paragraphs: list[Paragraph] = []
    questions: list[tuple[str, int]] = []
    for article in data:
        for passage in article["paragraphs"]:
            first = len(paragraphs)
            parts = split_passage(article.get("title", ""), passage["context"])
            paragraphs.extend(parts)
            for qa in passage["qas"]:
                start = qa["answers"][0]["answer_start"]
                row = first + max(i for i, p in enumerate(parts) if p.start <= start)
                questions.append((qa["question"], row))
    return paragraphs, questions


def measure(
    index: BM25Index, queries: list[list[str]], gold: list[int]
) -> tuple[float, float, float]:
    """Recall@1, Recall@5 and MRR (over the top 100) of the gold rows."""
    r1 = r5 = rr = 0.0
    for query, row in zip(queries, gold, strict=True):
        rows, _ = index.top_k(query, 100)
        hit = np.flatnonzero(rows == row)
        if hit.size:
            rank = int(hit[0]) + 1
            r1 += rank == 1
            r5 += rank <= 5
            rr += 1 / rank
    n = len(gold)
    return r1 / n, r5 / n, rr / n


def gold_table() -> None:
    """Article@1 on the gold set over the bundled page, per mode and parameters."""
    store = Store()
    ingest_paths(store, bundled_pages())
    rows = list(store.iter_paragraphs())
    lines = (data_dir() / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    gold = [json.loads(line) for line in lines if line.strip()]
    gold = [q for q in gold if q.get("article_title") and not q.get("follows")]
    print(f"gold set: {len(rows)} paragraphs, {len(gold)} questions naming an article")
    print(f"{'mode':8} {'k1':>4} {'b':>5} {'eps':>5}  {'art@1':>6} {'para@1':>6}")
    for mode in MODES:
        tok = Tokenizer(mode)
        docs = [tok.index_tokens(document_text(row)) for row in rows]
        queries = [tok.query_tokens(q["question"]) for q in gold]
        for k1, b, eps in PARAMS:
            index = BM25Index.build(docs, k1=k1, b=b, epsilon=eps)
            article = paragraph = 0
            for query, q in zip(queries, gold, strict=True):
                best, scores = index.top_k(query, 1)
                if scores.size and scores[0] > 0:
                    row = rows[best[0]]
                    article += row.title == q["article_title"]
                    paragraph += any(a in row.text for a in q["answers"])
            n = len(gold)
            print(
                f"{mode:8} {k1:4.1f} {b:5.2f} {eps:5.2f}  {article / n:6.3f} {paragraph / n:6.3f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    gold_table()
    if not args.file.is_file():
        print(f"skipped CMRC: the trial set is not at {args.file}")
        return 0
    paragraphs, questions = load(args.file)
    gold = [row for _, row in questions]
    print(f"{len(paragraphs)} paragraphs, {len(questions)} questions ({args.file.name})")
    print(f"{'mode':8} {'k1':>4} {'b':>5} {'eps':>5}  {'R@1':>6} {'R@5':>6} {'MRR':>6}")
    for mode in MODES:
        tok = Tokenizer(mode)
        docs = [tok.index_tokens(p.title) + tok.index_tokens(p.text) for p in paragraphs]
        queries = [tok.query_tokens(q) for q, _ in questions]
        for k1, b, eps in PARAMS:
            index = BM25Index.build(docs, k1=k1, b=b, epsilon=eps)
            r1, r5, mrr = measure(index, queries, gold)
            print(f"{mode:8} {k1:4.1f} {b:5.2f} {eps:5.2f}  {r1:6.3f} {r5:6.3f} {mrr:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
