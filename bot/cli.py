"""The `newsbot` command: thin click wrappers over the `retrieval` library."""

from __future__ import annotations

import json
import logging
import os
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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _progress(files: list[Path]) -> Iterable[Path]:
    return click.progressbar(files, label="ingesting", file=sys.stderr, show_pos=True)


def _index_progress(done: int, total: int) -> None:
    click.echo(f"\rindexing {done}/{total} paragraphs", err=True, nl=done >= total)


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
    """Add page text files (.txt), e-paper PDFs (.pdf) and JSONL article files to the database.

    PATHS are files or folders (searched recursively). Files already stored are skipped.
    The search index beside the database is brought up to date afterwards.

    Example: newsbot ingest archive/ --source 西宁晚报
    """
    from retrieval.ingest import ingest_paths
    from retrieval.search import build_index

    tty = sys.stderr.isatty()
    with open_db(db, create=True) as store:
        report = ingest_paths(
            store, paths, source=source, date=date, progress=_progress if tty else None
        )
        stored = store.max_paragraph_id() > 0
    for result in report.results:
        if result.status == "failed":
            click.echo(f"newsbot: {result.error}", err=True)
        elif result.status == "duplicate":
            click.echo(f"skipped {result.path}: already ingested")
        else:
            click.echo(
                f"ingested {result.path}: {_count(result.articles, 'article')}, "
                f"{_count(result.paragraphs, 'paragraph')}"
            )
    click.echo(report.summary())
    # Also when nothing was new: an index a killed run never saved, or one made by another
    # tokenizer version, is built here (a run that stored nothing at all builds none).
    if report.ingested or stored:
        build_index(store.path, progress=_index_progress if tty else False)
    if not report.ok:
        sys.exit(1)


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article per line.")
@click.option("--date", "day", callback=_iso_date,
              help="Only that day's issue (YYYY-MM-DD), in page order.")
def articles(db: Path | None, as_json: bool, day: str | None) -> None:
    """List the stored articles: id, date, title, reporters and paragraph count.

    Example: newsbot articles --date 2024-08-22
    """
    with open_db(db) as store:
        rows = store.articles()
    if day is not None:
        rows = _issue_rows(rows, day)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = [["id", "date", "title", "reporters", "paragraphs"]]
    table += [
        [
            str(r["id"]),
            r["date"] or "-",
            r["title"] or "-",
            "、".join(r["reporters"]) or "-",
            str(r["paragraphs"]),
        ]
        for r in rows
    ]
    for line in _table(table, max_widths=[8, 10, 40, 20, 10], right=[0, 4]):
        click.echo(line)


def _issue_rows(rows: list[dict], day: str) -> list[dict]:
    """The articles of the issue of `day`, in page order."""
    issue = [r for r in rows if r["date"] == day]
    return sorted(issue, key=lambda r: (r["document_id"], r["position"]))


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


def _scope_options(command):
    """--since, --until and --source: ask only part of the archive (issue 11)."""
    command = click.option("--source", help="Only articles of this paper.")(command)
    command = click.option("--until", callback=_iso_date,
                           help="Only articles dated up to this day (YYYY-MM-DD).")(command)
    return click.option("--since", callback=_iso_date,
                        help="Only articles dated from this day (YYYY-MM-DD).")(command)


def _scope(options: dict):
    """The `Scope` the --since/--until/--source options name, None when none is given."""
    from retrieval.models import Scope

    scope = Scope(options.get("since"), options.get("until"), options.get("source"))
    if scope.since and scope.until and scope.since > scope.until:
        raise NewsbotError(f"--since {scope.since} is after --until {scope.until}")
    return None if scope.empty else scope



@cli.command()
@click.argument("question")
@db_option
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50),
              help="How many retrieved paragraphs to return.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question per line.")
@_scope_options
def ask(question: str, db: Path | None, k: int, as_json: bool, **scope: str | None) -> None:
    """Answer QUESTION from the archive; `-` answers one question per stdin line.

    With `-` every line is answered on its own (no follow-ups), in one process with the index
    loaded once. Matched words are bold on a terminal and in 【】 otherwise.

    Example: newsbot ask "西宁半马几点开赛？"
    """
    from bot import render
    from retrieval.answer import answer
    from retrieval.search import Searcher

    questions = (line for line in sys.stdin) if question == "-" else iter([question])
    ansi = sys.stdout.isatty()
    within = _scope(scope)
    with open_db(db) as store:
        searcher = Searcher.open(store)
        for q in questions:
            if question == "-" and not q.strip():
                continue
            result = answer(q.strip(), searcher, k=k, scope=within)
            if as_json:
                click.echo(json.dumps(result.to_json(), ensure_ascii=False))
            else:
                click.echo(render.answer_text(result, ansi=ansi))


@cli.command()
@db_option
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50),
              help="How many retrieved paragraphs to keep for :more.")
def chat(db: Path | None, k: int) -> None:
    """Chat with the archive: follow-ups keep their topic; :more, :source, :reset, :help, :quit.

    On a terminal: readline editing and history (~/.local/share/newsbot/history). Piped
    input: no prompts, one answer per line.

    Example: newsbot chat
    """
    from bot.console import Console, enable_history
    from retrieval.search import Searcher

    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if interactive:
        enable_history()
    with open_db(db) as store:
        searcher = Searcher.open(store)
        Console(searcher, sys.stdin, sys.stdout, k=k, interactive=interactive,
                ansi=interactive).run()


# --- eval (issue 4) --------------------------------------------------------


def _ks(ctx: click.Context, param: click.Parameter, value: str) -> list[int]:
    """`1,3,5,10` as sorted distinct positive integers."""
    try:
        ks = sorted({int(k) for k in value.split(",") if k.strip()})
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of numbers") from None
    if not ks or ks[0] < 1:
        raise click.BadParameter(f"{value!r}: give at least one k, each 1 or more")
    return ks


def _threshold_options(command):
    """One `--min-…`/`--max-…` option per quality gate in `retrieval.gates`."""
    from retrieval.gates import THRESHOLDS

    for gate in reversed(THRESHOLDS):
        bound = "at least" if gate.minimum else "at most"
        help_text = f"Exit 1 unless {gate.help} is {bound} this."
        command = click.option(gate.option, type=click.FloatRange(0, 1), help=help_text)(command)
    return command


@cli.command("eval")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Evaluate against this database, created (from the bundled page) when absent "
    "(default: a temporary store).",
)
@click.option(
    "--squad",
    is_flag=True,
    help="FILES are SQuAD-format JSON (SQuAD, CMRC 2018, DRCD): ingest their passages and ask "
    "their questions against the whole pool.",
)
@click.option(
    "--with-squad",
    "haystack",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also ingest this SQuAD-format file's passages, as distractors (its questions are "
    "not asked). Repeatable.",
)
@click.option(
    "-k", "ks", default="1,3,5,10", show_default=True, callback=_ks, help="Cut-offs for Recall@k."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--by", type=click.Choice(["qtype"]), help="Also break the figures down by this.")
@click.option(
    "--split",
    "only_split",
    type=click.Choice(["tune", "test"]),
    help="Ask only this split's questions (the gates then apply to it).",
)
@click.option(
    "--report",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write report.md (failures listed) and recall.png into this folder.",
)
@_threshold_options
@_scope_options
def eval_command(
    files: tuple[Path, ...],
    db: Path | None,
    squad: bool,
    haystack: tuple[Path, ...],
    ks: list[int],
    as_json: bool,
    by: str | None,
    only_split: str | None,
    report: Path | None,
    since: str | None,
    until: str | None,
    source: str | None,
    **limits: float | None,
) -> None:
    """Score the answers to a gold question set: retrieval, evidence, answer, abstention.

    FILES are JSONL gold sets (default: the bundled ones, tune and frozen test side by side)
    or, with --squad, SQuAD-format files. Exits 1 when a --min-…/--max-… threshold is not
    met, naming it.

    Example: newsbot eval --squad ../shared/data/cmrc2018_trial.json --by qtype
    """
    from retrieval import evaluate, gates
    from retrieval.answer import Conversation, answer
    from retrieval.resources import bundled_gold
    from retrieval.search import Searcher

    if squad and not files:
        raise NewsbotError("--squad needs at least one SQuAD-format FILE")
    within = _scope({"since": since, "until": until, "source": source})
    gold_files = [] if squad else list(files) or bundled_gold()
    squad_files = list(files) if squad else []
    store, questions = evaluate.prepare(gold_files, squad_files, haystack, db)
    if only_split:
        questions = [q for q in questions if q.split == only_split]
    with store:
        searcher = Searcher.open(store)
        k = max(ks)
        outcomes = evaluate.run(
            questions,
            lambda question, conversation: answer(
                question, searcher, k=k, conversation=conversation, scope=within
            ),
            new_conversation=Conversation,
        )
    overall = evaluate.summarize(outcomes, ks)
    groups = evaluate.by_qtype(outcomes, ks) if by or report else {}
    splits = evaluate.by_split(outcomes, ks)
    if as_json:
        payload = {"overall": overall.to_json()}
        if by:
            payload["by_qtype"] = {name: s.to_json() for name, s in groups.items()}
        if len(splits) > 1:
            payload["by_split"] = {name: s.to_json() for name, s in splits.items()}
        payload["questions"] = [o.to_json() for o in outcomes]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        columns = splits if len(splits) > 1 else {"all": overall}
        click.echo(evaluate.format_table({**columns, **(groups if by else {})}))
    if report is not None:
        from retrieval.eval_report import write_report

        title = ", ".join(p.name for p in [*gold_files, *squad_files])
        click.echo(f"wrote {write_report(report, title, outcomes, overall, groups)}", err=True)
    given = {f"--{name.replace('_', '-')}": v for name, v in limits.items() if v is not None}
    failures = gates.check(overall, given)
    for failure in failures:
        click.echo(f"newsbot: threshold not met: {failure}", err=True)
    if failures:
        sys.exit(1)


# --- doctor / backup (issue 13) --------------------------------------------


def _archive_path(db: Path | None) -> Path:
    """The database a maintenance command works on; never builds the default one."""
    from retrieval.ingest import default_db_path

    return (db or default_db_path()).expanduser()


@cli.command()
@click.option("--repair", is_flag=True, help="Rebuild or fix what is stale.")
@db_option
def doctor(repair: bool, db: Path | None) -> None:
    """Check the database and its index; exit 1 if a problem remains.

    Runs SQLite's integrity_check, checks that the index is this database's, made by this
    tokenizer and holds exactly its paragraphs, and looks for orphan index generations, a
    large write-ahead log and the old token cache. --repair fixes what it can.

    Example: newsbot doctor --repair --db archive.db
    """
    from retrieval.doctor import examine

    report = examine(_archive_path(db), repair=repair)
    for check in report.checks:
        click.echo(check.line())
    if not report.healthy:
        hint = "" if repair else "; `newsbot doctor --repair` fixes what is repairable"
        click.echo(f"newsbot: {report.db}: problems found{hint}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def backup(file: Path, db: Path | None) -> None:
    """Copy the database and its current index to FILE (and FILE.idx/), safely while the
    bot is serving; answer from the copy with --db FILE.

    Example: newsbot backup /backups/archive-2024-09-01.db --db archive.db
    """
    from retrieval.backup import backup as run_backup

    result = run_backup(_archive_path(db), file)
    index = f"index {result.generation}" if result.generation else "no index"
    click.echo(
        f"backed up to {result.target}: {result.db_bytes / 2**20:,.1f} MB database, "
        f"{index} ({result.index_bytes / 2**20:,.1f} MB) in {result.seconds:.1f} s"
    )


# --- telegram (issue 5) ----------------------------------------------------


def _bot_token(token_file: Path | None) -> str:
    """The bot token from --token-file or $TELEGRAM_BOT_TOKEN; never echoed anywhere."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            message = f"{token_file}: cannot read the token file ({exc.strerror})"
            raise NewsbotError(message) from None
        if not token:
            raise NewsbotError(f"{token_file}: the token file is empty")
        return token
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise NewsbotError("no bot token: set TELEGRAM_BOT_TOKEN or pass --token-file FILE")
    return token


def _host_port(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter(f"{value!r} is not HOST:PORT")
    return host, int(port)


@cli.command()
@db_option
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the bot token (default: $TELEGRAM_BOT_TOKEN).",
)
@click.option(
    "--base-url",
    help="Bot API server, the token is appended: e.g. http://127.0.0.1:8081/bot "
    "(default: Telegram's).",
)
@click.option(
    "--allowed-chats",
    envvar="NEWSBOT_ALLOWED_CHATS",
    help="Comma-separated chat ids to serve; other chats are refused (default: all).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Questions per user per minute.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Threads answering questions.",
)
@click.option(
    "--webhook",
    metavar="URL",
    help="Receive updates at this public HTTPS URL instead of long polling.",
)
@click.option(
    "--listen",
    default="127.0.0.1:8443",
    show_default=True,
    callback=_host_port,
    help="HOST:PORT the webhook server binds (behind your HTTPS proxy).",
)
def telegram(
    db: Path | None,
    token_file: Path | None,
    base_url: str | None,
    allowed_chats: str | None,
    rate_limit: int,
    workers: int,
    webhook: str | None,
    listen: tuple[str, int],
) -> None:
    """Answer questions on Telegram (long polling, or --webhook).

    The token comes from $TELEGRAM_BOT_TOKEN or --token-file; with --webhook, Telegram signs
    each update with $TELEGRAM_WEBHOOK_SECRET (a random secret when unset).

    Example: TELEGRAM_BOT_TOKEN=123:abc newsbot telegram --allowed-chats 42,-1001234
    """
    import secrets

    from telegram.error import InvalidToken, NetworkError

    from bot.telegram import Settings, run
    from bot.telegram_backend import Backend
    from bot.telegram_limits import parse_chat_ids

    token = _bot_token(token_file)
    settings = Settings(allowed_chats=parse_chat_ids(allowed_chats), rate_limit=rate_limit)
    # Startup and serving are logged at INFO even without -v: this is a long-running service.
    logging.getLogger("bot").setLevel(min(logging.getLogger().level, logging.INFO))
    backend = Backend.open(open_db(db), workers=workers)
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
    try:
        run(
            token,
            backend,
            settings,
            base_url=base_url,
            webhook=webhook,
            listen=listen[0],
            port=listen[1],
            secret=secret if webhook else None,
        )
    except InvalidToken:
        raise NewsbotError("the Bot API rejected the token (check TELEGRAM_BOT_TOKEN)") from None
    except NetworkError as exc:
        where = base_url or "https://api.telegram.org"
        raise NewsbotError(f"cannot reach the Bot API at {where} ({exc.message})") from None
