"""`newsbot backup`: a consistent copy of a serving archive, restorable by pointing --db at it.

The index generation `CURRENT` names is copied first, then the database through SQLite's
online backup API in one step (one read transaction: a snapshot, while the bot keeps reading
and `newsbot ingest` keeps writing in WAL mode). The copy thus holds every paragraph its index
does, plus any stored meanwhile, which the restored archive indexes on first open.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import NewsbotError
from retrieval.search import index_root

log = logging.getLogger(__name__)

_TRIES = 3  # a concurrent save may delete the generation being copied: copy the new one


@dataclass
class BackupResult:
    """What `backup()` wrote."""

    target: Path
    generation: str | None  # the index generation copied, None when the archive had none
    db_bytes: int
    index_bytes: int
    seconds: float


def backup(db: Path, target: Path) -> BackupResult:
    """Copy the archive at `db` (database and current index) to `target` and `target.idx/`."""
    if not db.is_file():
        raise NewsbotError(f"{db}: no such database")
    if target.exists() or index_root(target).exists():
        raise NewsbotError(f"{target}: already exists; back up to a new file name")
    if target.resolve() == db.resolve():
        raise NewsbotError(f"{target}: is the database itself")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NewsbotError(f"{target}: cannot create its folder ({exc.strerror})") from None
    started = time.perf_counter()
    generation, index_bytes = _copy_index(index_root(db), index_root(target))
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        _copy_database(db, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(index_root(target), ignore_errors=True)
        raise
    result = BackupResult(
        target, generation, target.stat().st_size, index_bytes, time.perf_counter() - started
    )
    log.info("backed up %s to %s in %.1f s", db, target, result.seconds)
    return result


def _copy_database(db: Path, tmp: Path) -> None:
    source = sqlite3.connect(db, timeout=60)
    dest = sqlite3.connect(tmp)
    try:
        source.backup(dest)  # pages=-1: the whole database in one step, from one snapshot
    except sqlite3.Error as exc:
        raise NewsbotError(f"{db}: backup failed ({exc})") from None
    finally:
        dest.close()
        source.close()


def _copy_index(root: Path, target_root: Path) -> tuple[str | None, int]:
    """Copy the current generation and a `CURRENT` naming it; (its name, bytes copied)."""
    for _ in range(_TRIES):
        try:
            name = (root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None, 0
        staged = target_root / f"{name}.tmp"
        try:
            shutil.copytree(root / name, staged)
        except (FileNotFoundError, shutil.Error):  # replaced by a newer save meanwhile
            shutil.rmtree(staged, ignore_errors=True)
            continue
        os.replace(staged, target_root / name)
        (target_root / "CURRENT").write_text(name, encoding="utf-8")
        size = sum(p.stat().st_size for p in (target_root / name).iterdir())
        return name, size
    raise NewsbotError(f"{root}: the index kept changing while it was copied; try again")
