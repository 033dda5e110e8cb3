"""`newsbot backup FILE`: a consistent copy of database and index, restorable with --db FILE."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from archives import add_articles
from click.testing import CliRunner

from bot.cli import cli
from retrieval import backup as backup_module
from retrieval import doctor
from retrieval.backup import backup
from retrieval.errors import NewsbotError
from retrieval.models import Article
from retrieval.search import Searcher, build_index, index_root
from retrieval.store import Store

QUESTION = "西宁半马参赛规模多少人"
RACE = Article(
    title="西宁半程马拉松赛周日开跑",
    paragraphs=["参赛规模总计12000人。", "赛事在海湖体育中心鸣枪开赛。"],
)


def article(i: int) -> Article:
    return Article(
        title=f"城市图书馆第{i}分馆开放",
        paragraphs=[f"第{i}分馆自下月起每晚开放。", "市民可凭读者证借阅图书。"],
    )


@pytest.fixture
def archive(tmp_path) -> Path:
    db = tmp_path / "live" / "news.db"
    db.parent.mkdir()
    add_articles(db, RACE, article(1), article(2))
    build_index(db)
    return db


def test_the_copy_answers_as_the_archive_does_with_its_own_index(archive, tmp_path):
    target = tmp_path / "backups" / "news.db"
    result = CliRunner().invoke(cli, ["backup", str(target), "--db", str(archive)])
    assert result.exit_code == 0, result.output
    current = (index_root(archive) / "CURRENT").read_text()
    assert result.stdout.startswith(f"backed up to {target}: ")
    assert f"index {current}" in result.stdout
    assert (index_root(target) / "CURRENT").read_text() == current
    shutil.rmtree(archive.parent)  # the copy stands alone
    assert doctor.examine(target).healthy
    assert Searcher.open(target).search(QUESTION)[0].text == RACE.paragraphs[0]


def test_an_existing_target_is_refused_in_one_line(archive, tmp_path):
    target = tmp_path / "taken.db"
    target.write_text("keep me")
    result = CliRunner().invoke(cli, ["backup", str(target), "--db", str(archive)])
    assert result.exit_code == 1
    assert result.stderr == f"newsbot: {target}: already exists; back up to a new file name\n"
    assert target.read_text() == "keep me"


def test_a_generation_replaced_during_the_copy_is_copied_again(archive, tmp_path, monkeypatch):
    real = shutil.copytree
    calls = []

    def racing(src, dst, *args, **kwargs):
        calls.append(Path(src).name)
        if len(calls) == 1:  # another ingest saves a new generation and removes this one
            add_articles(archive, article(3))
            build_index(archive)
            raise FileNotFoundError(src)
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(backup_module.shutil, "copytree", racing)
    result = backup(archive, tmp_path / "copy.db")
    assert calls[0] != calls[1] == result.generation
    assert Searcher.open(tmp_path / "copy.db").n_paragraphs == 8


def test_a_backup_while_one_thread_ingests_and_another_answers(archive, tmp_path):
    """Bounded: five documents written, questions asked until the writer is done."""
    errors: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            for i in range(3, 8):
                add_articles(archive, article(i))
                build_index(archive)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            done.set()

    def read() -> None:
        try:
            searcher = Searcher.open(archive)
            for _ in range(500):
                if done.is_set():
                    return
                searcher.refresh()
                assert searcher.search(QUESTION)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    copies = [backup(archive, tmp_path / f"copy{i}.db") for i in range(3)]
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    for copy in copies:
        checks = {c.name: c for c in doctor.examine(copy.target).checks}
        assert checks["integrity"].ok and checks["foreign keys"].ok
        # The index may lag the database it was copied with, never run ahead of it.
        assert checks["index"].ok or "not yet indexed" in checks["index"].detail
        with Store(copy.target) as store:
            stored = store.paragraph_count()
        assert Searcher.open(copy.target).n_paragraphs == stored


def test_a_missing_database_is_a_user_error(tmp_path):
    with pytest.raises(NewsbotError, match="no such database"):
        backup(tmp_path / "none.db", tmp_path / "copy.db")
