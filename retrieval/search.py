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

Tokens. No token cache: the index itself is the compact form of every paragraph's tokens (its
postings hold each term's counts), so a paragraph is tokenized once, when it is first indexed,
and again only when the index is lost or the tokenizer changes (`BENCHMARKS.md`, "Footprint
and faults": a cache of the tokens as text cost 2.7x the text itself, and re-tokenizing on two
cores is within a small factor of reading it back). A running searcher picks up the
generations that `newsbot ingest` saves instead of tokenizing the new paragraphs itself.

Staleness. An index built by another tokenizer version still serves (with a warning) until
`newsbot ingest` or `newsbot doctor --repair` rebuilds it: the first question never waits for
a rebuild.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
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

_BATCH = 20_000  # paragraphs read and tokenized at a time (bounds memory)
_SAVE_MIN_NEW = 50_000  # Searcher.open() persists the index after adding this many paragraphs
# The table of the token cache that stores made before the cache was dropped still hold; only
# `newsbot doctor` looks at it (to report and, with --repair, drop it).
OLD_CACHE_TABLE = "paragraph_tokens"

Progress = Callable[[int, int], None]  # (paragraphs indexed so far, paragraphs to index)


@dataclass(frozen=True)
class _View:
    """An index and its row → paragraph id map; swapped as one reference."""

    index: BM25Index
    paragraph_ids: np.ndarray  # one per index row, ascending
    generation: str | None = None  # the saved generation it was loaded from, if any

    @property
    def last_id(self) -> int:
        return int(self.paragraph_ids[-1]) if len(self.paragraph_ids) else 0


@dataclass(frozen=True)
class SavedIndex:
    """The generation `CURRENT` names beside a store, as loaded, and what is wrong with it.

    `problem` is None for an index this store can serve and extend; `stale` says the problem
    is only the tokenizer version (the index still serves, and a rebuild is due)."""

    view: _View | None
    problem: str | None
    stale: bool = False


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
        # Only a file store's index with the default tokenizer is kept on disk and shared.
        self._persist = store.path is not None and tokenizer == DEFAULT

    @classmethod
    def open(cls, db: str | Path | Store, *, tokenizer: Tokenizer = DEFAULT) -> Searcher:
        """A searcher over the store at `db` (or the `Store` itself), its index loaded from
        `X.db.idx/` and brought up to date; built (and saved) when there is none."""
        store = db if isinstance(db, Store) else _open_store(Path(db))
        searcher = cls(store, _empty_view(), tokenizer)
        saved = load_saved(store) if searcher._persist else None
        if saved is not None and saved.view is not None:
            searcher._view = saved.view
            if saved.stale:
                log.warning(
                    "%s; serving it until `newsbot ingest` or `newsbot doctor --repair` "
                    "rebuilds it",
                    saved.problem,
                )
        elif saved is not None and saved.problem:
            log.info("%s; building a new index", saved.problem)
        tokenizer.query_tokens("热身")  # load jieba's dictionary now, not on the first question
        added = searcher.refresh()
        fresh = saved is None or saved.view is None
        if searcher._persist and not (saved and saved.stale) and (fresh or added >= _SAVE_MIN_NEW):
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

    def refresh(self, progress: Progress | None = None, *, adopt: bool = True) -> int:
        """Index the paragraphs added to the store since; returns how many. A newer generation
        saved by another process (`newsbot ingest`) is taken over first (unless `adopt` is
        False), so its paragraphs are not tokenized again. Searches running meanwhile use the
        previous index, then the new one: never a half-built one."""
        with self._lock:
            before = self._view.index.n_docs
            if adopt:
                self._adopt_saved()
            view = self._view
            total = self.store.db.execute(
                "SELECT COUNT(*) FROM paragraphs WHERE id > ?", [view.last_id]
            ).fetchone()[0]
            if not total:
                return view.index.n_docs - before
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
            return index.n_docs - before

    def _adopt_saved(self) -> None:
        """Serve the current saved generation instead when it is sound and covers more."""
        if not self._persist or _current_name(self.store.path) in (None, self._view.generation):
            return
        saved = load_saved(self.store)
        if saved.view is not None and not saved.problem and saved.view.last_id > self._view.last_id:
            self._view = saved.view

    def save(self) -> None:
        """Write the index as a new generation in `X.db.idx/` and make it the current one."""
        if not self._persist:
            raise NewsbotError("only a file store's index with the default tokenizer is saved")
        root = index_root(self.store.path)
        root.mkdir(exist_ok=True)
        with self._lock:
            view = self._view
            name = f"g{time.time_ns()}"
            tmp = root / f"{name}.{os.getpid()}.tmp"  # the pid tells doctor whether it is live
            meta = {
                "tokenizer_version": TOKENIZER_VERSION,
                "paragraphs": int(view.index.n_docs),
                "last_paragraph_id": view.last_id,
                "store_id": self.store.get_meta("store_id"),
            }
            view.index.save(tmp, meta=meta)
            _write_ids(tmp / "paragraph_ids.npy", view.paragraph_ids)
            _sync_tree(tmp)
            with _pointer_lock(root):
                ahead = _covered_by_current(root, meta)
                if ahead:
                    shutil.rmtree(tmp, ignore_errors=True)
                else:
                    os.replace(tmp, root / name)
                    pointer = root / f"CURRENT.{name}.tmp"
                    pointer.write_text(name, encoding="utf-8")
                    _sync_file(pointer)
                    os.replace(pointer, root / "CURRENT")
                    _sync_file(root)
            if ahead:
                log.info("another process saved an index of paragraphs up to %d; kept it", ahead)
                return
            # Serve from the new files, so the old generation can go (open mmaps stay valid).
            self._view = _View(BM25Index.load(root / name), view.paragraph_ids, name)
        remove_old_generations(root, name)
        log.info("saved the index of %d paragraphs in %s", view.index.n_docs, root / name)


@contextlib.contextmanager
def _pointer_lock(root: Path) -> Iterator[None]:
    """Held while `CURRENT` is compared and replaced: two `newsbot ingest`s saving at once
    never move it back to the one that covers fewer paragraphs."""
    with open(root / "LOCK", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _covered_by_current(root: Path, meta: dict) -> int:
    """The last paragraph id of the current generation when it is of the same store and
    tokenizer and covers more than `meta` says; else 0."""
    name = _current_name_in(root)
    try:
        saved = json.loads((root / str(name) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    theirs = saved.get("meta", {})
    same = all(theirs.get(k) == meta[k] for k in ("tokenizer_version", "store_id"))
    last = theirs.get("last_paragraph_id", 0)
    return last if same and last > meta["last_paragraph_id"] else 0


def remove_old_generations(root: Path, current: str) -> list[Path]:
    """Delete the generations `orphan_generations` finds; returns them."""
    removed = orphan_generations(root, current)
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def orphan_generations(root: Path, current: str | None) -> list[Path]:
    """Generations nobody will read: whole ones older than `current`, and temporary ones whose
    writer is gone (or that are over an hour old, in case its pid was reused). Newer whole
    ones and saves in progress belong to another process and are left alone."""
    if not root.is_dir():
        return []
    hour_ago = time.time_ns() - 3600 * 10**9
    found = []
    for path in sorted(root.iterdir()):
        name, _, writer = path.name.removesuffix(".tmp").partition(".")
        if not (path.is_dir() and name.startswith("g") and name[1:].isdigit()):
            continue
        if path.name == name:
            orphan = current is not None and int(name[1:]) < int(current[1:])
        else:
            orphan = int(name[1:]) < hour_ago or not (writer.isdigit() and _alive(int(writer)))
        if orphan:
            found.append(path)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def build_index(
    db_path: str | Path, progress: bool | Progress = False, *, rebuild: bool = False
) -> bool:
    """Bring the on-disk index beside `db_path` up to date: new paragraphs are added, and an
    index that is missing, unreadable, another database's or another tokenizer's (or any,
    with `rebuild`) is built anew. Returns True when a new generation was saved.

    `progress` is a callback `(done, total)`, or True to log progress at INFO level."""
    report = progress if callable(progress) else (_log_progress if progress else None)
    with _open_store(Path(db_path)) as store:
        saved = load_saved(store)
        sound = saved.view is not None and not saved.problem and not rebuild
        if not sound and saved.problem:
            log.info("%s; rebuilding it", saved.problem)
        searcher = Searcher(store, saved.view if sound else _empty_view())
        if searcher.refresh(report, adopt=not rebuild) or not sound:
            searcher.save()
            return True
        return False


def _log_progress(done: int, total: int) -> None:
    log.info("indexed %d of %d paragraphs", done, total)


def _open_store(path: Path) -> Store:
    if not path.is_file():
        raise NewsbotError(f"{path}: no such database; run `newsbot ingest` first")
    return Store(path)


def index_root(db_path: Path) -> Path:
    """The folder of a database's index generations: `X.db.idx/` beside `X.db`."""
    return db_path.with_name(db_path.name + ".idx")


def _current_name(db_path: Path) -> str | None:
    return _current_name_in(index_root(db_path))


def _current_name_in(root: Path) -> str | None:
    try:
        return (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def _empty_view() -> _View:
    return _View(BM25Index.build([], k1=K1, b=B, epsilon=EPSILON), np.zeros(0, dtype=np.int64))


def _write_ids(path: Path, ids: np.ndarray) -> None:
    """Paragraph ids as the smallest integer type that holds them (int32 up to 2**31 - 1)."""
    np.save(path, ids.astype(np.int32) if ids.size and ids[-1] < 2**31 else ids)


def _sync_file(path: Path) -> None:
    """fsync a file or a directory, so a power cut cannot leave `CURRENT` naming a
    generation whose files never reached the disk (a SIGKILL alone needs no sync)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(directory: Path) -> None:
    for path in directory.iterdir():
        _sync_file(path)
    _sync_file(directory)


def load_saved(store: Store) -> SavedIndex:
    """The generation `CURRENT` names, with what (if anything) stops this store using it."""
    root = index_root(store.path)
    for _ in range(3):  # a concurrent save may remove the generation just named: read again
        name = _current_name(store.path)
        if name is None:
            return SavedIndex(None, None)
        try:
            index = BM25Index.load(root / name)
            ids = np.load(root / name / "paragraph_ids.npy").astype(np.int64)
            break
        except FileNotFoundError:
            continue
        except (NewsbotError, OSError, ValueError) as exc:
            return SavedIndex(None, f"the index in {root} is unreadable ({exc})")
    else:
        return SavedIndex(None, f"the index in {root} names a generation that is gone")
    view = _View(index, ids, name)
    problem = _mismatch(store, view)
    if problem:
        return SavedIndex(None, f"the index in {root} {problem}")
    version = index.meta.get("tokenizer_version")
    if version != TOKENIZER_VERSION:
        problem = f"the index in {root} was made by tokenizer {version}, not {TOKENIZER_VERSION}"
        return SavedIndex(view, problem, stale=True)
    return SavedIndex(view, None)


def _mismatch(store: Store, view: _View) -> str | None:
    """Why an index cannot serve this store, or None. It must belong to this very database (a
    database deleted and built anew next to an old index has another store_id) and its last
    paragraph must still be there. Point look-ups: counting the tables cost ~0.8 s of a 1M
    store's cold start."""
    index = view.index
    if index.meta.get("store_id") != store.get_meta("store_id"):
        return "belongs to another database (its store_id differs)"
    if (index.k1, index.b, index.epsilon) != (K1, B, EPSILON):
        return f"has k1={index.k1}, b={index.b}, epsilon={index.epsilon}, not {K1}, {B}, {EPSILON}"
    if len(view.paragraph_ids) != index.n_docs:
        return f"has {index.n_docs} rows but {len(view.paragraph_ids)} paragraph ids"
    present = store.db.execute("SELECT 1 FROM paragraphs WHERE id = ?", [view.last_id]).fetchone()
    if index.n_docs and present is None:
        return f"ends at paragraph {view.last_id}, which the database does not hold"
    return None


def _token_batches(
    store: Store, after_id: int, tokenizer: Tokenizer
) -> Iterator[tuple[list[int], list[list[str]]]]:
    """(paragraph ids, token lists) of the paragraphs after `after_id`, in id order, a batch at
    a time; the next batch is submitted for tokenizing before this one is handed out."""
    rows = store.iter_paragraphs(after_id=after_id, batch=_BATCH)
    with TokenizerPool(tokenizer) as pool:
        pending = None
        while batch := list(islice(rows, _BATCH)):
            job = pool.submit([document_text(row) for row in batch])
            if pending:
                yield _finish(*pending)
            pending = (batch, job)
        if pending:
            yield _finish(*pending)


def _finish(
    batch: list[ParagraphRow], job: Callable[[], list[str]]
) -> tuple[list[int], list[list[str]]]:
    """A batch's ids and tokens once its tokenizing is done."""
    return [row.id for row in batch], [joined.split() for joined in job()]


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
