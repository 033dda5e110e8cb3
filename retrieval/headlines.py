"""Headline blocks → articles and roles, as one decision over the page, from fitted evidence.

A page's headline blocks sit in runs between article bodies, out of reading order. Each
article's headline is a contiguous piece of one run (kicker, title, subtitle in that order);
a block may belong to no article (a section label, a caption). Small logistic models, fitted
by `benchmarks/fit_headlines.py` on written article sets typeset into pages, score the
evidence: `owner` says how likely a block is to head an article (shared rare words, names and
numbers with its lede and body, where the block sits relative to the body), `roles` how
likely a block is to be a kicker, title or subtitle (length, phrase spaces, cue words,
punctuation, digits, how it opens and ends, overlap with the lede, whether it states an
event), and `pair` whether a two-block headline is kicker + title or title + subtitle (how the
two blocks compare in form and overlap with the lede, and the role model's say). A dynamic programme
over the runs picks the best assignment. When the roles are not settled the whole headline is
kept as the title, blocks in page order joined by a space, so it is cited whole.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

import jieba.posseg as posseg

from retrieval.resources import data_dir

log = logging.getLogger(__name__)

MODEL_FILE = "headline_model.json"
# A kicker leads into the title: it may end in a verb of speech or reporting (…时强调), name
# its source (…发布消息, 记者从…获悉), end in a colon, or be a context clause (…之际). A subtitle
# may open with a dash (——记…).
KICKER_END_RE = re.compile(
    r"(?:强调|指出|表示|要求|提出|认为|称|说|透露|介绍|宣布|希望|呼吁|寄语|获悉|通报|消息|提醒"
    r"|之际|期间|前夕|[:：])$"
)
SUBTITLE_START_RE = re.compile(r"^(?:—|－－|--|一一)")
# A meeting report's subtitle names who spoke and who chaired (陈刚讲话 吴晓军主持, 市委书记…主持
# 并讲话).
PRESIDING_END_RE = re.compile(r"(?:讲话|主持|出席|致辞|参加|陪同)(?:会议|活动)?$")
# Who acts, named by the body it belongs to: 市气象台, 省市场监管局, 市委常委会.
_BODY_SUFFIXES = tuple("局 委 厅 院 台 办 部门 中心 政府 会 组 队".split())
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_DIGITS_RE = re.compile(r"\d+(?:\.\d+)?")
_SPEECH_VERBS = frozenset(
    "强调 指出 表示 要求 提出 认为 称 说 透露 介绍 宣布 希望 呼吁 寄语 获悉 通报 发布".split()
)
ROLES = ("kicker", "title", "subtitle")
# jieba part-of-speech flags: a block opening with a verb, preposition or adverb (推进…, 把…,
# 以…, 扎实推进…) has no subject, as a slogan title after a reporting kicker; one opening with a
# noun, place, organisation or pronoun (市科技局…, 我市…) names who acts.
_OPEN_PREDICATE = ("v", "p", "d", "a")
_OPEN_SUBJECT = ("n", "r", "j")
# Most blocks one article's headline has (kicker, title, subtitle).
MAX_GROUP = 3


@dataclass
class HeadBlock:
    """A headline block: its text (phrase spaces kept), page block index and run number."""

    text: str
    index: int
    run: int


@dataclass
class ArticleSpan:
    """What the headline model sees of an article: its paragraphs and its body's block span."""

    paragraphs: list[str]
    start: int
    end: int


@dataclass
class Headline:
    """An article's headline fields; `uncertain` when the roles were not settled."""

    kicker: str | None
    title: str
    subtitle: str | None
    uncertain: bool = False


@dataclass(frozen=True)
class LogisticModel:
    """A fitted logistic model: `bias` plus a weight per named feature (missing features are 0)."""

    bias: float
    weights: dict[str, float]

    def logit(self, features: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def to_json(self) -> dict:
        return {"bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict) -> LogisticModel:
        return cls(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()})


@dataclass(frozen=True)
class HeadlineModel:
    """The fitted headline models and the decision constants fitted with them."""

    owner: LogisticModel
    # One logit model per role, turned into probabilities by softmax.
    roles: dict[str, LogisticModel]
    # Log-prior of an article's headline having 1, 2 or 3 blocks.
    group_prior: tuple[float, float, float]
    # Cost of leaving an article without any headline block, and a block without an article.
    missing_cost: float
    stray_cost: float
    # A two-block headline whose kicker+title probability lies within this margin of 0.5 is
    # uncertain.
    uncertain_margin: float
    provenance: str = ""
    # Kicker + title against title + subtitle for a two-block headline, from how the two
    # blocks compare and the role model's say (`pair_features`); without it the role model
    # decides.
    pair: LogisticModel | None = None

    def role_logprobs(self, features: dict[str, float]) -> tuple[float, float, float]:
        """Log-probabilities that a block with `features` is a kicker, a title, a subtitle."""
        logits = [self.roles[role].logit(features) for role in ROLES]
        top = max(logits)
        norm = top + math.log(sum(math.exp(x - top) for x in logits))
        return logits[0] - norm, logits[1] - norm, logits[2] - norm

    def to_json(self) -> dict:
        return {
            "provenance": self.provenance,
            "owner": self.owner.to_json(),
            "roles": {role: m.to_json() for role, m in self.roles.items()},
            "group_prior": list(self.group_prior),
            "missing_cost": self.missing_cost,
            "stray_cost": self.stray_cost,
            "uncertain_margin": self.uncertain_margin,
            **({"pair": self.pair.to_json()} if self.pair else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> HeadlineModel:
        prior = tuple(float(x) for x in data["group_prior"])
        return cls(
            owner=LogisticModel.from_json(data["owner"]),
            roles={role: LogisticModel.from_json(m) for role, m in data["roles"].items()},
            group_prior=(prior[0], prior[1], prior[2]),
            missing_cost=float(data["missing_cost"]),
            stray_cost=float(data["stray_cost"]),
            uncertain_margin=float(data["uncertain_margin"]),
            provenance=data.get("provenance", ""),
            pair=LogisticModel.from_json(data["pair"]) if "pair" in data else None,
        )


@cache
def default_model() -> HeadlineModel:
    """The model shipped in `data/headline_model.json`."""
    path = data_dir() / MODEL_FILE
    return HeadlineModel.from_json(json.loads(path.read_text(encoding="utf-8")))


# --- evidence -------------------------------------------------------------------------------


def _chars(text: str) -> list[str]:
    return [c for c in text if c.isalnum()]


def bigrams(text: str) -> set[str]:
    """Character bigrams of `text`'s letters and digits (punctuation and spaces left out)."""
    chars = _chars(text)
    return {a + b for a, b in pairwise(chars)}


class PageEvidence:
    """Rarity-weighted overlap of any text with each article's lede and body on one page.

    Bigrams are weighted by how few of the page's articles hold them, so words every article
    shares (西宁, 我市) count little.
    """

    def __init__(self, articles: list[ArticleSpan]) -> None:
        self.articles = articles
        self.bodies = ["".join(a.paragraphs) for a in articles]
        self.ledes = [a.paragraphs[0] if a.paragraphs else "" for a in articles]
        self.body_grams = [bigrams(b) for b in self.bodies]
        self.lede_grams = [bigrams(x) for x in self.ledes]
        self.df: dict[str, int] = {}
        for grams in self.body_grams:
            for g in grams:
                self.df[g] = self.df.get(g, 0) + 1

    def _weights(self, text: str) -> dict[str, float]:
        n = len(self.articles)
        return {g: math.log((n + 1) / (self.df.get(g, 0) + 0.5)) for g in bigrams(text)}

    def shares(self, text: str, article: int) -> tuple[float, float]:
        """(share in the body, share in the lede) of `text`'s weighted bigrams."""
        weights = self._weights(text)
        total = sum(weights.values())
        if not total:
            return 0.0, 0.0
        body = sum(w for g, w in weights.items() if g in self.body_grams[article])
        lede = sum(w for g, w in weights.items() if g in self.lede_grams[article])
        return body / total, lede / total


def _longest_common_run(text: str, other: str) -> int:
    """Length of the longest run of `text`'s letters and digits found verbatim in `other`."""
    chars = "".join(_chars(text))
    best = 0
    for start in range(len(chars)):
        length = best + 1
        while start + length <= len(chars) and chars[start : start + length] in other:
            best = length
            length += 1
    return best


def _margin(shares: list[float], article: int) -> float:
    """How far `article`'s share leads the best other article's (negative: it trails)."""
    return shares[article] - max((s for a, s in enumerate(shares) if a != article), default=0.0)


def owner_features(
    block: HeadBlock,
    article: int,
    evidence: PageEvidence,
    shares: list[float],
    neighbours: tuple[list[float] | None, list[float] | None],
) -> dict[str, float]:
    """Evidence that `block` heads `article`: overlap with its body and lede, numbers, position.

    `shares` are the block's body shares for every article on the page (for rank and margin),
    `neighbours` those of the blocks right before and after it in its run (None at the run's
    ends): a kicker or subtitle that shares few words with its body sits next to a title
    that shares many, a kicker before it and a subtitle after it.
    """
    span = evidence.articles[article]
    body_share, lede_share = evidence.shares(block.text, article)
    text = "".join(_chars(block.text))
    numbers = _DIGITS_RE.findall(block.text)
    found = sum(n in evidence.bodies[article] for n in numbers)
    before, after = neighbours
    lonely = max(shares) < 0.2
    prev_leads = max(_margin(before, article), 0.0) if before else 0.0
    next_leads = max(_margin(after, article), 0.0) if after else 0.0
    spans = evidence.articles
    # Article bodies lying between the block and this article's body.
    if block.index > span.end:
        between = sum(block.index > s.end and s.start > span.end for s in spans)
    else:
        between = sum(block.index < s.start and s.end < span.start for s in spans)
    return {
        "body_share": body_share,
        "lede_share": lede_share,
        "margin": _margin(shares, article),
        "best": float(_margin(shares, article) >= 0 and body_share > 0),
        "common_run": min(_longest_common_run(block.text, evidence.bodies[article]), 12) / 12,
        "common_run_lede": min(_longest_common_run(block.text, evidence.ledes[article]), 12)
        / max(len(text), 1),
        "numbers_found": found / len(numbers) if numbers else 0.0,
        "numbers_missing": float(bool(numbers) and not found),
        "just_before": float(block.index < span.start and between == 0),
        "just_after": float(block.index > span.end and between == 0),
        "after_gap": math.log1p(between) if block.index > span.end else 0.0,
        "before_gap": math.log1p(between) if block.index < span.start else 0.0,
        "prev_leads": prev_leads,
        "next_leads": next_leads,
        "cue_before_lead": float(next_leads > 0 and bool(KICKER_END_RE.search(block.text))),
        "dash_after_lead": float(prev_leads > 0 and bool(SUBTITLE_START_RE.match(block.text))),
        # A block sharing little with any article: a section label or caption, or a kicker
        # that only sets the scene; next to a title, which of the two it is matters.
        "lonely": float(lonely),
        "lonely_beside_lead": float(lonely and max(next_leads, prev_leads) > 0),
        "short": float(len(text) <= 6),
    }


def run_neighbours(
    blocks: list[HeadBlock], shares: list[list[float]], i: int
) -> tuple[list[float] | None, list[float] | None]:
    """The body shares of the blocks right before and after block `i` in its run."""
    before, after = (
        shares[j] if 0 <= j < len(blocks) and blocks[j].run == blocks[i].run else None
        for j in (i - 1, i + 1)
    )
    return before, after


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((p.word, p.flag) for p in posseg.cut(text.replace(" ", "")))


def role_features(text: str, evidence: PageEvidence, article: int) -> dict[str, float]:
    """What a block's form says about its role: length, phrase spaces, cues, marks, event,
    how it opens and ends, and how much of it the lede of `article` repeats."""
    lede = evidence.ledes[article]
    words = [(w, f) for w, f in _words(text) if f != "x"]
    first_word, first_flag = words[0] if words else ("", "")
    last_word, last_flag = words[-1] if words else ("", "")
    flags = [f for _, f in words]
    verbs = [i for i, f in enumerate(flags) if f.startswith("v")]
    _, lede_share = evidence.shares(text, article)
    chars = "".join(_chars(text))
    return {
        "length": min(len(chars), 40) / 20,
        "lede_run": min(_longest_common_run(text, lede), 12) / 12,
        "digit_count": min(sum(c.isdigit() for c in text), 6) / 6,
        "phrase_space": float(bool(re.search(rf"[{_CJK}] [{_CJK}]", text))),
        "phrases": min(text.count(" "), 3) / 3,
        "kicker_cue": float(bool(KICKER_END_RE.search(text))),
        "dash": float(bool(SUBTITLE_START_RE.match(text))),
        "comma": float(any(c in text for c in "，、,")),
        "quote": float(any(c in text for c in "“”《》「」")),
        "digits": float(any(c.isdigit() for c in text)),
        "starts_digit": float(bool(chars) and chars[0].isdigit()),
        "ends_figure": float(bool(re.search(r"\d[^\d]{0,3}$", text))),
        "lede_share": lede_share,
        "common_run_lede": min(_longest_common_run(text, lede), 12) / max(len(chars), 1),
        "starts_name": float(bool(words) and words[0][1] in ("nr", "nrfg", "nrt")),
        "opens_predicate": float(first_flag.startswith(_OPEN_PREDICATE)),
        "opens_subject": float(first_flag.startswith(_OPEN_SUBJECT)),
        "opens_time": float(first_flag.startswith("t")),
        "has_verb": float(bool(verbs)),
        # A verb with an object after it: the block states what was done.
        "verb_object": float(any(f.startswith(("n", "m")) for f in flags[verbs[0] + 1 :]))
        if verbs
        else 0.0,
        "ends_time_clause": float(text.endswith(("时", "后", "中", "上"))),
        "ends_speech": float(last_word in _SPEECH_VERBS),
        "event": float(last_flag.startswith("v") and last_word not in _SPEECH_VERBS),
        "ends_noun": float(last_flag.startswith("n")),
        "ends_number": float(last_flag.startswith("m")),
        "first_is_speech": float(first_word in _SPEECH_VERBS),
        # A reporting verb anywhere (市气象台发布寒潮蓝色预警): a kicker naming a source.
        "reports": float(any(w in _SPEECH_VERBS for w, _ in words)),
        "opens_body": float(first_word.endswith(_BODY_SUFFIXES) and len(first_word) > 1),
        "presiding": float(bool(PRESIDING_END_RE.search(text))),
    }


# How the two blocks of a two-block headline compare; each is the first block's value less the
# second's, so the pair model reads which of the two is the title. Besides size and overlap
# with the lede: which block carries a kicker's cue word (…之际, …表示), a subtitle's dash,
# quotation marks (a title phrased as an image, 家门口的“小饭桌”…, beside a kicker or subtitle
# that states the plain fact).
_COMPARED = (
    "length",
    "lede_share",
    "lede_run",
    "common_run_lede",
    "digit_count",
    "phrases",
    "kicker_cue",
    "dash",
    "quote",
)


def pair_features(
    first: dict[str, float], second: dict[str, float], role_logit: float
) -> dict[str, float]:
    """Evidence on whether blocks `first`, `second` (their role features, in page order) are
    kicker + title rather than title + subtitle: how the two compare, and `role_logit`, what
    the role model says (log-odds of kicker + title against title + subtitle), which has
    learnt what a title looks like from every headline. Each block's own features are left to
    the role model: as pair features they let the few dozen written two-block headlines
    outweigh it (held out, BENCHMARKS.md, seventh round)."""
    out = {f"diff_{k}": first[k] - second[k] for k in _COMPARED}
    out["first_longer"] = float(first["length"] > second["length"])
    # A reporting block naming who acts, then a subject-less slogan: kicker + title.
    out["subject_then_predicate"] = first["opens_subject"] * second["opens_predicate"]
    # A block stating the event, then one adding a figure (more digits than the first has, as
    # 新增3处亲水平台 / 总面积约2000平方米): title + subtitle.
    out["figure_follows"] = float(second["digit_count"] > first["digit_count"])
    out["role_logit"] = role_logit
    return out


def role_pair_logit(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """Log-odds of kicker + title against title + subtitle from two blocks' role log-probs."""
    return first[0] + second[1] - first[1] - second[2]


# --- decision -------------------------------------------------------------------------------


def _roles(texts: list[str], p_kicker: float | None, margin: float) -> Headline:
    """Fields from a group's texts in page order; a two-block group by its kicker probability."""
    if len(texts) == 1:
        return Headline(None, texts[0], None)
    if len(texts) == 3:
        return Headline(texts[0], texts[1], texts[2])
    first, second = texts
    if p_kicker is None or abs(p_kicker - 0.5) < margin:
        return Headline(None, f"{first} {second}", None, uncertain=True)
    if p_kicker > 0.5:
        return Headline(first, second, None)
    return Headline(None, first, second)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass
class Assignment:
    """The best assignment of a page's headline blocks: each article's headline and the
    blocks it took (indices into the page's headline blocks), and its score, which counts
    every bare article's and stray block's cost so that readings of the page's bodies into
    different articles compare."""

    score: float
    headlines: list[Headline | None]
    groups: list[range]
    unattached: list[int]


def best_assignment(
    blocks: list[HeadBlock], articles: list[ArticleSpan], model: HeadlineModel | None = None
) -> Assignment:
    """Each article's headline (None when no block fits it), from the page's headline blocks.

    Every block goes to at most one article; an article's blocks are consecutive in one run.
    The score of a choice is the sum of the owner logits of the blocks it attaches, the log
    prior of each group's size and of its roles, less `missing_cost` per article left bare and
    `stray_cost` per block left unattached; a block no article fits stays unattached.
    """
    model = model or default_model()
    n = len(articles)
    if not blocks or not n:
        return Assignment(
            -n * model.missing_cost - len(blocks) * model.stray_cost,
            [None] * n,
            [range(0)] * n,
            list(range(len(blocks))),
        )
    evidence = PageEvidence(articles)
    body = [[evidence.shares(b.text, a)[0] for a in range(n)] for b in blocks]
    near = [run_neighbours(blocks, body, i) for i in range(len(blocks))]
    owner = [
        [model.owner.logit(owner_features(b, a, evidence, body[i], near[i])) for a in range(n)]
        for i, b in enumerate(blocks)
    ]
    # Consider for each block only the articles it fits best, so that the search stays small
    # (fewer on a page of many short items, where the sets of articles used multiply).
    keep = 6 if n <= 10 else 3
    candidates = [
        sorted(range(n), key=lambda a, i=i: -owner[i][a])[:keep] for i in range(len(blocks))
    ]

    @cache
    def form(i: int, a: int) -> dict[str, float]:
        """Block i's role features, were it article a's."""
        return role_features(blocks[i].text, evidence, a)

    @cache
    def role(i: int, a: int) -> tuple[float, float, float]:
        """Block i's kicker / title / subtitle log-probabilities, were it article a's."""
        return model.role_logprobs(form(i, a))

    def kicker_prob(i: int, a: int) -> float:
        """Probability that blocks i, i+1 are kicker + title rather than title + subtitle."""
        logit = role_pair_logit(role(i, a), role(i + 1, a))
        if model.pair is not None:
            logit = model.pair.logit(pair_features(form(i, a), form(i + 1, a), logit))
        return sigmoid(logit)

    @cache
    def group_score(i: int, size: int, a: int) -> float:
        score = model.group_prior[size - 1] + sum(owner[j][a] for j in range(i, i + size))
        if size == 1:
            return score + role(i, a)[1]
        first, second = role(i, a), role(i + 1, a)
        if size == 2:
            return score + max(first[0] + second[1], first[1] + second[2])
        return score + first[0] + second[1] + role(i + 2, a)[2]

    # Articles some block from i on may still take: only they matter for what blocks i.. can
    # do, which keeps the memo small. Each article given a headline earns back its
    # missing_cost, so the score never needs to know which earlier articles were used.
    later = [0] * (len(blocks) + 1)
    for i in range(len(blocks) - 1, -1, -1):
        later[i] = later[i + 1] | sum(1 << a for a in candidates[i])
    memo: dict[tuple[int, int], tuple[float, tuple]] = {}

    def best(i: int, used: int) -> tuple[float, tuple]:
        """Best score and choices (start, size, article) for blocks i.. with articles `used`."""
        if i == len(blocks):
            return 0.0, ()
        key = (i, used & later[i])
        if key in memo:
            return memo[key]
        rest_score, rest = best(i + 1, used)  # block i stays unattached
        result = (rest_score - model.stray_cost, rest)
        for size in range(1, MAX_GROUP + 1):
            end = i + size
            if end > len(blocks) or blocks[end - 1].run != blocks[i].run:
                break
            for a in candidates[i]:
                if used >> a & 1:
                    continue
                rest_score, rest = best(end, used | 1 << a)
                score = group_score(i, size, a) + model.missing_cost + rest_score
                if score > result[0]:
                    result = (score, ((i, size, a), *rest))
        memo[key] = result
        return result

    score, choices = best(0, 0)
    out: list[Headline | None] = [None] * n
    groups = [range(0)] * n
    for i, size, a in choices:
        groups[a] = range(i, i + size)
        texts = [b.text for b in blocks[i : i + size]]
        p = kicker_prob(i, a) if size == 2 else None
        out[a] = _roles(texts, p, model.uncertain_margin)
    attached = {j for i, size, _ in choices for j in range(i, i + size)}
    unattached = [j for j in range(len(blocks)) if j not in attached]
    return Assignment(score - n * model.missing_cost, out, groups, unattached)


def log_assignment(found: Assignment, blocks: list[HeadBlock]) -> None:
    """Log the headlines kept whole and the blocks left unattached."""
    for a, headline in enumerate(found.headlines):
        if headline is not None and headline.uncertain:
            log.info("article %d: headline roles uncertain, kept whole", a)
    for j in found.unattached:
        log.info("block %d (%s) fits no article: left unattached", blocks[j].index, blocks[j].text)
