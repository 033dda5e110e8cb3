"""The answering core: question → evidence sentence, short answer and source, or "not found".

One `answer()` serves the console, Telegram and the evaluation. Steps:
1. normalise the question (traditional → simplified …), cut it to 500 characters, classify it;
   a follow-up (那在哪里开赛？) borrows the previous question's topic words (`Conversation`);
2. retrieve paragraphs (BM25), then read every sentence of the best articles: a sentence's score
   mixes its own weighted overlap with the question and its paragraph's and article's BM25
   scores, so 谁主持了全省科学技术大会？ finds a sentence that never repeats the meeting's name;
3. extract the short answer (`retrieval.extract`);
4. abstain when the question's content words are not covered by the evidence and its article,
   or when the answer type is missing from the evidence while a question word is too.

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
from retrieval.qtype import QuestionType, classify
from retrieval.tokenize import QUESTION_WORDS, normalize, stopwords, synonyms

if TYPE_CHECKING:
    from retrieval.search import Searcher

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
# Calibrated on data/eval/questions.jsonl and the CMRC 2018 trial set (see BENCHMARKS.md).
MIN_ARTICLE_COVERAGE = 0.6
MIN_PARAGRAPH_COVERAGE = 0.4
_WEIGHTS = {"sentence": 0.5, "paragraph": 0.15, "article": 0.25, "typed": 0.1}
_FOLLOW_UP_BONUS = 0.1
_ARTICLES_READ = 3
_TYPED_CHECKED = 8
_FOLLOW_UP_START = re.compile(r"^(?:那么|那|还有|它|他|她|它们|他们|这|该|其|此|另外)")
_COMMON_WORD_LEVEL = 7.0
_TITLE_WORD_SHARE = 0.15
_NUMBER_WEIGHT = 3.0
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
    return max(0.5, log_total - math.log(freq.get(word, 0) + 1) - _COMMON_WORD_LEVEL)


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
        at = question.find(word)
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
    own = content_words(text, qt)
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
    article_cov = coverage(weights, normalize(article_text), text)
    # The evidence's paragraph under its title, not the sentence alone: a sentence leaves its
    # subject to the ones before it (该银行的总部位于…).
    paragraph = f"{article.title or ''}\n{_paragraph_text(searcher, best.paragraph_id)}"
    paragraph_cov = coverage(weights, normalize(paragraph), text)
    short = extract.extract(text, qt, best.text, weights)
    typed_missing = qt.qtype in _TYPED and short == best.text.strip()
    abstain = (
        article_cov < MIN_ARTICLE_COVERAGE
        or paragraph_cov < MIN_PARAGRAPH_COVERAGE
        or (typed_missing and article_cov < 1.0)
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
    cited = [h for h in hits if h.paragraph_id == best.paragraph_id]
    if not cited:
        cited = [Hit(best.paragraph_id, best.article_id, best.title, best.paragraph_score,
                     _paragraph_text(searcher, best.paragraph_id))]
    shown = cited + [h for h in shown if h.paragraph_id != best.paragraph_id][: k - 1]
    matched = [w for w in words if w in normalize(best.text)]
    return Answer(
        question=question,
        answer=short,
        evidence=best.text,
        qtype=qt.qtype,
        score=round(best.score, 4),
        article=searcher.store.article_ref(best.article_id),
        paragraph_id=best.paragraph_id,
        hits=shown,
        ms=_ms(start),
        matched=matched,
    )


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


def _local_weights(
    weights: dict[str, float], found: list[dict[str, float]], title: dict[str, float]
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
        * (1.0 - (1.0 - _TITLE_WORD_SHARE) * title[w])
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
    """The evidence: own overlap + paragraph and article scores (+ the answer type present)."""
    if not sentences:
        return None
    by_article: dict[int, list[_Sentence]] = {}
    for s in sentences:
        by_article.setdefault(s.article_id, []).append(s)
    for group in by_article.values():
        found = [matches(weights, normalize(s.text), question) for s in group]
        title = matches(weights, normalize(group[0].title), question)
        local = _local_weights(weights, found, title)
        total = sum(local.values()) or 1.0
        for s, m in zip(group, found, strict=True):
            s.own = sum(local[w] * m[w] for w in local) / total
            s.score = (
                _WEIGHTS["sentence"] * s.own
                + _WEIGHTS["paragraph"] * s.paragraph_score
                + _WEIGHTS["article"] * s.article_score
                + (_FOLLOW_UP_BONUS if prefer is not None and s.article_id == prefer else 0.0)
            )
    ranked = sorted(sentences, key=lambda s: s.score, reverse=True)
    if qt.qtype in _TYPED:
        for s in ranked[:_TYPED_CHECKED]:
            if any(c.text not in question for c in extract.typed_candidates(qt.qtype, s.text)):
                s.score += _WEIGHTS["typed"]
        ranked.sort(key=lambda s: s.score, reverse=True)
    return ranked[0]
