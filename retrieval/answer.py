"""The answering core: question → evidence sentence, short answer and source, or "not found".

One `answer()` serves the console, Telegram and the evaluation. Steps:
1. normalise the question (traditional → simplified …), cut it to 500 characters, classify it;
   a follow-up (那在哪里开赛？) borrows the previous question's topic words (`Conversation`);
2. retrieve paragraphs (BM25) and read every sentence of the best articles, in two steps: the
   article whose best sentence leads on overlap, BM25 scores and the share of the question the
   article covers; then, within it, the sentence that fits the question's form (the words
   beside the question word, the sentence before it, an answer of the asked type at the gap;
   the title's words, the subject's name, left aside), so 谁主持了全省科学技术大会？ finds a
   sentence that never repeats the meeting's name;
3. extract the short answer (`retrieval.extract`); 记者是谁 is answered from the byline; the
   evidence is that sentence with the one it leans on (`extract.reader_unit`);
4. abstain when the question's content words are not covered by the evidence's paragraph and
   article, when the answer type is missing and the article covers too little, or when a
   person question's asked role is nowhere in the article.

Word weights come from jieba's dictionary frequencies (a fixed, general Chinese corpus), so the
abstention thresholds do not drift as the archive grows. `answer()` keeps no state between
calls except the `Conversation` it is given, so concurrent calls are safe.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from retrieval import extract
from retrieval.models import Answer, Hit
from retrieval.qtype import REPORTER_WORDS, QuestionType, asks_for_reporter, classify
from retrieval.tokenize import QUESTION_WORDS, normalize, stopwords, synonyms

if TYPE_CHECKING:
    from retrieval.search import Searcher

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
# Calibrated on data/eval/questions.jsonl and the CMRC 2018 trial set (see BENCHMARKS.md).
MIN_ARTICLE_COVERAGE = 0.6
MIN_PARAGRAPH_COVERAGE = 0.4
_UNTYPED_COVERAGE = 0.8  # a typed question with no answer of its type needs this much
_TELLING_WEIGHT = 2.5  # a word beside 谁 at least this heavy must be in the article
# Choosing the article (step 1 of the evidence) and the sentence within it (step 2).
_WEIGHTS = {
    "sentence": 0.5, "paragraph": 0.15, "article": 0.25, "covered": 0.3, "typed": 0.1,
    "context": 0.1, "slot": 0.1,
}
_FOLLOW_UP_BONUS = 0.1
_ARTICLES_READ = 5
_FIT_CHECKED = 8
_CONTEXT_CHARS = 4
_GAP_WORD_STRESS = 3.0
_INNER_CAP = 4.0
_LEAD_SHARE = 0.5
_INNER = {
    "sentence": 0.6, "paragraph": 0.05, "typed": 0.1, "context": 0.1, "slot": 0.4, "chars": 0.1,
    "dates": 0.2, "phrase": 0.01,
}
_PHRASE_FREE = 5
_FOLLOW_UP_START = re.compile(r"^(?:那么|那|还有|它|他|她|它们|他们|这|该|其|此|另外)")
_COMMON_WORD_LEVEL = 7.0
_TITLE_WORD_SHARE = 0.15
_NUMBER_WEIGHT = 3.0
_NAME_WEIGHT = 5.0
_NAME_TAGS = ("nr", "ns", "nt", "nz", "j")
_LOCAL_CAP = 6.0
_SHORT_QUESTION = 6
_TOPIC_SHARE = 0.3
_TYPED = ("time", "person", "place", "organization", "number")


@dataclass
class Conversation:
    """Follow-up state of one chat or session: the previous question's topic and article."""

    topic: list[str] = field(default_factory=list)
    article_id: int | None = None
    qtype: str | None = None

    def reset(self) -> None:
        """Forget the topic, so the next question stands on its own."""
        self.topic, self.article_id, self.qtype = [], None, None


@dataclass
class _Sentence:
    text: str
    paragraph_id: int
    article_id: int
    title: str
    paragraph_score: float
    article_score: float
    score: float = 0.0
    own: float = 0.0  # overlap with the question's words that tell the article's sentences apart


@cache
def _rarity_scale() -> tuple[dict[str, int], float]:
    extract.question_words("")  # loads jieba's dictionary once
    import jieba

    return jieba.dt.FREQ, math.log(jieba.dt.total)


def weight(word: str) -> float:
    """How telling a word is: its inverse frequency in jieba's dictionary (unknown = rarest).

    The offset keeps everyday words (最后, 担任, 项目: about 7–9) light next to names and
    terms (12–18), so a paraphrased common word does not sink a question. A number is a
    middling word: unknown to the dictionary, yet years and counts recur in every archive.
    """
    if word.isdigit():
        return _NUMBER_WEIGHT
    freq, log_total = _rarity_scale()
    rarity = max(0.5, log_total - math.log(freq.get(word, 0) + 1) - _COMMON_WORD_LEVEL)
    if _name_tags().get(word, "")[:2] in _NAME_TAGS:
        # A name is a constraint however often it is written: 美国总统 is not any 总统.
        return max(rarity, _NAME_WEIGHT)
    return rarity


@cache
def _name_tags() -> dict[str, str]:
    import jieba.posseg

    jieba.posseg.dt.initialize()
    return jieba.posseg.dt.word_tag_tab


@cache
def _synonym_map() -> dict[str, tuple[str, ...]]:
    return {form: group for group in synonyms() for form in group}


def content_words(question: str, qt: QuestionType | None = None) -> list[str]:
    """The words of a question that carry its content: no question words, stopwords, punctuation."""
    if qt is not None and qt.has_gap:
        question = f"{question[:qt.start]}，{question[qt.end:]}"
    drop = stopwords() | set(QUESTION_WORDS)
    out = []
    for word in extract.question_words(question):
        if word in drop or not any(c.isalnum() for c in word):
            continue
        if word not in out:
            out.append(word)
    return out


def _covered_chars(question: str, text: str) -> set[int]:
    """Positions of the question's characters inside a run of 2+ characters that the text has.

    Character runs survive jieba cutting a question differently from the text (刘奇凡是 →
    刘奇/凡是 while the text has 刘奇凡).
    """
    covered: set[int] = set()
    i = 0
    while i < len(question) - 1:
        n = 2
        while i + n <= len(question) and question[i:i + n] in text:
            n += 1
        if n > 2:
            covered.update(range(i, i + n - 1))
            i += n - 2
        else:
            i += 1
    return covered


def matches(words: list[str] | dict[str, float], text: str, question: str = "") -> dict[str, float]:
    """How much of each word the text has: 1 whole or by synonym, else the share of its
    characters inside runs the text shares with the question."""
    covered = _covered_chars(question, text)
    out = {}
    for word in words:
        if word in text or any(s in text for s in _synonym_map().get(word, ())):
            out[word] = 1.0
            continue
        # A number is the same number only whole: 2004年 is not 2024年.
        at = -1 if word.isdigit() else question.find(word)
        out[word] = (
            sum(i in covered for i in range(at, at + len(word))) / len(word) if at >= 0 else 0.0
        )
    return out


def coverage(words: dict[str, float], text: str, question: str = "") -> float:
    """The weighted share of the words found in the text (whole, by synonym, or by characters)."""
    total = sum(words.values())
    if not total:
        return 0.0
    found = matches(words, text, question)
    return sum(w * found[word] for word, w in words.items()) / total


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


def answer(
    question: str,
    searcher: Searcher,
    *,
    k: int = 5,
    conversation: Conversation | None = None,
) -> Answer:
    """Answer a question from the archive, or abstain with the nearest article as a hint.

    Questions longer than 500 characters are cut to their first 500 before tokenizing; an empty
    question gets an abstaining answer of type "other".
    """
    start = time.perf_counter()
    text = normalize(question or "").strip()[:MAX_QUESTION_CHARS]
    if not text:
        return Answer(question, None, None, "other", 0.0, None, None, [], _ms(start))

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

    hits = searcher.search(query, max(k, 10))
    sentences = _sentences(searcher, hits)
    prefer = conversation.article_id if follow else None
    best = _best_sentence(text, sentences, weights, qt, prefer)
    shown = hits[:k]
    if conversation is not None:
        conversation.topic = words
        conversation.qtype = qt.qtype
    if best is None:
        return Answer(question, None, None, qt.qtype, 0.0, None, None, shown, _ms(start))

    article = searcher.store.article(best.article_id)
    article_text = "\n".join([article.title or "", *article.paragraphs])
    probe = _masked(text, qt)
    article_cov = coverage(weights, normalize(article_text), probe)
    # The evidence's paragraph under its title, not the sentence alone: a sentence leaves its
    # subject to the ones before it (该银行的总部位于…).
    paragraph = f"{article.title or ''}\n{_paragraph_text(searcher, best.paragraph_id)}"
    paragraph_cov = coverage(weights, normalize(paragraph), probe)
    short = extract.extract(text, qt, best.text, weights) or best.text.strip()
    candidates = [
        c.text for c in extract.answer_candidates(qt, best.text, text)
    ] if qt.qtype in _TYPED else []
    # An untyped answer (a description, a reason) may run on into the next sentence; a
    # sentence without the asked type of answer may leave it to the one it continues
    # (2004年，…卫冕失败。赛后，他正式结束运动生涯).
    lacking = qt.qtype in _TYPED and not candidates
    evidence = extract.reader_unit(
        extract.split_sentences(_paragraph_text(searcher, best.paragraph_id)), best.text,
        describe=qt.qtype == "other", lacking=lacking,
    )
    paragraph_id = best.paragraph_id
    if byline and article.reporters:
        short = "、".join(article.reporters)
        evidence = f"记者 {' '.join(article.reporters)}"
        paragraph_id = searcher.store.article_paragraphs(best.article_id)[0]["id"]
        candidates = [short]
    abstain = (
        article_cov < MIN_ARTICLE_COVERAGE
        or paragraph_cov < MIN_PARAGRAPH_COVERAGE
        or (qt.qtype in _TYPED and not candidates and article_cov < _UNTYPED_COVERAGE)
        or _asked_word_missing(text, qt, weights, article_text, candidates)
    )
    log.debug("%s: %s cov=%.2f/%.2f/%.2f -> %s", text, best.text, article_cov, paragraph_cov,
              best.own, short)
    if abstain:
        nearest = [h for h in hits if h.article_id == best.article_id][:1]
        shown = nearest + [h for h in shown if h not in nearest][: k - len(nearest)]
        return Answer(question, None, None, qt.qtype, round(best.score, 4), None, None, shown,
                      _ms(start))

    if conversation is not None:
        conversation.article_id = best.article_id
    cited = [h for h in hits if h.paragraph_id == paragraph_id]
    if not cited:
        cited = [Hit(paragraph_id, best.article_id, best.title, best.paragraph_score,
                     _paragraph_text(searcher, paragraph_id))]
    shown = cited + [h for h in shown if h.paragraph_id != paragraph_id][: k - 1]
    matched = [w for w in words if w in normalize(evidence)]
    return Answer(
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


def _asked_word_missing(
    question: str, qt: QuestionType, weights: dict[str, float], article: str, candidates: list[str]
) -> bool:
    """Whether a person question's telling words beside its question word are all absent from
    the article (西宁半马的冠军是谁？ over a report naming no 冠军), unless an answer carries the
    asked noun or unit (哪家银行 → 招商银行)."""
    if qt.qtype != "person":
        return False
    asked = qt.noun or qt.unit
    if asked and any(c.endswith(asked) for c in candidates):
        return False
    beside = [w for w in _gap_neighbours(question, qt, weights) if weights[w] >= _TELLING_WEIGHT]
    found = matches(beside, normalize(article), question)
    return bool(beside) and all(found[w] < 0.5 for w in beside)


def _masked(question: str, qt: QuestionType) -> str:
    """The question with its question word blanked, so that matching its characters never
    credits the question word (东关街有多长 is not covered by 保留有多处)."""
    if not qt.has_gap:
        return question
    return question[: qt.start] + "，" * (qt.end - qt.start) + question[qt.end :]


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _paragraph_text(searcher: Searcher, paragraph_id: int) -> str:
    return searcher.store.paragraph(paragraph_id)["text"]


def _sentences(searcher: Searcher, hits: list[Hit]) -> list[_Sentence]:
    """Every sentence of the best-scoring articles, with its paragraph's and article's scores."""
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    article_score: dict[int, float] = {}
    paragraph_score: dict[int, float] = {}
    for hit in hits:
        article_score.setdefault(hit.article_id, hit.score / top)
        paragraph_score.setdefault(hit.paragraph_id, hit.score / top)
    out = []
    for article_id in list(article_score)[:_ARTICLES_READ]:
        for row in searcher.store.article_paragraphs(article_id):
            title = next(h.title for h in hits if h.article_id == article_id)
            for sentence in extract.split_sentences(row["text"]):
                out.append(_Sentence(sentence, row["id"], article_id, title,
                                     paragraph_score.get(row["id"], 0.0),
                                     article_score[article_id]))
    return out


def _fit(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float] = _WEIGHTS
) -> float:
    """How well the sentence answers the question's form, beyond sharing its words.

    It holds the words around the question word as they stand (以什么为底线 ↔ 以…为底线),
    an answer of the asked type, and that answer right beside them (谁讲话 ↔ 陈刚讲话, not
    总书记在大会上的重要讲话).
    """
    share, left_end, right_start, right_end = _context(question, qt, sentence)
    which = question[qt.start : qt.start + 1] == "哪"
    score = weights["context"] * share
    if extract.ROLE_QUESTION.search(question):
        candidates = extract.roles(sentence, extract.question_words(question))
    else:
        candidates = extract.answer_candidates(qt, sentence, question)
    if candidates:
        score += weights["typed"]
        if any(
            (left_end is not None and 0 <= c.start - left_end <= 1)
            or (right_start is not None and 0 <= right_start - c.end <= 1)
            # 哪位市领导 ↔ 市领导南海晏: the noun after 哪位/哪个 stands before the name.
            or (which and right_end is not None and c.start == right_end)
            for c in candidates
        ):
            score += weights["slot"]
    return score


def _context(
    question: str, qt: QuestionType, sentence: str
) -> tuple[float, int | None, int | None, int | None]:
    """The share of the characters beside the question word (up to 4 a side, within the
    clause, 了/过/着 left out) that the sentence has as runs of 2 or more, with where the left
    run ends and the right run starts and ends."""
    if not qt.has_gap:
        return 0.0, None, None, None
    left = re.split(r"[，,；;：:、]", question[max(0, qt.start - _CONTEXT_CHARS) : qt.start])[-1]
    right = re.split(r"[，,。？?！!；;：:、]", question[qt.end : qt.end + _CONTEXT_CHARS])[0]
    # 谁讲了话 ↔ 陈刚讲话: aspect particles come and go between wordings.
    left, right = (re.sub("[了过着]", "", x) for x in (left, right))
    found, left_end, right_start, right_end = 0, None, None, None
    for n in range(len(left), 1, -1):
        at = sentence.find(left[-n:])
        if at >= 0:
            found, left_end = n, at + n
            break
    for n in range(len(right), 1, -1):
        at = sentence.find(right[:n])
        if at >= 0:
            found, right_start, right_end = found + n, at, at + n
            break
    return found / max(1, len(left) + len(right)), left_end, right_start, right_end


def _stress_gap_words(
    question: str, qt: QuestionType, weights: dict[str, float]
) -> dict[str, float]:
    """The words right beside the question word weigh more: they say what is asked
    (要深化什么改革 → 深化, 改革), while the rest often restates the lead sentence's topic."""
    stressed = _gap_neighbours(question, qt, weights)
    return {w: x * (_GAP_WORD_STRESS if w in stressed else 1.0) for w, x in weights.items()}


def _gap_neighbours(question: str, qt: QuestionType, words: dict[str, float]) -> list[str]:
    """The question's nearest words before and after its question word."""
    if not qt.has_gap:
        return []
    at = {w: question.find(w) for w in words}
    before = [w for w, i in at.items() if 0 <= i and i + len(w) <= qt.start]
    after = [w for w, i in at.items() if i >= qt.end]
    return [w for w in (max(before, key=at.get, default=None),
                        min(after, key=at.get, default=None)) if w is not None]


def _local_weights(
    weights: dict[str, float],
    found: list[dict[str, float]],
    title: dict[str, float],
    title_share: float = _TITLE_WORD_SHARE,
) -> dict[str, float]:
    """Question words weighted by how few of the article's sentences (and title) hold them.

    Words of the title, or in every sentence, name the article's topic, which most of its
    sentences share without repeating it: they tell its sentences apart little
    (谁主持了全省科学技术大会？ → 主持 decides, not the meeting's name); a word in one sentence
    points at it.
    """
    n = len(found)
    scale = math.log(1 + n)
    return {
        w: min(x, _LOCAL_CAP)
        * (1.0 - (1.0 - title_share) * title[w])
        * (math.log(1 + n / max(1.0, sum(m[w] for m in found))) / scale if n > 1 else 1.0)
        for w, x in weights.items()
    }


def _best_sentence(
    question: str,
    sentences: list[_Sentence],
    weights: dict[str, float],
    qt: QuestionType,
    prefer: int | None,
) -> _Sentence | None:
    """The evidence, in two steps: the article whose best sentence (own overlap + paragraph and
    article scores + fit) leads; then, within it, the sentence that best fits the question's
    form, the words beside the question word counting most."""
    if not sentences:
        return None
    by_article: dict[int, list[_Sentence]] = {}
    for s in sentences:
        by_article.setdefault(s.article_id, []).append(s)
    probe = _masked(question, qt)
    for group in by_article.values():
        _overlap(probe, group, weights)
        # An article missing the question's names cannot answer it, however often it repeats
        # the rest (陈刚担任什么职务 → not a biography full of 担任…职务).
        whole = normalize("\n".join([group[0].title, *(s.text for s in group)]))
        covered = coverage(weights, whole, probe)
        for s in group:
            s.score = (
                _WEIGHTS["covered"] * covered
                + _WEIGHTS["sentence"] * s.own
                + _WEIGHTS["paragraph"] * s.paragraph_score
                + _WEIGHTS["article"] * s.article_score
                + (_FOLLOW_UP_BONUS if prefer is not None and s.article_id == prefer else 0.0)
            )
    ranked = sorted(sentences, key=lambda s: s.score, reverse=True)
    for s in ranked[:_FIT_CHECKED]:
        s.score += _fit(question, qt, normalize(s.text))
    group = by_article[max(ranked, key=lambda s: s.score).article_id]
    inner_weights = {w: min(x, _INNER_CAP) for w, x in weights.items()}
    _overlap(probe, group, _stress_gap_words(question, qt, inner_weights), _LEAD_SHARE)
    dates = {t.text for t in extract.times(question)}
    # The question's clauses, its question word blanked: a run never spans the gap.
    clauses = [c for c in re.split(r"[，,。？?！!、；;：:\s]+", probe) if c]
    for s in group:
        s.score = (
            _INNER["sentence"] * s.own
            + _INNER["paragraph"] * s.paragraph_score
            + _INNER["dates"] * _same_dates(dates, normalize(s.text))
            + _INNER["phrase"] * max(0, _longest_run(clauses, normalize(s.text)) - _PHRASE_FREE)
        )
    inner = sorted(group, key=lambda s: s.score, reverse=True)[:_FIT_CHECKED]
    for s in inner:
        s.score += _fit(question, qt, normalize(s.text), _INNER)
    # For an untyped question (no answer type to look for), characters decide what words
    # cannot: a paraphrase keeps some (身体是什么颜色 ↔ 体呈银灰色, 名字是怎样得来的 ↔ 故而得名).
    texts = [normalize(s.text) for s in group]
    stressed = _stress_gap_words(question, qt, inner_weights)
    for n in (1, 2) if qt.qtype == "other" else ():
        shares = _gram_overlap(stressed, texts, normalize(group[0].title), n)
        for s in inner:
            s.score += _INNER["chars"] * shares[group.index(s)]
    return max(inner, key=lambda s: s.score)


def _longest_run(clauses: list[str], sentence: str) -> int:
    """The length of the longest run of a question clause's characters that the sentence has:
    a long verbatim run marks the sentence the question was written from."""
    best = 0
    for clause in clauses:
        for i in range(len(clause)):
            while i + best < len(clause) and clause[i : i + best + 1] in sentence:
                best += 1
    return best


def _same_dates(dates: set[str], sentence: str) -> float:
    """The share of the question's dates that the sentence writes as whole dates: 2017年4月
    is not 2017年4月1日, and 1996年2月至4月 is not 1993年4月至1996年2月."""
    if not dates:
        return 0.0
    return len(dates & {t.text for t in extract.times(sentence)}) / len(dates)


def _gram_overlap(
    words: dict[str, float], texts: list[str], title: str, n: int
) -> list[float]:
    """Per text, the weighted share of the words' character n-grams it holds, each n-gram
    weighing its word's weight times how few of the texts hold it; n-grams of the title (the
    subject's name) are left out."""
    grams: dict[str, float] = {}
    for w, x in words.items():
        for i in range(len(w) - n + 1):
            g = w[i : i + n]
            if g not in title and not g.isdigit():
                grams[g] = max(grams.get(g, 0.0), x)
    rarity = {
        g: x * math.log(1 + len(texts) / (1 + sum(g in t for t in texts)))
        for g, x in grams.items()
    }
    total = sum(rarity.values()) or 1.0
    return [sum(r for g, r in rarity.items() if g in t) / total for t in texts]


def _overlap(
    question: str, group: list[_Sentence], weights: dict[str, float], lead: float = 0.0
) -> None:
    """Set each sentence's `own`: its weighted overlap with the question, the article's
    topic words counting little (`_local_weights`).

    With `lead`, a word the sentence lacks but the one before it in the paragraph has counts
    that share: 他强调，…以让群众喝上放心水为底线 continues 来到南川水厂一期项目现场….
    """
    found = [matches(weights, normalize(s.text), question) for s in group]
    title = matches(weights, normalize(group[0].title), question)
    local = _local_weights(weights, found, title, 0.0 if lead else _TITLE_WORD_SHARE)
    total = sum(local.values()) or 1.0
    for i, (s, m) in enumerate(zip(group, found, strict=True)):
        same = i > 0 and group[i - 1].paragraph_id == s.paragraph_id
        previous = found[i - 1] if same else {}
        s.own = sum(local[w] * max(m[w], lead * previous.get(w, 0.0)) for w in local) / total
