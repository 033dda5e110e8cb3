"""News replies over a dated archive: the day's headlines (digest), the reports on a topic
(articles), who someone is (profile), what a report says (summary); and, for factoid answers,
the archive's time: a date or paper filter, the newest answering report, dates resolved.

`respond()` answers the first four intents; `answer()` in `retrieval.answer` calls it first and
falls through to the factoid core when it returns None. `finish()` is the factoid answer's last
step. Every list is a list of `ArticleItem`s: id, title, date, source and the article's lede.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from retrieval import answer as core
from retrieval import dates, extract, qtype
from retrieval.intent import Intent, classify
from retrieval.models import Answer, ArticleItem, Hit, Scope
from retrieval.tokenize import normalize

if TYPE_CHECKING:
    from collections.abc import Callable

    from retrieval.search import Searcher
    from retrieval.store import Store

log = logging.getLogger(__name__)

LIST_LIMIT = 30  # articles a list reply holds; front ends show them a page at a time
_TOPIC_HITS = 60  # paragraphs read to find the articles about a topic or a person
# A filtered search reads this many times k paragraphs, widening while too few fall inside the
# scope; a scope holding under 1/200 of what a question matches may come back short.
_WIDEN = (20, 200)
_KEY_FACTS = 2  # sentences after the lede in a summary
_LEDE_CHARS = 120
_RERUNS = 1  # newer articles asked again when several answer (each costs an answer)
_EVENT_DAYS = timedelta(days=7)
_RECENT_ISSUES = 3  # 这几天: the last few issues
_CLOCK = re.compile(r"(?:凌晨|早上|上午|中午|下午|傍晚|晚上|晚)?\d{1,2}[时点](?:\d{1,2}分|半)?")
_FACT_TYPES = ("time", "number", "person", "place", "organization")
# A question asking for a day, not a clock time: 哪天开幕, 几号, 什么日子.
_ASKS_DAY = re.compile(r"哪一?天|哪日|几号|几月几[日号]|什么日子|哪个日子|日期|星期几|周几")


# --- the archive's dates ------------------------------------------------------------------


def issue_dates(store: Store, source: str | None = None) -> list[str]:
    """The dates the archive holds articles of (optionally of one paper), oldest first."""
    query = "SELECT DISTINCT date FROM articles WHERE date IS NOT NULL"
    args: list[str] = []
    if source:
        query += " AND source = ?"
        args.append(source)
    return [d for (d,) in store.db.execute(query + " ORDER BY date", args)]


@dataclass(frozen=True)
class Issues:
    """The issue dates a question's time names, and what to tell the reader about them."""

    dates: list[str]
    label: str  # 2024-08-27, 2024-08-26 至 2024-08-27
    note: str = ""  # 今天（…）的报纸不在资料库里…


def now_in_archive(issues: list[str], today: date) -> date:
    """The day a question's 今天 means: today when its paper is in the archive, else the
    latest issue's date (an archive of past papers answers as of its last day)."""
    if not issues or today.isoformat() in issues:
        return today
    return min(today, date.fromisoformat(issues[-1]))


def named_issues(asked: dates.Asked | None, issues: list[str], today: date) -> Issues:
    """The issues a digest question names (今天, 昨天, 8月22日, 本周, 最新…) among `issues`."""
    if not issues:
        return Issues([], "")
    latest = issues[-1]
    now = now_in_archive(issues, today)
    kind = asked.kind if asked else "latest"
    if kind == "latest":
        return Issues([latest], latest)
    if kind == "today":
        if today.isoformat() in issues:
            return Issues([today.isoformat()], today.isoformat())
        note = f"今天（{today.isoformat()}）的报纸不在资料库里，这是最新一期"
        return Issues([latest], latest, note)
    span = time_window(asked, issues, now)
    if span is None:
        return Issues([], "")
    since, until = span
    found = [d for d in issues if since <= d <= until]
    if kind == "day" and not found:
        # 昨天 when that day's paper is missing: the issue before it.
        earlier = [d for d in issues if d < since]
        if asked.offset and earlier:
            return Issues([earlier[-1]], earlier[-1], f"{since} 没有报纸，这是之前最近的一期")
        return Issues([], since)
    label = found[0] if len(found) == 1 else f"{since} 至 {until}"
    return Issues(sorted(found, reverse=True), label)


def time_window(asked: dates.Asked | None, issues: list[str], now: date) -> tuple[str, str] | None:
    """The (since, until) ISO dates a question's named time covers; a month-day without its
    year takes the newest year the archive has it in."""
    if asked is None or asked.kind in ("latest", "today"):
        return None
    if asked.kind == "day":
        if asked.value.startswith("--"):
            years = [d for d in issues if d.endswith(asked.value[1:])]
            day = years[-1] if years else f"{now.year:04d}{asked.value[1:]}"
        else:
            day = asked.value or (now + timedelta(days=asked.offset)).isoformat()
        return day, day
    if asked.kind == "recent":
        recent = [d for d in issues if d <= now.isoformat()][-_RECENT_ISSUES:]
        return (recent[0], recent[-1]) if recent else None
    if asked.kind == "weekday":
        # The last such day up to now (上周五: a week before that); the weekend: Sat–Sun.
        day = dates.weekday(asked.value)
        last = now - timedelta(days=(now.weekday() - day) % 7 - asked.offset)
        end = last + timedelta(days=1 if asked.value == "末" else 0)
        return last.isoformat(), end.isoformat()
    if asked.kind == "week":
        # This week so far (本周 asked on a Tuesday holds no Friday's paper); a whole week before.
        monday = now - timedelta(days=now.weekday() - asked.offset)
        return monday.isoformat(), min(monday + timedelta(days=6), now).isoformat()
    if asked.kind == "month":
        return f"{asked.value}-01", f"{asked.value}-31"
    year = asked.value or str(now.year + asked.offset)
    return f"{year}-01-01", f"{year}-12-31"


# --- filtered retrieval -------------------------------------------------------------------


def search(searcher: Searcher, query: str, k: int, scope: Scope | None = None) -> list[Hit]:
    """The k best paragraphs within `scope` (dates, paper): a plain search when the scope is
    empty, else a search over more paragraphs, widening until k of them fall inside it."""
    if scope is None or scope.empty:
        return searcher.search(query, k)
    if scope.article_id is not None:
        # One article the question has already found among its first hits: no widening.
        hits = searcher.search(query, k * _WIDEN[0])
        return [h for h in hits if h.article_id == scope.article_id][:k]
    kept: list[Hit] = []
    for factor in _WIDEN:
        hits = searcher.search(query, k * factor)
        allowed = _within(searcher.store, {h.article_id for h in hits}, scope)
        kept = [h for h in hits if h.article_id in allowed]
        if len(kept) >= k or len(hits) < k * factor:
            break
    return kept[:k]


def _within(store: Store, article_ids: set[int], scope: Scope) -> set[int]:
    """The articles among `article_ids` that `scope` admits."""
    query = "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))"
    args: list = [json.dumps(sorted(article_ids))]
    for clause, value in (("date >= ?", scope.since), ("date <= ?", scope.until),
                          ("source = ?", scope.source)):
        if value is not None:
            query += f" AND {clause}"
            args.append(value)
    return {i for (i,) in store.db.execute(query, args)}


def narrowed(scope: Scope | None, within: Scope) -> Scope:
    """`scope` cut down to `within` as well: the later since, the earlier until, its article."""
    scope = scope or Scope()
    lo = max(filter(None, (scope.since, within.since)), default=None)
    hi = min(filter(None, (scope.until, within.until)), default=None)
    article = within.article_id if within.article_id is not None else scope.article_id
    return replace(scope, since=lo, until=hi, article_id=article)


# --- lists of articles ----------------------------------------------------------------------


def items(store: Store, article_ids: list[int]) -> list[ArticleItem]:
    """The articles as list items, in the order given, each with its lede (first sentence,
    its relative dates resolved)."""
    if not article_ids:
        return []
    rows = store.db.execute(
        "SELECT a.id, a.title, a.date, a.source, p.text FROM articles a "
        "LEFT JOIN paragraphs p ON p.article_id = a.id AND p.position = 0 "
        "WHERE a.id IN (SELECT value FROM json_each(?))",
        [json.dumps(article_ids)],
    ).fetchall()
    found = {row[0]: row for row in rows}
    out = []
    for article_id in article_ids:
        if article_id in found:
            _, title, day, source, text = found[article_id]
            out.append(ArticleItem(article_id, title, day, source, lede(text or "", day)))
    return out


def lede(paragraph: str, day: str | None) -> str:
    """The first sentence of an article's first paragraph, its relative dates resolved."""
    sentences = extract.split_sentences(paragraph)
    first = sentences[0] if sentences else paragraph
    first = dates.annotate(first, dates.parse_iso(day))
    return first if len(first) <= _LEDE_CHARS else first[:_LEDE_CHARS].rstrip() + "…"


def digest(store: Store, issues: Issues, source: str | None = None) -> list[int]:
    """The ids of the articles in the named issues: newest issue first, each in page order."""
    if not issues.dates:
        return []
    query = (
        "SELECT id FROM articles WHERE date IN (SELECT value FROM json_each(?))"
        + (" AND source = ?" if source else "")
        + " ORDER BY date DESC, document_id, position"
    )
    args = [json.dumps(issues.dates)] + ([source] if source else [])
    return [i for (i,) in store.db.execute(query, args)]


@dataclass
class _Candidate:
    article_id: int
    hits: list[Hit]  # its paragraphs found by the topic's search, best first
    date: str | None
    covered: float  # share of the topic's weighted words the whole article holds
    heading: float  # the same for its title, kicker and subtitle
    lead: float  # the same for its first paragraph
    mentions: int  # paragraphs holding the topic's words


def about(searcher: Searcher, topic: str, scope: Scope | None = None) -> list[_Candidate]:
    """The articles about `topic`, most relevant first: articles holding the topic's words
    (enough of them, as the answering core measures coverage) in their headings, their first
    paragraph or in two paragraphs or more; a passing mention does not make a report about it."""
    words = core.content_words(topic) or [topic]
    weights = {w: core.weight(w) for w in words}
    hits = search(searcher, topic, _TOPIC_HITS, scope)
    out = []
    for article_id in dict.fromkeys(h.article_id for h in hits):
        found = [h for h in hits if h.article_id == article_id]
        article = searcher.store.article(article_id)
        heading = normalize(" ".join(filter(None, (article.kicker, article.title,
                                                   article.subtitle))))
        paragraphs = [normalize(p) for p in article.paragraphs]
        whole = "\n".join([heading, *paragraphs])
        covered = core.coverage(weights, whole, topic)
        if covered < core.MIN_ARTICLE_COVERAGE:
            continue
        shares = [core.coverage(weights, p, topic) for p in paragraphs]
        candidate = _Candidate(
            article_id, found, article.date, covered, core.coverage(weights, heading, topic),
            shares[0] if shares else 0.0,
            sum(s >= core.MIN_ARTICLE_COVERAGE for s in shares),
        )
        if max(candidate.heading, candidate.lead) >= core.MIN_ARTICLE_COVERAGE or (
            candidate.mentions >= 2
        ):
            out.append(candidate)
    # Headings first, then the whole article; the newer of two equally relevant reports.
    out.sort(key=lambda c: (round(c.heading, 2), round(c.covered, 2), c.date or ""),
             reverse=True)
    return out


def _hits_of(candidates: list[_Candidate]) -> list[Hit]:
    """The candidates' hits, best first."""
    return sorted((h for c in candidates for h in c.hits), key=lambda h: h.score, reverse=True)


def newest_first(candidates: list[_Candidate]) -> list[int]:
    """Article ids, newest first (undated last), the more relevant first on the same day."""
    order = sorted(candidates, key=lambda c: c.date or "", reverse=True)
    return [c.article_id for c in order]


# --- a person --------------------------------------------------------------------------------


@dataclass
class Profile:
    """The titles the archive writes before a person's name, newest first, with where the
    newest was written, and the articles that mention the person, newest first."""

    titles: list[tuple[str, str | None]]  # (titles, date written)
    sentence: str
    article_id: int
    paragraph_id: int
    mentioning: list[int]
    hits: list[Hit]  # the paragraphs naming the person, the newest title's first


def profile(searcher: Searcher, name: str, scope: Scope | None = None) -> Profile | None:
    """Who `name` is by the archive's own words: 省委常委、市委书记 before 王卫东. None when
    no article writes a title before the name."""
    hits = search(searcher, name, _TOPIC_HITS, scope)
    found: list[tuple[str, str, int, int, str]] = []  # (date, titles, article, paragraph, sent.)
    mentioning: dict[int, str] = {}
    for article_id in dict.fromkeys(h.article_id for h in hits):
        article = searcher.store.article(article_id)
        rows = searcher.store.article_paragraphs(article_id)
        if not any(name in normalize(r["text"]) for r in rows) and name not in article.title:
            continue
        mentioning[article_id] = article.date or ""
        for row in rows:
            for sentence in extract.split_sentences(row["text"]):
                for span in extract.roles(normalize(sentence), [name]):
                    found.append((article.date or "", span.text, article_id, row["id"], sentence))
    if not found:
        return None
    found.sort(key=lambda f: (f[0], len(f[1])), reverse=True)
    titles: list[tuple[str, str | None]] = []
    for day, title, *_ in found:
        # A shorter title the newer, fuller one already holds (市委书记 in 省委常委、市委书记)
        # is the same title written briefly, not a change.
        if not any(title in kept for kept, _ in titles):
            titles.append((title, day or None))
    _, _, article_id, paragraph_id, sentence = found[0]
    order = sorted(mentioning, key=mentioning.__getitem__, reverse=True)
    naming = [h for h in hits if name in normalize(h.text)]
    return Profile(titles, sentence, article_id, paragraph_id, order, _cited_first(naming,
                   paragraph_id))


def _cited_first(hits: list[Hit], paragraph_id: int | None) -> list[Hit]:
    """The hits with the cited paragraph's first (hits keep their meaning: what was found)."""
    return sorted(hits, key=lambda h: h.paragraph_id != paragraph_id)


def titles_text(titles: list[tuple[str, str | None]]) -> str:
    """省委常委、市委书记, and the earlier titles with their dates when they changed."""
    newest, *earlier = titles
    if not earlier:
        return newest[0]
    before = "；".join(f"{t}（{d}）" if d else t for t, d in earlier)
    now = f"{newest[0]}（{newest[1]}）" if newest[1] else newest[0]
    return f"{now}；此前：{before}"


# --- a report's summary ------------------------------------------------------------------------


def summary(paragraphs: list[str], day: str | None) -> str:
    """A report in at most three sentences of its own: the lede and the two sentences after it
    that state the most kinds of fact (when, how many, who, where, which body), in the
    article's order, relative dates resolved."""
    sentences = [s for p in paragraphs for s in extract.split_sentences(p)]
    if not sentences:
        return ""
    lead, rest = sentences[0], sentences[1:]
    kinds = [
        sum(bool(extract.typed_candidates(t, normalize(s))) for t in _FACT_TYPES) for s in rest
    ]
    # More kinds of fact first; an earlier sentence wins a tie (reports put the main facts first).
    picked = sorted(range(len(rest)), key=lambda i: (-kinds[i], i))[:_KEY_FACTS]
    chosen = [lead] + [rest[i] for i in sorted(picked) if kinds[i]]
    return dates.annotate("".join(chosen), dates.parse_iso(day))


# --- the dispatch ------------------------------------------------------------------------------


def respond(
    question: str,
    searcher: Searcher,
    *,
    intent: Intent | None = None,
    scope: Scope | None = None,
    conversation: core.Conversation | None = None,
    today: date | None = None,
    k: int = 5,
) -> Answer | None:
    """The reply to a digest, articles, profile or summary question; None for a factoid
    question (and for a profile or summary the archive cannot give), which the core answers."""
    intent = intent or classify(question)
    if intent.kind == "answer":
        return None
    store = searcher.store
    issues = issue_dates(store, scope.source if scope else None)
    today = today or date.today()
    if intent.kind == "digest":
        named = named_issues(intent.when, issues, today)
        ids = digest(store, _in_scope(named, scope), scope.source if scope else None)
        return _listing(question, "digest", items(store, ids), _digest_line(named, len(ids)))
    window = time_window(intent.when, issues, now_in_archive(issues, today))
    scope = narrowed(scope, Scope(*window)) if window else scope
    if intent.kind == "articles":
        found = about(searcher, intent.topic, scope)
        ids = newest_first(found)[:LIST_LIMIT]
        line = f"关于“{intent.topic}”的报道共 {len(ids)} 篇，新的在前" if ids else None
        reply = _listing(question, "articles", items(store, ids), line)
        return replace(reply, hits=[h for h in _hits_of(found) if h.article_id in ids][:k])
    if intent.kind == "profile":
        person = profile(searcher, intent.topic, scope)
        if person is None:
            return None
        if conversation is not None:
            conversation.article_id = person.article_id
        evidence = dates.annotate(person.sentence, dates.parse_iso(person.titles[0][1]))
        return Answer(
            question, titles_text(person.titles), evidence, "other", 1.0,
            store.article_ref(person.article_id), person.paragraph_id, person.hits[:k], 0.0,
            matched=[intent.topic], intent="profile",
            articles=items(store, person.mentioning[:LIST_LIMIT]),
        )
    return _summary(question, intent, searcher, scope, conversation)


def _in_scope(named: Issues, scope: Scope | None) -> Issues:
    if scope is None:
        return named
    kept = [d for d in named.dates if (scope.since or d) <= d <= (scope.until or d)]
    return replace(named, dates=kept)


def _digest_line(named: Issues, n: int) -> str | None:
    if not n:
        return None
    note = f"{named.note}：" if named.note else ""
    return f"{note}{named.label} 的报纸共 {n} 篇报道"


def _listing(question: str, intent: str, listed: list[ArticleItem], line: str | None) -> Answer:
    return Answer(question, line if listed else None, None, "other", 1.0 if listed else 0.0,
                  None, None, [], 0.0, intent=intent, articles=listed)


def _summary(
    question: str,
    intent: Intent,
    searcher: Searcher,
    scope: Scope | None,
    conversation: core.Conversation | None,
) -> Answer | None:
    """The summary of the report the question names, else of the conversation's last one."""
    hits: list[Hit] = []
    if intent.topic:
        ranked = about(searcher, intent.topic, scope)
        article_id = ranked[0].article_id if ranked else None
        hits = ranked[0].hits if ranked else []
    else:
        article_id = conversation.article_id if conversation is not None else None
    if article_id is None:
        return None
    store = searcher.store
    article = store.article(article_id)
    if conversation is not None:
        conversation.article_id = article_id
    first = store.article_paragraphs(article_id)
    paragraph_id = first[0]["id"] if first else None
    return Answer(
        question, summary(article.paragraphs, article.date), None, "other", 1.0,
        store.article_ref(article_id), paragraph_id, _cited_first(hits, paragraph_id), 0.0,
        intent="summary", articles=items(store, [article_id]),
    )


# --- the factoid answer's last step ------------------------------------------------------------


def _with_hits(chosen: Answer, first: Answer, k: int) -> Answer:
    """The answer a narrower search gave, with the first search's hits after its own cited
    paragraph: what was found stays found."""
    cited = [h for h in chosen.hits if h.paragraph_id == chosen.paragraph_id]
    rest = [h for h in first.hits if h.paragraph_id != chosen.paragraph_id]
    return replace(chosen, hits=(cited + rest)[: max(k, len(first.hits))])


def finish(
    result: Answer,
    question: str,
    searcher: Searcher,
    asked: dates.Asked | None,
    rerun: Callable[[Scope], Answer] | None,
    today: date | None = None,
) -> Answer:
    """A factoid answer set in the archive's time: when several articles answer, the newest
    (unless the question names a year or a date: then one of that time), and the answer's
    relative dates (昨日, 25日) and asked range ends (几点开始) resolved against its article.
    `rerun(scope)` asks the question again within dates; None keeps the article (a follow-up
    stays with the report its conversation is about)."""
    if not result.found or result.article is None:
        return result
    if rerun is not None:
        result = _prefer_time(result, question, searcher, asked, rerun, today or date.today())
    return resolve_dates(result, question)


def _prefer_time(
    result: Answer,
    question: str,
    searcher: Searcher,
    asked: dates.Asked | None,
    rerun: Callable[[Scope], Answer],
    today: date,
) -> Answer:
    store = searcher.store
    if asked is not None:
        within = time_scope(store, asked, result.article.date, today)
        if within is None:
            return result  # already of that time, or the archive holds nothing of it
        other = rerun(within)
        return _with_hits(other, result, len(result.hits)) if other.found else result
    # Several answer: a newer report found as well (its best paragraph scores at least as high)
    # and on the same subject (its title holds the question's words as fully as the chosen
    # one's, and that paragraph as fully as the evidence) is asked the question alone; it wins
    # when its answer scores as well by the core's own measure and its evidence holds the
    # question's words as fully. Only the hits' own texts are read: this runs on every answer.
    later = _newer_articles(store, result)
    if not later:
        return result
    weights = {w: core.weight(w) for w in core.content_words(question)}

    def covered(text: str) -> float:
        return core.coverage(weights, normalize(text), question)

    shown = covered(result.evidence or "")
    titled = covered(result.article.title)
    candidates = [hit.article_id for hit in later
                  if covered(hit.title) >= titled and covered(hit.text) >= shown]
    for article_id in candidates[:_RERUNS]:
        other = rerun(Scope(article_id=article_id))
        if (
            other.found
            and other.article is not None
            and other.article.id == article_id
            and other.score >= result.score
            and covered(other.evidence or "") >= shown
        ):
            return _with_hits(other, result, len(result.hits))
    return result


def time_scope(
    store: Store, asked: dates.Asked, article_date: str | None, today: date
) -> Scope | None:
    """The dates a question names (2023年, 去年, 8月25日) as a scope to ask within, when the
    article found (of `article_date`) is not of them and the archive holds reports of them."""
    issues = issue_dates(store)
    window = time_window(asked, issues, now_in_archive(issues, today))
    if window is None:
        return None
    if asked.kind == "day":
        # A day the question names is the event's: reported in the days before or after.
        day = date.fromisoformat(window[0])
        window = ((day - _EVENT_DAYS).isoformat(), (day + _EVENT_DAYS).isoformat())
    if window[0] <= (article_date or "") <= window[1] or not any(
        window[0] <= d <= window[1] for d in issues
    ):
        return None
    return Scope(*window)


def _newer_articles(store: Store, result: Answer) -> list[Hit]:
    """The best hit of each of the hits' articles dated after the answer's and scoring at least
    as high as the answer's article's best, newest first."""
    best: dict[int, Hit] = {}
    for hit in result.hits:
        if hit.article_id not in best or hit.score > best[hit.article_id].score:
            best[hit.article_id] = hit
    chosen = best[result.article.id].score if result.article.id in best else 0.0
    ids = sorted(i for i, hit in best.items() if i != result.article.id and hit.score >= chosen)
    if not ids or not result.article.date:
        return []
    rows = store.db.execute(
        "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?)) "
        "AND date > ? ORDER BY date DESC",
        [json.dumps(ids), result.article.date],
    ).fetchall()
    return [best[i] for (i,) in rows]


def resolve_dates(result: Answer, question: str) -> Answer:
    """The answer with its article's relative dates resolved: the evidence shows the day
    (昨日（8月22日）), a time answer names it (8月22日, not 昨日), a question asking for a
    day gets the day its evidence writes, one asking a range's start or end gets that end."""
    if not result.evidence or result.article is None:
        return result
    anchor = dates.parse_iso(result.article.date)
    short = result.answer
    if result.qtype == "time" and short:
        bound = qtype.classify(normalize(question)).bound
        short = dates.range_end(bound, result.evidence, short) or short
        # The day of the clause about the event is when it happens, not when it ends
        # (美食季哪天结束 ↔ …明日启幕，活动持续至9月8日 → 9月8日).
        ends = bound == "end"
        if anchor is not None:
            if not ends:
                short = _clause_day(question, short, result.evidence, anchor) or short
            short = _resolved_time(question, short, result.evidence, anchor)
    evidence = dates.annotate(result.evidence, anchor)
    return replace(result, answer=short, evidence=evidence)


def _clause_day(question: str, short: str, evidence: str, anchor: date) -> str | None:
    """The relative day written in the clause that holds most of the question's words, when
    the short answer lies outside that clause: 美食季哪天启幕 ↔ 美食季将于明日在中心广场启幕，
    活动持续至9月8日 → 明日 (8月24日), not 9月8日."""
    words = core.content_words(question)
    best, most = None, 0
    at = 0
    for clause in re.split(r"(?<=[，,；;。！？])", evidence):
        found = sum(w in clause for w in words)
        if found > most:
            best, most = (at, clause), found
        at += len(clause)
    if best is None or short in best[1]:
        return None
    start, clause = best
    for mention in dates.mentions(clause, anchor):
        if mention.relative and mention.value.count("-") == 2:
            clock = _CLOCK.match(clause, mention.end)
            shown = mention.display(anchor)
            return shown + clock.group() if clock and not _ASKS_DAY.search(question) else shown
    return None


def _resolved_time(question: str, short: str, evidence: str, anchor: date) -> str:
    """A time answer with the day it means: its relative day resolved (昨日7时30分 → 8月25日
    7时30分), or, when a day is asked and the answer is a clock time, the day its sentence
    writes."""
    days = [m for m in dates.mentions(short, anchor)
            if m.relative and m.value.count("-") == 2]
    if days and extract.CLAUSE_MARKS.search(short):
        # A sentence given for a time is cut to its first day and the clock time after it.
        clock = _CLOCK.match(short, days[0].end)
        return days[0].display(anchor) + (clock.group() if clock else "")
    if days:
        # Each relative day in its place, the clock times and the rest of a range kept:
        # 昨日7时30分 → 8月25日7时30分, 今日9时至明日17时 → 8月30日9时至8月31日17时.
        parts, last = [], 0
        for mention in days:
            parts += [short[last : mention.start], mention.display(anchor)]
            last = mention.end
        return "".join(parts) + short[last:]
    at = evidence.find(short)
    before = [
        m for m in dates.mentions(evidence, anchor) if m.end == at and m.value.count("-") == 2
    ]
    if before and not re.search(r"[日号]", short):
        # 昨日7时30分 with the answer 7时30分: the day written right before the clock time.
        return before[0].display(anchor) + short
    if _ASKS_DAY.search(question) and not re.search(r"[日号]", short):
        days = [m for m in dates.mentions(evidence, anchor)
                if m.value != dates.VAGUE and m.value.count("-") == 2]
        if days:
            return days[0].display(anchor)
    return short
