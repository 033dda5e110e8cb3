"""The SQLite store through sqlite-utils: documents, articles, paragraphs, feedback and meta.

One file, browsable by any SQLite tool (foreign keys and indexes on the join columns). File
databases run in WAL mode so the bot can read while `newsbot ingest` writes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from retrieval.errors import NewsbotError
from retrieval.models import Article, ArticleRef

log = logging.getLogger(__name__)

KINDS = ("page", "jsonl", "squad", "pdf")


@dataclass
class ParagraphRow:
    """A paragraph with its article's headings, as the indexer walks them in id order."""

    id: int
    article_id: int
    position: int
    text: str
    title: str
    kicker: str | None
    subtitle: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Documents, articles and paragraphs in one SQLite file (or in memory when `path` is None)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            self.db = sqlite_utils.Database(self.path or ":memory:")
        except sqlite3.Error as exc:
            raise NewsbotError(f"{self.path}: cannot open database ({exc})") from None
        try:
            if self.path is not None:
                self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            # A second `newsbot ingest` waits for the first one's file transaction to end
            # instead of failing after sqlite3's default 5 seconds.
            self.db.execute("PRAGMA busy_timeout = 60000")
            self._create_schema()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise NewsbotError(f"{self.path}: not a usable newsbot database ({exc})") from None

    def _create_schema(self) -> None:
        """Create the tables and indexes that are missing; safe to run on every open."""
        db = self.db
        with db.atomic():
            db["documents"].create(
                {
                    "id": int,
                    "name": str,
                    "sha256": str,
                    "kind": str,
                    "banner": str,
                    "source": str,
                    "date": str,
                    "ingested_at": str,
                },
                pk="id",
                not_null=["name", "sha256", "kind", "ingested_at"],
                if_not_exists=True,
            )
            db["documents"].create_index(["sha256"], unique=True, if_not_exists=True)
            db["articles"].create(
                {
                    "id": int,
                    "document_id": int,
                    "title": str,
                    "kicker": str,
                    "subtitle": str,
                    "reporters": str,
                    "source": str,
                    "date": str,
                    "position": int,
                    "url": str,
                },
                pk="id",
                foreign_keys=[("document_id", "documents", "id")],
                not_null=["document_id", "title", "reporters", "position"],
                if_not_exists=True,
            )
            db["articles"].create_index(["document_id"], if_not_exists=True)
            db["articles"].create_index(["date"], if_not_exists=True)
            db["paragraphs"].create(
                {"id": int, "article_id": int, "position": int, "text": str},
                pk="id",
                foreign_keys=[("article_id", "articles", "id")],
                not_null=["article_id", "position", "text"],
                if_not_exists=True,
            )
            db["paragraphs"].create_index(
                ["article_id", "position"], unique=True, if_not_exists=True
            )
            db["feedback"].create(
                {
                    "id": int,
                    "created_at": str,
                    "chat_id": int,
                    "user_id": int,
                    "question": str,
                    "answer": str,
                    "paragraph_id": int,
                    "article_id": int,
                    "vote": int,
                },
                pk="id",
                foreign_keys=[
                    ("paragraph_id", "paragraphs", "id"),
                    ("article_id", "articles", "id"),
                ],
                not_null=["created_at", "question", "vote"],
                if_not_exists=True,
            )
            db["feedback"].create_index(["paragraph_id"], if_not_exists=True)
            db["feedback"].create_index(["article_id"], if_not_exists=True)
            db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
            # Names this database, so an index saved beside it can tell it from a database
            # built anew at the same path (cheaply: counting a million rows takes a second).
            if self.get_meta("store_id") is None:
                self.set_meta("store_id", uuid.uuid4().hex)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------

    def add_document(
        self,
        *,
        name: str,
        sha256: str,
        kind: str,
        articles: list[Article],
        banner: str | None = None,
        source: str | None = None,
        date: str | None = None,
    ) -> int | None:
        """Store a document and its articles in one transaction; None if `sha256` is stored."""
        if kind not in KINDS:
            raise ValueError(f"document kind must be one of {KINDS}, not {kind!r}")
        with self._write_transaction():
            if self.has_document(sha256):
                return None
            documents = self.db["documents"]
            documents.insert(
                {
                    "name": name,
                    "sha256": sha256,
                    "kind": kind,
                    "banner": banner,
                    "source": source,
                    "date": date,
                    "ingested_at": _now(),
                }
            )
            document_id = documents.last_pk
            self._add_articles(document_id, articles)
        log.debug("stored %s as document %s (%d articles)", name, document_id, len(articles))
        return document_id

    @contextlib.contextmanager
    def _write_transaction(self) -> Iterator[None]:
        """A transaction that takes the write lock first (BEGIN IMMEDIATE).

        A deferred transaction that reads and then writes fails at once with "database is
        locked" when another writer got in between (its snapshot is stale); taking the lock
        up front makes a concurrent ingest wait for the busy timeout instead.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    def _add_articles(self, document_id: int, articles: list[Article]) -> None:
        """Insert a document's articles, then all their paragraphs, in two bulk inserts."""
        self.db["articles"].insert_all(
            {
                "document_id": document_id,
                "title": article.title,
                "kicker": article.kicker,
                "subtitle": article.subtitle,
                "reporters": json.dumps(article.reporters, ensure_ascii=False),
                "source": article.source,
                "date": article.date,
                "position": position,
                "url": article.url,
            }
            for position, article in enumerate(articles)
        )
        article_ids = [
            row[0]
            for row in self.db.execute(
                "SELECT id FROM articles WHERE document_id = ? ORDER BY position", [document_id]
            )
        ]
        self.db["paragraphs"].insert_all(
            {"article_id": article_id, "position": i, "text": text}
            for article_id, article in zip(article_ids, articles, strict=True)
            for i, text in enumerate(article.paragraphs)
        )

    def add_feedback(
        self,
        *,
        chat_id: int | None,
        user_id: int | None,
        question: str,
        answer: str | None,
        paragraph_id: int | None,
        article_id: int | None,
        vote: int,
    ) -> int:
        """Record a reader's +1/-1 on an answer; returns the feedback row id."""
        if vote not in (1, -1):
            raise ValueError(f"vote must be +1 or -1, not {vote!r}")
        table = self.db["feedback"]
        table.insert(
            {
                "created_at": _now(),
                "chat_id": chat_id,
                "user_id": user_id,
                "question": question,
                "answer": answer,
                "paragraph_id": paragraph_id,
                "article_id": article_id,
                "vote": vote,
            }
        )
        return table.last_pk

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    # --- reading -------------------------------------------------------------

    def has_document(self, sha256: str) -> bool:
        query = "SELECT 1 FROM documents WHERE sha256 = ?"
        return self.db.execute(query, [sha256]).fetchone() is not None

    def _article_row(self, article_id: int) -> dict:
        rows = list(self.db["articles"].rows_where("id = ?", [article_id]))
        if not rows:
            raise NewsbotError(f"no article with id {article_id} in {self.path or 'the store'}")
        row = rows[0]
        row["reporters"] = json.loads(row["reporters"])
        return row

    def article(self, article_id: int) -> Article:
        """The stored article with its id and paragraph texts filled in."""
        row = self._article_row(article_id)
        paragraphs = [
            r["text"]
            for r in self.db["paragraphs"].rows_where(
                "article_id = ?", [article_id], order_by="position"
            )
        ]
        return Article(
            id=row["id"],
            title=row["title"],
            paragraphs=paragraphs,
            kicker=row["kicker"],
            subtitle=row["subtitle"],
            reporters=row["reporters"],
            date=row["date"],
            source=row["source"],
            url=row["url"],
            position=row["position"],
        )

    def masthead(self, article_id: int) -> str:
        """What names the paper an article was printed in: its page's banner (西宁晚报 2024年8月
        26日) and its source, as far as they are known; empty when neither is."""
        row = self.db.execute(
            "SELECT d.banner, a.source FROM articles a LEFT JOIN documents d"
            " ON d.id = a.document_id WHERE a.id = ?", [article_id],
        ).fetchone()
        return " ".join(part for part in row or () if part)

    def article_ref(self, article_id: int) -> ArticleRef:
        row = self._article_row(article_id)
        return ArticleRef(
            id=row["id"],
            title=row["title"],
            kicker=row["kicker"],
            subtitle=row["subtitle"],
            reporters=row["reporters"],
            date=row["date"],
            source=row["source"],
        )

    def articles(self) -> list[dict]:
        """Every article's columns plus `paragraphs` (its paragraph count), in id order."""
        query = """
            SELECT a.*, COUNT(p.id) AS paragraphs
            FROM articles a LEFT JOIN paragraphs p ON p.article_id = a.id
            GROUP BY a.id ORDER BY a.id
        """
        rows = []
        for row in self.db.query(query):
            row["reporters"] = json.loads(row["reporters"])
            rows.append(row)
        return rows

    def paragraph(self, paragraph_id: int) -> dict:
        rows = list(self.db["paragraphs"].rows_where("id = ?", [paragraph_id]))
        if not rows:
            raise NewsbotError(f"no paragraph with id {paragraph_id} in {self.path or 'the store'}")
        return rows[0]

    def article_paragraphs(self, article_id: int) -> list[dict]:
        """An article's paragraph rows (`id`, `position`, `text`) in reading order."""
        return list(
            self.db["paragraphs"].rows_where(
                "article_id = ?", [article_id], select="id, position, text", order_by="position"
            )
        )

    def iter_paragraphs(self, after_id: int = 0, batch: int = 10_000) -> Iterator[ParagraphRow]:
        """Paragraphs with id > `after_id` in id order, read `batch` rows at a time."""
        query = """
            SELECT p.id, p.article_id, p.position, p.text, a.title, a.kicker, a.subtitle
            FROM paragraphs p JOIN articles a ON a.id = p.article_id
            WHERE p.id > ? ORDER BY p.id LIMIT ?
        """
        while True:
            rows = self.db.execute(query, [after_id, batch]).fetchall()
            yield from (ParagraphRow(*row) for row in rows)
            if len(rows) < batch:
                return
            after_id = rows[-1][0]

    def paragraph_count(self) -> int:
        return self.db["paragraphs"].count

    def max_paragraph_id(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(id), 0) FROM paragraphs").fetchone()[0]

    def stats(self) -> dict:
        """Counts, the date range and the distinct sources and banners of what is stored."""
        first_date, last_date = self.db.execute(
            "SELECT MIN(date), MAX(date) FROM articles"
        ).fetchone()
        sources = self.db.execute(
            "SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY source"
        ).fetchall()
        banners = self.db.execute(
            "SELECT DISTINCT banner FROM documents WHERE banner IS NOT NULL ORDER BY banner"
        ).fetchall()
        return {
            "documents": self.db["documents"].count,
            "articles": self.db["articles"].count,
            "paragraphs": self.paragraph_count(),
            "first_date": first_date,
            "last_date": last_date,
            "sources": [s for (s,) in sources],
            "banners": [b for (b,) in banners],
        }
