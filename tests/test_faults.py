"""Faults: an ingest SIGKILLed at random moments loses nothing, and two ingests beside a reader.

Bounded: a few kills on a corpus of a few hundred paragraphs, and one concurrent run of two
ingests and 120 questions; every subprocess has a timeout. `python -m benchmarks.faults`
runs the long version (>= 50 kills).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys

import pytest

from benchmarks import faults
from retrieval.doctor import examine
from retrieval.store import Store

KILLS = 3
FILES = 8
PARAGRAPHS = 400


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus files, a clean ingest's indexing seconds and the answers of a clean build."""
    work = tmp_path_factory.mktemp("faults")
    paths = faults.write_corpus(work / "corpus", FILES, PARAGRAPHS)
    clean = work / "clean.db"
    stored_s, clean_s = faults.timed_clean_ingest(paths, clean)
    return paths, clean_s - stored_s, faults.answers(clean)


def test_an_ingest_killed_at_random_moments_recovers_to_a_clean_build(corpus, tmp_path):
    paths, indexing_s, reference = corpus
    rng = random.Random(13)
    # Killed while storing (after a few files), and twice while indexing and saving.
    points = [(FILES // 2, 0.0)] + [(FILES, rng.uniform(0, indexing_s)) for _ in range(KILLS - 1)]
    for after, extra in points:
        kill = faults.kill_once(paths, tmp_path / "archive.db", after, extra, reference)
        assert kill.problems_after_kill == [], kill
        assert kill.recovered, kill


def test_a_partial_document_is_reported(corpus, tmp_path):
    paths, _, _ = corpus
    db = tmp_path / "archive.db"
    faults.ingest(paths[:1], db)
    with Store(db) as store:
        store.db.execute("DELETE FROM paragraphs WHERE id = (SELECT MAX(id) FROM paragraphs)")
        store.db.conn.commit()
    assert [p.split(":")[0] for p in faults.store_problems(db, paths)] == [str(paths[0])]


def test_answers_that_differ_are_told_apart(corpus):
    _, _, reference = corpus
    assert faults.same_answers(reference, reference)
    changed = [list(hits) for hits in reference]
    text, score = changed[0][0]
    changed[0][0] = (text, score + 1e-6)
    assert not faults.same_answers(changed, reference)


def test_two_ingests_at_once_beside_a_reader_lose_nothing(corpus, tmp_path):
    paths, _, reference = corpus
    db = tmp_path / "archive.db"
    faults.ingest(paths[:1], db)  # the reader needs a database to open
    # Both share one file under another name: exactly one of them stores it.
    twin = tmp_path / "twin.jsonl"
    shutil.copy(paths[4], twin)
    first, second = paths[1:5], [twin, *paths[5:]]
    questions = "\n".join(faults.QUESTIONS * 30) + "\n"
    reader = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "-", "--json", "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writers = [
        subprocess.Popen(faults.ingest_command(p, db), stdout=subprocess.PIPE, text=True)
        for p in (first, second)
    ]
    out, err = reader.communicate(questions, timeout=300)
    outputs = [w.communicate(timeout=300)[0] for w in writers]
    assert reader.returncode == 0, err
    assert len([json.loads(line) for line in out.splitlines()]) == len(faults.QUESTIONS) * 30
    assert [w.returncode for w in writers] == [0, 0], outputs
    assert sum(o.count("already ingested") for o in outputs) == 1
    with Store(db) as store:
        assert store.db["documents"].count == FILES
    assert faults.store_problems(db, [*paths, twin]) == []
    report = examine(db)  # the ingest that stored last saved an index of everything
    assert report.healthy, [c.line() for c in report.checks]
    assert faults.same_answers(faults.answers(db), reference)


def test_a_rerun_after_a_kill_during_indexing_builds_the_index(corpus, tmp_path):
    """Killed after its last file was stored and before the index was saved, an ingest's
    rerun finds every file a duplicate and must still build the index."""
    from retrieval.ingest import ingest_paths

    paths, _, reference = corpus
    db = tmp_path / "archive.db"
    with Store(db) as store:
        assert ingest_paths(store, paths).ok  # stored, never indexed
    faults.ingest(paths, db)
    assert examine(db).healthy
    assert faults.same_answers(faults.answers(db), reference)
