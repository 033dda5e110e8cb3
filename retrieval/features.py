"""What the answerer knows about a candidate sentence, as named numbers (`features`).

Each signal is a small function of the question and a sentence of a retrieved article; the
fitted model (`retrieval.ranker`) turns them into one score. Word weights come from jieba's
dictionary frequencies (a fixed, general Chinese corpus), so they do not drift as the archive
grows. Matching works on normalised text (simplified characters, half-width forms).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

from retrieval import extract, kinds, thesaurus
from retrieval.qtype import QuestionType
from retrieval.tokenize import normalize, synonyms

# Word weights (`weight`): everyday words (最后, 担任, 项目: rarity 7–9 in jieba's dictionary)
# are pulled down next to names and terms (12–18), so a paraphrased common word does not sink
# a question; a number is a middling word (unknown to the dictionary, yet years and counts
# recur in every archive); a name is a constraint however often it is written.
_COMMON_WORD_LEVEL = 7.0
_NUMBER_WEIGHT = 3.0
_NAME_WEIGHT = 5.0
_NAME_TAGS = ("nr", "ns", "nt", "nz", "j")
# The words right beside the question word say what is asked (要深化什么改革 → 深化, 改革).
_GAP_WORD_STRESS = 3.0
# Within an article no single word may decide alone (a name in every sentence).
_INNER_CAP = 4.0
_LOCAL_CAP = 6.0
# A sentence borrows this share of what the one before it in the paragraph says.
_LEAD_SHARE = 0.5
_TITLE_WORD_SHARE = 0.15
_CONTEXT_CHARS = 4
# A verbatim run of the question longer than this marks the sentence it was written from.
_PHRASE_FREE = 5

# The feature names, in the order the fitted model's weights are stored. "Cheap" ones are
# computed for every sentence of the articles read; the rest for the best few only.
CHEAP = (
    "covered", "covered_soft", "own", "own_soft", "local", "local_soft", "local_top", "own_top",
    "paragraph", "article", "follow", "dates", "phrase", "lede", "length", "lede_count",
    "title",
)
COSTLY = ("context", "typed", "slot", "listed", "chars1", "chars2")
NAMES = CHEAP + COSTLY


@dataclass
class Candidate:
    """A sentence of a retrieved article and what is known about it."""

    text: str
    paragraph_id: int
    article_id: int
    title: str
    paragraph_score: float
    article_score: float
    index: int = 0  # the sentence's place in its article
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


@cache
def _rarity_scale() -> tuple[dict[str, int], float]:
    import jieba

    extract.question_words("")  # loads jieba's dictionary once
    return jieba.dt.FREQ, math.log(jieba.dt.total)


@cache
def _name_tags() -> dict[str, str]:
    import jieba.posseg

    jieba.posseg.dt.initialize()
    return jieba.posseg.dt.word_tag_tab


def weight(word: str) -> float:
    """How telling a word is: its inverse frequency in jieba's dictionary (unknown = rarest)."""
    if word.isdigit():
        return _NUMBER_WEIGHT
    freq, log_total = _rarity_scale()
    rarity = max(0.5, log_total - math.log(freq.get(word, 0) + 1) - _COMMON_WORD_LEVEL)
    if is_name(word):
        return max(rarity, _NAME_WEIGHT)
    return rarity


def is_name(word: str) -> bool:
    """Whether jieba's dictionary tags the word as a name (person, place, body, other proper
    name) or an abbreviation of one. jieba tags common words abbreviations too (一共, 人均,
    中小 `j`); one that 词林 files only outside its noun classes is none."""
    tag = _name_tags().get(word, "")[:2]
    if tag == "j" and kinds.is_filed_only_as_non_noun(word):
        return False
    return tag in _NAME_TAGS


@cache
def _synonym_map() -> dict[str, tuple[str, ...]]:
    return {form: group for group in synonyms() for form in group}


def covered_chars(question: str, text: str) -> set[int]:
    """Positions of the question's characters inside a run of 2+ characters that the text has.

    Character runs survive jieba cutting a question differently from the text (刘奇凡是 →
    刘奇/凡是 while the text has 刘奇凡).
    """
    covered: set[int] = set()
    i = 0
    while i < len(question) - 1:
        n = 2
        while i + n <= len(question) and question[i : i + n] in text:
            n += 1
        if n > 2:
            covered.update(range(i, i + n - 1))
            i += n - 2
        else:
            i += 1
    return covered


def matches(
    words: list[str] | dict[str, float], text: str, question: str = "", soft: bool = False
) -> dict[str, float]:
    """How much of each word the text has: 1 whole or by an abbreviation of the synonym table
    (with `soft`, also by a thesaurus synonym or as a short form of the text's words), else
    the share of its characters inside runs the text shares with the question."""
    return _matches(words, text, question, (soft,))[0]


def _matches(
    words: list[str] | dict[str, float], text: str, question: str, modes: tuple[bool, ...],
    soft_words: set[str] | None = None,
) -> list[dict[str, float]]:
    """`matches` in each mode (plain, soft) at once: the character runs are found once. Only
    `soft_words` (when given) are looked for softly: those a larger text holding this one
    matched softly (a sentence of an article)."""
    covered = covered_chars(question, text)
    out: list[dict[str, float]] = [{} for _ in modes]
    for word in words:
        whole = word in text or any(s in text for s in _synonym_map().get(word, ()))
        softly = None if soft_words is None or word in soft_words else False
        # A number is the same number only whole: 2004年 is not 2024年.
        at = -1 if word.isdigit() else question.find(word)
        share = (
            sum(i in covered for i in range(at, at + len(word))) / len(word) if at >= 0 else 0.0
        )
        for found, soft in zip(out, modes, strict=True):
            if not whole and soft and softly is None:
                softly = bool(
                    thesaurus.synonym_in(word, text) or thesaurus.short_form_in(word, text)
                )
            found[word] = 1.0 if whole or (soft and softly) else share
    return out


def coverage(words: dict[str, float], text: str, question: str = "", soft: bool = False) -> float:
    """The weighted share of the words found in the text (whole, by synonym, or by characters)."""
    total = sum(words.values())
    if not total:
        return 0.0
    found = matches(words, text, question, soft)
    return sum(w * found[word] for word, w in words.items()) / total


def masked(question: str, qt: QuestionType) -> str:
    """The question with its question word blanked, so that matching its characters never
    credits the question word (东关街有多长 is not covered by 保留有多处)."""
    if not qt.has_gap:
        return question
    return question[: qt.start] + "，" * (qt.end - qt.start) + question[qt.end :]


def gap_neighbours(question: str, qt: QuestionType, words: dict[str, float]) -> list[str]:
    """The question's nearest words before and after its question word."""
    if not qt.has_gap:
        return []
    at = {w: question.find(w) for w in words}
    before = [w for w, i in at.items() if 0 <= i and i + len(w) <= qt.start]
    after = [w for w, i in at.items() if i >= qt.end]
    return [w for w in (max(before, key=at.get, default=None),
                        min(after, key=at.get, default=None)) if w is not None]


def stress_gap_words(
    question: str, qt: QuestionType, weights: dict[str, float]
) -> dict[str, float]:
    """The words right beside the question word weigh more: they say what is asked, while the
    rest often restates the lead sentence's topic."""
    stressed = gap_neighbours(question, qt, weights)
    return {w: x * (_GAP_WORD_STRESS if w in stressed else 1.0) for w, x in weights.items()}


def _local_weights(
    weights: dict[str, float], found: list[dict[str, float]], title: dict[str, float],
    title_share: float,
) -> dict[str, float]:
    """Question words weighted by how few of the article's sentences (and title) hold them:
    words of the title, or in every sentence, name the article's topic and tell its sentences
    apart little; a word in one sentence points at it."""
    n = len(found)
    scale = math.log(1 + n)
    return {
        w: min(x, _LOCAL_CAP)
        * (1.0 - (1.0 - title_share) * title[w])
        * (math.log(1 + n / max(1.0, sum(m[w] for m in found))) / scale if n > 1 else 1.0)
        for w, x in weights.items()
    }


def _overlaps(
    group: list[Candidate], weights: dict[str, float], found: list[dict[str, float]],
    title: dict[str, float], lead: float,
) -> list[float]:
    """Each sentence's weighted overlap with the question (`found`: its words' matches), the
    article's topic words counting little. With `lead`, a word the sentence lacks but the one
    before it in the paragraph has counts that share (他强调，… continues the sentence naming
    him)."""
    local = _local_weights(weights, found, title, 0.0 if lead else _TITLE_WORD_SHARE)
    total = sum(local.values()) or 1.0
    out = []
    for i, (s, m) in enumerate(zip(group, found, strict=True)):
        same = lead and i > 0 and group[i - 1].paragraph_id == s.paragraph_id
        if same:
            previous = found[i - 1]
            out.append(sum(local[w] * max(m[w], lead * previous[w]) for w in local) / total)
        else:
            out.append(sum(local[w] * m[w] for w in local) / total)
    return out


def longest_run(clauses: list[str], sentence: str) -> int:
    """The length of the longest run of a question clause's characters that the sentence has."""
    best = 0
    for clause in clauses:
        for i in range(len(clause)):
            while i + best < len(clause) and clause[i : i + best + 1] in sentence:
                best += 1
    return best


def same_dates(dates: set[str], sentence: str) -> float:
    """The share of the question's dates that the sentence writes as whole dates: 2017年4月
    is not 2017年4月1日."""
    if not dates:
        return 0.0
    return len(dates & {t.text for t in extract.times(sentence)}) / len(dates)


def gram_overlap(words: dict[str, float], texts: list[str], title: str, n: int) -> list[float]:
    """Per text, the weighted share of the words' character n-grams it holds, each weighing its
    word's weight times how few of the texts hold it; the title's n-grams are left out."""
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


def context(
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


def fit(question: str, qt: QuestionType, sentence: str) -> dict[str, float]:
    """How the sentence fits the question's form: the words around the question word as they
    stand (以什么为底线 ↔ 以…为底线), an answer of the asked type, that answer right beside
    them (谁讲话 ↔ 陈刚讲话), and a list for a question asking for several."""
    share, left_end, right_start, right_end = context(question, qt, sentence)
    which = question[qt.start : qt.start + 1] == "哪"
    if extract.ROLE_QUESTION.search(question):
        candidates = extract.roles(sentence, extract.question_words(question))
    else:
        candidates = extract.answer_candidates(qt, sentence, question)
    slot = any(
        (left_end is not None and 0 <= c.start - left_end <= 1)
        or (right_start is not None and 0 <= right_start - c.end <= 1)
        # 哪位市领导 ↔ 市领导南海晏: the noun after 哪位/哪个 stands before the name.
        or (which and right_end is not None and c.start == right_end)
        for c in candidates
    )
    # 哪些地标 / 哪几个项目 are answered by a list (海湖万达广场、唐道·637、新宁广场…).
    listed = qt.plural and bool(extract.enumerations(sentence))
    return {"context": share, "typed": float(bool(candidates)), "slot": float(slot),
            "listed": float(listed)}


@dataclass
class Probe:
    """The question as the features read it."""

    question: str  # normalised
    qt: QuestionType
    weights: dict[str, float]  # content word → weight (a follow-up's borrowed words lighter)
    prefer: int | None = None  # the previous answer's article, for a follow-up

    @property
    def blanked(self) -> str:
        return masked(self.question, self.qt)


def cheap_features(probe: Probe, candidates: list[Candidate]) -> None:
    """Set the cheap features of every candidate, article by article."""
    by_article: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_article.setdefault(c.article_id, []).append(c)
    blanked = probe.blanked
    inner = stress_gap_words(
        probe.question, probe.qt, {w: min(x, _INNER_CAP) for w, x in probe.weights.items()}
    )
    dates = {t.text for t in extract.times(probe.question)}
    # The question's clauses, its question word blanked: a run never spans the gap.
    clauses = [c for c in re.split(r"[，,。？?！!、；;：:\s]+", blanked) if c]
    weights = probe.weights
    counted = probe.qt.qtype == "number"
    for group in by_article.values():
        texts, whole = _normalized(group)
        article = _matches(weights, whole, blanked, (False, True))
        covered, covered_soft = (
            sum(weights[w] * m[w] for w in weights) / (sum(weights.values()) or 1.0)
            for m in article
        )
        # A sentence can hold a synonym or short form of a word only where its article does.
        softly = {
            w for w in weights
            if thesaurus.synonym_in(w, whole) or thesaurus.short_form_in(w, whole)
        }
        plain, soft = zip(
            *(_matches(weights, t, blanked, (False, True), softly) for t in texts), strict=True
        )
        title, title_soft = _matches(weights, normalize(group[0].title), blanked, (False, True))
        own = _overlaps(group, weights, list(plain), title, 0.0)
        own_soft = _overlaps(group, weights, list(soft), title_soft, 0.0)
        local = _overlaps(group, inner, list(plain), title, _LEAD_SHARE)
        local_soft = _overlaps(group, inner, list(soft), title_soft, _LEAD_SHARE)
        # The article's own best sentence by each overlap: the model weighs a sentence against
        # its article's others, not only against every article's.
        local_top, own_top = max(local_soft), max(own_soft)
        # Of two reports holding the same fact (the day of a race in its preview and in a
        # bus notice), the one the question's words head is about it.
        headed = sum(weights[w] * title_soft[w] for w in weights) / (sum(weights.values()) or 1.0)
        for i, (c, text) in enumerate(zip(group, texts, strict=True)):
            c.features = {
                "covered": covered,
                "covered_soft": covered_soft,
                "own": own[i],
                "own_soft": own_soft[i],
                "local": local[i],
                "local_soft": local_soft[i],
                "local_top": float(local_soft[i] >= local_top),
                "own_top": float(own_soft[i] >= own_top),
                "paragraph": c.paragraph_score,
                "article": c.article_score,
                "follow": float(probe.prefer is not None and c.article_id == probe.prefer),
                "dates": same_dates(dates, text),
                "phrase": max(0, longest_run(clauses, text) - _PHRASE_FREE) / 10,
                "lede": float(c.index == 0),
                # The lede's pull is fitted apart for number questions (a report's figures
                # cluster in its lede and in the details after it, unlike names and places).
                "lede_count": float(c.index == 0 and counted),
                "length": math.log(1 + len(text)) / 5,
                "title": headed,
            }


def _normalized(group: list[Candidate]) -> tuple[list[str], str]:
    """The sentences of one article normalised, and the article under its title: one call of
    the converter for them all (a call per sentence was a tenth of answering time)."""
    whole = normalize("\n".join([group[0].title, *(c.text for c in group)]))
    texts = whole.split("\n")[1:]
    if len(texts) != len(group):  # a title or sentence holding a line break of its own
        texts = [normalize(c.text) for c in group]
    return texts, whole


def costly_features(probe: Probe, candidates: list[Candidate], group: list[Candidate]) -> None:
    """Add the costly features to `candidates` (the best few); `group` is every candidate,
    which the character n-gram rarities are counted over, per article."""
    stressed = stress_gap_words(
        probe.question, probe.qt, {w: min(x, _INNER_CAP) for w, x in probe.weights.items()}
    )
    for c in candidates:
        c.features.update(fit(probe.question, probe.qt, normalize(c.text)))
        c.features["chars1"] = c.features["chars2"] = 0.0
    if probe.qt.qtype != "other":
        return
    # For an untyped question (no answer type to look for), characters decide what words
    # cannot: a paraphrase keeps some (身体是什么颜色 ↔ 体呈银灰色).
    for article_id in {c.article_id for c in candidates}:
        sentences = [s for s in group if s.article_id == article_id]
        texts = [normalize(s.text) for s in sentences]
        title = normalize(sentences[0].title)
        chosen = {id(c) for c in candidates}
        for n in (1, 2):
            shares = gram_overlap(stressed, texts, title, n)
            for s, share in zip(sentences, shares, strict=True):
                if id(s) in chosen:
                    s.features[f"chars{n}"] = share
