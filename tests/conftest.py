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
