"""Known articles → an e-paper PDF, the inverse of `retrieval.pdf`, for tests and benchmarks.

Pages are laid out on a grid of 4–6 columns split into strips one to three columns wide,
separated by column rules; each strip stacks article blocks (kicker, title and subtitle across
the strip, the body balanced over its columns), with a rule or a gap between blocks. Body
lines are justified, a paragraph's first line is indented two characters, closing
punctuation never starts a line (it is squeezed onto the one before). A banner carries the
paper's name and the date; text that does not fit runs on to the next strip, then onto a
second page under the same banner. Text is set in reportlab's built-in CJK font STSong-Light
(not embedded, so pages stay a few kilobytes).

    python -m benchmarks.pdf_typeset data/pdf/xining-evening-news-2024-08-22.pdf
"""

from __future__ import annotations

import argparse
import io
import math
import random
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from retrieval.layout import INDENT, NO_LINE_START, UNIT_RE, parse_page
from retrieval.models import Article
from retrieval.resources import BUNDLED_SOURCE, seed_page
from retrieval.typeset import wrap

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_SIZES = {"A3": (842.0, 1191.0), "B4": (729.0, 1032.0), "A4": (595.0, 842.0)}
_MARGIN = 36.0
_WEEKDAYS = "一二三四五六日"
_SECTIONS = ["要闻", "综合", "城事", "民生", "经济", "文化"]
# A justified line is stretched by at most this much per character (in ems); a line that
# would need more (a long Latin run was pushed down) is set ragged instead.
_MAX_STRETCH = 0.5
# A title has room for six characters a line and stays this much larger than its kicker.
_MIN_TITLE_CHARS = 6
_MIN_TITLE_RATIO = 1.2
_MIN_KICKER_RATIO = 1.25  # kickers and subtitles against the body text
# How many display columns narrower a text may be set to keep a character off a line alone.
_MAX_NARROWING = 4


@dataclass
class PdfLayout:
    """The choices one generated document is typeset with."""

    page_size: tuple[float, float] = PAGE_SIZES["A3"]
    columns: int = 5
    body_size: float = 9.0
    leading: float = 1.5  # baseline to baseline, in body ems
    gutter: float = 1.5  # between columns, in body ems
    kicker_size: float = 12.0
    title_size: float = 20.0
    centered_headlines: bool = False
    block_rules: bool = True

    @property
    def pitch(self) -> float:
        return self.leading * self.body_size


def random_layout(rng: random.Random) -> PdfLayout:
    """A random page format, grid, type sizes and rule style."""
    body = rng.choice([8.0, 8.5, 9.0, 9.5, 10.0])
    kicker = round(body * rng.uniform(1.25, 1.5), 1)
    return PdfLayout(
        page_size=PAGE_SIZES[rng.choice(sorted(PAGE_SIZES))],
        columns=rng.randint(4, 6),
        body_size=body,
        leading=rng.uniform(1.4, 1.7),
        gutter=rng.uniform(1.4, 2.2),
        kicker_size=kicker,
        title_size=round(kicker * rng.uniform(1.3, 1.8), 1),
        centered_headlines=rng.random() < 0.5,
        block_rules=rng.random() < 0.7,
    )


@dataclass
class _BodyLine:
    """One line of an article's body as it will be set."""

    text: str
    indent: bool
    last: bool  # a paragraph's last line is not justified


def _body_lines(article: Article, width: float, size: float) -> list[_BodyLine]:
    """The article's paragraphs broken at the column width; the byline opens the first."""
    columns = int(width / (size / 2))
    paragraphs = list(article.paragraphs)
    if article.byline and article.byline.endswith(("）", ")")):
        paragraphs[0] = article.byline + paragraphs[0]
    elif article.byline:
        paragraphs.insert(0, article.byline)
    lines = []
    for paragraph in paragraphs:
        wrapped = _wrap(paragraph, columns, columns - INDENT)
        for i, text in enumerate(wrapped):
            lines.append(_BodyLine(text, indent=i == 0, last=i == len(wrapped) - 1))
    return lines


class _Typesetter:
    """Places article blocks strip by strip, page by page, on one reportlab canvas."""

    def __init__(
        self, layout: PdfLayout, rng: random.Random, paper: str, day: str, section: str
    ) -> None:
        self.layout, self.rng = layout, rng
        self.paper, self.day, self.section = paper, day, section
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=layout.page_size, invariant=1)
        width = layout.page_size[0] - 2 * _MARGIN
        self.gutter = layout.gutter * layout.body_size
        self.column = (width - (layout.columns - 1) * self.gutter) / layout.columns
        self.pages = 0
        self.strips: list[tuple[float, int]] = []
        self._new_page()

    # -- pages and strips -------------------------------------------------------------------
    def _new_page(self) -> None:
        if self.pages:
            self.canvas.showPage()
        self.pages += 1
        self.top = self._banner()
        self.bottom = self.layout.page_size[1] - _MARGIN
        spans: list[int] = []
        while sum(spans) < self.layout.columns:
            spans.append(min(self.rng.randint(1, 3), self.layout.columns - sum(spans)))
        x = _MARGIN
        self.strips = []
        for i, span in enumerate(spans):
            self.strips.append((x, span))
            x += span * self.column + span * self.gutter
            if i < len(spans) - 1:
                rule_x = x - self.gutter / 2
                self._rule(rule_x, self.top, rule_x, self.bottom)
        self.strip = 0
        self.y = self.top

    def _next_strip(self) -> None:
        self.strip += 1
        if self.strip == len(self.strips):
            self._new_page()
        self.y = self.top

    def _banner(self) -> float:
        """Draw the banner (paper name, date, page and section) and its rule; body top."""
        layout = self.layout
        width = layout.page_size[0]
        day = Date.fromisoformat(self.day)
        dateline = f"{day.year}年{day.month}月{day.day}日 星期{_WEEKDAYS[day.weekday()]}"
        info = f"{dateline}  第{self.pages}版  {self.section}"
        y = _MARGIN + 30
        self._text(self.paper, _MARGIN, y, 30)
        self._text(info, width - _MARGIN - _width(info, 10), y, 10)
        y += 12
        self._rule(_MARGIN, y, width - _MARGIN, y, thickness=1.5)
        return y + 2 * layout.body_size

    # -- drawing ----------------------------------------------------------------------------
    def _text(self, text: str, x: float, baseline: float, size: float, spacing: float = 0) -> None:
        obj = self.canvas.beginText(x, self.layout.page_size[1] - baseline)
        obj.setFont(FONT, size)
        obj.setCharSpace(spacing)
        obj.textOut(text)
        self.canvas.drawText(obj)

    def _rule(self, x0: float, y0: float, x1: float, y1: float, thickness: float = 0.5) -> None:
        height = self.layout.page_size[1]
        self.canvas.setLineWidth(thickness)
        self.canvas.line(x0, height - y0, x1, height - y1)

    # -- articles ---------------------------------------------------------------------------
    def article(self, article: Article) -> None:
        """Set one article: headline across its strip, then the body, running on as needed."""
        layout = self.layout
        lines = _body_lines(article, self.column, layout.body_size)
        while True:
            x, span = self.strips[self.strip]
            width = span * self.column + (span - 1) * self.gutter
            heads = self._headline(article, width)
            head_height = sum(1.3 * size for _, size in heads)
            if self.bottom - self.y >= head_height + 4 * layout.pitch:
                break
            self._next_strip()
        for text, size in heads:
            self.y += 1.2 * size
            offset = (width - _width(text, size)) / 2 if layout.centered_headlines else 0
            self._text(text, x + max(0, offset), self.y, size)
        self.y += 1.2 * layout.body_size
        while lines:
            lines = self._body(lines)
            if lines:
                self._next_strip()
        self._separate()

    def _headline(self, article: Article, width: float) -> list[tuple[str, float]]:
        """Kicker, title and subtitle lines, wrapped to the strip's width; a narrow strip
        gets a smaller title (six characters a line), still well above the body size."""
        layout = self.layout
        floor = _MIN_KICKER_RATIO * layout.body_size
        title = max(min(layout.title_size, width / _MIN_TITLE_CHARS), floor * _MIN_TITLE_RATIO)
        kicker = max(min(layout.kicker_size, title / _MIN_TITLE_RATIO), floor)
        parts = [(article.kicker, kicker), (article.title, title), (article.subtitle, kicker)]
        return [
            (line, size)
            for text, size in parts
            if text
            for line in _wrap(text, int(width * 2 / size) or 1)
        ]

    def _body(self, lines: list[_BodyLine]) -> list[_BodyLine]:
        """Balance `lines` over the strip's columns below `self.y`; return those left over."""
        layout = self.layout
        x, span = self.strips[self.strip]
        rows = int((self.bottom - self.y) / layout.pitch)
        height = min(math.ceil(len(lines) / span), rows)
        if height <= 0:
            return lines
        for index, line in enumerate(lines[: height * span]):
            column, row = divmod(index, height)
            indent = 2 * layout.body_size if line.indent else 0
            left = x + column * (self.column + self.gutter) + indent
            self._text(
                line.text,
                left,
                self.y + (row + 1) * layout.pitch,
                layout.body_size,
                _spacing(line, self.column - indent, layout.body_size),
            )
        self.y += height * layout.pitch
        return lines[height * span :]

    def _separate(self) -> None:
        """A rule (or just a gap) between stacked blocks."""
        x, span = self.strips[self.strip]
        self.y += self.layout.body_size
        if self.layout.block_rules:
            width = span * self.column + (span - 1) * self.gutter
            self._rule(x, self.y, x + width, self.y)
        self.y += self.layout.body_size

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def _wrap(text: str, width: int, first_width: int | None = None) -> list[str]:
    """`text` wrapped with no character alone on a line (a headline's last line, a line cut
    short by a long Latin word): typographers avoid it, and PDFium reads nothing of a lone
    character in a non-embedded CID font. The line before lends its last word, else a
    narrower measure moves the breaks."""
    first = width if first_width is None else first_width
    attempts = []
    for narrower in range(_MAX_NARROWING + 1):
        lines = _lend(wrap(text, width - narrower, first - narrower))
        if len(lines) == 1 or all(len(line) > 1 for line in lines):
            return lines
        attempts.append(lines)
    return attempts[0]


def _lend(lines: list[str]) -> list[str]:
    """Each line of one character takes the last unit (two before closing punctuation) of a
    line before it that keeps at least two."""
    for i in range(1, len(lines)):
        units = UNIT_RE.findall(lines[i - 1])
        take = 2 if units and units[-1][0] in NO_LINE_START else 1
        if len(lines[i]) == 1 and len(units) >= take + 2:
            lines[i - 1], lines[i] = "".join(units[:-take]), "".join(units[-take:]) + lines[i]
    return lines


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def _spacing(line: _BodyLine, width: float, size: float) -> float:
    """Character spacing that justifies `line` to `width`: squeezes a line that ends in
    pushed-back punctuation, stretches a short one; a paragraph's last line is left alone."""
    if len(line.text) < 2:
        return 0.0
    spacing = (width - _width(line.text, size)) / (len(line.text) - 1)
    if line.last and spacing > 0:
        return 0.0
    return spacing if spacing <= _MAX_STRETCH * size else 0.0


@dataclass
class TypesetPdf:
    """A generated PDF and how many pages it has."""

    data: bytes
    pages: int


def typeset_pdf(
    articles: list[Article],
    rng: random.Random,
    *,
    paper: str = BUNDLED_SOURCE,
    day: str = "2024-08-22",
    layout: PdfLayout | None = None,
) -> TypesetPdf:
    """Typeset `articles` (in reading order) as an e-paper PDF of one or more pages."""
    setter = _Typesetter(layout or random_layout(rng), rng, paper, day, rng.choice(_SECTIONS))
    for article in articles:
        setter.article(article)
    pages = setter.pages
    return TypesetPdf(setter.finish(), pages)


def bundled_articles() -> list[Article]:
    """The bundled page's five articles, as the text parser reads them."""
    return parse_page(seed_page().read_text(encoding="utf-8")).articles


def main() -> None:
    parser = argparse.ArgumentParser(description="Typeset the bundled page's articles as a PDF.")
    parser.add_argument("output", type=Path, help="the PDF to write")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random layout")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pdf = typeset_pdf(bundled_articles(), rng, layout=PdfLayout(columns=5))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(pdf.data)
    print(f"{args.output}: {pdf.pages} pages, {len(pdf.data)} bytes")


if __name__ == "__main__":
    main()
