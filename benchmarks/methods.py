"""The BM25 engines under comparison, each behind the same three calls.

`build(prepared, where, params)` indexes a prepared corpus (`benchmarks/out/n<size>/`: its
token cache, texts and questions) into `where`; `open(prepared, where, params)` loads it
back as a searcher whose `search(question, k)` returns the 0-based paragraph numbers and
scores of the best `k` paragraphs, tokenizing the question as part of the query. A method
that is not `persistent` has no build: it is built from the token cache when opened.
Every engine gets the same tokens: those that split text themselves get them joined by
spaces and are set to split on spaces only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.tokens import TokenCache

Ranked = tuple[list[int], list[float]]


@dataclass(frozen=True)
class Params:
    """BM25Okapi parameters; every engine that can take them gets newsbot's."""

    k1: float
    b: float
    epsilon: float


def top_k_of_scores(scores: np.ndarray, k: int) -> Ranked:
    """The `k` best positive scores of a dense score vector, best first, ties to the lower row."""
    pool = np.flatnonzero(scores > 0)
    if len(pool) > k:
        cut = np.partition(scores[pool], len(pool) - k)[len(pool) - k]
        pool = pool[scores[pool] >= cut]
    best = pool[np.lexsort((pool, -scores[pool]))[:k]]
    return best.tolist(), scores[best].tolist()


class TokenSearcher:
    """A searcher over tokens: `search()` tokenizes the question as newsbot does, then ranks."""

    def top_k(self, tokens: list[str], k: int) -> Ranked:
        raise NotImplementedError

    def search(self, question: str, k: int) -> Ranked:
        from retrieval.tokenize import query_tokens

        return self.top_k(query_tokens(question), k)


def _tokens(prepared: Path) -> TokenCache:
    return TokenCache.load(prepared / "tokens")


class RankBM25:
    """rank_bm25's BM25Okapi, the reference: a dense score per paragraph in Python.

    It has no on-disk form, so opening it means building it from the cached tokens.
    """

    name = "rank-bm25"
    persistent = False

    @staticmethod
    def open(prepared: Path, where: Path, params: Params) -> RankBM25Searcher:
        from rank_bm25 import BM25Okapi

        cache = _tokens(prepared)
        model = BM25Okapi(
            cache.lists(cache.vocab), k1=params.k1, b=params.b, epsilon=params.epsilon
        )
        return RankBM25Searcher(model)


@dataclass
class RankBM25Searcher(TokenSearcher):
    model: object

    def scores(self, tokens: list[str]) -> np.ndarray:
        return self.model.get_scores(tokens)

    def top_k(self, tokens: list[str], k: int) -> Ranked:
        return top_k_of_scores(self.scores(tokens), k)


class BM25S:
    """bm25s with Robertson's idf; it floors negative idf at 0 where rank_bm25 uses epsilon."""

    name = "bm25s"
    persistent = True

    @staticmethod
    def build(prepared: Path, where: Path, params: Params) -> None:
        import bm25s

        cache = _tokens(prepared)
        model = bm25s.BM25(k1=params.k1, b=params.b, method="robertson", idf_method="robertson")
        ids = list(range(len(cache.vocab)))
        model.index(
            (list(cache.lists(ids)), {t: i for i, t in enumerate(cache.vocab)}),
            show_progress=False,
        )
        model.save(str(where))

    @staticmethod
    def open(prepared: Path, where: Path, params: Params) -> BM25SSearcher:
        import bm25s

        return BM25SSearcher(bm25s.BM25.load(str(where), mmap=True))


@dataclass
class BM25SSearcher(TokenSearcher):
    model: object

    def top_k(self, tokens: list[str], k: int) -> Ranked:
        ids = self.model.get_tokens_ids(tokens)
        if not ids:
            return [], []
        return top_k_of_scores(self.model.get_scores_from_ids(ids), k)


# unicode61 would drop punctuation tokens and split some others; with every letter, number,
# mark, punctuation and symbol category as token characters it splits on spaces only.
_FTS5_TOKENIZE = "unicode61 categories 'L* N* Co M* P* S*' remove_diacritics 0"


class SQLiteFTS5:
    """SQLite FTS5 over the space-joined tokens, ranked by its built-in bm25() (k1=1.2, b=0.75)."""

    name = "sqlite-fts5"
    persistent = True

    @staticmethod
    def build(prepared: Path, where: Path, params: Params) -> None:
        where.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(where / "fts.db")
        db.execute(f'CREATE VIRTUAL TABLE p USING fts5(body, tokenize="{_FTS5_TOKENIZE}")')
        with db:
            db.executemany(
                "INSERT INTO p(rowid, body) VALUES (?, ?)",
                ((i + 1, text) for i, text in enumerate(_tokens(prepared).joined())),
            )
            db.execute("INSERT INTO p(p) VALUES ('optimize')")
        db.close()

    @staticmethod
    def open(prepared: Path, where: Path, params: Params) -> FTS5Searcher:
        return FTS5Searcher(sqlite3.connect(where / "fts.db"))


@dataclass
class FTS5Searcher(TokenSearcher):
    db: sqlite3.Connection

    def top_k(self, tokens: list[str], k: int) -> Ranked:
        # An OR of quoted terms is BM25's "any query word" semantics.
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        if not match:
            return [], []
        rows = self.db.execute(
            "SELECT rowid, bm25(p) FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?", (match, k)
        ).fetchall()
        # bm25() is negated so that ascending order puts the best first.
        return [r - 1 for r, _ in rows], [-s for _, s in rows]


class Tantivy:
    """tantivy-py on the space-joined tokens (whitespace tokenizer); fixed k1=1.2, b=0.75."""

    name = "tantivy"
    persistent = True

    @staticmethod
    def build(prepared: Path, where: Path, params: Params) -> None:
        import tantivy

        schema = tantivy.SchemaBuilder()
        schema.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
        schema.add_integer_field("pid", stored=True)
        where.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(schema.build(), path=str(where))
        writer = index.writer(heap_size=512_000_000, num_threads=2)
        for i, text in enumerate(_tokens(prepared).joined()):
            writer.add_document(tantivy.Document(body=text, pid=i))
        writer.commit()
        writer.wait_merging_threads()

    @staticmethod
    def open(prepared: Path, where: Path, params: Params) -> TantivySearcher:
        import tantivy

        index = tantivy.Index.open(str(where))
        return TantivySearcher(index.searcher(), index.schema)


@dataclass
class TantivySearcher(TokenSearcher):
    searcher: object
    schema: object

    def top_k(self, tokens: list[str], k: int) -> Ranked:
        import tantivy

        if not tokens:
            return [], []
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "body", t))
                for t in tokens
            ]
        )
        hits = self.searcher.search(query, limit=k).hits
        return [self.searcher.doc(a)["pid"][0] for _, a in hits], [s for s, _ in hits]


class NewsbotIndex:
    """newsbot's `BM25Index` on the cached tokens: the library alone, built like the peers."""

    name = "newsbot-index"
    persistent = True

    @staticmethod
    def build(prepared: Path, where: Path, params: Params) -> None:
        from retrieval.index import BM25Index

        cache = _tokens(prepared)
        index = BM25Index.build(
            cache.lists(cache.vocab), k1=params.k1, b=params.b, epsilon=params.epsilon
        )
        index.save(where)

    @staticmethod
    def open(prepared: Path, where: Path, params: Params) -> NewsbotIndexSearcher:
        from retrieval.index import BM25Index

        return NewsbotIndexSearcher(BM25Index.load(where, mmap=True))


@dataclass
class NewsbotIndexSearcher(TokenSearcher):
    index: object

    def top_k(self, tokens: list[str], k: int) -> Ranked:
        rows, scores = self.index.top_k(tokens, k)
        return rows.tolist(), scores.tolist()


ENGINES = {m.name: m for m in (RankBM25, BM25S, SQLiteFTS5, Tantivy, NewsbotIndex)}
