"""SQuAD-format files (SQuAD, CMRC 2018, DRCD, DuReader-robust) as articles and gold questions.

Each passage becomes one article titled after its `data[*].title`, its context split into
paragraphs at line breaks only, so the gold paragraph (the one holding `answer_start`) is
well defined once the articles are stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import NewsbotError
from retrieval.models import Article
from retrieval.store import Store

log = logging.getLogger(__name__)


@dataclass
class SquadQuestion:
    """One `qas` entry with the passage (article) and paragraph its first answer lies in."""

    id: str
    question: str
    answers: list[str]
    article: int  # index of the passage in the file, which is the article's position
    paragraph: int | None  # None for unanswerable (SQuAD 2.0 `is_impossible`) questions
    where: str  # "file: data[i].paragraphs[j].qas[k]", for messages


@dataclass
class SquadSet:
    """A loaded SQuAD-format file: its passages as articles and its questions."""

    path: Path
    sha256: str
    articles: list[Article]
    questions: list[SquadQuestion]


def _split_lines(context: str) -> list[tuple[int, str]]:
    """The non-blank lines of `context` with their start offsets."""
    spans, start = [], 0
    for line in context.splitlines(keepends=True):
        if line.strip():
            spans.append((start, line.strip()))
        start += len(line)
    return spans


def _paragraph_of(spans: list[tuple[int, str]], context: str, text: str, start: int) -> int:
    """Index of the paragraph holding the answer `text` given at offset `start`.

    Some files' offsets are off by a character or two (five in the CMRC 2018 trial set), so
    when the text is not at `start` the occurrence nearest to it is taken.
    """
    if context[start : start + len(text)] != text:
        found = [i for i in range(len(context)) if context.startswith(text, i)]
        if found:
            start = min(found, key=lambda i: abs(i - start))
    index = 0
    for i, (offset, _) in enumerate(spans):
        if offset <= start:
            index = i
    return index


def _field(obj: object, key: str, kind: type, where: str):
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, kind):
        raise NewsbotError(f"{where}: expected {kind.__name__} field {key!r} (is it SQuAD format?)")
    return value


def is_squad(path: Path) -> bool:
    """Whether `path` looks like a SQuAD-format file (a JSON object with a `data` list)."""
    if path.suffix.lower() != ".json":
        return False
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8-sig")).get("data"), list)
    except (OSError, ValueError, AttributeError):
        return False


def load_squad(path: Path) -> SquadSet:
    """Read a SQuAD-format file; errors name the file and the entry at fault."""
    try:
        raw = path.read_bytes()
        doc = json.loads(raw.decode("utf-8-sig"))
    except OSError as exc:
        raise NewsbotError(f"{path}: cannot read ({exc.strerror})") from exc
    except ValueError as exc:
        raise NewsbotError(f"{path}: not valid JSON ({exc})") from exc
    articles: list[Article] = []
    questions: list[SquadQuestion] = []
    for i, item in enumerate(_field(doc, "data", list, str(path))):
        title = _field(item, "title", str, f"{path}: data[{i}]").strip()
        for j, passage in enumerate(_field(item, "paragraphs", list, f"{path}: data[{i}]")):
            where = f"{path}: data[{i}].paragraphs[{j}]"
            context = _field(passage, "context", str, where)
            spans = _split_lines(context)
            if not spans:
                raise NewsbotError(f"{where}: empty context")
            article = len(articles)
            articles.append(
                Article(title=title or f"{path.stem} {article}", paragraphs=[t for _, t in spans])
            )
            for k, qa in enumerate(_field(passage, "qas", list, where)):
                at = f"{where}.qas[{k}]"
                answers = _field(qa, "answers", list, at)
                texts = list(dict.fromkeys(_field(a, "text", str, at).strip() for a in answers))
                paragraph = None
                if answers and not qa.get("is_impossible", False):
                    first = answers[0]
                    paragraph = _paragraph_of(
                        spans, context, first["text"], _field(first, "answer_start", int, at)
                    )
                else:
                    texts = []
                questions.append(
                    SquadQuestion(
                        id=str(qa.get("id", f"{path.stem}-{i}-{j}-{k}")),
                        question=_field(qa, "question", str, at).strip(),
                        answers=texts,
                        article=article,
                        paragraph=paragraph,
                        where=at,
                    )
                )
    log.debug("%s: %d passages, %d questions", path, len(articles), len(questions))
    return SquadSet(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        articles=articles,
        questions=questions,
    )


def ingest_squad(store: Store, squad: SquadSet) -> dict[tuple[int, int], int]:
    """Store the passages (once per file content); map (article, paragraph) to paragraph ids."""
    store.add_document(
        name=squad.path.name, sha256=squad.sha256, kind="squad", articles=squad.articles
    )
    rows = store.db.execute(
        """
        SELECT a.position, p.position, p.id
        FROM paragraphs p
        JOIN articles a ON a.id = p.article_id
        JOIN documents d ON d.id = a.document_id
        WHERE d.sha256 = ?
        """,
        [squad.sha256],
    ).fetchall()
    return {(article, paragraph): pid for article, paragraph, pid in rows}
