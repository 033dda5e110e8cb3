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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import pairwise
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
    # Columns of one article may differ by this many display columns (justification noise).
    column_jitter: int = 0
    # Real-paper headline structures (`headline_variant`): the share of articles given a kicker
    # or subtitle made from their own text, cut to their lede, or joined by a stray block.
    variant_rate: float = 0.0
    short_rate: float = 0.0
    stray_rate: float = 0.0


# Headline-shaped blocks that head no article: section labels, picture captions, editors.
STRAY_BLOCKS = ["图片新闻", "民生速递", "本版责编：李华", "图为市民在湟水河畔散步", "要闻简报"]
_CLAUSE_RE = re.compile(r"[^，。；：！？、“”（）]+")
_DATE_CLAUSE_RE = re.compile(
    r"^(?:\d+月\d+日|\d+日|昨日|近日|今天|日前|今年以来|据悉|据了解|记者从)"
)


def wrap(text: str, width: int, first_width: int | None = None) -> list[str]:
    """Break `text` into lines of at most `width` display columns (the first `first_width`).

    Closing punctuation never starts a line: it overhangs the previous one. Opening
    punctuation never ends a line: it moves down to the next.
    """
    first = width if first_width is None else first_width
    return list(_break_lines(text, lambda index: first if index == 0 else width))


def _break_lines(text: str, capacity: Callable[[int], int]) -> Iterator[str]:
    """Greedy line breaking of `text`; `capacity(i)` is asked for line i only once line i-1 is out,
    so a caller can change the column between lines."""
    line = ""
    index = 0
    for unit in UNIT_RE.findall(text):
        fits = display_width(line + unit) <= capacity(index)
        if fits or not line or unit in NO_LINE_START:
            line += unit
            continue
        carried = ""
        while line and line[-1] in NO_LINE_END:
            carried = line[-1] + carried
            line = line[:-1]
        if line:
            yield line
            index += 1
        line = carried + unit
    if line:
        yield line


def _stray_spaces(line: str, rng: random.Random, rate: float) -> str:
    """Spaces as extraction leaves them: around some digit runs and before some commas."""
    line = _DIGIT_EDGE_RE.sub(lambda _: " " if rng.random() < rate else "", line)
    return re.sub(
        "(?<=[\u4e00-\u9fff])(?=[，。])", lambda _: " " if rng.random() < rate / 4 else "", line
    )


class _Column:
    """The column text is being set in: its width, and the lines left before a column break."""

    def __init__(self, layout: Layout, rng: random.Random) -> None:
        self.layout = layout
        self.rng = rng
        self.base = self.width = layout.min_width
        self.left = rng.randint(layout.min_column_lines, layout.max_column_lines)

    def new_article(self) -> None:
        """Each article gets its own column width."""
        self.base = self.width = self.rng.randint(self.layout.min_width, self.layout.max_width)

    def set_paragraph(self, text: str, byline: str | None) -> Iterator[str]:
        """The paragraph's lines with a blank line at each column break.

        The first line is indented, except when a byline opens it at full width; a byline with
        no closing bracket stands on its own line. A column break never splits the byline.
        """
        indent = INDENT
        if byline and byline.endswith(("）", ")")):
            text, indent = byline + text, 0
        elif byline:
            yield from self._emitted(byline)
        rest = len(byline or "") if indent == 0 else 0
        for line in _break_lines(text, lambda i: self.width - (indent if i == 0 else 0)):
            rest -= len(line)
            yield from self._emitted(line, may_break=rest <= 0)

    def _emitted(self, line: str, may_break: bool = True) -> Iterator[str]:
        yield _stray_spaces(line, self.rng, self.layout.space_rate)
        self.left -= 1
        if self.left <= 0 and may_break:
            yield ""
            jitter = self.layout.column_jitter
            self.width = self.base + self.rng.randint(-jitter, jitter)
            self.left = self.rng.randint(self.layout.min_column_lines, self.layout.max_column_lines)


def _headline_blocks(article: Article, width: int) -> list[list[str]]:
    """The kicker, title and subtitle of `article` as blocks of wrapped lines."""
    parts = [article.kicker, article.title, article.subtitle]
    return [wrap(part, width) for part in parts if part]


def _clause(text: str, rng: random.Random, want_digit: bool, avoid: str) -> str | None:
    """A clause of `text` fit to stand as a headline block (6-20 characters, no dateline).

    Now and then two short clauses in a row stand together, a space between them, as the
    two phrases of a kicker or subtitle often do (坚持以赛促旅 激发消费活力).
    """
    found = [c for c in _CLAUSE_RE.findall(text) if not _DATE_CLAUSE_RE.match(c)]
    pairs = [f"{a} {b}" for a, b in pairwise(found) if 4 <= len(a) <= 9 and 4 <= len(b) <= 9]
    if pairs and rng.random() < 0.3:
        found = pairs
    clauses = [
        c
        for c in found
        if 6 <= len(c) <= 20
        and c not in avoid
        and avoid not in c
        and (any(ch.isdigit() for ch in c) or not want_digit)
    ]
    return rng.choice(clauses) if clauses else None


def headline_variant(article: Article, rng: random.Random) -> Article:
    """`article` with the headline structure of another real-paper kind, made from its text.

    A kicker that sets the scene without a cue word (a clause from past the lede, since a
    kicker rarely repeats the lede's main fact as a title does), a subtitle that adds a figure
    (a clause holding a number), or both; fields it already has stay.
    """
    kicker, subtitle = article.kicker, article.subtitle
    kind = rng.choice(("kicker", "subtitle", "both"))
    body = "".join(article.paragraphs[1:]) or article.paragraphs[0]
    if kind in ("kicker", "both") and not kicker and len(article.paragraphs) > 1:
        kicker = _clause(body, rng, False, article.title)
    if kind in ("subtitle", "both") and not subtitle:
        subtitle = _clause(body, rng, True, article.title)
        if subtitle == kicker:
            subtitle = None
    return replace(article, kicker=kicker, subtitle=subtitle)


# How many articles a generated page holds: from the first to the second, drawn evenly.
PAGE_ARTICLES = (3, 6)


def page_articles(pool: list[Article], rng: random.Random, layout: Layout) -> list[Article]:
    """3 to 6 articles of `pool`, some given real-paper headline variants or cut short."""
    size = rng.randint(*PAGE_ARTICLES)
    return varied_articles(rng.sample(pool, min(len(pool), size)), rng, layout)


def varied_articles(
    articles: list[Article], rng: random.Random, layout: Layout
) -> list[Article]:
    """`articles`, some given real-paper headline variants or cut short, as `layout` says."""
    out = []
    for article in articles:
        if layout.variant_rate and rng.random() < layout.variant_rate:
            article = headline_variant(article, rng)
        if layout.short_rate and len(article.paragraphs) > 1 and rng.random() < layout.short_rate:
            article = replace(article, paragraphs=article.paragraphs[:1])
        out.append(article)
    return out


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
    if layout.stray_rate and rng.random() < layout.stray_rate:
        slot = rng.randint(0, len(articles))
        slots[slot].insert(rng.randint(0, len(slots[slot])), [[rng.choice(STRAY_BLOCKS)]])

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
    column = _Column(layout, rng)
    for i, article in enumerate(articles):
        column.new_article()
        for index, paragraph in enumerate(article.paragraphs):
            if index:
                out.append("")
            out.extend(column.set_paragraph(paragraph, article.byline if index == 0 else None))
        out.append("")
        emit_headlines(i + 1)
    # Runs of blank lines (a column break next to a paragraph end) read as one.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return text.strip("\n") + "\n"


def random_page(
    pool: list[Article], rng: random.Random, layout: Layout | None = None
) -> tuple[str, list[Article], str | None]:
    """Pick 3 to 6 articles from `pool` and a banner; return (page text, articles, banner)."""
    layout = layout or Layout()
    articles = page_articles(pool, rng, layout)
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
