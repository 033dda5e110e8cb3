"""Files and folders into the store: one transaction per file, idempotent by content hash.

Also decides where the database lives when the user names none, and builds that default
database from the bundled pages on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import NewsbotError
from retrieval.layout import parse_page
from retrieval.models import Article
from retrieval.pdf import read_pdf
from retrieval.readers import date_from_name, read_jsonl, read_text
from retrieval.resources import BUNDLED_SOURCE, bundled_pages
from retrieval.store import Store

log = logging.getLogger(__name__)

# File suffix → document kind; folders are searched for these only.
KINDS = {".txt": "page", ".jsonl": "jsonl", ".pdf": "pdf"}

# Wraps the list of files for display while they are ingested (e.g. `click.progressbar`).
Progress = Callable[[list[Path]], AbstractContextManager[Iterable[Path]]]


@dataclass
class FileResult:
    """What happened to one input file."""

    path: Path
    status: str  # "ingested" | "duplicate" | "failed"
    articles: int = 0
    paragraphs: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    """The per-file outcomes of one ingest run."""

    results: list[FileResult] = field(default_factory=list)

    def _with(self, status: str) -> list[FileResult]:
        return [r for r in self.results if r.status == status]

    @property
    def ingested(self) -> list[FileResult]:
        return self._with("ingested")

    @property
    def duplicates(self) -> list[FileResult]:
        return self._with("duplicate")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"{len(self.ingested)} ingested, {len(self.duplicates)} skipped as duplicates, "
            f"{len(self.failed)} failed"
        )


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """The files to ingest, folders searched recursively, and failures for unusable paths."""
    files: list[Path] = []
    failures: list[FileResult] = []

    def fail(path: Path, message: str) -> None:
        failures.append(FileResult(path, "failed", error=f"{path}: {message}"))

    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in KINDS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                fail(path, f"no {' or '.join(KINDS)} files in this folder")
            files.extend(found)
        elif not path.exists():
            fail(path, "no such file or folder")
        elif path.suffix.lower() not in KINDS:
            fail(path, f"unsupported file type; expected {' or '.join(KINDS)}")
        else:
            files.append(path)
    return files, failures


def ingest_file(
    store: Store, path: Path, *, source: str | None = None, date: str | None = None
) -> FileResult:
    """Ingest one page or JSONL file; its problems become a failed result, never a half write.

    `source` and `date` fill in what the file itself does not say. Files are identified by the
    SHA-256 of their decoded text, so a re-encoded or CRLF copy is still a duplicate.
    """
    kind = KINDS[path.suffix.lower()]
    try:
        if kind == "pdf":
            # A PDF is identified by the text read from it; its banner names paper and date.
            pdf = read_pdf(path)
            sha256, banner, articles = pdf.sha256, pdf.page.banner, pdf.page.articles
            source, date = source or pdf.source, date or pdf.date or date_from_name(path.name)
        else:
            text = read_text(path)
            sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if store.has_document(sha256):
            return FileResult(path, "duplicate")
        if kind == "page":
            page = parse_page(text)
            # The parser reads text before the first byline as an article, so a page of prose
            # with no byline at all still yields one; it is not a newspaper page we understand.
            if not any(a.byline for a in page.articles):
                raise NewsbotError(f"{path}: no article found (no byline on the page)")
            banner, articles = page.banner, page.articles
            date = date or date_from_name(path.name)
        elif kind == "jsonl":
            banner, articles = None, read_jsonl(text, str(path))
    except NewsbotError as exc:
        return FileResult(path, "failed", error=str(exc))
    _fill_defaults(articles, source=source, date=date)
    document_id = store.add_document(
        name=str(path),
        sha256=sha256,
        kind=kind,
        articles=articles,
        banner=banner,
        source=source,
        date=date,
    )
    if document_id is None:  # another process stored the same text meanwhile
        return FileResult(path, "duplicate")
    paragraphs = sum(len(a.paragraphs) for a in articles)
    log.info("ingested %s: %d articles, %d paragraphs", path, len(articles), paragraphs)
    return FileResult(path, "ingested", articles=len(articles), paragraphs=paragraphs)


def _fill_defaults(articles: list[Article], *, source: str | None, date: str | None) -> None:
    """Give articles the document's source and date where they carry none of their own."""
    for article in articles:
        article.source = article.source or source
        article.date = article.date or date


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    source: str | None = None,
    date: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and the others still go in."""
    files, failures = collect_files(paths)
    report = IngestReport(results=failures)
    with (progress or contextlib.nullcontext)(files) as shown:
        for path in shown:
            report.results.append(ingest_file(store, path, source=source, date=date))
    return report


def default_db_path() -> Path:
    """`$NEWSBOT_DB`, else `newsbot/newsbot.db` under `$XDG_DATA_HOME` (`~/.local/share`)."""
    if os.environ.get("NEWSBOT_DB"):
        return Path(os.environ["NEWSBOT_DB"]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "newsbot" / "newsbot.db"


def open_store(
    db: str | Path | None,
    *,
    create_default: bool = True,
    create: bool = False,
    notify: Callable[[str], None] | None = None,
) -> Store:
    """The store a command works on: `db` if given, else the default one.

    A named `db` must exist unless `create` (what `newsbot ingest` asks for). The default
    database is built from the bundled pages on first use; `notify` receives the line that
    says so (the CLI prints it on stderr).
    """
    if db is not None:
        path = Path(db).expanduser()
        if not path.exists():
            if not create:
                raise NewsbotError(
                    f"{path}: no such database; run `newsbot ingest FILE... --db {path}` first"
                )
            _make_parent(path)
        return Store(path)
    path = default_db_path()
    if not path.exists():
        if not create_default:
            raise NewsbotError(f"{path}: no database yet; run `newsbot ingest FILE...` first")
        _build_default(path)
        message = f"created {path} from the bundled sample archive"
        log.info(message)
        if notify is not None:
            notify(message)
    return Store(path)


def _build_default(path: Path) -> None:
    """Build the bundled corpus into a temporary file and move it into place when complete.

    The move is atomic, so a concurrent first use or an interrupted build never leaves a
    half-built default database behind.
    """
    _make_parent(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with Store(tmp) as store:
            report = ingest_paths(store, bundled_pages(), source=BUNDLED_SOURCE)
        if report.failed or not report.ingested:
            errors = "; ".join(r.error or "" for r in report.failed) or "no bundled pages"
            raise NewsbotError(f"cannot build the default database {path}: {errors}")
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NewsbotError(f"{path}: cannot create its folder ({exc.strerror})") from None
