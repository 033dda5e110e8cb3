"""Small archives on disk for the doctor, backup and fault tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from retrieval.models import Article
from retrieval.store import Store


def add_articles(db: Path, *articles: Article) -> None:
    """Store the articles as one document (named after their titles) in the database at `db`."""
    name = "+".join(a.title for a in articles)
    with Store(db) as store:
        sha = hashlib.sha256(name.encode()).hexdigest()
        store.add_document(name=name, sha256=sha, kind="jsonl", articles=list(articles))
