"""`newsbot doctor [--repair]`: every check finds its problem, and --repair fixes what it can."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
from archives import add_articles
from click.testing import CliRunner

from bot.cli import cli
from retrieval import doctor, search
from retrieval.models import Article
from retrieval.search import Searcher, build_index, index_root, load_saved
from retrieval.store import Store

RACE = Article(
    title="西宁半程马拉松赛周日开跑",
    paragraphs=[
        "8月25日7时30分，2024西宁半程马拉松赛将在海湖体育中心鸣枪开赛。",
        "参赛规模总计12000人，较上年增加2000余人。",
    ],
)
WATER = Article(title="南川水厂一期项目加快建设", paragraphs=["项目投运后将提升全市供水品质。"])
LIBRARY = Article(title="城市图书馆夜间开放", paragraphs=["城市图书馆自下月起每晚开放至22时。"])


@pytest.fixture
def archive(tmp_path) -> Path:
    db = tmp_path / "news.db"
    add_articles(db, RACE, WATER)
    build_index(db)
    return db


def run(*args: str):
    result = CliRunner().invoke(cli, ["doctor", *args])
    assert "Traceback" not in result.output
    return result


def statuses(db: Path, repair: bool = False) -> dict[str, str]:
    return {c.name: c.status for c in doctor.examine(db, repair=repair).checks}


def test_a_sound_archive_passes_every_check(archive):
    result = run("--db", str(archive))
    assert result.exit_code == 0
    names = [line.split(":")[0].split(maxsplit=1) for line in result.stdout.splitlines()]
    assert names == [
        ["ok", "integrity"],
        ["ok", "foreign keys"],
        ["ok", "wal"],
        ["ok", "token cache"],
        ["ok", "index"],
        ["ok", "generations"],
    ]
    assert "3 paragraphs, ids agree with the store" in result.stdout


def test_paragraphs_stored_but_not_indexed_are_reported_and_indexed_by_repair(archive):
    add_articles(archive, LIBRARY)
    result = run("--db", str(archive))
    assert result.exit_code == 1
    assert "PROBLEM  index:" in result.stdout and "1 paragraphs stored but not yet indexed" in (
        result.stdout
    )
    assert "newsbot doctor --repair" in result.stderr
    repaired = run("--repair", "--db", str(archive))
    assert repaired.exit_code == 0, repaired.output
    assert "fixed    index:" in repaired.stdout and "brought up to date" in repaired.stdout
    assert run("--db", str(archive)).exit_code == 0
    assert Searcher.open(archive).search("图书馆")[0].text == LIBRARY.paragraphs[0]


def test_a_new_tokenizer_version_is_rebuilt_by_repair_not_by_a_question(archive, monkeypatch):
    monkeypatch.setattr(search, "TOKENIZER_VERSION", "test-next")
    assert statuses(archive)["index"] == "PROBLEM"
    Searcher.open(archive).search("参赛规模")  # serves the old index, rebuilds nothing
    with Store(archive) as store:
        assert load_saved(store).stale
    assert statuses(archive, repair=True)["index"] == "fixed"
    with Store(archive) as store:
        saved = load_saved(store)
    assert saved.problem is None and saved.view.index.meta["tokenizer_version"] == "test-next"


def test_a_lost_index_is_rebuilt(archive):
    for path in sorted(index_root(archive).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    report = doctor.examine(archive, repair=True)
    index = next(c for c in report.checks if c.name == "index")
    assert index.detail.startswith("no index") and index.repaired
    assert report.healthy


@pytest.mark.parametrize(
    "damage,found",
    [
        ("df.npy", "document frequencies disagree"),
        ("p0_chunk_high.npy", "chunks outside its rows"),
    ],
)
def test_an_index_damaged_inside_is_rebuilt(archive, damage, found):
    generation = index_root(archive) / (index_root(archive) / "CURRENT").read_text()
    array = np.load(generation / damage)
    array[0] += 1
    np.save(generation / damage, array)
    checks = {c.name: c for c in doctor.examine(archive).checks}
    assert found in checks["index"].detail
    assert statuses(archive, repair=True)["index"] == "fixed"
    assert statuses(archive) == dict.fromkeys(statuses(archive), "ok")


def test_an_index_of_another_database_is_rebuilt(archive, tmp_path):
    other = tmp_path / "other.db"
    add_articles(other, LIBRARY)
    build_index(other)
    shutil.rmtree(index_root(archive))
    os.replace(index_root(other), index_root(archive))
    checks = {c.name: c for c in doctor.examine(archive, repair=True).checks}
    assert "belongs to another database" in checks["index"].detail
    assert checks["index"].repaired
    assert Searcher.open(archive).n_paragraphs == 3


def test_orphan_generations_are_removed_but_a_live_save_is_left_alone(archive):
    root = index_root(archive)
    current = int((root / "CURRENT").read_text()[1:])
    now = time.time_ns()
    older = root / f"g{current - 1}"
    abandoned = root / f"g{now}.{_finished_pid()}.tmp"
    live = root / f"g{now}.{os.getpid()}.tmp"
    for path in (older, abandoned, live):
        path.mkdir()
        (path / "manifest.json").write_text("{}")
    checks = {c.name: c for c in doctor.examine(archive).checks}
    assert checks["generations"].detail.startswith("2 orphan")
    assert statuses(archive, repair=True)["generations"] == "fixed"
    assert not older.exists() and not abandoned.exists() and live.exists()


def test_the_old_token_cache_is_dropped_and_the_file_shrinks(archive):
    with Store(archive) as store:
        store.db["paragraph_tokens"].create({"paragraph_id": int, "tokens": str}, pk="paragraph_id")
        store.db["paragraph_tokens"].insert_all(
            {"paragraph_id": i, "tokens": "赛事 开赛 " * 400} for i in range(1, 400)
        )
        store.set_meta("tokenizer_version", "5-hybrid")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = archive.stat().st_size
    checks = {c.name: c for c in doctor.examine(archive, repair=True).checks}
    assert "paragraph_tokens" in checks["token cache"].detail and checks["token cache"].repaired
    with Store(archive) as store:
        assert "paragraph_tokens" not in store.db.table_names()
        assert store.get_meta("tokenizer_version") is None
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert archive.stat().st_size < before / 2


def test_a_large_write_ahead_log_is_checkpointed(archive, monkeypatch):
    monkeypatch.setattr(doctor, "WAL_LIMIT_BYTES", 0)
    other = sqlite3.connect(archive)  # another open connection keeps the log file in place
    other.execute("SELECT COUNT(*) FROM paragraphs").fetchone()
    add_articles(archive, LIBRARY)
    assert statuses(archive)["wal"] == "PROBLEM"
    checks = {c.name: c for c in doctor.examine(archive, repair=True).checks}
    assert checks["wal"].repaired and "checkpointed" in checks["wal"].detail
    assert archive.with_name("news.db-wal").stat().st_size == 0
    other.close()


def test_a_format_1_index_serves_and_is_rewritten_by_repair(archive):
    generation = index_root(archive) / (index_root(archive) / "CURRENT").read_text()
    _to_format_1(generation)
    before = Searcher.open(archive).search("参赛规模多少人")
    checks = {c.name: c for c in doctor.examine(archive, repair=True).checks}
    assert "older format 1" in checks["index"].detail and checks["index"].repaired
    assert Searcher.open(archive).search("参赛规模多少人") == before


def _to_format_1(generation: Path) -> None:
    """Rewrite a saved generation in index format 1: rows (int32) and tf in two files."""
    manifest = json.loads((generation / "manifest.json").read_text())
    from retrieval.index import _Postings

    for spec in manifest["segments"]:
        seg = _Postings.load(generation, spec, mmap=False, saved_format=2)
        docs = seg.docs.astype(np.int32)
        for path in generation.glob(f"{spec['name']}_*.npy"):
            if not path.name.endswith(("_tf.npy", "_offsets.npy")):
                path.unlink()
        np.save(generation / f"{spec['name']}_docs.npy", docs)
    manifest["format"] = 1
    (generation / "manifest.json").write_text(json.dumps(manifest))


def test_a_damaged_database_fails_with_one_line(tmp_path):
    db = tmp_path / "news.db"
    add_articles(db, *[Article(title=f"标题{i}", paragraphs=["段落" * 500] * 5) for i in range(40)])
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    data[page * 5 : page * 9] = b"\xff" * (page * 4)  # a few pages of the tables' trees
    db.write_bytes(bytes(data))
    result = run("--db", str(db))
    assert result.exit_code == 1
    assert "PROBLEM  integrity" in result.stdout or (
        result.stderr.startswith(f"newsbot: {db}: ") and result.stderr.count("\n") == 1
    )


def test_a_missing_database_is_one_line(tmp_path):
    result = run("--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.stderr == f"newsbot: {tmp_path / 'none.db'}: no such database\n"


def _finished_pid() -> int:
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_ingest_rebuilds_an_index_of_another_tokenizer_even_with_nothing_new(
    archive, tmp_path, monkeypatch
):
    page = tmp_path / "one.jsonl"
    page.write_text(json.dumps({"title": "图书馆", "text": "城市图书馆开放。"}, ensure_ascii=False))
    assert CliRunner().invoke(cli, ["ingest", str(page), "--db", str(archive)]).exit_code == 0
    monkeypatch.setattr(search, "TOKENIZER_VERSION", "test-next")
    again = CliRunner().invoke(cli, ["ingest", str(page), "--db", str(archive)])
    assert again.exit_code == 0 and "already ingested" in again.stdout
    with Store(archive) as store:
        saved = load_saved(store)
    assert saved.problem is None and saved.view.index.meta["tokenizer_version"] == "test-next"
