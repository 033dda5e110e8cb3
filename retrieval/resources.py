"""Where the bundled data lives, in a wheel install and in a source checkout alike."""

from __future__ import annotations

from pathlib import Path

# The paper the bundled page comes from (an evening paper of Xining, August 2024).
BUNDLED_SOURCE = "西宁晚报"

SEED_PAGE_NAME = "xining-evening-news-2024-08-22-page.txt"

_PACKAGE_DATA = Path(__file__).resolve().parent / "_data"
_SOURCE_DATA = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The bundled `data/` folder: inside the installed package, else the checkout's."""
    return _PACKAGE_DATA if _PACKAGE_DATA.is_dir() else _SOURCE_DATA


def bundled_pages() -> list[Path]:
    """The page text files of the bundled corpus."""
    return sorted((data_dir() / "pages").glob("*.txt"))


def seed_page() -> Path:
    """The page the project started from (the evening paper of 2024-08-22, five articles)."""
    return data_dir() / "pages" / SEED_PAGE_NAME


def bundled_gold() -> list[Path]:
    """The bundled gold question sets (`data/eval/questions*.jsonl`): tune and frozen test."""
    return sorted((data_dir() / "eval").glob("questions*.jsonl"))
