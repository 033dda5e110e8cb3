"""newsbot's own path in the benchmark: ingest, the on-disk index, `Searcher` and `answer()`.

Unlike the peers it starts from text, not tokens: the corpus goes in as one JSONL file per
day through `ingest_paths`, `build_index` tokenizes it (on every core) into the index, and a
`Searcher` answers questions as the bot does. The stored paragraphs, tokenized the way the
index tokenizes them (`export_tokens`), are what every other method is then fed, so all of
them see the same tokens.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict
from itertools import islice
from pathlib import Path

import numpy as np

from benchmarks import corpus
from benchmarks.methods import Params, Ranked, TokenSearcher
from benchmarks.tokens import TokenCache

DAY_PARAGRAPHS = 500
_EXPORT_BATCH = 20_000


def database(where: Path) -> Path:
    return where / "archive.db"


def write_days(articles: list[corpus.GeneratedArticle], folder: Path) -> None:
    """The corpus as JSONL files, one per publication day, as an archive export would be."""
    folder.mkdir(parents=True, exist_ok=True)
    days: dict[str, list[str]] = {}
    for article in articles:
        days.setdefault(article.date, []).append(json.dumps(asdict(article), ensure_ascii=False))
    for day, lines in days.items():
        (folder / f"{day}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _index_dir(db: Path) -> Path:
    return db.with_name(db.name + ".idx")


def paragraph_ids(db: Path) -> np.ndarray:
    """Every paragraph id in id order: row i of the benchmark is the i-th of them."""
    with sqlite3.connect(db) as conn:
        return np.array([r for (r,) in conn.execute("SELECT id FROM paragraphs ORDER BY id")])


def export_tokens(db: Path) -> TokenCache:
    """The index tokens of the store's paragraphs in id order, tokenized on every core as
    `build_index` does (the store keeps no copy of them: its index is their compact form)."""
    from retrieval.search import document_text
    from retrieval.store import Store
    from retrieval.tokenize import TokenizerPool

    def joined() -> Iterator[str]:
        with Store(db) as store, TokenizerPool() as pool:
            rows = store.iter_paragraphs()
            while batch := list(islice(rows, _EXPORT_BATCH)):
                yield from pool.submit([document_text(row) for row in batch])()

    return TokenCache.from_joined(joined())


def _ingest(db: Path, paths: list[Path]) -> None:
    from retrieval.ingest import ingest_paths
    from retrieval.store import Store

    with Store(db) as store:
        report = ingest_paths(store, paths)
    if not report.ok:
        raise RuntimeError(report.summary())


class Newsbot:
    """The serving path: store + `build_index`, then `Searcher.search` (tokenizing included)."""

    name = "newsbot"
    persistent = True

    @staticmethod
    def build(prepared: Path, where: Path, params: Params) -> dict:
        from retrieval.search import build_index

        where.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        _ingest(database(where), [prepared / "corpus"])
        stored = time.perf_counter()
        build_index(database(where))
        return {"ingest_store_s": stored - started, "ingest_index_s": time.perf_counter() - stored}

    @staticmethod
    def open(prepared: Path, where: Path, params: Params) -> NewsbotSearcher:
        from retrieval.search import Searcher

        return NewsbotSearcher(Searcher.open(database(where)), paragraph_ids(database(where)))


class NewsbotSearcher(TokenSearcher):
    """Hits mapped back to benchmark rows through the sorted paragraph ids."""

    def __init__(self, searcher, ids: np.ndarray) -> None:
        self.searcher = searcher
        self.ids = ids

    def search(self, question: str, k: int) -> Ranked:
        hits = self.searcher.search(question, k)
        rows = np.searchsorted(self.ids, [h.paragraph_id for h in hits])
        return rows.tolist(), [h.score for h in hits]


def time_answers(searcher: NewsbotSearcher, questions: list[str]) -> list[float]:
    """Milliseconds of a full `answer()` (retrieval, evidence, extraction) per question."""
    from retrieval.answer import answer

    latencies = []
    for question in questions:
        started = time.perf_counter()
        answer(question, searcher.searcher)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def time_daily_update(prepared: Path, where: Path, scratch: Path) -> dict:
    """Add a day of pages to a copy of the built archive while a `Searcher` serves it.

    Times the three steps of a day's update: storing the new file, bringing the on-disk index
    up to date (what `newsbot ingest` does, in its own process in production) and the
    running searcher's `refresh()`; then checks the searcher finds a new paragraph.
    """
    from retrieval.search import Searcher, build_index

    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    db, built = database(scratch), database(where)
    shutil.copyfile(built, db)
    shutil.copytree(_index_dir(built), _index_dir(db))
    old = paragraph_ids(db)
    searcher = Searcher.open(db)
    passages = corpus.source_passages(
        sorted(corpus.REPO.glob("data/pages/*.txt")), corpus.CMRC_TRIAL
    )
    day = corpus.generate(DAY_PARAGRAPHS, passages, seed=len(old))
    for article in day:
        article.date = "2099-01-01"
    write_days(day, scratch / "day")
    started = time.perf_counter()
    _ingest(db, [scratch / "day"])
    stored = time.perf_counter()
    build_index(db)
    indexed = time.perf_counter()
    added = searcher.refresh()
    refreshed = time.perf_counter()
    probe = day[0].paragraphs[0]
    hits = searcher.search(probe, 1)
    return {
        "day_paragraphs": DAY_PARAGRAPHS,
        "store_s": stored - started,
        "index_s": indexed - stored,
        "refresh_s": refreshed - indexed,
        "refreshed_paragraphs": added,
        "new_paragraph_found": bool(hits) and hits[0].paragraph_id > int(old[-1]),
    }
