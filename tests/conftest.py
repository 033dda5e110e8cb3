"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_PAGE = REPO / "data" / "pages" / "xining-evening-news-2024-08-22-page.txt"
CMRC_TRIAL = REPO.parent / "shared" / "data" / "cmrc2018_trial.json"


@pytest.fixture
def seed_page_text() -> str:
    """The bundled seed page as text."""
    return SEED_PAGE.read_text(encoding="utf-8")


@pytest.fixture
def cmrc_trial() -> Path:
    """The CMRC 2018 trial file from ../shared/data, or a skip when this checkout has none."""
    if not CMRC_TRIAL.is_file():
        pytest.skip(
            f"CMRC 2018 trial set not found at {CMRC_TRIAL} (licensed data, not in the repo)"
        )
    return CMRC_TRIAL


@pytest.fixture
def store():
    """An empty in-memory Store."""
    from retrieval.store import Store

    with Store() as s:
        yield s


@pytest.fixture
def user_data_home(tmp_path, monkeypatch) -> Path:
    """No $NEWSBOT_DB and $XDG_DATA_HOME in tmp_path: the default database lands there."""
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def crash_mid_paragraphs(monkeypatch):
    """Call it to make paragraph inserts write one row and then raise, as a crash would.

    The call returns a list that receives the paragraph count seen right after that row went
    in, so a test can show the crash came after some rows were written.
    """
    import sqlite_utils

    real_insert_all = sqlite_utils.db.Table.insert_all

    def arm() -> list[int]:
        seen: list[int] = []

        def insert_one_then_crash(self, records, *args, **kwargs):
            if self.name != "paragraphs":
                return real_insert_all(self, records, *args, **kwargs)
            real_insert_all(self, list(records)[:1], *args, **kwargs)
            seen.append(self.count)
            raise RuntimeError("simulated crash mid-file")

        monkeypatch.setattr(sqlite_utils.db.Table, "insert_all", insert_one_then_crash)
        return seen

    return arm


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> str:
    """A database file holding the bundled seed page alone, built once for the tests that only
    read it (their answers are the seed page's)."""
    from retrieval.ingest import ingest_paths
    from retrieval.store import Store

    path = tmp_path_factory.mktemp("bundled") / "page.db"
    with Store(path) as store:
        ingest_paths(store, [SEED_PAGE])
    return str(path)


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """Run in tmp_path so file names in messages are short and stable."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def archive_db(tmp_path_factory) -> str:
    """A database file holding every bundled page (six issues of 2023 and 2024), as the default
    database is built, for the tests of the archive's dates and news intents."""
    from retrieval.ingest import ingest_paths
    from retrieval.resources import BUNDLED_SOURCE, bundled_pages
    from retrieval.store import Store

    path = tmp_path_factory.mktemp("archive") / "archive.db"
    with Store(path) as store:
        ingest_paths(store, bundled_pages(), source=BUNDLED_SOURCE)
    return str(path)
