"""Fault injection: SIGKILL `newsbot ingest` at random moments, then check what it left.

    .venv/bin/python -m benchmarks.faults --kills 50

Each kill runs `newsbot ingest FILE... --db X` in a subprocess on a fresh database and kills
it at a random point of its progress (after 0 to all of its files are stored; once all are,
at a random moment of its indexing and saving), then checks the database as left: SQLite's
integrity_check, every stored document whole (its articles and paragraphs exactly those of its
file) and no orphan rows. Then it runs the ingest again to completion and checks that the
archive answers exactly as a clean build does and that `newsbot doctor` finds it healthy.
`tests/test_faults.py` runs a handful of kills in CI; the figures of a long run go to
`benchmarks/results/faults.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks import corpus

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "faults.json"
QUESTIONS = [
    "西宁半马几点开赛？",
    "参赛规模总计多少人？",
    "水厂项目什么时候投运？",
    "图书馆开放到几点？",
]
TOP_K = 10


def write_corpus(folder: Path, files: int, paragraphs: int, seed: int = 0) -> list[Path]:
    """`files` JSONL files holding `paragraphs` generated paragraphs between them."""
    from retrieval.resources import bundled_pages

    passages = corpus.source_passages(bundled_pages(), None)
    articles = corpus.generate(paragraphs, passages, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(files):
        path = folder / f"{i:04d}.jsonl"
        lines = [json.dumps(asdict(a), ensure_ascii=False) for a in articles[i::files]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def ingest_command(paths: list[Path], db: Path) -> list[str]:
    return [sys.executable, "-m", "bot", "ingest", *map(str, paths), "--db", str(db)]


def ingest(paths: list[Path], db: Path, timeout: float = 600) -> float:
    """Run an ingest to completion; its wall-clock seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        ingest_command(paths, db), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed ({done.returncode}): {done.stderr.strip()}")
    return time.perf_counter() - started


Answers = list[list[tuple[str, float]]]


def answers(db: Path) -> Answers:
    """Each question's hits as (paragraph text, score), from a fresh searcher."""
    from retrieval.search import Searcher

    searcher = Searcher.open(db)
    try:
        return [[(h.text, round(h.score, 9)) for h in searcher.search(q, TOP_K)] for q in QUESTIONS]
    finally:
        searcher.store.close()


def same_answers(got: Answers, want: Answers) -> bool:
    """Equal scores, rank by rank, and the same paragraphs above the last score (rows tied
    with it may be cut at k differently when the paragraphs went in in another order)."""
    for hits, expected in zip(got, want, strict=True):
        if [s for _, s in hits] != [s for _, s in expected]:
            return False
        floor = expected[-1][1] if expected else 0.0
        if {t for t, s in hits if s > floor} != {t for t, s in expected if s > floor}:
            return False
    return True


def store_problems(db: Path, paths: list[Path]) -> list[str]:
    """What is wrong with the database as a kill left it: integrity, partial documents."""
    from retrieval.readers import read_jsonl, read_text

    if not db.exists():
        return []  # killed before the database was created
    conn = sqlite3.connect(db)
    try:
        problems = [r for (r,) in conn.execute("PRAGMA integrity_check") if r != "ok"]
        problems += [f"orphan row {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        # Killed before the schema was committed, the database is as empty as before.
        stored = (
            conn.execute("SELECT id, name FROM documents").fetchall() if _has_schema(conn) else []
        )
        by_name = {str(p): p for p in paths}
        for document_id, name in stored:
            want = [len(a.paragraphs) for a in read_jsonl(read_text(by_name[name]), name)]
            got = [
                n
                for (n,) in conn.execute(
                    "SELECT COUNT(p.id) FROM articles a LEFT JOIN paragraphs p "
                    "ON p.article_id = a.id WHERE a.document_id = ? GROUP BY a.id "
                    "ORDER BY a.position",
                    [document_id],
                )
            ]
            if got != want:
                problems.append(f"{name}: partial ({got} paragraphs per article, not {want})")
    except sqlite3.DatabaseError as exc:
        problems.append(f"unreadable: {exc}")
    finally:
        conn.close()
    return problems


def _has_schema(conn: sqlite3.Connection) -> bool:
    query = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'documents'"
    return conn.execute(query).fetchone() is not None


def _documents(db: Path) -> int:
    """How many documents the database holds (0 when it or its tables do not exist yet)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        if not _has_schema(conn):
            return 0
        return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]


@dataclass
class Kill:
    """One kill: when, what it interrupted, and what the checks found."""

    killed_at_s: float  # since the ingest started
    documents_at_kill: int
    finished_first: bool  # the ingest ended before the delay: nothing was killed
    problems_after_kill: list[str] = field(default_factory=list)
    recovered: bool = False
    problems_after_recovery: list[str] = field(default_factory=list)


def kill_once(
    paths: list[Path], db: Path, after_documents: int, extra_s: float, reference: Answers
) -> Kill:
    """Run an ingest into a fresh `db`, SIGKILL it `extra_s` seconds after it has stored
    `after_documents` files (all of them: while it indexes), check what it left, run the
    ingest to completion and check again."""
    from retrieval.doctor import examine

    for leftover in db.parent.glob(db.name + "*"):
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    process = subprocess.Popen(
        ingest_command(paths, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    started = time.perf_counter()
    finished = _wait_for(process, db, after_documents) is not None
    if not finished:
        try:
            process.wait(timeout=extra_s)
            finished = True
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    kill = Kill(
        round(time.perf_counter() - started, 3), _documents(db), finished, store_problems(db, paths)
    )
    ingest(paths, db)
    after = store_problems(db, paths)
    report = examine(db)
    after += [c.line() for c in report.checks if not c.ok]
    if not same_answers(answers(db), reference):
        after.append("answers differ from a clean build's")
    kill.problems_after_recovery = after
    kill.recovered = not after
    return kill


def _wait_for(process: subprocess.Popen, db: Path, documents: int) -> int | None:
    """Poll until the ingest has stored `documents` files; its exit code if it ended first."""
    while (code := process.poll()) is None:
        if _documents(db) >= documents:
            return None
        time.sleep(0.01)
    return code


def timed_clean_ingest(paths: list[Path], db: Path) -> tuple[float, float]:
    """A clean ingest: (seconds until its last file was stored, seconds it took in all)."""
    process = subprocess.Popen(
        ingest_command(paths, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    started = time.perf_counter()
    if _wait_for(process, db, len(paths)) is not None:
        raise RuntimeError("the clean ingest ended before storing every file")
    stored = time.perf_counter() - started
    if process.wait(timeout=600) != 0:
        raise RuntimeError("the clean ingest failed")
    return stored, time.perf_counter() - started


def run(kills: int, files: int, paragraphs: int, work: Path, seed: int = 0) -> dict:
    """A clean build, then `kills` killed-and-completed ingests; a summary with every kill.

    Each kill picks a point of progress, not a time (a shared machine's speed varies): after
    0..files stored files, plus up to a clean run's indexing time once all are stored."""
    rng = random.Random(seed)
    shutil.rmtree(work, ignore_errors=True)
    paths = write_corpus(work / "corpus", files, paragraphs, seed)
    clean = work / "clean" / "archive.db"
    clean.parent.mkdir(parents=True)
    stored_s, clean_s = timed_clean_ingest(paths, clean)
    reference = answers(clean)
    (work / "killed").mkdir()
    results = []
    for _ in range(kills):
        after = rng.randint(0, files)
        extra = rng.uniform(0, clean_s - stored_s) if after == files else rng.uniform(0, 0.05)
        results.append(kill_once(paths, work / "killed" / "archive.db", after, extra, reference))
    return {
        "kills": kills,
        "files": files,
        "paragraphs": paragraphs,
        "clean_ingest_s": round(clean_s, 2),
        "clean_indexing_s": round(clean_s - stored_s, 2),
        "recovered": sum(k.recovered for k in results),
        "whole_after_kill": sum(not k.problems_after_kill for k in results),
        "killed_before_any_document": sum(
            k.documents_at_kill == 0 and not k.finished_first for k in results
        ),
        "killed_while_storing": sum(0 < k.documents_at_kill < files for k in results),
        "killed_while_indexing": sum(
            k.documents_at_kill == files and not k.finished_first for k in results
        ),
        "finished_before_the_kill": sum(k.finished_first for k in results),
        "results": [asdict(k) for k in results],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--files", type=int, default=40, help="JSONL files in the corpus")
    parser.add_argument("--paragraphs", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=HERE / "out" / "faults")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    summary = run(args.kills, args.files, args.paragraphs, args.work, args.seed)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    print(
        f"{summary['recovered']}/{summary['kills']} recovered, {summary['whole_after_kill']} "
        f"whole right after the kill; killed before any document "
        f"{summary['killed_before_any_document']}, while storing "
        f"{summary['killed_while_storing']}, while indexing {summary['killed_while_indexing']}, "
        f"not killed (finished first) {summary['finished_before_the_kill']}; "
        f"clean ingest {summary['clean_ingest_s']} s"
    )


if __name__ == "__main__":
    main()
