"""E-paper PDF → `Page`: articles read from character positions, font sizes and rules.

A PDF knows what page text has lost: where each column is, which line is a headline (its
size) and where a block ends (a rule or a gap). Reading order comes from a recursive XY-cut
(rules first, then horizontal gaps, then column gutters); a headline opens an article, its
body runs on through columns and pages until the next headline; a line indented by two
characters opens a paragraph. Text is read through pypdfium2 (PDFium), chosen over
pdfplumber by `benchmarks/pdf_recovery.py`: about five times faster, and more exact.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from retrieval.errors import NewsbotError
from retrieval.layout import clean_spaces, drop_chars, join_lines, parse_byline
from retrieval.models import Article, Page
from retrieval.readers import parse_date

log = logging.getLogger(__name__)

# Sizes at least this much above the body text's are headlines.
_HEADLINE_RATIO = 1.15
# Glyphs on one baseline further apart than this (in body ems) are in different columns;
# justified lines spread theirs by much less, and headlines are set solid.
_SEGMENT_GAP = 1.0
# Vertical whitespace (in body ems) that separates blocks; the gap between lines is ~0.5.
_BLOCK_GAP = 0.9
# Whitespace between columns (in body ems) for a gutter.
_GUTTER = 0.5
# A paragraph's first line starts two characters in.
_INDENT_EMS = 2.0
_INDENT_TOLERANCE = 0.25
# A rule spans a region when it covers all of it but this share and this many body ems.
_SPAN_SHORTFALL = 0.05
_SPAN_TOLERANCE = 1.0
# Thinner than this (points) and longer than `_RULE_MIN_LENGTH` ems, a path is a rule.
_RULE_THICKNESS = 3.0
_RULE_MIN_LENGTH = 4.0
_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_PASSWORD_ERROR = 4  # PDFium's FPDF_ERR_PASSWORD


@dataclass
class Glyph:
    """One character drawn on a page; coordinates in points from the page's top-left."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float


@dataclass
class Rule:
    """A thin line or rectangle drawn on a page (column rules, block separators)."""

    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 >= self.bottom - self.top


@dataclass
class PageContent:
    """What the layout analysis needs of one PDF page."""

    glyphs: list[Glyph]
    rules: list[Rule]


@dataclass
class PdfDocument:
    """A parsed PDF: its articles, and the paper and date its banner names."""

    page: Page
    source: str | None
    date: str | None
    sha256: str
    pages: int


class _Line:
    """Glyphs on one baseline within one column, in x order, with their extent."""

    __slots__ = ("glyphs", "page", "x0", "x1", "top", "bottom", "size", "text")

    def __init__(self, glyphs: list[Glyph], page: int) -> None:
        self.glyphs, self.page = glyphs, page
        self.x0, self.x1 = min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)
        self.top = min(g.top for g in glyphs)
        self.bottom = max(g.bottom for g in glyphs)
        self.size = max(g.size for g in glyphs)
        self.text = "".join(g.text for g in glyphs)


def read_pdf(path: Path) -> PdfDocument:
    """Parse the PDF at `path`; a file that is not a readable, text-bearing PDF is refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NewsbotError(f"{path}: cannot read ({exc.strerror})") from None
    contents = extract(data, str(path))
    if not any(c.glyphs for c in contents):
        raise NewsbotError(f"{path}: scanned page: no text layer, run OCR first")
    page, source, date = parse_contents(contents)
    if not page.articles:
        raise NewsbotError(f"{path}: no article found (no headline or text in the columns)")
    return PdfDocument(page, source, date, _content_hash(page), len(contents))


def extract(data: bytes, name: str) -> list[PageContent]:
    """Glyphs and rules of every page of a PDF through PDFium; bad files raise NewsbotError."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise NewsbotError(f"{name}: not a PDF (no %PDF- header)")
    # PDFium rebuilds a file cut short from what is left, silently losing pages: refuse it.
    if b"%%EOF" not in data[-2048:]:
        raise NewsbotError(f"{name}: truncated PDF (no %%EOF at the end)")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
            raise NewsbotError(f"{name}: encrypted PDF; decrypt it first") from None
        raise NewsbotError(f"{name}: damaged PDF ({exc})") from None
    try:
        return [_page_content(document[i]) for i in range(len(document))]
    finally:
        document.close()


def _page_content(page: pdfium.PdfPage) -> PageContent:
    """One page's glyphs (generated spaces and line ends skipped) and rules."""
    height = page.get_height()
    textpage = page.get_textpage()
    glyphs = []
    box = raw.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage, i))
        if char in " \r\n" and raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue  # a space or line end PDFium made up from the gaps
        if char == "\x02" and raw.FPDFText_IsHyphen(textpage, i) == 1:
            char = "-"  # PDFium reports a hyphen that ends a line as U+0002; it was drawn
        if not raw.FPDFText_GetLooseCharBox(textpage, i, ctypes.byref(box)):
            continue
        if glyphs and "\ud800" <= glyphs[-1].text <= "\udbff" and "\udc00" <= char <= "\udfff":
            # A character beyond the BMP comes as two UTF-16 units: make it one glyph.
            high = glyphs[-1]
            high.text = (high.text + char).encode("utf-16", "surrogatepass").decode("utf-16")
            high.x1 = max(high.x1, box.right)
            continue
        raw.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(x), ctypes.byref(y))
        size = raw.FPDFText_GetFontSize(textpage, i)
        glyphs.append(
            Glyph(
                char,
                box.left,
                box.right,
                height - box.top,
                height - box.bottom,
                height - y.value,
                size,
            )
        )
    rules = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        rule = Rule(left, right, height - top, height - bottom)
        if min(right - left, top - bottom) <= _RULE_THICKNESS:
            rules.append(rule)
    textpage.close()
    page.close()
    return PageContent(glyphs, rules)


def parse_contents(contents: list[PageContent]) -> tuple[Page, str | None, str | None]:
    """(page, paper name, ISO date) from the pages of one PDF, articles in reading order."""
    sizes = Counter(round(g.size, 1) for c in contents for g in c.glyphs)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    banner_text: str | None = None
    source = date = None
    ordered: list[_Line] = []
    for number, content in enumerate(contents):
        lines = _lines(content.glyphs, number, body)
        rules = [r for r in content.rules if _long_enough(r, body)]
        banner, lines = _split_banner(lines, rules, body)
        if banner and banner_text is None:
            banner_text = " ".join(word for line in banner for word in line.text.split())
            source = clean_spaces(max(banner, key=lambda line: line.size).text)
            match = _DATE_RE.search(banner_text)
            date = _iso_date(match) if match else None
        ordered.extend(_reading_order(lines, rules, body))
    articles = _articles(ordered, body)
    return Page(banner=banner_text, articles=articles), source, date


def _long_enough(rule: Rule, body: float) -> bool:
    return max(rule.x1 - rule.x0, rule.bottom - rule.top) >= _RULE_MIN_LENGTH * body


def _iso_date(match: re.Match[str]) -> str | None:
    try:
        return parse_date(match.group(0))
    except ValueError:  # 2024年2月30日
        return None


def _lines(glyphs: list[Glyph], page: int, body: float) -> list[_Line]:
    """Glyphs grouped by baseline and size, split where a gap is wider than a justified space."""
    rows: dict[tuple[float, float], list[Glyph]] = {}
    for glyph in glyphs:
        rows.setdefault((round(glyph.baseline), round(glyph.size, 1)), []).append(glyph)
    lines = []
    for row in rows.values():
        # By centre: a squeezed line may start a glyph left of a narrow space's start.
        row.sort(key=lambda g: g.x0 + g.x1)
        current = [row[0]]
        for glyph in row[1:]:
            if glyph.x0 - current[-1].x1 > _SEGMENT_GAP * body:
                lines.append(_Line(current, page))
                current = []
            current.append(glyph)
        lines.append(_Line(current, page))
    return [line for line in lines if line.text.strip()]


def _split_banner(
    lines: list[_Line], rules: list[Rule], body: float
) -> tuple[list[_Line], list[_Line]]:
    """The lines above the first rule spanning the whole page's text, and the rest."""
    if not lines:
        return [], lines
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    spanning = [r for r in rules if r.horizontal and _spans(r.x0, r.x1, left, right, body)]
    if not spanning:
        return [], lines
    cut = min(r.top for r in spanning)
    above = [line for line in lines if line.bottom <= cut]
    if not above:
        return [], lines
    above.sort(key=lambda line: (line.top, line.x0))
    return above, [line for line in lines if line.bottom > cut]


def _spans(start: float, end: float, low: float, high: float, body: float) -> bool:
    """Whether [start, end] covers [low, high] but for a little (a hanging comma may stick out
    past a rule's end)."""
    covered = min(end, high) - max(start, low)
    return covered >= (1 - _SPAN_SHORTFALL) * (high - low) - _SPAN_TOLERANCE * body


def _reading_order(lines: list[_Line], rules: list[Rule], body: float) -> list[_Line]:
    """Lines in reading order by recursive XY-cut: rules spanning the region, then horizontal
    whitespace (a block's headline above its columns), then column gutters, left to right."""
    if len(lines) <= 1:
        return lines
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    top, bottom = min(line.top for line in lines), max(line.bottom for line in lines)
    for parts in (
        _cut_at_rules(lines, rules, (left, right, top, bottom), body),
        _cut_gaps(lines, vertical=False, gap=_BLOCK_GAP * body),
        _cut_gaps(lines, vertical=True, gap=_GUTTER * body, rules=rules),
    ):
        if len(parts) > 1:
            return [line for part in parts for line in _reading_order(part, rules, body)]
    return sorted(lines, key=lambda line: (round(line.top), line.x0))


def _cut_at_rules(
    lines: list[_Line], rules: list[Rule], box: tuple[float, float, float, float], body: float
) -> list[list[_Line]]:
    """Split at horizontal rules crossing the whole region, else at vertical ones."""
    left, right, top, bottom = box
    across = sorted(
        (r.top + r.bottom) / 2
        for r in rules
        if r.horizontal and top < r.top < bottom and _spans(r.x0, r.x1, left, right, body)
    )
    if across:
        return _split(lines, across, lambda line: (line.top + line.bottom) / 2)
    down = sorted(
        (r.x0 + r.x1) / 2
        for r in rules
        if not r.horizontal and left < r.x0 < right and _spans(r.top, r.bottom, top, bottom, body)
    )
    return _split(lines, down, lambda line: (line.x0 + line.x1) / 2) if down else [lines]


def _split(
    lines: list[_Line], cuts: list[float], key: Callable[[_Line], float]
) -> list[list[_Line]]:
    """`lines` in the parts the sorted `cuts` make, by `key`; empty parts dropped."""
    parts: list[list[_Line]] = [[] for _ in range(len(cuts) + 1)]
    for line in lines:
        parts[bisect_left(cuts, key(line))].append(line)
    return [part for part in parts if part]


def _cut_gaps(
    lines: list[_Line], *, vertical: bool, gap: float, rules: Sequence[Rule] = ()
) -> list[list[_Line]]:
    """Split where no line covers a band at least `gap` wide (a gutter not crossed by a rule)."""

    def extent(line: _Line) -> tuple[float, float]:
        return (line.x0, line.x1) if vertical else (line.top, line.bottom)

    top = min(line.top for line in lines)
    bottom = max(line.bottom for line in lines)
    ordered = sorted(lines, key=extent)
    parts = [[ordered[0]]]
    reach = extent(ordered[0])[1]
    for line in ordered[1:]:
        start, end = extent(line)
        if start - reach >= gap and not (vertical and _crossed(rules, reach, start, top, bottom)):
            parts.append([])
        parts[-1].append(line)
        reach = max(reach, end)
    return parts


def _crossed(rules: Sequence[Rule], start: float, end: float, top: float, bottom: float) -> bool:
    """Whether a horizontal rule within [top, bottom] runs across the band [start, end]."""
    return any(r.horizontal and top < r.top < bottom and r.x0 < start and r.x1 > end for r in rules)


def _articles(lines: list[_Line], body: float) -> list[Article]:
    """Articles from lines in reading order: a headline run opens one, body lines fill it."""
    indented = _indent_test([line for line in lines if line.size < body * _HEADLINE_RATIO])
    articles: list[tuple[list[_Line], list[list[_Line]]]] = []
    for line in lines:
        if line.size >= body * _HEADLINE_RATIO:
            if not articles or articles[-1][1]:
                articles.append(([], []))
            articles[-1][0].append(line)
            continue
        if not articles:
            log.warning("page %d: text before any headline read as an article", line.page + 1)
            articles.append(([], []))
        paragraphs = articles[-1][1]
        if not paragraphs or indented(line):
            paragraphs.append([])
        paragraphs[-1].append(line)
    return [
        _article(heads, paragraphs, position)
        for position, (heads, paragraphs) in enumerate(_split_at_bylines(articles))
    ]


def _split_at_bylines(
    articles: list[tuple[list[_Line], list[list[_Line]]]],
) -> list[tuple[list[_Line], list[list[_Line]]]]:
    """A paragraph opening with a byline starts an article even when no headline was read
    (one lost or never drawn), so the article before it keeps only its own text."""
    split: list[tuple[list[_Line], list[list[_Line]]]] = []
    for heads, paragraphs in articles:
        if not paragraphs:
            continue
        split.append((heads, [paragraphs[0]]))
        for paragraph in paragraphs[1:]:
            if parse_byline("".join(line.text for line in paragraph)):
                log.warning("page %d: a byline without a headline", paragraph[0].page + 1)
                split.append(([], []))
            split[-1][1].append(paragraph)
    return split


def _indent_test(lines: list[_Line]) -> Callable[[_Line], bool]:
    """A test for first lines: a body line two ems right of another line's start.

    Justified lines all start at their column's edge, so every column's edge is some line's
    x0; an indented line starts two ems (±a quarter) right of one. Edges are pooled over the
    document's pages: a page may hold only the indented first line of a column, and papers
    keep their grid from page to page.
    """
    starts = sorted(line.x0 for line in lines)

    def indented(line: _Line) -> bool:
        edge = line.x0 - _INDENT_EMS * line.size
        i = bisect_left(starts, edge - _INDENT_TOLERANCE * line.size)
        return i < len(starts) and starts[i] <= edge + _INDENT_TOLERANCE * line.size

    return indented


def _article(heads: list[_Line], paragraphs: list[list[_Line]], position: int) -> Article:
    """An article from its headline lines and its paragraphs' lines; the byline is taken off.

    The byline is read from the raw text: cleaning spaces would glue `记者 施翔` together.
    """
    kicker, title, subtitle = _headline_roles(heads)
    texts = [[line.text for line in lines] for lines in paragraphs]
    byline, reporters = None, []
    raw_first = "".join(texts[0])
    found = parse_byline(raw_first)
    if found:
        byline, reporters, rest = found
        texts[0] = drop_chars(texts[0], len(raw_first) - len(rest))
    joined = [join_lines(t) for t in texts if t]
    return Article(
        title=title,
        kicker=kicker,
        subtitle=subtitle,
        paragraphs=[t for t in joined if t],
        reporters=reporters,
        byline=byline,
        position=position,
    )


def _headline_roles(heads: list[_Line]) -> tuple[str | None, str, str | None]:
    """(kicker, title, subtitle): the largest lines are the title, those before and after it
    in the run are the kicker and the subtitle."""
    if not heads:
        return None, "", None
    biggest = max(line.size for line in heads)
    first = next(i for i, line in enumerate(heads) if line.size >= biggest - 0.1)
    last = max(i for i, line in enumerate(heads) if line.size >= biggest - 0.1)

    def text(part: list[_Line]) -> str | None:
        return join_lines([line.text for line in part]) or None

    return text(heads[:first]), text(heads[first : last + 1]) or "", text(heads[last + 1 :])


def _content_hash(page: Page) -> str:
    """SHA-256 of what was read (banner and articles), so a re-saved copy is a duplicate."""
    parts = [page.banner or ""]
    for article in page.articles:
        parts += [article.kicker or "", article.title, article.subtitle or ""]
        parts += [article.byline or "", *article.paragraphs]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
