"""`Searcher`: a store plus its BM25 index; questions in, best paragraphs (`Hit`s) out.

Parameters, measured with `benchmarks/tokenizer_variants.py` (paragraph Recall@1 on the CMRC
2018 trial set: 835 paragraphs of ~150 characters, 1,002 questions; paragraph@1 on our gold
set over the bundled page: 56 questions):
- hybrid tokens, k1=0.5, b=0.3, epsilon=0: CMRC 0.856 (R@5 0.993), gold 0.911;
- hybrid with rank_bm25's defaults (k1=1.5, b=0.75, epsilon=0.25): 0.827, gold 0.893;
- plain jieba words: 0.797 (gold 0.911) with those defaults, 0.854 (R@5 0.990, gold 0.893)
  with ours.
Hybrid tokens cost 1.8 times the postings of words (101 vs 56 a paragraph) for a small gain
here, and are kept for what two small sets cannot show: a question's compound cut otherwise
than the text's (马拉松 / 马拉松赛) still matches through sub-words and bigrams.
A small k1 saturates term frequency early: a paragraph that names a question's term once is
nearly as good as one that repeats it, which suits questions aimed at one sentence. epsilon=0
gives a term found in more than half of the paragraphs no weight: rank_bm25's default floor
(0.25 x the mean idf) would rank such a term, e.g. the city a local paper is named after,
above one found in 30% of them (rank_bm25 issue #35); on both sets the two tie.

Files. Beside `X.db` lives `X.db.idx/`: generation directories (`g<time>`) each holding a whole
index, and `CURRENT` naming the live one. A save writes a new generation, then replaces
`CURRENT` (an atomic rename), so a process opening the index never reads a half-written one;
unchanged postings are hard-linked from the previous generation, not copied.

Tokens. `paragraph_tokens` caches each paragraph's index tokens (headline text included), keyed
by `meta['tokenizer_version']`; an index rebuild reads them instead of re-running jieba.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from retrieval.errors import NewsbotError
from retrieval.index import BM25Index
from retrieval.models import Hit
from retrieval.store import ParagraphRow, Store
from retrieval.tokenize import DEFAULT, TOKENIZER_VERSION, Tokenizer, TokenizerPool

log = logging.getLogger(__name__)

K1 = 0.5
B = 0.3
EPSILON = 0.0

_BATCH = 20_000  # paragraphs read, tokenized and cached per transaction (bounds memory)
_SAVE_MIN_NEW = 50_000  # Searcher.open() persists the index after adding this many paragraphs
_CACHE_TABLE = "paragraph_tokens"

Progress = Callable[[int, int], None]  # (paragraphs indexed so far, paragraphs to index)


@dataclass(frozen=True)
class _View:
    """An index and its row → paragraph id map; swapped as one reference."""

    index: BM25Index
    paragraph_ids: np.ndarray  # int64, one per index row

    @property
    def last_id(self) -> int:
        return int(self.paragraph_ids[-1]) if len(self.paragraph_ids) else 0


def document_text(row: ParagraphRow) -> str:
    """The text a paragraph is indexed under: its article's headings, then its own text.

    Line breaks keep the parts apart, so no bigram joins a headline to the paragraph."""
    return "\n".join(part for part in (row.kicker, row.title, row.subtitle, row.text) if part)


class Searcher:
    """BM25 search over a store's paragraphs; `refresh()` picks up paragraphs added since."""

    def __init__(self, store: Store, view: _View, tokenizer: Tokenizer = DEFAULT) -> None:
        self.store = store
        self.tokenizer = tokenizer
        self._view = view
        self._lock = threading.Lock()

    @classmethod
    def open(cls, db: str | Path | Store, *, tokenizer: Tokenizer = DEFAULT) -> Searcher:
        """A searcher over the store at `db` (or the `Store` itself), its index loaded from
        `X.db.idx/` and brought up to date from the token cache; built when missing."""
        store = db if isinstance(db, Store) else _open_store(Path(db))
        persist = store.path is not None and tokenizer == DEFAULT
        view = _load_view(store) if persist else None
        searcher = cls(store, view or _empty_view(), tokenizer)
        tokenizer.query_tokens("热身")  # load jieba's dictionary now, not on the first question
        added = searcher.refresh()
        if persist and (view is None or added >= _SAVE_MIN_NEW):
            try:
                searcher.save()
            except OSError as exc:  # a read-only place still serves, from memory
                log.warning("could not save the index beside %s: %s", store.path, exc)
        return searcher

    @property
    def n_paragraphs(self) -> int:
        return self._view.index.n_docs

    def search(self, question: str, k: int = 10, *, tokens: list[str] | None = None) -> list[Hit]:
        """The k best paragraphs for the question (or for `tokens`), best first; paragraphs
        sharing no weighted term with it (score 0) are left out."""
        view = self._view
        query = self.tokenizer.query_tokens(question) if tokens is None else tokens
        if not query or k <= 0:
            return []
        rows, scores = view.index.top_k(query, k)
        keep = scores > 0
        ids = view.paragraph_ids[rows[keep]].tolist()
        found = _paragraphs(self.store, ids)
        return [
            Hit(pid, found[pid][0], found[pid][1], float(score), found[pid][2])
            for pid, score in zip(ids, scores[keep].tolist(), strict=True)
            if pid in found
        ]

    def refresh(self, progress: Progress | None = None) -> int:
        """Index the paragraphs added to the store since; returns how many. Searches running
        meanwhile use the previous index, then the new one: never a half-built one."""
        with self._lock:
            view = self._view
            total = self.store.db.execute(
                "SELECT COUNT(*) FROM paragraphs WHERE id > ?", [view.last_id]
            ).fetchone()[0]
            if not total:
                return 0
            ids: list[int] = []

            def tokens() -> Iterator[list[str]]:
                for batch_ids, batch_tokens in _token_batches(
                    self.store, view.last_id, self.tokenizer
                ):
                    ids.extend(batch_ids)
                    if progress:
                        progress(len(ids), total)
                    yield from batch_tokens

            index = copy.copy(view.index)  # add() swaps the copy's state; the view keeps its own
            index.add(tokens())  # one add: its postings are merged once, not once per batch
            self._view = _View(
                index, np.concatenate([view.paragraph_ids, np.array(ids, dtype=np.int64)])
            )
            log.info("indexed %d new paragraphs (%d in all)", len(ids), index.n_docs)
            return len(ids)

    def save(self) -> None:
        """Write the index as a new generation in `X.db.idx/` and make it the current one."""
        if self.store.path is None or self.tokenizer != DEFAULT:
            raise NewsbotError("only a file store's index with the default tokenizer is saved")
        root = _index_root(self.store.path)
        root.mkdir(exist_ok=True)
        with self._lock:
            view = self._view
            name = f"g{time.time_ns()}"
            tmp = root / f"{name}.tmp"
            meta = {
                "tokenizer_version": TOKENIZER_VERSION,
                "paragraphs": int(view.index.n_docs),
                "last_paragraph_id": view.last_id,
                "store_id": self.store.get_meta("store_id"),
            }
            view.index.save(tmp, meta=meta)
            np.save(tmp / "paragraph_ids.npy", view.paragraph_ids)
            os.replace(tmp, root / name)
            pointer = root / f"CURRENT.{name}.tmp"  # unique: two writers never share it
            pointer.write_text(name, encoding="utf-8")
            os.replace(pointer, root / "CURRENT")
            # Serve from the new files, so the old generation can go (open mmaps stay valid).
            self._view = _View(BM25Index.load(root / name), view.paragraph_ids)
        _remove_old_generations(root, name)
        log.info("saved the index of %d paragraphs in %s", view.index.n_docs, root / name)


def _remove_old_generations(root: Path, current: str) -> None:
    """Delete generations older than `current`, and temporary ones abandoned for an hour;
    another process may be writing a newer one meanwhile (names grow with time)."""
    stale = time.time_ns() - 3600 * 10**9
    for path in root.iterdir():
        name = path.name.removesuffix(".tmp")
        if not (path.is_dir() and name.startswith("g") and name[1:].isdigit()):
            continue
        if (path.name == name and int(name[1:]) < int(current[1:])) or int(name[1:]) < stale:
            shutil.rmtree(path, ignore_errors=True)


def build_index(db_path: str | Path, progress: bool | Progress = False) -> None:
    """Bring the on-disk index beside `db_path` up to date (tokenizing only uncached paragraphs).

    `progress` is a callback `(done, total)`, or True to log progress at INFO level."""
    report = progress if callable(progress) else (_log_progress if progress else None)
    with _open_store(Path(db_path)) as store:
        view = _load_view(store)
        searcher = Searcher(store, view or _empty_view())
        if searcher.refresh(report) or view is None:
            searcher.save()


def _log_progress(done: int, total: int) -> None:
    log.info("indexed %d of %d paragraphs", done, total)


def _open_store(path: Path) -> Store:
    if not path.is_file():
        raise NewsbotError(f"{path}: no such database; run `newsbot ingest` first")
    return Store(path)


def _index_root(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".idx")


def _empty_view() -> _View:
    return _View(BM25Index.build([], k1=K1, b=B, epsilon=EPSILON), np.zeros(0, dtype=np.int64))


def _load_view(store: Store) -> _View | None:
    """The persisted index, when it matches this store, tokenizer and parameters; else None."""
    root = _index_root(store.path)
    for _ in range(3):  # a concurrent save may remove the generation just named: read again
        try:
            name = (root / "CURRENT").read_text(encoding="utf-8").strip()
            index = BM25Index.load(root / name)
            ids = np.load(root / name / "paragraph_ids.npy")
            break
        except FileNotFoundError:
            continue
        except (NewsbotError, OSError, ValueError) as exc:
            log.warning("ignoring the index in %s: %s", root, exc)
            return None
    else:
        return None
    view = _View(index, ids)
    # The index must belong to this very database (a database deleted and built anew next to
    # an old index has another store_id) and its last paragraph must still be there with its
    # cached tokens. Point look-ups: counting the tables cost ~0.8 s of a 1M store's cold start.
    _prepare_cache(store)
    last_id = view.last_id
    present = [
        store.db.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", [last_id]).fetchone()
        is not None
        for table, key in (("paragraphs", "id"), (_CACHE_TABLE, "paragraph_id"))
    ]
    if (
        index.meta.get("tokenizer_version") != TOKENIZER_VERSION
        or index.meta.get("store_id") != store.get_meta("store_id")
        or (index.k1, index.b, index.epsilon) != (K1, B, EPSILON)
        or (index.n_docs and not all(present))
        or len(ids) != index.n_docs
    ):
        log.info("the index in %s is stale; rebuilding it from the token cache", root)
        return None
    return view


def _token_batches(
    store: Store, after_id: int, tokenizer: Tokenizer
) -> Iterator[tuple[list[int], list[list[str]]]]:
    """(paragraph ids, token lists) of the paragraphs after `after_id`, in id order, a batch at
    a time: tokens from the cache, tokenizing (and caching) only paragraphs missing from it.
    The next batch is submitted for tokenizing before this one is handed out."""
    cached = tokenizer == DEFAULT
    if cached:
        _prepare_cache(store)
    rows = store.iter_paragraphs(after_id=after_id, batch=_BATCH)
    with TokenizerPool(tokenizer) as pool:
        pending = None
        while batch := list(islice(rows, _BATCH)):
            have = _cached_tokens(store, batch[0].id, batch[-1].id) if cached else {}
            todo = [row for row in batch if row.id not in have]
            job = pool.submit([document_text(row) for row in todo])
            if pending:
                yield _finish(store, cached, *pending)
            pending = (batch, have, todo, job)
        if pending:
            yield _finish(store, cached, *pending)


def _cached_tokens(store: Store, first_id: int, last_id: int) -> dict[int, str]:
    query = f"SELECT paragraph_id, tokens FROM {_CACHE_TABLE} WHERE paragraph_id BETWEEN ? AND ?"
    return dict(store.db.execute(query, [first_id, last_id]).fetchall())


def _finish(
    store: Store,
    cached: bool,
    batch: list[ParagraphRow],
    have: dict[int, str],
    todo: list[ParagraphRow],
    job: Callable[[], list[str]],
) -> tuple[list[int], list[list[str]]]:
    """A batch's ids and tokens once its tokenizing is done, the new tokens cached."""
    fresh = dict(zip((row.id for row in todo), job(), strict=True))
    if cached and fresh:
        with store.db.conn:
            store.db.conn.executemany(
                f"INSERT OR REPLACE INTO {_CACHE_TABLE} (paragraph_id, tokens) VALUES (?, ?)",
                fresh.items(),
            )
    have.update(fresh)
    return [row.id for row in batch], [have[row.id].split() for row in batch]


def _prepare_cache(store: Store) -> None:
    """Create the token cache, emptying it when it was made by another tokenizer version."""
    db = store.db
    if _CACHE_TABLE not in db.table_names():
        db[_CACHE_TABLE].create(
            {"paragraph_id": int, "tokens": str},
            pk="paragraph_id",
            foreign_keys=[("paragraph_id", "paragraphs", "id")],
            if_not_exists=True,
        )
    if store.get_meta("tokenizer_version") != TOKENIZER_VERSION:
        with db.conn:
            db.execute(f"DELETE FROM {_CACHE_TABLE}")
        store.set_meta("tokenizer_version", TOKENIZER_VERSION)


def _paragraphs(store: Store, ids: list[int]) -> dict[int, tuple[int, str, str]]:
    """paragraph id → (article id, article title, paragraph text), in one query."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = store.db.execute(
        f"SELECT p.id, p.article_id, a.title, p.text FROM paragraphs p "
        f"JOIN articles a ON a.id = p.article_id WHERE p.id IN ({marks})",
        ids,
    ).fetchall()
    return {pid: (aid, title, text) for pid, aid, title, text in rows}
