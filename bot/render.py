"""How answers look to people: the console card, the Telegram HTML card, message splitting.

Every front end renders through this module so that escaping, splitting and citations live in
one place.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace

from retrieval.models import Answer, Article, ArticleItem, ArticleRef, Hit

# --- Telegram HTML (issue 5) -------------------------------------------------

TELEGRAM_LIMIT = 4096
# What every front end says when the archive does not hold the answer (issue 3).
NOT_FOUND = "没有找到相关内容"
NO_MORE = "没有更多结果了。"
_TAG = re.compile(r"<[^>]*>")
# Sentence ends where an over-long paragraph may be cut (Chinese and Western punctuation).
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts message length in."""
    return len(text.encode("utf-16-le")) // 2


def telegram_length(text_html: str) -> int:
    """Length Telegram counts for an HTML message: visible text after tags and entities."""
    return utf16_length(html.unescape(_TAG.sub("", text_html)))


def source_html(ref: ArticleRef) -> str:
    """The source line: 《title》, reporters, paper and date, escaped."""
    parts = [f"《{html.escape(ref.title)}》"]
    if ref.reporters:
        parts.append("记者 " + html.escape("、".join(ref.reporters)))
    parts.extend(html.escape(x) for x in (ref.source, ref.date) if x)
    return "来源：" + " · ".join(parts)


def word_pattern(words: list[str]) -> re.Pattern | None:
    """A regex matching any of `words`, longest first so 图书馆 wins over 图书; None if empty.
    Both front ends highlight matched query words with it."""
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)) if words else None


def highlight_html(text: str, words: list[str]) -> str:
    """`text` escaped, with each occurrence of `words` underlined (longest word wins)."""
    pattern = word_pattern(words)
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        out.append(f"<u>{html.escape(m.group())}</u>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def answer_html(answer: Answer) -> str:
    """The Telegram card: short answer in bold, the evidence sentence quoted, the source line.

    When nothing was found it says so plainly and names the nearest article as a hint. A list
    reply (digest, articles) is its line and the first page of articles; a profile is the
    card and the first page of the articles mentioning the person.
    """
    if answer.found and answer.intent in LIST_INTENTS:
        return f"<b>{html.escape(answer.answer)}</b>\n\n{list_html(answer)}"
    if answer.found and answer.intent == "profile" and answer.articles:
        card = answer_html(replace(answer, intent="answer"))
        return f"{card}\n\n提到的文章：\n{list_html(answer)}"
    if not answer.found:
        lines = [NOT_FOUND]
        if answer.hits:
            lines.append(f"最接近的文章：《{html.escape(answer.hits[0].title)}》")
        return "\n".join(lines)
    lines = [f"<b>{html.escape(answer.answer)}</b>"]
    if answer.evidence and answer.evidence != answer.answer:
        lines.append(f"<blockquote>{highlight_html(answer.evidence, answer.matched)}</blockquote>")
    if answer.article:
        lines.append(source_html(answer.article))
    return "\n".join(lines)


def snippet(text: str, limit: int = 80) -> str:
    """The first `limit` characters of `text`, with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def hits_html(answer: Answer, start: int = 1) -> str:
    """The hits after the first as a numbered list (title and a snippet), for `更多结果`."""
    hits = answer.hits[start:]
    if not hits:
        return NO_MORE
    lines = [f"<b>更多结果：{html.escape(answer.question)}</b>"]
    for n, hit in enumerate(hits, 1):
        lines.append(f"\n{n}. {hit_html(hit, 80)}")
    return "\n".join(lines)


def split_paragraph(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut a paragraph longer than `limit` at sentence ends (hard only inside a sentence that is
    too long by itself); a paragraph that fits comes back whole."""
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        if current and utf16_length(current + sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
        while utf16_length(current) > limit:
            cut = _fit(current, limit)
            pieces.append(current[:cut])
            current = current[cut:]
    if current:
        pieces.append(current)
    return pieces


def _fit(text: str, limit: int) -> int:
    """How many leading characters of `text` fit in `limit` UTF-16 units."""
    used = 0
    for i, ch in enumerate(text):
        used += utf16_length(ch)
        if used > limit:
            return i
    return len(text)


def pack_messages(blocks: list[str], limit: int = TELEGRAM_LIMIT, sep: str = "\n\n") -> list[str]:
    """Join HTML blocks (each within `limit`) into as few messages as fit Telegram's limit,
    breaking only between blocks."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = current + sep + block if current else block
        if current and telegram_length(candidate) > limit:
            messages.append(current)
            candidate = block
        current = candidate
    if current:
        messages.append(current)
    return messages


def article_messages(article: Article, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The whole article as Telegram HTML messages of at most `limit` characters, split at
    paragraph boundaries (an over-long paragraph at sentence ends)."""
    head = [f"<b>{html.escape(article.title)}</b>"]
    if article.subtitle:
        head.append(html.escape(article.subtitle))
    byline = [x for x in ("、".join(article.reporters), article.source, article.date) if x]
    if byline:
        head.append("<i>" + html.escape(" · ".join(byline)) + "</i>")
    blocks = ["\n".join(head)]
    for paragraph in article.paragraphs:
        blocks.extend(html.escape(p) for p in split_paragraph(paragraph, limit))
    return pack_messages(blocks, limit)


def hit_html(hit: Hit, limit: int = 600) -> str:
    """One retrieved paragraph as a card: the article title in bold and the paragraph text."""
    return f"<b>《{html.escape(hit.title)}》</b>\n{html.escape(snippet(hit.text, limit))}"


def corpus_html(stats: dict) -> str:
    """What the archive holds: which papers (when their names are known), how many articles,
    which dates."""
    lines = []
    if stats.get("sources"):
        lines.append("报纸：" + html.escape("、".join(stats["sources"])))
    lines.append(f"共 {stats['articles']} 篇文章，{stats['paragraphs']} 个段落")
    first, last = stats.get("first_date"), stats.get("last_date")
    if first:
        span = first if first == last else f"{first} 至 {last}"
        lines.append(f"日期：{html.escape(span)}")
    return "\n".join(lines)


# --- lists of articles (issue 11) --------------------------------------------

# Replies whose answer is a list of articles: shown a page at a time.
LIST_INTENTS = ("digest", "articles")
LIST_PAGE = 5


def item_html(n: int, item: ArticleItem) -> str:
    """One listed article: number, title in bold, date and paper, its lede."""
    meta = " · ".join(html.escape(x) for x in (item.date, item.source) if x)
    head = f"{n}. <b>{html.escape(item.title)}</b>" + (f" <i>{meta}</i>" if meta else "")
    return f"{head}\n{html.escape(snippet(item.lede, 80))}" if item.lede else head


def list_html(answer: Answer, start: int = 0, count: int = LIST_PAGE) -> str:
    """Articles `start`…`start + count` of a list reply, numbered from `start + 1`."""
    return _page(answer, start, count, item_html)


def _page(answer: Answer, start: int, count: int, item: Callable[[int, ArticleItem], str]) -> str:
    page = answer.articles[start : start + count]
    if not page:
        return NO_MORE
    return "\n".join(item(n, article) for n, article in enumerate(page, start + 1))


def item_text(n: int, item: ArticleItem) -> str:
    """One listed article for the console: number, date, 《title》 and its lede."""
    meta = " · ".join(x for x in (item.date, item.source) if x)
    head = f"{n}. 《{item.title}》" + (f" {meta}" if meta else "")
    return f"{head}\n   {snippet(item.lede)}" if item.lede else head


def _rest_line(answer: Answer) -> str:
    """Below a list's first page, how many articles it holds beyond (共 6 篇 with 5 shown)."""
    rest = len(answer.articles) - LIST_PAGE
    return f"\n……还有 {rest} 篇（:more 查看）" if rest > 0 else ""


def list_text(answer: Answer, start: int = 0, count: int = LIST_PAGE) -> str:
    """The console form of `list_html` (`:more` pages through it)."""
    return _page(answer, start, count, item_text)


# --- console (issue 3) -------------------------------------------------------

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def highlight_console(text: str, words: list[str], *, ansi: bool) -> str:
    """`text` with the matched words in ANSI bold (a terminal) or in 【】 (pipes, files, tests)."""
    pattern = word_pattern(words)
    if pattern is None:
        return text
    start, end = (_BOLD, _RESET) if ansi else ("【", "】")
    return pattern.sub(lambda m: f"{start}{m.group()}{end}", text)


def answer_text(answer: Answer, *, ansi: bool = False) -> str:
    """The console card: the short answer, the evidence with matched words marked, the source.

    When nothing was found: 没有找到相关内容 and the nearest article as a hint. List replies
    and profiles carry the first page of their articles (`:more` shows the rest).
    """
    if answer.found and answer.intent in LIST_INTENTS:
        head = f"{_BOLD}{answer.answer}{_RESET}" if ansi else answer.answer
        return f"{head}\n{list_text(answer)}{_rest_line(answer)}"
    if answer.found and answer.intent == "profile" and answer.articles:
        card = answer_text(replace(answer, intent="answer"), ansi=ansi)
        return f"{card}\n提到的文章：\n{list_text(answer)}{_rest_line(answer)}"
    if not answer.found:
        lines = [NOT_FOUND]
        if answer.hits:
            lines.append(f"最接近的文章：{answer.hits[0].title}")
        return "\n".join(lines)
    lines = [f"{_BOLD}{answer.answer}{_RESET}" if ansi else answer.answer]
    if answer.evidence and answer.evidence != answer.answer:
        lines.append("  " + highlight_console(answer.evidence, answer.matched, ansi=ansi))
    if answer.article:
        # The Telegram source line without its HTML escaping: one wording for both front ends.
        lines.append(html.unescape(source_html(answer.article)))
    return "\n".join(lines)


def hits_text(answer: Answer, start: int = 1) -> str:
    """The hits after the first `start` as a numbered list of titles and snippets (`:more`)."""
    hits = answer.hits[start:]
    if not hits:
        return NO_MORE
    return "\n".join(
        f"{n}. 《{hit.title}》 {snippet(hit.text)}" for n, hit in enumerate(hits, start + 1)
    )


def article_text(article: Article) -> str:
    """A whole article for the console (`:source`): headings, byline, paragraphs."""
    head = [x for x in (article.kicker, f"《{article.title}》", article.subtitle) if x]
    meta = [x for x in ("记者 " + "、".join(article.reporters) if article.reporters else None,
                        article.source, article.date) if x]
    lines = head + ([" · ".join(meta)] if meta else []) + [""]
    lines += [f"  {p}" for p in article.paragraphs]
    return "\n".join(lines)
