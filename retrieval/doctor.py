"""`newsbot doctor`: check an archive (the SQLite store and its index) and repair what is stale.

Checks, in order: SQLite's own integrity_check and foreign keys (not repairable here: restore
a backup), the write-ahead log's size, the token cache older stores still carry, the index
(loadable, sound inside, this store's, this tokenizer's, its paragraph ids the store's own,
nothing left unindexed) and index generations nobody will read. `repair=True` checkpoints
the log, drops the old cache, rebuilds or completes the index and deletes orphan generations.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retrieval.errors import NewsbotError
from retrieval.index import FORMAT_VERSION
from retrieval.search import (
    OLD_CACHE_TABLE,
    build_index,
    index_root,
    load_saved,
    orphan_generations,
    remove_old_generations,
)
from retrieval.store import Store

log = logging.getLogger(__name__)

# A log this large means checkpoints are not keeping up (SQLite's own threshold is ~4 MB).
WAL_LIMIT_BYTES = 64 * 2**20


@dataclass
class Check:
    """One finding: `ok`, or a problem that `repaired` may have fixed."""

    name: str
    ok: bool
    detail: str
    repairable: bool = True
    repaired: bool = False

    @property
    def status(self) -> str:
        if self.ok:
            return "ok"
        return "fixed" if self.repaired else "PROBLEM"

    def line(self) -> str:
        return f"{self.status:<8} {self.name}: {self.detail}"


@dataclass
class Report:
    """Every check of one run; healthy when each is ok or was repaired."""

    db: Path
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(c.ok or c.repaired for c in self.checks)


def examine(db: Path, *, repair: bool = False) -> Report:
    """Check the archive at `db`; with `repair`, fix what is stale and say what was done."""
    if not db.is_file():
        raise NewsbotError(f"{db}: no such database")
    report = Report(db)
    try:
        with Store(db) as store:
            report.checks += _sqlite_checks(store)
            if not report.checks[0].ok:  # nothing else can be trusted: stop here
                return report
            report.checks.append(_wal(db, store, repair))
            report.checks.append(_old_cache(store, repair))
        report.checks.append(_index(db, repair))
        report.checks.append(_generations(db, repair))
    except sqlite3.DatabaseError as exc:
        raise NewsbotError(f"{db}: damaged ({exc}); restore a backup") from None
    return report


def _sqlite_checks(store: Store) -> list[Check]:
    try:
        rows = [r for (r,) in store.db.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    integrity = Check(
        "integrity",
        rows == ["ok"],
        "PRAGMA integrity_check ok"
        if rows == ["ok"]
        else "; ".join(rows) + " (restore a backup: `newsbot backup`)",
        repairable=False,
    )
    dangling = store.db.execute("PRAGMA foreign_key_check").fetchall()
    keys = Check(
        "foreign keys",
        not dangling,
        "every row's parent exists"
        if not dangling
        else f"{len(dangling)} rows name a missing parent (first: {tuple(dangling[0])})",
        repairable=False,
    )
    return [integrity, keys]


def _wal(db: Path, store: Store, repair: bool) -> Check:
    wal = db.with_name(db.name + "-wal")
    size = wal.stat().st_size if wal.exists() else 0
    check = Check("wal", size <= WAL_LIMIT_BYTES, f"{_mb(size)} write-ahead log")
    if not check.ok:
        check.detail += f" (over {_mb(WAL_LIMIT_BYTES)}: a reader held checkpoints back)"
        if repair:
            busy, _, _ = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            check.repaired = not busy
            check.detail += "; checkpointed" if not busy else "; still in use, try again later"
    return check


def _old_cache(store: Store, repair: bool) -> Check:
    """The text token cache of stores made before it was dropped: ~2.7x the text, unread."""
    if OLD_CACHE_TABLE not in store.db.table_names():
        return Check("token cache", True, "none (the index is the only copy of the tokens)")
    size = store.db.execute(
        "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = ?", [OLD_CACHE_TABLE]
    ).fetchone()[0]
    check = Check(
        "token cache", False, f"the old `{OLD_CACHE_TABLE}` table takes {_mb(size)}, unread"
    )
    if repair:
        with store.db.conn:
            store.db.execute(f"DROP TABLE {OLD_CACHE_TABLE}")
            store.db.execute("DELETE FROM meta WHERE key = 'tokenizer_version'")
        store.db.execute("VACUUM")
        check.repaired = True
        check.detail += "; dropped and the file compacted"
    return check


def _index(db: Path, repair: bool) -> Check:
    """The saved index against the store: whole, this store's and tokenizer's, up to date."""
    with Store(db) as store:
        saved = load_saved(store)
        problem, rebuild = saved.problem, saved.view is None or saved.stale
        if saved.view is None and problem is None:
            problem = f"no index in {index_root(db)}"
        view = saved.view
        if view is not None and problem is None:
            problem, rebuild = _index_problem(store, view)
        if problem is None:
            index = view.index
            return Check(
                "index",
                True,
                f"{view.generation}: {index.n_docs:,} paragraphs, ids agree with the store, "
                f"tokenizer {index.meta.get('tokenizer_version')}, store_id "
                f"{index.meta.get('store_id')}",
            )
    check = Check("index", False, problem)
    if repair:
        build_index(db, rebuild=rebuild)
        with Store(db) as store:
            after = load_saved(store)
            left = after.problem or (after.view and _index_problem(store, after.view)[0])
        check.repaired = not left
        done = "rebuilt" if rebuild else "brought up to date"
        check.detail += f"; {done}" if not left else f"; still wrong after repair: {left}"
    return check


def _index_problem(store: Store, view) -> tuple[str | None, bool]:
    """(what is wrong, whether it needs a rebuild rather than new paragraphs added)."""
    index = view.index
    inside = index.problems()
    if inside:
        return "inconsistent: " + "; ".join(inside), True
    if index.saved_format != FORMAT_VERSION:
        return f"in the older format {index.saved_format} (now {FORMAT_VERSION})", True
    stored = np.fromiter(
        (r for (r,) in store.db.execute("SELECT id FROM paragraphs ORDER BY id")), dtype=np.int64
    )
    covered = stored[: len(view.paragraph_ids)]
    if not np.array_equal(covered, view.paragraph_ids):
        return "its paragraph ids differ from the store's", True
    missing = len(stored) - len(view.paragraph_ids)
    if missing:
        return f"{missing:,} paragraphs stored but not yet indexed", False
    return None, False


def _generations(db: Path, repair: bool) -> Check:
    root = index_root(db)
    with Store(db) as store:
        current = load_saved(store).view
    name = current.generation if current is not None else None
    orphans = orphan_generations(root, name)
    if not orphans:
        return Check("generations", True, "no orphan index generations")
    size = sum(p.stat().st_size for g in orphans for p in g.rglob("*") if p.is_file())
    names = ", ".join(p.name for p in orphans[:3]) + (" …" if len(orphans) > 3 else "")
    check = Check("generations", False, f"{len(orphans)} orphan ({_mb(size)}): {names}")
    if repair and name is not None:
        remove_old_generations(root, name)
        check.repaired = True
        check.detail += "; removed"
    return check


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"
