"""The `newsbot` command: thin click wrappers over the `retrieval` library."""

from __future__ import annotations

import json
import logging
import sys
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from retrieval.errors import NewsbotError

if TYPE_CHECKING:
    from retrieval.store import Store


class _Group(click.Group):
    """Turns project errors into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewsbotError as exc:
            click.echo(f"newsbot: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="newsbot")
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages to stderr.")
def cli(verbose: bool) -> None:
    """Question answering over Chinese newspaper archives.

    Example: newsbot ask "西宁半马几点开赛？"
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # jieba announces its dictionary loading on stderr at INFO; keep the CLI quiet.
    logging.getLogger("jieba").setLevel(logging.WARNING)


# --- ingest / articles (issue 2) -------------------------------------------

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file (default: $NEWSBOT_DB, else ~/.local/share/newsbot/newsbot.db).",
)


def open_db(db: Path | None, *, create: bool = False) -> Store:
    """The store a command works on; says on stderr when the default one is first built."""
    from retrieval.ingest import open_store

    return open_store(db, create=create, notify=lambda line: click.echo(line, err=True))


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Accept only a real `YYYY-MM-DD` date, so a typo is a usage error naming the option."""
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _progress(files: list[Path]) -> Iterable[Path]:
    return click.progressbar(files, label="ingesting", file=sys.stderr, show_pos=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--source", help="Newspaper name for articles that do not carry one.")
@click.option(
    "--date",
    callback=_iso_date,
    help="Publication date (YYYY-MM-DD) for articles without one; pages default to a date "
    "in their file name.",
)
def ingest(paths: tuple[Path, ...], db: Path | None, source: str | None, date: str | None) -> None:
    """Add page text files (.txt) and JSONL article files to the database.

    PATHS are files or folders (searched recursively). Files already stored are skipped.

    Example: newsbot ingest archive/ --source 西宁晚报
    """
    from retrieval.ingest import ingest_paths

    with open_db(db, create=True) as store:
        progress = _progress if sys.stderr.isatty() else None
        report = ingest_paths(store, paths, source=source, date=date, progress=progress)
    for result in report.results:
        if result.status == "failed":
            click.echo(f"newsbot: {result.error}", err=True)
        elif result.status == "duplicate":
            click.echo(f"skipped {result.path}: already ingested")
        else:
            click.echo(
                f"ingested {result.path}: {result.articles} articles, "
                f"{result.paragraphs} paragraphs"
            )
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article per line.")
def articles(db: Path | None, as_json: bool) -> None:
    """List the stored articles: id, date, title, reporters and paragraph count.

    Example: newsbot articles --json
    """
    with open_db(db) as store:
        rows = store.articles()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = [["id", "date", "title", "reporters", "paragraphs"]]
    table += [
        [
            str(r["id"]),
            r["date"] or "-",
            r["title"],
            "、".join(r["reporters"]) or "-",
            str(r["paragraphs"]),
        ]
        for r in rows
    ]
    for line in _table(table, max_widths=[8, 10, 40, 20, 10], right=[0, 4]):
        click.echo(line)


def _table(rows: list[list[str]], *, max_widths: list[int], right: list[int]) -> list[str]:
    """Rows as aligned columns, measured in terminal cells (a Chinese character takes two)."""
    cells = [
        [_clip(cell, limit) for cell, limit in zip(row, max_widths, strict=True)] for row in rows
    ]
    widths = [max(_cells(row[i]) for row in cells) for i in range(len(max_widths))]
    lines = []
    for row in cells:
        padded = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _cells(cell))
            padded.append(pad + cell if i in right else cell + pad)
        lines.append("  ".join(padded).rstrip())
    return lines


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    """Cut `text` to `limit` cells, marking the cut with an ellipsis."""
    if _cells(text) <= limit:
        return text
    out = ""
    for ch in text:
        if _cells(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


# --- ask / chat (issue 3) --------------------------------------------------

# --- eval (issue 4) --------------------------------------------------------

# --- telegram (issue 5) ----------------------------------------------------
