"""Known articles → page text as a PDF extractor gives it: the inverse of `retrieval.layout`.

Tests and `benchmarks/layout_recovery.py` typeset articles in many random layouts and check
that `parse_page` gives them back. The layout copies the seed page: each article wrapped at
its own column width in display columns, the first line of a paragraph two CJK characters
shorter, closing punctuation pushed back onto the previous line, blank lines at column breaks
(every N lines, anywhere, even mid-word or right after a sentence end), headline blocks moved
after later articles, a doubled banner and stray spaces around digits.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from retrieval.layout import INDENT, NO_LINE_END, NO_LINE_START, UNIT_RE, display_width
from retrieval.models import Article, Page

_DIGIT_EDGE_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?=[0-9])|(?<=[0-9])(?=[\u4e00-\u9fff])")
_BANNERS = ["要闻 综合", "城事 民生", "绿色发展 高原新篇", "文化 教育", "经济观察"]


@dataclass
class Layout:
    """The random ranges a page is typeset with (display columns, lines, probabilities)."""

    min_width: int = 26
    max_width: int = 44
    min_column_lines: int = 3
    max_column_lines: int = 20
    headline_min_width: int = 24
    headline_max_width: int = 48
    space_rate: float = 0.15


def wrap(text: str, width: int, first_width: int | None = None) -> list[str]:
    """Break `text` into lines of at most `width` display columns (the first `first_width`).

    Closing punctuation never starts a line: it overhangs the previous one. Opening
    punctuation never ends a line: it moves down to the next.
    """
    lines: list[str] = []
    line = ""
    capacity = width if first_width is None else first_width
    for unit in UNIT_RE.findall(text):
        fits = display_width(line) + display_width(unit) <= capacity
        if fits or not line or unit in NO_LINE_START:
            line += unit
            continue
        carried = ""
        while line and line[-1] in NO_LINE_END:
            carried = line[-1] + carried
            line = line[:-1]
        if line:
            lines.append(line)
        line = carried + unit
        capacity = width
    if line:
        lines.append(line)
    return lines


def _stray_spaces(line: str, rng: random.Random, rate: float) -> str:
    """Spaces as extraction leaves them: around some digit runs and before some commas."""
    line = _DIGIT_EDGE_RE.sub(lambda _: " " if rng.random() < rate else "", line)
    return re.sub(
        "(?<=[\u4e00-\u9fff])(?=[，。])", lambda _: " " if rng.random() < rate / 4 else "", line
    )


def _body_lines(article: Article, width: int) -> list[tuple[str, bool]]:
    """The article's lines, each with whether a column break may follow it.

    The byline opens the first line at full width (a byline with no closing bracket stands on
    its own line); a column break never splits the byline.
    """
    out: list[tuple[str, bool]] = []
    for index, paragraph in enumerate(article.paragraphs):
        if index:
            out.append(("", False))
        if index == 0 and article.byline:
            if article.byline.endswith(("）", ")")):
                lines = wrap(article.byline + paragraph, width)
            else:
                lines = [article.byline, *wrap(paragraph, width, width - INDENT)]
            seen = 0
            for line in lines:
                seen += len(line)
                out.append((line, seen >= len(article.byline)))
        else:
            out.extend((line, True) for line in wrap(paragraph, width, width - INDENT))
    return out


def _headline_blocks(article: Article, width: int) -> list[list[str]]:
    """The kicker, title and subtitle of `article` as blocks of wrapped lines."""
    parts = [article.kicker, article.title, article.subtitle]
    return [wrap(part, width) for part in parts if part]


def typeset_page(
    articles: list[Article],
    rng: random.Random,
    banner: str | None = None,
    layout: Layout | None = None,
) -> str:
    """Typeset `articles` (in reading order) as one page's extracted text."""
    layout = layout or Layout()
    # slots[j + 1] holds the headline groups printed after article j's body (j = -1: page top).
    slots: list[list[list[str]]] = [[] for _ in range(len(articles) + 1)]
    for i, article in enumerate(articles):
        headline_width = rng.randint(layout.headline_min_width, layout.headline_max_width)
        slot = rng.randint(i, len(articles))
        group = _headline_blocks(article, headline_width)
        slots[slot].insert(rng.randint(0, len(slots[slot])), group)

    out: list[str] = []
    if banner:
        doubled = " ".join(chunk * 2 for chunk in banner.split())
        out += [" " * rng.randint(0, 1) + doubled, ""]

    def emit_headlines(slot: int) -> None:
        for group in slots[slot]:
            for block in group:
                out.extend(_stray_spaces(line, rng, layout.space_rate) for line in block)
                out.append("")

    emit_headlines(0)
    until_break = rng.randint(layout.min_column_lines, layout.max_column_lines)
    for i, article in enumerate(articles):
        width = rng.randint(layout.min_width, layout.max_width)
        for line, may_break in _body_lines(article, width):
            out.append(_stray_spaces(line, rng, layout.space_rate) if line else "")
            if not line:
                continue
            until_break -= 1
            if until_break <= 0 and may_break:
                out.append("")
                until_break = rng.randint(layout.min_column_lines, layout.max_column_lines)
        out.append("")
        emit_headlines(i + 1)
    # Runs of blank lines (a column break next to a paragraph end) read as one.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return text.strip("\n") + "\n"


def random_page(
    pool: list[Article], rng: random.Random, layout: Layout | None = None
) -> tuple[str, list[Article], str | None]:
    """Pick 3 to 6 articles from `pool` and a banner; return (page text, articles, banner)."""
    articles = rng.sample(pool, min(len(pool), rng.randint(3, 6)))
    banner = rng.choice(_BANNERS) if rng.random() < 0.8 else None
    return typeset_page(articles, rng, banner, layout), articles, banner


def same_article(expected: Article, got: Article) -> bool:
    """Whether a parsed article matches the typeset one in text, headlines and reporters."""
    fields = ("title", "kicker", "subtitle", "reporters", "byline", "paragraphs")
    return all(getattr(expected, f) == getattr(got, f) for f in fields)


def recovered(expected: list[Article], page: Page) -> int:
    """How many of the typeset articles the parsed page gives back exactly, in reading order."""
    if len(page.articles) != len(expected):
        return sum(any(same_article(e, g) for g in page.articles) for e in expected)
    return sum(same_article(e, g) for e, g in zip(expected, page.articles, strict=True))


def articles_from_json(path: Path) -> list[Article]:
    """Articles from a JSON list (or an object with `articles`) of Article fields."""
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data["articles"] if isinstance(data, dict) else data
    fields = ("title", "paragraphs", "kicker", "subtitle", "reporters", "byline")
    return [Article(**{f: record.get(f) for f in fields}) for record in records]
