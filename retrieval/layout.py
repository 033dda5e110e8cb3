"""Page text → articles: joins wrapped lines and column breaks, finds bylines, headlines, banner.

The input is what a PDF extractor gives for a multi-column newspaper page: every line is
hard-wrapped at its column's width, a blank line ends a paragraph *or* marks a column break
(possibly mid-word), headline blocks sit out of reading order, and the banner is doubled.
`retrieval.typeset` produces such pages from known articles so the heuristics here are tested
on many layouts, not just the seed page.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from itertools import pairwise

from retrieval.headlines import (
    ArticleSpan,
    Assignment,
    HeadBlock,
    HeadlineModel,
    best_assignment,
    bigrams,
    log_assignment,
)
from retrieval.models import Article, Page

log = logging.getLogger(__name__)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# Ideographic punctuation, full-width forms, curly quotes, ellipsis, em dash and middle dot.
_CJK_PUNCT = "\u3001-\u303f\uff01-\uffef\u2018-\u201f\u2026\u2014\u00b7"
_ASCII_PUNCT = "!-/:-@\\[-`{-~"

# Sentence-final marks, and the closing quotes/brackets that may follow them (“……。”）).
SENTENCE_END = "。！？…!?"
CLOSERS = "”’」』）)》〉】〕"
# Marks a typesetter never puts at the start of a line (they are pushed back onto the previous
# line), and marks it never leaves at the end of one.
NO_LINE_START = "，。、；：？！…）》」』”’】〕〉,.;:?!)%"
NO_LINE_END = "“‘（《「『【〔〈("

# A paragraph's first line is indented by two CJK characters (4 display columns).
INDENT = 4
# What typesetting never breaks: a run of ASCII (`5.8%`, `1+3+X`, `e.V.,`) with a space next
# to it kept on the same line as the CJK character across it (`Disk Drive 在`), and a space
# between CJK characters with both of them (`记者 施翔` in a byline); anything else is one
# character. A space between two ASCII runs is where Latin text may break.
UNIT_RE = re.compile(r"(?:[^ -~] )?[!-~]+(?: [^ -~])?|[^ -~] [^ -~]|.", re.S)

_SPACE_RE = re.compile(
    rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u3000]+(?=[{_CJK}{_CJK_PUNCT}0-9{_ASCII_PUNCT}])"
    rf"|(?<=[{_CJK}{_CJK_PUNCT}0-9{_ASCII_PUNCT}])[ \t\u3000]+(?=[{_CJK}{_CJK_PUNCT}])"
)

# A reporter's role; a paper's converged newsroom titles its staff 全媒体记者, 融媒体记者, even
# with the paper's short name before it (沈报全媒体记者).
_ROLE = (
    r"(?:(?:特约|实习|见习|首席|本报|[\u4e00-\u9fff]{0,2}(?:全媒体|融媒体))?(?:记者|通讯员)|实习生)"
)
# Extraction may have put spaces around the digits of a dateline (`新华社西宁 11 月 20 日电`).
_LEAD = (
    r"本报[^（）。，]{0,16}?讯"
    r"|[^\s（）。，][^（）。，]{0,12}?(?:日报|晚报|报|台|网)讯"
    r"|(?:新华社|中新社)[^（）。，]{0,20}?电"
)
# `本报讯（记者 施翔）`, `新华社西宁8月21日电（记者 张三、李四）`, `（通讯员 王五）`, `本报北京讯`.
_BYLINE_RE = re.compile(
    rf"^(?P<lead>{_LEAD})?[ \u3000]*(?P<paren>（[ \u3000]*{_ROLE}[^（）]{{0,40}}）)"
    rf"|^(?P<lead_only>{_LEAD})(?=[ \u3000]|$)"
)
# A name: two to four characters, or a transliterated one joined by · (阿不都·热合曼).
_NAME = r"(?:[\u4e00-\u9fff]{1,6}·)*[\u4e00-\u9fff]{2,4}"
# Reporters by role: `记者 张三`, `记者 张三 李四 通讯员 王五`.
_CREDITS = rf"{_ROLE}(?:[ \u3000、]+{_NAME})+(?:[ \u3000]+{_ROLE}(?:[ \u3000、]+{_NAME})+)*"
# `本报记者 张三 李四` or `文/图 记者 张三`, alone on its line or followed by a space and the
# text; `记者 张三 报道`, `记者 张三 通讯员 李四 报道`.
_STAFF_BYLINE_RE = re.compile(
    rf"^(?:本报记者(?P<staff>(?:[ \u3000、]+{_NAME})+)"
    rf"|(?:文/图|图/文|文)[ \u3000]+(?P<credited>{_CREDITS})"
    rf"|(?P<reported>{_CREDITS})[ \u3000]+报道)"
    rf"(?=[ \u3000]|$)"
)
_ROLE_RE = re.compile(_ROLE)
_NAME_RE = re.compile(rf"^{_NAME}$")

_MAX_HEADLINE_LINES = 3
_EXCLAIMED_HEADLINE_RE = re.compile(r"[^。]{2,40}[！？]")
_MAX_BYLINE_LINES = 3


def display_width(s: str) -> int:
    """Columns `s` takes in a CJK layout: wide, full-width and ambiguous (“”…—) chars take 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in s)


def clean_spaces(text: str) -> str:
    """Remove spaces extraction put between CJK text and CJK, digits or punctuation.

    A space goes only when one neighbour is CJK (or CJK punctuation) and the other is CJK,
    a digit or punctuation: `从 2015 年` → `从2015年`, `成果 ，` → `成果，`, while
    `Hello World` and `GDP 增长` keep theirs.
    """
    return _SPACE_RE.sub("", text.strip())


def ends_sentence(text: str) -> bool:
    """Whether `text` ends with sentence-final punctuation, possibly inside closing quotes."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


# One space between two CJK characters (or a closing and an opening mark) separates phrases,
# in a headline (坚决扛起生态保护政治责任 守护好湟水河一河清水) or a slogan (“菊香夏都 共享金秋”),
# and is kept; every other space next to CJK text is extraction's and goes. Letter-spaced
# type (every character apart) loses them all.
_PHRASE_SPACE_RE = re.compile(rf"(?<=[{_CJK}”’」』）》]) (?=[{_CJK}“‘「『（《])")
_SPACED_OUT_RE = re.compile(rf"^(?:[{_CJK}] ){{2,}}[{_CJK}]$")


def join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines with no inserted space, except where Latin text was broken.

    A break between two ASCII characters (`Tiago` / `Monteiro`) stood for a space that
    extraction dropped, since a run of ASCII is never broken; CJK text never had one. Spaces
    extraction put next to CJK text go; phrase spaces stay.
    """
    text = _joined(lines).strip()
    if _SPACED_OUT_RE.match(text):
        return text.replace(" ", "")
    return " ".join(clean_spaces(part) for part in _PHRASE_SPACE_RE.split(text))


def _joined(lines: list[str]) -> str:
    text = ""
    for line in lines:
        if text and _is_ascii_text(text[-1]) and _is_ascii_text(line[0]):
            text += " "
        text += line
    return text


def _is_ascii_text(char: str) -> bool:
    return "!" <= char <= "~"


def _core_width(line: str) -> int:
    """Display width without stray spaces and the closing punctuation that may overhang."""
    return display_width(clean_spaces(line).rstrip(NO_LINE_START))


@dataclass
class _Block:
    """A run of non-blank lines: a paragraph piece between blank lines, or a headline."""

    lines: list[str]
    lineno: int
    byline: str | None = None
    reporters: list[str] = field(default_factory=list)
    # How many characters of the raw lines the byline takes (it may run onto the second line).
    byline_chars: int = 0

    @property
    def text(self) -> str:
        return join_lines(self.lines)


def _blocks(text: str) -> list[_Block]:
    """Split page text into blocks of non-blank lines (stripped, numbered for log messages)."""
    blocks: list[_Block] = []
    current: list[str] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line:
            if not current:
                blocks.append(_Block(current, lineno))
            current.append(line)
        else:
            current = []
    return blocks


def _undouble(line: str) -> str | None:
    """The banner's text if every space-separated chunk of `line` is a string written twice."""
    halves = []
    for chunk in line.split():
        half = len(chunk) // 2
        if half < 2 or chunk[:half] != chunk[half:]:
            return None
        halves.append(chunk[:half])
    return " ".join(halves) or None


def parse_byline(text: str) -> tuple[str, list[str], str] | None:
    """Split `text` into (byline, reporters, rest) if it opens with a byline, else None."""
    match = _STAFF_BYLINE_RE.match(text)
    if match:
        found = match.group("staff") or match.group("credited") or match.group("reported")
        names = [n for part in _ROLE_RE.split(found) for n in re.split(r"[ \u3000、]+", part) if n]
        return _normalise_byline(match.group(0)), names, text[match.end() :]
    match = _BYLINE_RE.match(text)
    if not match:
        return None
    reporters = []
    if match.group("paren"):
        for segment in _ROLE_RE.split(match.group("paren")[1:-1]):
            names = [n for n in re.split(r"[ \u3000、，,]+", segment) if n]
            if not all(_NAME_RE.match(n) for n in names):
                return None
            reporters.extend(names)
        if not reporters:
            return None
    lead = clean_spaces(match.group("lead") or match.group("lead_only") or "")
    return lead + _normalise_byline(match.group("paren") or ""), reporters, text[match.end() :]


def _normalise_byline(byline: str) -> str:
    """The byline with one space after each role, whatever line breaks left: `（记者 施翔）`."""
    byline = re.sub(rf"({_ROLE})[ \u3000]*", r"\1 ", byline.strip())
    return re.sub(r"[ \u3000]+", " ", byline)


def _find_bylines(blocks: list[_Block]) -> None:
    """Mark blocks that open an article; the byline may wrap onto the block's next lines.

    A byline follows a sentence end or a short block (a headline), never a mid-sentence break.
    """
    previous_ends = True
    for block in blocks:
        if previous_ends:
            # Raw lines, not `text`: clean_spaces would glue `记者 施翔` together.
            # A byline alone on its line, else one that runs onto the next lines.
            for count in range(1, min(len(block.lines), _MAX_BYLINE_LINES) + 1):
                head = "".join(block.lines[:count])
                found = parse_byline(head)
                if found:
                    break
            if found:
                block.byline, block.reporters, rest = found
                block.byline_chars = len(head) - len(rest)
        previous_ends = ends_sentence(block.lines[-1]) or len(block.lines) <= _MAX_HEADLINE_LINES


def _find_headlines(blocks: list[_Block]) -> tuple[list[bool], list[bool]]:
    """Headline blocks, and body blocks that open an article with no byline.

    A headline is short, never reaches sentence-final punctuation, and no body continues it:
    text after a headline is another headline, a new article's byline, the indented first line
    of an article printed without a byline (`_opens_unsigned`) or the end of the page; a short
    fragment followed by body text is a column break inside a sentence instead. A
    headline may end in ！ or ？ (`加油，中国队！`) when it holds no full stop and starts
    cleanly (after a sentence end or other headline-shaped blocks), so that it cannot be the
    tail of a sentence cut by a column break.
    """
    shaped = [
        b.byline is None and len(b.lines) <= _MAX_HEADLINE_LINES and not ends_sentence(b.text)
        for b in blocks
    ]
    clean = [True] * len(blocks)
    for i in range(1, len(blocks)):
        clean[i] = ends_sentence(blocks[i - 1].lines[-1]) or (shaped[i - 1] and clean[i - 1])
    unsigned = [
        i > 0 and shaped[i - 1] and clean[i] and _opens_unsigned(blocks, shaped, i)
        for i in range(len(blocks))
    ]
    heads = [False] * len(blocks)
    follows_ok = True
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        exclaimed = (
            block.byline is None
            and len(block.lines) <= _MAX_HEADLINE_LINES
            and clean[i]
            and bool(_EXCLAIMED_HEADLINE_RE.fullmatch(block.text))
        )
        heads[i] = follows_ok and (shaped[i] or exclaimed)
        follows_ok = heads[i] or block.byline is not None or unsigned[i]
    return heads, [u and not h for u, h in zip(unsigned, heads, strict=True)]


def _opens_unsigned(blocks: list[_Block], shaped: list[bool], i: int) -> bool:
    """Whether block `i`, body text with no byline after headline-shaped blocks, opens an
    article printed without one (a one-paragraph item at the foot of a page).

    It does when its first line is indented as a paragraph's first line is and the line before
    it had room for that line's first piece, in the width of its column (measured on it, else
    on the body blocks after it). A sentence cut by a column break after a short fragment
    (which looks like a headline) goes on at full width instead, after a full line. A full
    line alone between blank lines is no column's tail, though: a column holds a paragraph's
    first line alone (indented), else several of its lines; so a one-line headline that
    happens to fill the item's column does not make it a column break.
    """
    block = blocks[i]
    if block.byline is not None:
        return False
    if len(block.lines) > 1:
        after = block.lines[1]
    elif i + 1 < len(blocks) and not ends_sentence(block.lines[0]):
        after = blocks[i + 1].lines[0]
    else:
        return False
    body = [block]
    for j in range(i + 1, len(blocks)):
        if blocks[j].byline is not None or shaped[j]:
            break
        body.append(blocks[j])
    width = _block_width(block, _column_width(body))
    previous = blocks[i - 1].lines
    cut = len(previous) > 1 and _full(previous[-1], _first_unit_width(block.lines[0]), width)
    return not cut and bool(_indented(block.lines[0], after, width))


def _column_width(blocks: list[_Block]) -> int:
    """Estimate an article's column width: the upper quartile of its tight lines' widths.

    Without tight lines, lines that a later line of the same block follows stand in (full or
    indented lines), with trailing closing punctuation left out since it may overhang. Either
    way this is the width or one less (an odd width filled with CJK): `_full` allows for both.
    """
    widths = sorted(w for b in blocks for w in _tight_widths(b))
    if not widths:
        # A block's last line cut mid-sentence by a column break was full as well.
        widths = sorted(
            _core_width(line)
            for b in blocks
            for line in (b.lines if not ends_sentence(b.lines[-1]) else b.lines[:-1])
        )
    if not widths:
        widths = sorted(_core_width(line) for b in blocks for line in b.lines)
    return widths[(3 * len(widths)) // 4]


def _first_unit_width(line: str) -> int:
    """Columns of the first unbreakable piece of `line` (with any opening punctuation before it).

    Greedy line breaking moves a piece to the next line only when it does not fit, so a line
    plus the next line's first piece tells whether the line was full.
    """
    clean = clean_spaces(line)
    opening = len(clean) - len(clean.lstrip(NO_LINE_END))
    match = UNIT_RE.match(clean, opening)
    return display_width(clean[: match.end()] if match else clean)


def _full(line: str, next_width: int, capacity: int) -> bool:
    """Whether greedy breaking at `capacity` columns (or one more) could have ended `line` here.

    Either the next piece did not fit, or closing punctuation did not fit and overhangs:
    then the line up to the first overhanging mark was full.
    """
    body = clean_spaces(line)
    pending = next_width
    while True:
        width = display_width(body)
        if width <= capacity + 1 and width + pending > capacity:
            return True
        if not body or body[-1] not in NO_LINE_START:
            return False
        pending = display_width(body[-1])
        body = body[:-1]


def _tight_widths(block: _Block) -> list[int]:
    """Widths of a block's tight lines: the column width or one short of it.

    A tight line is a middle line (neither indented nor a paragraph's last) followed by one
    that opens with a single CJK character, and neither overhangs nor lost a carried mark.
    """
    return [
        display_width(clean_spaces(line))
        for line, following in pairwise(block.lines[1:])
        if line[-1] not in NO_LINE_START
        and following[0] not in NO_LINE_END
        and _first_unit_width(following) <= 2
    ]


def _block_width(block: _Block, article_width: int) -> int:
    """The width of the column a block was set in, from its own tight lines when it has some.

    Columns of one article differ by a column or two; a block never spans a column break.
    """
    return max(_tight_widths(block), default=article_width)


def _indented(line: str, after: str, width: int) -> bool | None:
    """Whether `line`, followed in its paragraph by `after`, was set as a paragraph's first line
    (indented) rather than at the full `width`; None when greedy breaking could have ended it
    either way."""
    after_width = _first_unit_width(after)
    indented = _full(line, after_width, width - INDENT)
    return indented if indented != _full(line, after_width, width) else None


def _paragraph_ends(
    last: str, last_is_first: bool, nxt: str, after: str | None, widths: tuple[int, int]
) -> bool:
    """Decide whether a blank line inside an article ends a paragraph or is a column break.

    `last` is the line before the blank (`last_is_first`: it opens its paragraph, so it is
    indented), `nxt` the line after it and `after` the line after that in reading order
    (None when `nxt` may end its paragraph). A blank in mid-sentence is a column break. After
    a sentence end, a line with room left for the next line's first piece ended its paragraph.
    Otherwise the next line decides: a paragraph's first line is indented by two CJK
    characters, a line continuing after a column break is full width.
    """
    if not ends_sentence(last):
        return False
    capacity = widths[0] - (INDENT if last_is_first else 0)
    if _core_width(last) <= capacity + 1 and not _full(last, _first_unit_width(nxt), capacity):
        return True
    width = widths[1]
    if after is not None:
        indented = _indented(nxt, after, width)
        if indented is not None:
            return indented
    # `nxt` may be a whole one-line paragraph or the last line of this one: it is the former
    # when short enough for an indented line, the reading that needs no column break here.
    return _core_width(nxt) <= width + 1 - INDENT


def _paragraphs(blocks: list[_Block]) -> list[tuple[int, str]]:
    """Join an article's body blocks into paragraphs, through column breaks; drop the byline.

    Each paragraph comes with the index in `blocks` of the block it opens in. The byline stays
    on its line while widths are measured: the line was set at full width.
    """
    width = _column_width(blocks)
    # Index in the current block of the line that opens a paragraph (indented), if any: the
    # line after a byline standing alone (`本报记者 X`; one in brackets runs into the text), or
    # the first line after a paragraph end.
    first = blocks[0]
    alone = first.byline_chars == len(first.lines[0]) and not (first.byline or "").endswith("）")
    first_index = 1 if alone else None
    if first.byline is None:
        first_index = 0  # an article with no byline opens with an indented line
    paragraphs: list[list[str]] = [drop_chars(first.lines, first.byline_chars)]
    starts = [0]
    for i, (prev, nxt) in enumerate(pairwise(blocks)):
        following = blocks[i + 2].lines[0] if i + 2 < len(blocks) else None
        after = nxt.lines[1] if len(nxt.lines) > 1 else following
        if ends_sentence(nxt.lines[-1]) and len(nxt.lines) == 1:
            after = None
        last_is_first = first_index == len(prev.lines) - 1
        # The width of the column last measured stands in for a block too short to measure.
        widths = (_block_width(prev, width), _block_width(nxt, width))
        if _paragraph_ends(prev.lines[-1], last_is_first, nxt.lines[0], after, widths):
            paragraphs.append(list(nxt.lines))
            starts.append(i + 1)
            first_index = 0
        else:
            log.debug("line %d: column break joined (width %d)", nxt.lineno - 1, width)
            paragraphs[-1].extend(nxt.lines)
            first_index = None
    joined = zip(starts, map(join_lines, paragraphs), strict=True)
    return [(start, text) for start, text in joined if text]


def drop_chars(lines: list[str], count: int) -> list[str]:
    """`lines` without their first `count` characters."""
    kept = []
    for line in lines:
        kept.append(line[count:])
        count = max(0, count - len(line))
    return [line for line in kept if line.strip()]


@dataclass
class PageParts:
    """A page before its headlines are assigned: banner, articles, headline blocks, body spans.

    `bodies` holds each article's body blocks (page block indices), `starts` the block each of
    its paragraphs opens in.
    """

    banner: str | None
    articles: list[Article]
    heads: list[HeadBlock]
    bodies: list[list[int]]
    starts: list[list[int]]

    @property
    def spans(self) -> list[ArticleSpan]:
        return [
            ArticleSpan(a.paragraphs, body[0], body[-1])
            for a, body in zip(self.articles, self.bodies, strict=True)
        ]


def page_parts(text: str) -> PageParts:
    """Split a page's text into its banner, article bodies (untitled) and headline blocks."""
    blocks = _blocks(text)
    banner = None
    if blocks and len(blocks[0].lines) == 1:
        banner = _undouble(blocks[0].lines[0])
        if banner:
            blocks = blocks[1:]
    _find_bylines(blocks)
    is_head, unsigned = _find_headlines(blocks)

    heads: list[HeadBlock] = []
    bodies: list[list[int]] = []
    run = 0
    for i, block in enumerate(blocks):
        if is_head[i]:
            run += bool(heads) and heads[-1].index != i - 1
            heads.append(HeadBlock(block.text, i, run))
        elif block.byline is not None or unsigned[i] or not bodies:
            if block.byline is None and not unsigned[i]:
                log.warning("line %d: text before any byline read as an article", block.lineno)
            bodies.append([i])
        else:
            bodies[-1].append(i)

    articles = []
    starts = []
    for body in bodies:
        first = blocks[body[0]]
        paragraphs = _paragraphs([blocks[i] for i in body])
        starts.append([body[start] for start, _ in paragraphs])
        articles.append(
            Article(
                title="",
                paragraphs=[text for _, text in paragraphs],
                reporters=first.reporters,
                byline=first.byline,
            )
        )
    return PageParts(banner, articles, heads, bodies, starts)


def split_article(parts: PageParts, a: int, k: int) -> PageParts:
    """`parts` with article `a` read as two: its paragraphs before `k`, and from paragraph `k`
    on an article printed without a byline."""
    article, body, starts = parts.articles[a], parts.bodies[a], parts.starts[a]
    cut = body.index(starts[k])
    first = replace(article, paragraphs=article.paragraphs[:k])
    second = Article(title="", paragraphs=article.paragraphs[k:])
    return replace(
        parts,
        articles=[*parts.articles[:a], first, second, *parts.articles[a + 1 :]],
        bodies=[*parts.bodies[:a], body[:cut], body[cut:], *parts.bodies[a + 1 :]],
        starts=[*parts.starts[:a], starts[:k], starts[k:], *parts.starts[a + 1 :]],
    )


def split_unsigned(
    parts: PageParts, model: HeadlineModel | None = None
) -> tuple[PageParts, Assignment]:
    """Split off articles printed without a byline right after another article's last paragraph;
    the page's parts so read, and the best assignment of its headline blocks.

    Nothing in the layout marks where such an item starts; the page's headlines do. A reading
    of the bodies that splits an article at a paragraph is kept when the best assignment of
    the headline blocks scores higher with it than without and the new article's headline
    holds a block leaning after the split (sharing more words with the paragraphs after it
    than with those before), either

    - a block left unattached before: a headline group no article takes implies a missing
      article (the new headline may bring blocks the merged article had taken with it);
    - or a block of the merged article's own headline: the item's headline read as part of
      the headline of the article it was printed after. Then either the merged article's
      headline moves to a block left unattached before (the item's whole headline taken for
      the article's, the article's own left over), or no block is left over and the headline
      the merged article keeps shares no word with the paragraphs split off (an article's
      later paragraphs go on about what its headline says, an item's not) and is more than
      a lone title, unless the block split off was its kicker: a subtitle often repeats a
      later paragraph of its own article under a one-block title (王东讲话 李强主持), while
      an item's one-block headline read as the third block of a headline leaves two.

    One split at a time, the best first, while one pays. Only boundaries where such a split
    can be accepted are scored: scoring a page's headlines is what costs.
    """
    found = best_assignment(parts.heads, parts.spans, model)
    while True:
        best: tuple[Assignment, PageParts, int, int] | None = None
        loose = set(found.unattached)
        for a, article in enumerate(parts.articles):
            own = list(found.groups[a])
            headline = found.headlines[a]
            kicker = own[0] if headline and headline.kicker else None
            grams = {j: bigrams(parts.heads[j].text) for j in (*loose, *own)}
            for k in range(1, len(article.paragraphs)):
                before = bigrams("".join(article.paragraphs[:k]))
                after = bigrams("".join(article.paragraphs[k:]))
                leaning = {j for j, g in grams.items() if len(g & after) > len(g & before)}
                moved = leaning - loose
                kept = [grams[j] for j in own if j not in leaning]
                if not (
                    leaning & loose
                    or (
                        moved
                        and (
                            (kept and all(_says_nothing_of(g, before, after, 1) for g in kept))
                            or any(len(grams[j] & before) > len(grams[j] & after) for j in loose)
                        )
                    )
                ):
                    continue
                candidate = split_article(parts, a, k)
                split = best_assignment(candidate.heads, candidate.spans, model)
                if split.score <= (best[0] if best else found).score:
                    continue
                heads_new, heads_kept = set(split.groups[a + 1]), set(split.groups[a])
                # A kicker is often drawn from a later paragraph of its own article: split off,
                # the headline kept may share no word at all with the paragraphs after.
                slack = 0 if kicker in heads_new else 1
                clean = all(
                    _says_nothing_of(bigrams(parts.heads[j].text), before, after, slack)
                    for j in heads_kept
                )
                if heads_new & loose or (
                    heads_new & moved
                    and (
                        heads_kept & loose
                        or (clean and (kicker in heads_new or len(heads_kept) > 1))
                    )
                ):
                    best = split, candidate, a, k
        if best is None:
            break
        found, parts, a, k = best
        log.info("article %d split at paragraph %d: a headline block leaning there heads it", a, k)
    return parts, found


def _says_nothing_of(grams: set[str], before: set[str], after: set[str], slack: int) -> bool:
    """Whether a headline block, by its bigrams, says nothing of the paragraphs `after` a split:
    it shares none with them, or up to `slack` (a figure, a common word such as 公园) while
    sharing more with the paragraphs `before`."""
    shared = len(grams & after)
    return shared == 0 or (shared <= slack and len(grams & before) > shared)


def parse_page(text: str, model: HeadlineModel | None = None) -> Page:
    """Rebuild a page's banner and articles (in reading order) from its extracted text.

    `model` scores headline evidence (default: the fitted one shipped with newsbot).
    """
    parts, found = split_unsigned(page_parts(text), model)
    log_assignment(found, parts.heads)
    for position, (article, headline) in enumerate(
        zip(parts.articles, found.headlines, strict=True)
    ):
        article.position = position
        if headline is None:
            log.warning("article %d (%s) has no headline", position, article.byline)
        else:
            article.kicker, article.title, article.subtitle = (
                headline.kicker,
                headline.title,
                headline.subtitle,
            )
    return Page(banner=parts.banner, articles=parts.articles)
