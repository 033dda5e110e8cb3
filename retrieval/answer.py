"""The answering core: question → evidence sentence, short answer and source, or "not found".

One `answer()` serves the console, Telegram and the evaluation. Steps:
1. `read`: normalise the question (traditional → simplified …), cut it to 500 characters,
   read colloquial question words as written ones and a keyword query as the question it
   stands for (`qtype.as_question`: 啥时候 → 什么时候, 推进会日期 → 推进会日期是哪天), classify
   it (`retrieval.qtype`); a follow-up (那在哪里开赛？) borrows the previous question's topic
   words (`Conversation`); retrieve paragraphs (BM25) and list every sentence of the best
   articles as a candidate;
2. `rank`: each candidate's features (`retrieval.features`: overlaps whole, by thesaurus and
   by short form, BM25 scores, the question's form around its question word, an answer of the
   asked type, dates, verbatim runs) scored by the fitted model (`retrieval.ranker`, weights in
   `data/answerer_model.json` from `python -m benchmarks.fit_answerer`);
3. extract the short answer (`retrieval.extract`); 记者是谁 is answered from the byline; the
   evidence is the best sentence with the one it leans on (`extract.reader_unit`);
4. abstain when the fitted abstention model, reading how much of the question the evidence's
   paragraph and article hold and how clearly the best sentence leads (`supports`), says the
   archive does not answer.

`answer()` keeps no state between calls except the `Conversation` it is given, so concurrent
calls are safe.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from retrieval import dates, extract, news, ranker, spans
from retrieval.features import (
    Candidate,
    Probe,
    cheap_features,
    costly_features,
    coverage,
    gap_neighbours,
    is_name,
    masked,
    matches,
    weight,
)
from retrieval.intent import classify as classify_intent
from retrieval.models import Answer, Article, Hit, Scope
from retrieval.qtype import (
    REPORTER_WORDS,
    QuestionType,
    as_question,
    asks_for_reporter,
    classify,
)
from retrieval.tokenize import QUESTION_WORDS, dictionary_words, normalize, stopwords

if TYPE_CHECKING:
    from retrieval.search import Searcher

log = logging.getLogger(__name__)

__all__ = ["Conversation", "answer", "content_words", "coverage", "is_follow_up", "read"]

MAX_QUESTION_CHARS = 500
# A brief question continues the previous topic when the previous article holds this share
# of its own words (最后回到哪里？), else it starts a new one (美国总统是谁？).
MIN_ARTICLE_COVERAGE = 0.6
_TELLING_WEIGHT = 2.5  # a word beside 谁 at least this heavy must be in the article
# How many articles' sentences are read (BM25 order), and how many of their sentences, the
# best on the cheap features, get the costly ones (answer types, n-grams): latency. 6 costly
# reads give the tune split's figures of 8, for a quarter less part-of-speech tagging; 4
# articles give the tune split's and DRCD's figures of 5 (CMRC trial: one question), for a
# fifth less of the cheap features (3 lose a right article and refuse more: 0.868, 0.030).
_ARTICLES_READ = 4
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_COSTLY_READ = 6
_FOLLOW_UP_START = re.compile(r"^(?:那么|那|还有|它|他|她|它们|他们|这|该|其|此|另外)")
_SHORT_QUESTION = 6
_TOPIC_SHARE = 0.3
_TYPED = ("time", "person", "place", "organization", "number")
_NAMED = ("person", "place", "organization")
_ORDINAL = re.compile(r"第(\d{1,4}|[〇零一二三四五六七八九十]{1,3})(届|次|期|批|轮|季|个|场|阶段)")


@dataclass
class Conversation:
    """Follow-up state of one chat or session: the previous question's topic and article."""

    topic: list[str] = field(default_factory=list)
    article_id: int | None = None
    qtype: str | None = None

    def reset(self) -> None:
        """Forget the topic, so the next question stands on its own."""
        self.topic, self.article_id, self.qtype = [], None, None


# Markup a reader may paste or type around a question (<b>半马</b>, **半马**): its letters are
# no words of the question.
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>]{0,60})?/?>|\*\*|__|~~|`")


def _plain(question: str | None) -> str:
    """The question as the answerer reads it: normalised, without markup, at most 500
    characters."""
    return _MARKUP.sub("", normalize(question or "")).strip()[:MAX_QUESTION_CHARS]


def content_words(question: str, qt: QuestionType | None = None) -> list[str]:
    """The words of a question that carry its content: no question words, stopwords, punctuation."""
    if qt is not None and qt.has_gap:
        question = f"{question[:qt.start]}，{question[qt.end:]}"
    drop = stopwords() | set(QUESTION_WORDS)
    # A run of one particle (啊啊啊, 呀呀) is no more a content word than the particle.
    particles = {w for w in drop if len(w) == 1}
    dictionary_words()  # the answerer's jieba knows the added words before its first cut
    out = []
    for word in extract.question_words(question):
        if word in drop or set(word) <= particles or not any(c.isalnum() for c in word):
            continue
        if word not in out:
            out.append(word)
    return out


def is_follow_up(question: str, own_words: list[str]) -> bool:
    """A question leaning on the previous one: starts with 那/它/这…, is very short, or names
    almost nothing of its own."""
    bare = extract.strip_punct(question)
    return (bool(_FOLLOW_UP_START.match(question)) or len(own_words) <= 1
            or len(bare) <= _SHORT_QUESTION)


def _fits(own: list[str], question: str, searcher: Searcher, conversation: Conversation) -> bool:
    """Whether a brief question's own words are at home in the previous answer's article, so
    最后回到哪里？ continues the topic while 美国总统是谁？ starts a new one."""
    if conversation.article_id is None:
        return False
    if not own:
        return True
    article = searcher.store.article(conversation.article_id)
    text = normalize("\n".join([article.title or "", *article.paragraphs]))
    return coverage({w: weight(w) for w in own}, text, question) >= MIN_ARTICLE_COVERAGE


@dataclass
class Reading:
    """A question as read against the archive: its analysis, hits and candidate sentences."""

    text: str  # normalised, cut to MAX_QUESTION_CHARS
    qt: QuestionType
    words: list[str]  # the question's content words, with a follow-up's borrowed topic words
    probe: Probe
    hits: list[Hit]
    candidates: list[Candidate]
    byline: bool  # 记者是谁: answered from the byline
    follow: bool  # a follow-up of the conversation's previous question


def read(
    question: str,
    searcher: Searcher,
    *,
    k: int = 5,
    conversation: Conversation | None = None,
    scope: Scope | None = None,
) -> Reading | None:
    """Analyse the question, retrieve paragraphs and list every sentence of the best articles
    (features not yet computed); None for an empty question."""
    text = as_question(_plain(question))
    if not text:
        return None
    qt = classify(text)
    byline = asks_for_reporter(text, qt)
    own = content_words(text, qt)
    if byline:
        # Which report: the words naming it, not 记者/稿子/写.
        own = [w for w in own if not REPORTER_WORDS.fullmatch(w)]
    elif extract.ROLE_QUESTION.search(text):
        # 担任什么职务 frames the question; titles are written without those words.
        own = [w for w in own if not extract.ROLE_WORDS.fullmatch(w)] or own
    follow = (
        conversation is not None
        and bool(conversation.topic)
        and is_follow_up(text, own)
        and (_FOLLOW_UP_START.match(text) is not None or _fits(own, text, searcher, conversation))
    )
    words = list(own)
    if follow:
        words += [w for w in conversation.topic if w not in words]
        if not qt.has_gap and conversation.qtype:
            # 那2015年呢？ asks what the previous question asked, of another subject.
            qt = QuestionType(conversation.qtype)
    # A follow-up's borrowed topic words count less than its own (谁主持的 → 主持 first).
    weights = {w: weight(w) * (1.0 if w in own else _TOPIC_SHARE) for w in words}
    query = " ".join([text, *words[len(own):]])
    hits = news.search(searcher, query, max(k, 10), scope)
    prefer = conversation.article_id if follow else None
    probe = Probe(text, qt, weights, prefer)
    return Reading(text, qt, words, probe, hits, _sentences(searcher, hits), byline, follow)


def rank(reading: Reading) -> list[Candidate]:
    """Score the candidates with the fitted model: all on the cheap features, the best
    `_COSTLY_READ` on every feature; returns those, best first."""
    model = ranker.model()
    candidates = reading.candidates
    if not candidates:
        return []
    cheap_features(reading.probe, candidates)
    for c in candidates:
        c.score = model.score(c.features, "cheap")
    best = sorted(candidates, key=lambda c: c.score, reverse=True)[:_COSTLY_READ]
    costly_features(reading.probe, best, candidates)
    for c in best:
        c.score = model.score(c.features)
    return sorted(best, key=lambda c: c.score, reverse=True)


def answer(
    question: str,
    searcher: Searcher,
    *,
    k: int = 5,
    conversation: Conversation | None = None,
    scope: Scope | None = None,
    today: date | None = None,
) -> Answer:
    """Answer a question from the archive, or abstain with the nearest article as a hint.

    Questions longer than 500 characters are cut to their first 500 before tokenizing; an empty
    question, or one of punctuation alone, gets an abstaining answer of type "other". `scope`
    keeps to some dates or one paper; `today` is the day 今天 means (default: the real one).
    """
    start = time.perf_counter()
    text = _plain(question)
    if not any(ch.isalnum() for ch in text):  # empty, or punctuation alone (？？？, “”《》)
        return Answer(question, None, None, "other", 0.0, None, None, [], _ms(start))
    # News intents (digest, articles, profile, summary) first; a factoid goes on below.
    intent = classify_intent(text)
    routed = news.respond(text, searcher, intent=intent, scope=scope,
                          conversation=conversation, today=today, k=k)
    if routed is not None:
        return replace(routed, question=question, ms=_ms(start))
    reading = read(question, searcher, k=k, conversation=conversation, scope=scope)
    if reading is None:
        return Answer(question, None, None, "other", 0.0, None, None, [], _ms(start))
    text, qt, words, hits = reading.text, reading.qt, reading.words, reading.hits
    ranked = _post_holder_first(reading, rank(reading))
    best = ranked[0] if ranked else None
    shown = hits[:k]
    if conversation is not None:
        conversation.topic = words
        conversation.qtype = qt.qtype
    if best is None:
        return Answer(question, None, None, qt.qtype, 0.0, None, None, shown, _ms(start))

    support = supports(reading, ranked, searcher)
    article, candidates = support.article, support.typed
    short = support.short
    # An untyped answer (a description, a reason) may run on into the next sentence; a
    # sentence without the asked type of answer may leave it to the one it continues
    # (2004年，…卫冕失败。赛后，他正式结束运动生涯).
    lacking = qt.qtype in _TYPED and not candidates
    evidence = extract.reader_unit(
        extract.split_sentences(support.paragraph), best.text,
        describe=qt.qtype == "other", lacking=lacking,
    )
    paragraph_id = best.paragraph_id
    if reading.byline and article.reporters:
        short = "、".join(article.reporters)
        evidence = f"记者 {' '.join(article.reporters)}"
        paragraph_id = searcher.store.article_paragraphs(best.article_id)[0]["id"]
    abstain = ranker.model().abstain_score(support.features) < 0 or ruled_out(reading, support)
    log.debug("%s: %s %s -> %s", text, best.text, support.features, short)
    if abstain and intent.when is not None and not reading.follow:
        # 2023年西宁半马… read first against a report of another year: asked again among the
        # reports of the year it names before it is refused.
        within = news.time_scope(searcher.store, intent.when, article.date,
                                 today or date.today())
        if within is not None:
            again = answer(question, searcher, k=k, scope=news.narrowed(scope, within),
                           today=today)
            if again.found:
                return replace(again, ms=_ms(start))
    if abstain:
        nearest = [h for h in hits if h.article_id == best.article_id][:1]
        shown = nearest + [h for h in shown if h not in nearest][: k - len(nearest)]
        return Answer(question, None, None, qt.qtype, round(best.score, 4), None, None, shown,
                      _ms(start))

    cited = [h for h in hits if h.paragraph_id == paragraph_id]
    if not cited:
        cited = [Hit(paragraph_id, best.article_id, best.title, best.paragraph_score,
                     _paragraph_text(searcher, paragraph_id))]
    shown = cited + [h for h in shown if h.paragraph_id != paragraph_id][: k - 1]
    matched = [w for w in words if w in normalize(evidence)]
    found = Answer(
        question=question,
        answer=short,
        evidence=evidence,
        qtype=qt.qtype,
        score=round(best.score, 4),
        article=searcher.store.article_ref(best.article_id),
        paragraph_id=paragraph_id,
        hits=shown,
        ms=_ms(start),
        matched=matched,
    )
    # The archive's time: the newest answering article (or the one of the time the question
    # names) and its relative dates resolved.
    rerun = None if reading.follow else lambda within: answer(
        question, searcher, k=k, scope=news.narrowed(scope, within), today=today)
    result = news.finish(found, text, searcher, intent.when, rerun, today)
    if conversation is not None and result.article is not None:
        conversation.article_id = result.article.id
    return replace(result, ms=_ms(start))


def ruled_out(reading: Reading, support: Support) -> bool:
    """Whether the best sentence's answer cannot be one, whatever the model says: a count,
    an amount or a time of a grain asked (几部电梯, 几点, 哪一年) and none in the sentence
    (东兴小区加装了几部电梯 over a report naming 八一路); or a who / where / which-body
    question answered by a clause or a run longer than a name, or a person by a figure (校长是谁
    → 36个教学班). A bare 什么时候 may be answered by an era or an event (汉撒同盟时代, 清末战乱中),
    which the time patterns do not know: the model decides. The byline's reporters are names.
    Also refused: a measure asked and the answer in other units (跑了多少时间 → 三名), and a post
    the article writes only as its deputy's (西宁市市长是谁 over 副市长沈立群)."""
    qt = reading.qt
    if support.features.get("edition_missing"):
        # 2026年西宁半马 over the report of 2024's race, 第三届 over one of the 第二届: the
        # article is about another year or edition, whatever else it shares with the question.
        return True
    if qt.qtype == "number" and not extract.answers_measure(support.short, qt):
        # 跑了多少时间 over 杨美琴、王晓丽分列第二、三名: a measure asked is answered in its units.
        return True
    if qt.qtype in ("number", "time") and extract.held_by_another(
            reading.text, normalize(support.short), normalize(support.sentence)):
        # 亚军杨美琴跑了多少时间 over the champion's clause: the figure is someone else's.
        return True
    if qt.qtype == "number" or (qt.qtype == "time" and qt.grain is not None):
        return not support.typed
    if reading.byline or qt.qtype not in _NAMED:
        return False
    if qt.qtype == "person" and (
        _deputy_only(reading.text, support.text)
        or _post_not_held(reading.text, normalize(support.short), normalize(support.sentence),
                          normalize(support.paragraph))
    ):
        return True
    short = support.short
    return (qt.qtype == "person" and re.search(r"\d", short) is not None) or not (
        extract.could_name(short))


@dataclass
class Support:
    """What the best sentence stands on: its article and paragraph, the answers of the asked
    type it holds, and the answer-level features the abstention model reads."""

    article: Article
    paragraph: str
    typed: list[str]
    short: str  # the short answer the best sentence gives
    features: dict[str, float]
    text: str = ""  # the article under its title, normalised
    sentence: str = ""  # the best sentence, as written


def supports(reading: Reading, ranked: list[Candidate], searcher: Searcher) -> Support:
    """How well the best-ranked sentence, its paragraph and its article cover the question."""
    best, qt, text, weights = ranked[0], reading.qt, reading.text, reading.probe.weights
    article = searcher.store.article(best.article_id)
    article_text = "\n".join([article.title or "", *article.paragraphs])
    paragraph = _paragraph_text(searcher, best.paragraph_id)
    # The evidence's paragraph under its title, not the sentence alone: a sentence leaves its
    # subject to the ones before it (该银行的总部位于…).
    titled = normalize(f"{article.title or ''}\n{paragraph}")
    whole = normalize(article_text)
    probe = masked(text, qt)
    typed = [c.text for c in extract.answer_candidates(qt, best.text, text)] if (
        qt.qtype in _TYPED) else []
    # The words beside the question word say what is asked (奖金 in 冠军奖金是多少): a
    # near-topic question the archive cannot answer shares its topic, not these.
    asked = {w: weights[w] for w in gap_neighbours(text, qt, weights)}
    years = dates.years_asked(text)  # the article's years are read only when one is named
    if reading.byline and article.reporters:
        typed = ["、".join(article.reporters)]
    model = ranker.model()
    short = (
        extract.extract(text, qt, best.text, weights)
        or spans.pick(text, qt, best.text, weights, model.span, model.span_decide)
        or best.text.strip()
    )
    features = {
        "article_cov": coverage(weights, whole, probe),
        "paragraph_cov": coverage(weights, titled, probe),
        "article_cov_soft": coverage(weights, whole, probe, soft=True),
        "paragraph_cov_soft": coverage(weights, titled, probe, soft=True),
        "typed_missing": float(qt.qtype in _TYPED and not typed),
        "asked_missing": float(_asked_word_missing(text, qt, weights, whole, typed)),
        # 2025年西宁半马 over a report of 2024 that names no 2025, 第三届艺术节 over one of
        # the 第二届: another edition.
        "edition_missing": float(bool(years) and not years <= dates.years_covered(
            whole, dates.parse_iso(article.date)) or _other_edition(text, whole)),
        "name_missing": float(_name_missing(weights, whole, probe, searcher.store.masthead(
            best.article_id))),
        "asked_article": coverage(asked, whole, probe, soft=True) if asked else 1.0,
        "asked_paragraph": coverage(asked, titled, probe, soft=True) if asked else 1.0,
        "score": best.score,
        "margin": best.score - ranked[1].score if len(ranked) > 1 else 0.0,
        "own": best.features.get("own", 0.0),
        "covered": best.features.get("covered", 0.0),
        "bias": 1.0,
    }
    return Support(article, paragraph, typed, short, features, whole, best.text)


# A post a question names (市长, 局长, 书记), not as a deputy's.
_POST = re.compile(
    r"(?<!副)(?:[省市县区州部厅局处科校院社行]长|书记|主任|主席|董事长|总经理|会长|理事长)"
)


def _deputy_only(question: str, text: str) -> bool:
    """Whether a post the question asks about is written in the article's (normalised) text only
    as its deputy's: 西宁市市长是谁 over a report of 副市长沈立群 asks about someone the report
    does not name."""
    for post in {m.group() for m in _POST.finditer(question)}:
        at = [m.start() for m in re.finditer(post, text)]
        if at and all(text[i - 1 : i] == "副" for i in at):
            return True
    return False


# Any post a question may ask the holder of, a deputy's too (副校长, 厂长, 馆长, 董事长).
_ANY_POST = re.compile(
    r"副?(?:[省市县区州部厅局处科校院馆厂社行站所队会]长|书记|主任|主席|董事长|总经理|经理|"
    r"总裁|理事长|总监)"
)


def _post_holder_first(reading: Reading, ranked: list[Candidate]) -> list[Candidate]:
    """For a who-question naming a post, the best sentence whose answer holds that post first
    (市教育局局长是谁: 市教育局局长张宏伟表示… before a sentence on 副局长李志刚), when the
    best one's answer holds no such post; the ranking as it is otherwise."""
    qt, text = reading.qt, reading.text
    if qt.qtype != "person" or not _ANY_POST.search(text) or not ranked:
        return ranked

    def holds(c: Candidate, owned: bool) -> bool:
        short = extract.extract(text, qt, c.text, reading.probe.weights)
        if not short or re.search(r"\d", short) or not extract.could_name(short):
            return False  # no name: 2030年2月至4月任 is when, not who
        return not _post_not_held(
            text, normalize(short), normalize(c.text), owned=owned)

    if holds(ranked[0], False):
        return ranked
    # Another sentence is read only when it names the post and whose it is.
    holder = next((c for c in ranked[1:] if holds(c, True)), None)
    return ranked if holder is None else [holder, *(c for c in ranked if c is not holder)]


_OWNER_CHARS = 3  # 教育局 / 五小学 / 管委会: the end of a body's name tells it from others
_QUESTION_WORD = re.compile(r"哪|什么|谁|几|多少")


def _post_not_held(
    question: str, answer: str, sentence: str, paragraph: str = "", *, owned: bool = False
) -> bool:
    """Whether a who-question names a post (城北热源厂厂长是谁, 市科技局副局长是谁) that the
    answer's clause of the (normalised) sentence does not give the person (郑永清察看了…,
    市科技局局长赵德明: no deputy), nor its `paragraph` anyone (a life's sentences leave the
    person to the first: 林晓川，男… 2030年任临江市副市长). Someone else's post does not answer
    for the one asked. `owned`: the clause must also say whose post it is (below)."""
    posts = [m.group() for m in _ANY_POST.finditer(question)]
    at = sentence.find(answer) if posts and answer else -1
    if at < 0:
        return False
    post = posts[-1]
    breaks = [m.end() for m in re.finditer(r"[，,；;。！!？?]", sentence)]
    start = max((b for b in breaks if b <= at), default=0)
    end = min((b for b in breaks if b > at), default=len(sentence))
    clause = sentence[start:end]
    if not _holds_post(post, clause):
        return not _holds_post(post, paragraph)
    if not owned:
        return False
    # Whose post: the body written before it (…草原局 in 市林业和草原局局长, …五小学) is in the
    # clause, or 市科技局局长赵德明 would stand for every 局长.
    owner = question[: question.rfind(post)].removesuffix("的")[-_OWNER_CHARS:]
    return not _QUESTION_WORD.search(owner) and owner not in clause


def _holds_post(post: str, text: str) -> bool:
    """Whether the text writes the post, a deputy's only when the post is one (副局长 is no
    局长)."""
    return any(post.startswith("副") or text[m.start() - 1 : m.start()] != "副"
               for m in re.finditer(post, text))


def _ordinals(text: str) -> set[tuple[str, int]]:
    """The ordinals a text writes, as (counter, number): 第二届 → (届, 2), 第40个 → (个, 40)."""
    out = set()
    for m in _ORDINAL.finditer(text):
        try:
            out.add((m.group(2), dates.number(m.group(1))))
        except KeyError:  # a numeral dates.number does not read (一百零八)
            continue
    return out


def _other_edition(question: str, article: str) -> bool:
    """Whether the question names an edition (第三届, 第二次) the article does not, while the
    article names another of the same counter (第二届, 第一次)."""
    asked = _ordinals(question)
    if not asked:
        return False
    written = _ordinals(article)
    return any(o not in written and any(c == o[0] for c, _ in written) for o in asked)


def _asked_word_missing(
    question: str, qt: QuestionType, weights: dict[str, float], article: str, candidates: list[str]
) -> bool:
    """Whether a person or number question's telling words beside its question word are all
    absent from the (normalised) article (西宁半马的冠军是谁？ over a report naming no 冠军,
    湿地公园门票多少钱 over one giving its investment), unless an answer carries the asked noun
    or unit (哪家银行 → 招商银行). A feature of the abstention model, not a rule: a paraphrase
    is absent too."""
    if qt.qtype not in ("person", "number"):
        return False
    asked = qt.noun or qt.unit
    if asked and any(c.endswith(asked) for c in candidates):
        return False
    beside = [w for w in gap_neighbours(question, qt, weights) if weights[w] >= _TELLING_WEIGHT]
    found = matches(beside, article, question)
    return bool(beside) and all(found[w] < 0.5 for w in beside)


def _name_missing(weights: dict[str, float], article: str, probe: str, masthead: str) -> bool:
    """Whether a name the question holds (a person, place, body) is absent from the
    (normalised) article, also as a synonym or short form: 甘河工业园区 over a report on
    南川工业园区, 拉萨半马 over Xining's. The paper's own city is written 我市 in its articles,
    so a name in the masthead (西宁 in 西宁晚报) counts as present. A feature of the abstention
    model: a reader may name what the article leaves implicit."""
    names = [w for w in weights if is_name(w) and w not in masthead]
    found = matches(names, article, probe, soft=True)
    return any(found[w] < 0.5 for w in names)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _paragraph_text(searcher: Searcher, paragraph_id: int) -> str:
    return searcher.store.paragraph(paragraph_id)["text"]


def _adds_figure(subtitle: str, rows: list[dict]) -> bool:
    """Whether the subtitle writes a figure that no paragraph of its article writes."""
    body = "".join(row["text"] for row in rows)
    return any(m.group() not in body for m in _FIGURE.finditer(subtitle))


def _sentences(searcher: Searcher, hits: list[Hit]) -> list[Candidate]:
    """Every sentence of the best-scoring articles, with its paragraph's and article's scores."""
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    article_score: dict[int, float] = {}
    paragraph_score: dict[int, float] = {}
    titles: dict[int, str] = {}
    for hit in hits:
        article_score.setdefault(hit.article_id, hit.score / top)
        paragraph_score.setdefault(hit.paragraph_id, hit.score / top)
        titles.setdefault(hit.article_id, hit.title)
    out = []
    for article_id in list(article_score)[:_ARTICLES_READ]:
        rows = searcher.store.article_paragraphs(article_id)
        subtitle = searcher.store.article_ref(article_id).subtitle
        if subtitle and rows and _adds_figure(subtitle, rows):
            # A subtitle may add a figure the body does not repeat (5条公交线路绕行 工期60天):
            # then it is a sentence of its own, before the lede, cited with the lede's
            # paragraph. One that sums the body up (多杰才让、李春梅分获男女半程冠军) is not:
            # it would outrank the sentences that say it in full.
            out.append(Candidate(subtitle.lstrip("—-– "), rows[0]["id"], article_id,
                                 titles[article_id], paragraph_score.get(rows[0]["id"], 0.0),
                                 article_score[article_id], -1))
        index = 0
        for row in rows:
            for sentence in extract.split_sentences(row["text"]):
                out.append(Candidate(sentence, row["id"], article_id, titles[article_id],
                                     paragraph_score.get(row["id"], 0.0),
                                     article_score[article_id], index))
                index += 1
    return out
