"""Short-answer extraction from an evidence sentence, without a neural model.

Two sources of candidates: typed spans (times, numbers with units, person / place /
organisation names from jieba.posseg and suffix patterns) and the *gap*: align the question
with the sentence around the question word, and the answer is what the sentence has where the
question has its question word. Typed candidates inside the gap win; otherwise the one nearest
the question's words. Explanations (为什么/如何) and failures fall back to the sentence.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
import jieba.posseg as posseg

from retrieval import entities
from retrieval.kinds import is_filed_but_not_as_people, is_kind_of, is_synonym
from retrieval.qtype import NUM_UNITS, SIZE_UNITS, QuestionType
from retrieval.tokenize import normalize

_CN_DIGITS = "零〇一二三四五六七八九十百千万两"
_NUM = rf"(?:\d+(?:[.,]\d+)*|[{_CN_DIGITS}]{{1,6}})"
_DATE = (
    rf"(?:公元前?)?(?:{_NUM}(?:年代|世纪)(?:初|末|中叶|初期|中期|后期)?"
    rf"|\d{{2,4}}\s?年(?!度)|[{_CN_DIGITS}]{{1,4}}年(?!度))"
)
_TIME_PIECE = (
    rf"{_DATE}|{_NUM}月(?:份|中旬|上旬|下旬|初|底)?|{_NUM}[日号]|"
    rf"(?:凌晨|清晨|早上|上午|中午|下午|傍晚|晚上|晚)?{_NUM}[时点](?:{_NUM}分|半|整)?"
)
# A reign year (two-character era name): 天正3年, 正德六年, 元兴二年.
_ERA_YEAR = re.compile(rf"[\u4e00-\u9fff]{{2}}(?:\d{{1,3}}|[{_CN_DIGITS}元]{{1,4}})年$")
_TIME_RE = re.compile(rf"(?:{_TIME_PIECE})(?:\s?(?:{_TIME_PIECE}))*")
# A class or grade in Roman numerals (水质Ⅱ类, Ⅳ级响应; NFKC and lower case make Ⅱ ii).
_ROMAN = r"(?<![a-z])(?:viii|vii|vi|iv|ix|v|iii|ii|i|x)(?=[类级期])"
_NUMBER_RE = re.compile(
    # A comma groups thousands (1,000), never two numbers (7.07，15岁 is 7.07,15岁 after NFKC).
    # 约/近/逾/超过 qualify the number and belong to it; 达/共 are verbs before it (达16.8万册次);
    # 第 makes it an ordinal (第26届), an answer to 第几 only.
    rf"(?:约|近|逾|超过)?第?(?:\d+(?:\.\d+|,\d{{3}}(?!\d))*|[{_CN_DIGITS}]{{1,6}}|{_ROMAN})"
    rf"(?:\s?[万亿千百])*(?:余|多)?"
    # A Latin unit ends where the letters do (5g基站, not the 3 of 3meters; 10次wta keeps 次).
    rf"\s?(?:%|％|‰|(?:{NUM_UNITS})(?:(?<![a-z])|(?![a-z])))?"
)
_QUOTE_RE = re.compile(r"[“「《『\"]([^”」》』\"]{1,30})[”」》』\"]")
_TRANSLITERATED = re.compile(r"[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8})+")
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*|\n+")
# A quotation (a definition, a speech) or a title (《卡拉OK.LIVE！台北》) reads as part of the
# sentence that quotes it.
_QUOTATION = re.compile(r"[“「『《][^“”「」『』《》\n]{1,300}[”」』》]")
_CLAUSE_PUNCT = "，,。；;！？!?：:"
_PUNCT = "，。！？；：、,.!?;:（）()《》“”‘’「」『』【】…—·-\"' \t\n"
_SURE_FILLER = 12
_OPEN_QUOTES = "“「《『"
_CLOSE_QUOTES = "”」》』"
_TRIM_HEAD = "是为即乃了的有在于将便就则均都也共"
_TRIM_TAIL = "的了是在为"
_STOP = frozenset(
    "的 了 是 在 有 和 与 及 将 被 把 吗 呢 啊 吧 要 会 这 那 那么 还 也 都 就 呀 么 之 其 "
    "着 过 对 从 向 给 让 由 于 以 为 并 而 或 该 它 他 她 我 你 们 个 得 地 么 又 再 才".split()
)
_SWALLOWED = frozenset("有是在的了和与被把将对从向给")
_NAME_SUFFIX_BAN = tuple("奖赛杯节会院局厅中心站")
_PLACE_SUFFIX = (
    "区",
    "县",
    "市",
    "省",
    "镇",
    "村",
    "乡",
    "路",
    "街",
    "桥",
    "山",
    "河",
    "湖",
    "海",
    "岛",
    "中心",
    "广场",
    "市场",
    "公园",
    "园区",
    "体育馆",
    "大厦",
    "站",
    "机场",
    "港",
    "寺",
    "宫",
    "馆",
    "楼",
    "城",
    "州",
    "国",
    "洲",
    "湾",
    "江",
    "峡",
    "原",
    "地",
)
_ORG_SUFFIX = (
    "公司",
    "银行",
    "大学",
    "学院",
    "学校",
    "中学",
    "小学",
    "医院",
    "集团",
    "协会",
    "委员会",
    "研究院",
    "研究所",
    "局",
    "厅",
    "部",
    "社",
    "报",
    "电视台",
    "队",
    "俱乐部",
    "组织",
    "政府",
    "法院",
    "检察院",
    "基金会",
    "联盟",
    "党",
    "军",
    "办",
    "委",
    "会",
    "所",
    "署",
)
_NOUNISH = ("n", "ns", "nt", "nz", "nr", "j", "z", "l", "an", "vn", "nrt", "nrfg", "eng")


@dataclass(frozen=True)
class Span:
    """A candidate answer: character offsets into the sentence."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each keeping its end punctuation and closing quote.

    A full stop inside a quotation does not end the quoting sentence; semicolons join clauses
    of one sentence, so they do not end one either.
    """
    quotes = [(m.start(), m.end()) for m in _QUOTATION.finditer(text)]
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if any(a < m.start() and m.end() < b for a, b in quotes):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s.strip(_PUNCT)]


# A sentence opening with a connective of consequence or contrast, or with a word standing for
# what the sentence before named (因此它也被称为…, 此战奠定了…, 这次事件…).
_LEANS_BACK = re.compile(
    r"^(?:因此|因而|所以|故此|故而|于是|由此|从而|结果|此|这|该|其|它|他|她|但|然而|而|在此)"
)
_SHORT_SENTENCE = 12
_UNIT_CHARS = 200


def points_back(sentence: str) -> bool:
    """Whether a sentence opens with a connective or a word pointing at the sentence before
    (因此/此战/他…): without that one, a reader does not know what it is about."""
    return bool(_LEANS_BACK.match(strip_punct(sentence)))


def continues(sentence: str) -> bool:
    """Whether a sentence carries on the one before: it points back, or opens with a verb or
    adverb whose subject the sentence before named (Chinese topic chains: 羊水栓塞是…。指在
    分娩过程中…), a conjunction (此外/以及/同时…) or a relative time (后来/当时/赛后…)."""
    if points_back(sentence):
        return True
    first = next(iter(posseg.cut(strip_punct(sentence)[:6])), None)
    return first is not None and first.flag[:1] in ("v", "d", "c", "t")


def reader_unit(
    sentences: list[str], sentence: str, *, describe: bool = True, lacking: bool = False
) -> str:
    """The sentence as a reader needs it to stand alone, from its paragraph's `sentences`.

    With the one before when it points back at it (`points_back`) or is too short to say much;
    else with the one after when it is too short, ends in a colon that announces the next, or
    (`describe`: a description or a reason may run on) the next one continues it. Never more
    than two sentences or `_UNIT_CHARS` characters: a quote, not the paragraph.
    """
    if sentence not in sentences:
        return sentence
    i = sentences.index(sentence)
    short = len(strip_punct(sentence)) < _SHORT_SENTENCE
    if i > 0 and (short or points_back(sentence) or (lacking and continues(sentence))):
        joined = sentences[i - 1] + sentence
    elif i + 1 < len(sentences) and (
        short
        or sentence.rstrip().endswith(("：", ":"))
        or (describe and continues(sentences[i + 1]))
    ):
        joined = sentence + sentences[i + 1]
    else:
        return sentence
    return joined if len(joined) <= _UNIT_CHARS else sentence


def strip_punct(text: str) -> str:
    """The text without punctuation and spaces."""
    return "".join(ch for ch in text if ch not in _PUNCT)


def question_words(question: str) -> list[str]:
    """Content words of a question fragment: jieba words minus punctuation and stop words."""
    return [w for w in _cut(question) if w.strip(_PUNCT) and w not in _STOP]


def _cut(text: str) -> list[str]:
    """jieba words, with a guessed word that swallowed a following 有/是/在… split again
    (东关街有多长 → 东关/街/有, not 东关/街有)."""
    freq = jieba.dt.FREQ
    out = []
    for word in jieba.cut(text):
        if len(word) > 1 and word[-1] in _SWALLOWED and not freq.get(word):
            out += [word[:-1], word[-1]]
        else:
            out.append(word)
    return out


@lru_cache(maxsize=256)
def tag_words(sentence: str, hmm: bool = True) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, word, pos) for each jieba.posseg token of the sentence; `hmm` lets jieba's
    HMM guess words its dictionary lacks (unknown names), at about half the tagging time.
    Cached: one answer tags its best sentences for the features, the abstention and the
    extraction alike, and part-of-speech tagging is most of what extraction costs."""
    out, pos = [], 0
    for pair in posseg.cut(sentence, HMM=hmm):
        out.append((pos, pos + len(pair.word), pair.word, pair.flag))
        pos += len(pair.word)
    return tuple(out)


def _people(text: str) -> list[tuple[int, str]]:
    """Where the text names people (jieba `nr`, two characters or more), and the names; not
    what jieba takes for a name but 词林 files as something else (冷杉) or a place's name ends
    as (塔尔寺)."""
    return [(start, w) for start, _, w, flag in tag_words(text)
            if flag.startswith("nr") and len(w) > 1 and not _PLACE_END.search(w)
            and not is_filed_but_not_as_people(w)]


# The last character of a place's or a building's name, never of a person's.
_PLACE_END = re.compile(r"[寺庙宫塔山河湖江路街桥区县市省村镇乡馆园楼]$")


def held_by_another(question: str, answer: str, sentence: str) -> bool:
    """Whether the answer belongs to someone other than the person the question asks about:
    the sentence names that person, but the answer's clause names someone else and not them
    (杨美琴跑了多少时间 ↔ 基普罗蒂奇以1小时03分41秒的成绩夺得冠军，…杨美琴…分获第二名).
    Question and sentence are normalised."""
    asked = {w for _, w in _people(question)}
    at = sentence.find(answer) if asked and answer else -1
    if at < 0:
        return False
    people = _people(sentence)
    if not any(w in asked for _, w in people):
        return False
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence)]
    start = max((b for b in breaks if b <= at), default=0)
    end = min((b for b in breaks if b > at), default=len(sentence))
    inside = {w for i, w in people if start <= i < end}
    return bool(inside) and not inside & asked


def _spans(sentence: str, pattern: re.Pattern[str], group: int = 0) -> list[Span]:
    return [
        Span(m.start(group), m.end(group), m.group(group).strip())
        for m in pattern.finditer(sentence)
        if m.group(group).strip()
    ]


def times(sentence: str) -> list[Span]:
    """Time and date expressions: 8月25日7时30分, 1998年, 19世纪末, 上午9点半; a reign year
    with its equivalent in brackets is one (天正3年（1575年）, 正德六年（1511年）)."""
    out = []
    for span in _spans(sentence, _TIME_RE):
        bracketed = sentence[span.start - 1 : span.start] in "（(" and sentence[
            span.end : span.end + 1
        ] in "）)"
        era = _ERA_YEAR.search(sentence, 0, max(0, span.start - 1)) if bracketed else None
        if era and era.end() == span.start - 1:
            start = era.start()
            out = [s for s in out if s.end <= start]
            span = Span(start, span.end + 1, sentence[start : span.end + 1])
        out.append(span)
    return out


_RANGE = ("至", "到", "-", "－", "~", "～", "—")
# A night's range runs into the next day: 21时至次日6时.
_CLOCK_RANGE = _RANGE + tuple(f"{mark}{day}" for mark in ("至", "到") for day in ("次日", "翌日"))


_DURATION_END = re.compile(r"(?:小时|分钟|分|秒|天|个月)$")
_ROAD_AFTER = re.compile(r"(?:路|大街|街|巷|大道)")


def numbers(sentence: str) -> list[Span]:
    """Quantities with their unit (12000人, 58%, 2000余人), not counting dates and times."""
    taken = [(s.start, s.end) for s in times(sentence)]
    out = []
    for span in _spans(sentence, _NUMBER_RE):
        if any(a < span.end and span.start < b for a, b in taken):
            continue
        # A bare Chinese numeral (一批, 三年 …) is wording, not a quantity; one naming a road
        # (八一路, 五四大街) is a name.
        if not re.search(r"\d", span.text) and (
                len(span.text) < 2 or _ROAD_AFTER.match(sentence, span.end)):
            continue
        # A range is one answer: 15至20厘米, 100米至2,800米; so is a duration written in
        # several units (1小时03分41秒).
        between = sentence[out[-1].end : span.start] if out else ""
        joined = out and (between in _RANGE or (
            out[-1].end == span.start and _DURATION_END.search(out[-1].text)
            and _DURATION_END.search(span.text)) or (
            # A ratio is one answer: 男女生比例约为1：7.
            between in ("：", ":") and out[-1].text.isdigit() and span.text.isdigit()))
        if joined:
            span = Span(out[-1].start, span.end, sentence[out[-1].start : span.end])
            out.pop()
        out.append(span)
    return out


def _merge(tokens: list[tuple[int, int, str, str]], i: int, j: int, sentence: str) -> Span:
    return Span(tokens[i][0], tokens[j][1], sentence[tokens[i][0] : tokens[j][1]])


def persons(sentence: str, hmm: bool = True) -> list[Span]:
    """Person names: jieba `nr*` tokens, joined when split (尼玛/卓玛, 南海/晏), and 甲·乙 forms."""
    toks = tag_words(sentence, hmm)
    out: list[Span] = []
    i = 0
    while i < len(toks):
        start, end, word, flag = toks[i]
        if flag.startswith("nr") and not word.endswith(_NAME_SUFFIX_BAN):
            j = i
            while (
                j + 1 < len(toks)
                and toks[j + 1][3].startswith("nr")
                and toks[j + 1][1] - start <= 4
            ):
                j += 1
            out.append(_merge(toks, i, j, sentence))
            i = j + 1
            continue
        # jieba often splits an unknown three-character name into a place word and a surname.
        if (
            flag == "ns"
            and len(word) == 2
            and i + 1 < len(toks)
            and toks[i + 1][3].startswith("nr")
            and len(toks[i + 1][2]) == 1
        ):
            out.append(_merge(toks, i, i + 1, sentence))
            i += 2
            continue
        i += 1
    for span in _spans(sentence, _TRANSLITERATED):
        span = _name_start(span)
        words = list(posseg.cut(span.text))
        # The greedy pattern runs on into the verb: 马克·拉瓦卢马纳纳宣布 → 马克·拉瓦卢马纳纳.
        while len(words) > 1 and words[-1].flag[0] in "vpdu":
            words.pop()
        text = "".join(w.word for w in words)
        out.append(Span(span.start, span.start + len(text), text))
    return out


# News writes a person's role right before the full name (青海选手才让卓玛, 市委书记王卫东); a
# name both taggers cut short (卓玛) runs back to the role when one or two characters that are
# no word of their own stand between.
_NAME_ROLES = (
    r"(?:选手|队员|运动员|记者|教师|老师|教练|同志|书记|主任|市长|省长|局长|院长|校长|主席|代表)"
)
_ROLE_BEFORE_NAME = re.compile(rf"{_NAME_ROLES}([\u4e00-\u9fff]{{1,2}})$")
# Function characters, and verbs of saying that follow a name before a comma (校长郭静怡说，).
_NOT_IN_NAMES = frozenset("的和与及在是为了等将已也都对向从说称讲道說稱講")
_NAME_MAX = 4


def _from_role(sentence: str, span: Span) -> Span:
    """A short name extended back to the role written before it (选手|才让|卓玛 → 才让卓玛), or
    on to where the name must end (选手|多杰|才让|以 → 多杰才让)."""
    m = _ROLE_BEFORE_NAME.search(sentence, 0, span.start)
    between = m.group(1) if m else ""
    if (
        not between
        or len(between) + len(span.text) > _NAME_MAX
        or set(between) & _NOT_IN_NAMES
        or (len(between) == 2 and jieba.dt.FREQ.get(between))
    ):
        return _to_name_end(sentence, span)
    return Span(m.start(1), span.end, sentence[m.start(1) : span.end])


_ROLE_RIGHT_BEFORE = re.compile(rf"{_NAME_ROLES}$")
_NAME_END = re.compile(r"[，。、；：,;:！？!?）)]|以|在|于|由|获|夺|和|与|及|等")


def _to_name_end(sentence: str, span: Span) -> Span:
    """A name right after its role, cut short before one or two characters that are no word of
    their own and stand before a name's end (选手多杰|才让|以1小时… → 多杰才让)."""
    if not _ROLE_RIGHT_BEFORE.search(sentence, 0, span.start):
        return span
    for extra in (2, 1):
        rest = sentence[span.end : span.end + extra]
        if (
            len(rest) == extra
            and len(span.text) + extra <= _NAME_MAX
            and all("\u4e00" <= ch <= "\u9fff" for ch in rest)
            and not set(rest) & _NOT_IN_NAMES
            and not (extra == 2 and jieba.dt.FREQ.get(rest))
            and _NAME_END.match(sentence, span.end + extra)
        ):
            return Span(span.start, span.end + extra, sentence[span.start : span.end + extra])
    return span


_TITLE_FLAGS = ("p", "n", "v", "uj", "d", "c", "a", "f")


def _name_start(span: Span) -> Span:
    """A 甲·乙 name without the words the greedy pattern took before it: 由勃艮地贵族奥东·… →
    奥东·…, 罗马皇帝利奥·… → 利奥·… (a title or a preposition is a common word)."""
    first = span.text.split("·", 1)[0]
    words = list(posseg.cut(first))
    cut = 0
    for i, pair in enumerate(words[:-1]):
        if pair.flag in _TITLE_FLAGS:
            cut = sum(len(w.word) for w in words[: i + 1])
    return Span(span.start + cut, span.end, span.text[cut:])


def places(sentence: str, hmm: bool = True) -> list[Span]:
    """Place names: runs starting with a jieba `ns` token, extended over place-suffix nouns."""
    toks = tag_words(sentence, hmm)
    out: list[Span] = []
    i = 0
    while i < len(toks):
        if toks[i][3] != "ns":
            i += 1
            continue
        j = last = i
        # A bound morpheme (湟 of 河湟, tagged g) continues a name as a noun does.
        while (
            j + 1 < len(toks) and toks[j + 1][3] in (*_NOUNISH, "g", "ng")
            and toks[j + 1][1] - toks[i][0] <= 16
        ):
            j += 1
            if toks[j][3] == "ns" or toks[j][2].endswith(_PLACE_SUFFIX):
                last = j
        out.append(_merge(toks, i, last, sentence))
        i = last + 1
    return out


# Where a place is written after a locative verb (终点设在土楼观, 在中心广场启幕, 落户南川工业园区
# 的…): the phrase runs to the next verb, particle, conjunction, number or punctuation.
_LOCATIVE = re.compile(r"设在|设于|位于|地处|坐落[于在]|落户[于在]?|(?<![正现存实所自])在")
_LOCATED_STOP = ("v", "vd", "vn", "p", "uj", "ul", "c", "x", "d", "m", "t", "r", "q", "y")
_LOCATED_MAX = 16
# A phrase ending in a bare position word is when or where in an event, not a place (会上, 活动中).
_POSITION_END = re.compile(r"[上中下里内外前后间时]$")


def located(sentence: str, hmm: bool = True, known: list[Span] | None = None) -> list[Span]:
    """Places written after a locative verb, whatever the taggers make of their words (土楼观
    is no name to jieba, 北山美丽园景区南门 more than its tagged 北山美丽); `known` are the
    sentence's `places`, when the caller has them already."""
    toks = tag_words(sentence, hmm)
    tagged = {p.start: p.end for p in (places(sentence, hmm) if known is None else known)}
    starts = {t[0]: i for i, t in enumerate(toks)}
    out: list[Span] = []
    for m in _LOCATIVE.finditer(sentence):
        i = starts.get(m.end())
        if i is None:
            continue
        j = i
        while (j < len(toks) and toks[j][3] not in _LOCATED_STOP
               and toks[j][1] - m.end() <= _LOCATED_MAX):
            j += 1
        while j > i and toks[j - 1][3] == "a":
            j -= 1
        if j - i and toks[j - 1][1] - m.end() >= 2:
            span = Span(m.end(), toks[j - 1][1], sentence[m.end() : toks[j - 1][1]])
            # One word between a tagged place and a verb is the event's (在海湖体育中心|鸣枪|开赛).
            if (j - 2 >= i and tagged.get(span.start) == toks[j - 2][1] and j < len(toks)
                    and toks[j][3].startswith("v")):
                continue
            if not _POSITION_END.search(span.text):
                out.append(span)
    return out


def organizations(sentence: str, hmm: bool = True) -> list[Span]:
    """Organisations: jieba `nt` tokens or words ending in an organisation suffix, extended left."""
    toks = tag_words(sentence, hmm)
    out: list[Span] = []
    for j, (_, _, word, flag) in enumerate(toks):
        if not (flag == "nt" or (len(word) >= 2 and word.endswith(_ORG_SUFFIX))):
            continue
        i = j
        while i > 0 and toks[i - 1][3] in _NOUNISH and toks[j][1] - toks[i - 1][0] <= 14:
            i -= 1
        out.append(_merge(toks, i, j, sentence))
    return out


_QUOTED_ITEMS = re.compile(r"(?:“[^“”]{1,30}”|《[^《》]{1,40}》|「[^「」]{1,30}」){2,}")
# An item may hold a title or quotation (秦腔现代戏《河湟春秋》、青海平弦《丁香花开》); a count
# after the items closes the list as 等 does (2路、16路、101路共5条线路).
_ITEM = (r"(?:(?!共计|共[0-9一二三四五六七八九十两])[^，。；：、,;:！？!?“”《》「」（）()\s等]"
         r"|《[^《》]{1,30}》|“[^“”]{1,30}”){1,20}")
_LISTED = re.compile(rf"{_ITEM}(?:、{_ITEM})+(?:(?:和|及|与|以及|或){_ITEM})?")
_PAIR_ITEM = 8
_LAST_SLACK = 2


def enumerations(sentence: str) -> list[Span]:
    """Lists in a sentence: items joined by 、 (and a last one by 和/及/与), or adjacent quotations
    or titles (“甲”“乙”, 《甲》《乙》); ends at 等. The open ends are cut to the length of the
    inner items, by jieba words: 提高签约项目合同履约率、资金到位率、项目开工率 →
    合同履约率、资金到位率、项目开工率."""
    out = _spans(sentence, _QUOTED_ITEMS)
    for m in _LISTED.finditer(sentence):
        items = m.group().split("、")
        items[-1:] = re.split(r"(?<=.)(?:以及|和|及|与|或)(?=.)", items[-1], maxsplit=1)
        limit = max(len(x) for x in items[1:-1]) if len(items) > 2 else _PAIR_ITEM
        first = _cut_words(items[0], limit, from_end=True)
        last = _cut_words(items[-1], limit, from_end=False)
        start = m.start() + len(items[0]) - len(first)
        end = m.end() - len(items[-1]) + len(last)
        if first and last and not any(s.start <= start < s.end for s in out):
            out.append(Span(start, end, sentence[start:end]))
    return out


def _cut_words(item: str, limit: int, *, from_end: bool) -> str:
    """An open list end cut to its item, by jieba words, a title or quotation being one word
    (《河湟春秋》). The first item keeps its last words while they fit `limit`, less a leading
    verb (提高签约项目合同履约率 → 合同履约率, 推广风能 → 风能); the last keeps its first words
    and drops its trailing verbs and adverbs (王振昌出席 → 王振昌, 刘超分别宣读 → 刘超)."""
    words = _item_words(item, alone=from_end)
    if not from_end:
        kept: list[tuple[str, str]] = []
        for pair in words:
            # The last item runs on into the clause (海湖大道部分路段将实施…): its first words, a
            # little longer than the inner items at most (夜间照明设施 beside 安全护栏).
            if kept and sum(len(w) for w, _ in kept) + len(pair[0]) > limit + _LAST_SLACK:
                break
            kept.append(pair)
        # A verb goes, a one-character one too after a title (歌舞《塔尔寺的晨钟》获).
        while len(kept) > 1 and (kept[-1][1][0] in "dpuc" or (kept[-1][1][0] == "v" and (
                len(kept[-1][0]) > 1 or kept[-2][1] == _TITLE_TAG))):
            kept.pop()
        return "".join(w for w, _ in kept)
    kept = []
    for pair in reversed(words):
        if kept and sum(len(w) for w, _ in kept) + len(pair[0]) > limit:
            break
        kept.insert(0, pair)
    # The verbs, prepositions, adverbs and time words opening the clause are no part of the
    # first item (先后深入|城中区水井巷商业街).
    while len(kept) > 1 and kept[0][1][0] in "vpdtu":
        kept.pop(0)
    return "".join(w for w, _ in kept)


_TITLE_TAG = "nz"
_TITLED = re.compile(r"《[^《》]*》|“[^“”]*”")


def _item_words(item: str, *, alone: bool) -> list[tuple[str, str]]:
    """A list item's jieba words and tags, each title or quotation in it one word; `alone`
    tags each word by itself (the first item's words are cut without tagging, which cuts a
    mixed run such as 如Linux apart)."""
    out: list[tuple[str, str]] = []
    last = 0
    for m in [*_TITLED.finditer(item), None]:
        end = m.start() if m else len(item)
        piece = item[last:end]
        if alone:
            out += [(w, next(iter(posseg.cut(w))).flag) for w in jieba.cut(piece)]
        else:
            out += [(p.word, p.flag) for p in posseg.cut(piece)]
        if m:
            out.append((m.group(), _TITLE_TAG))
            last = m.end()
    return out


_ENTITY_MAX = 16  # 青海大学附属医院, 西宁特殊钢股份有限公司; a Latin word counts one
# The marks that end a clause (a colon too): what a name or an answer does not run across.
CLAUSE_MARKS = re.compile(r"[，,。；;：:！？!?]")


def could_name(text: str) -> bool:
    """Whether a short answer could name a person, place or organisation, or list them: not
    a clause (其中，完赛奖牌的设计…) nor a run longer than a name (段新建的3处亲水平台已完工…)."""
    text = normalize(text).strip()
    if not text or CLAUSE_MARKS.search(text):
        return False
    return "、" in text or len(re.sub(r"[A-Za-z]+", "a", text)) <= _ENTITY_MAX


# 王卫东是什么职务？ is answered by the titles written before the name: 省委常委、市委书记王卫东.
ROLE_QUESTION = re.compile(r"职务|职位|官职|头衔|身份|什么官")
ROLE_WORDS = re.compile(r"职务|职位|官职|头衔|身份|担任|出任|任|现任|官")
_ROLE_END = re.compile(
    r"(?:书记|常委|主任|委员|主席|总理|首相|总统|大使|将军|司令|政委|董事长|总经理|经理|总裁|总监|"
    r"主编|会长|理事长|教练|教授|研究员|院士|[省市县区州部厅局处科校院社行队]长|长|员|官|师)$"
)
_ROLE_MAX = 24


def roles(sentence: str, names: list[str]) -> list[Span]:
    """The titles before a name in its clause (省委副书记、省长吴晓军 → 省委副书记、省长)."""
    out = []
    for name in names:
        for m in re.finditer(re.escape(name), sentence):
            start = _clause_bounds(sentence, m.start())[0]
            title = sentence[start : m.start()]
            # 副市长马文涛、市政府秘书长冯立军: the titles that are this name's are the run of
            # titles right before it; a part ending in another name is that one's.
            parts = title.split("、")
            own = len(parts) - 1
            while own > 0 and _ROLE_END.search(parts[own - 1].strip(_PUNCT)):
                own -= 1
            start += sum(len(p) + 1 for p in parts[:own])
            title = sentence[start : m.start()]
            lead = len(title) - len(title.lstrip(_PUNCT))
            title = title.strip(_PUNCT)
            if 0 < len(title) <= _ROLE_MAX and _ROLE_END.search(title):
                cut = _leading_verbs(title)
                out.append(Span(start + lead + cut, start + lead + len(title), title[cut:]))
    return out


def _leading_verbs(title: str) -> int:
    """How many characters of verbs and prepositions open a title's clause, which are no part
    of the title (授予|湟中区鲁沙尔第一小学教师); none when the rest would be no title (主持人)."""
    cut = 0
    for pair in tag_words(title):
        rest = title[pair[1] :]
        if pair[3][0] not in "vp" or len(rest) < 2 or not _ROLE_END.search(rest):
            break
        cut = pair[1]
    return cut


def quoted(sentence: str) -> list[Span]:
    """Text inside quotes or title marks: names, slogans, titles of works."""
    return _spans(sentence, _QUOTE_RE, 1)


def time_ranges(sentence: str) -> list[Span]:
    """Times with two joined by 至/到/- as one range (5时至12时): what 几点 / 几点开始 /
    几点结束 is answered from (other time questions take one end: CMRC, DRCD)."""
    out: list[Span] = []
    for span in times(sentence):
        if out and sentence[out[-1].end : span.start] in _CLOCK_RANGE:
            span = Span(out[-1].start, span.end, sentence[out[-1].start : span.end])
            out.pop()
        out.append(span)
    return out


def _places_and_located(sentence: str, hmm: bool) -> list[Span]:
    found = places(sentence, hmm)
    return found + located(sentence, hmm, found)


_FINDERS = {
    "time": lambda s, hmm: times(s),
    "number": lambda s, hmm: numbers(s),
    "person": persons,
    "place": lambda s, hmm: _places_and_located(s, hmm) + quoted(s),
    "organization": lambda s, hmm: organizations(s, hmm) + quoted(s),
}


def typed_candidates(qtype: str, sentence: str, *, tagged: bool = False) -> list[Span]:
    """Candidates of the answer type the question asks for (none for `other`); `tagged` adds
    LAC's entities of that type (`retrieval.entities`) to the rules' spans and lets jieba guess
    unknown words: the short answer's own sentence gets both, the sentences merely ranked by
    whether they hold an answer (`retrieval.features`) neither (latency)."""
    finder = _FINDERS.get(qtype)
    if not finder:
        return []
    found = finder(sentence, tagged)
    if tagged:
        if qtype == "person":
            # jieba's dictionary tags some common words as names (马拉松); a rule's name inside
            # a longer word LAC reads as a common noun (半程马拉松) is none.
            nouns = entities.common_words(sentence)
            people = entities.entity_spans("person", sentence)
            found = [_from_role(sentence, c) for c in found if not any(
                a <= c.start and c.end <= b and b - a > c.end - c.start for a, b in nouns)
                and _vouched(sentence, c, people)]
        found += [
            Span(a, b, sentence[a:b])
            for a, b in entities.entity_spans(qtype, sentence)
            if b - a > 1 and not _cuts_latin(sentence, a, b)
        ]
    return _outermost(found)


def _vouched(sentence: str, span: Span, people: list[tuple[int, int]]) -> bool:
    """Whether a name jieba's dictionary gives is a person's here: LAC reads one there too, or
    a role stands before it (选手…). jieba's dictionary files common nouns as names (马拉松,
    丁香, 云杉 are `nr`); a name it does not hold (found by its HMM) stands on its own."""
    if not jieba.dt.FREQ.get(span.text):  # jieba keeps every word's prefixes at 0
        return True
    if any(a < span.end and span.start < b for a, b in people):
        return True
    return bool(_ROLE_RIGHT_BEFORE.search(sentence, 0, span.start))


_LATIN = re.compile(r"[A-Za-z0-9]")


def _cuts_latin(sentence: str, start: int, end: int) -> bool:
    """Whether a span ends inside a run of Latin words (Konami | Digital Entertainment)."""
    before = sentence[max(0, start - 2) : start].rstrip()
    after = sentence[end : end + 2].lstrip()
    return bool(
        _LATIN.match(sentence[start])
        and ((before and _LATIN.match(before[-1])) or (after and _LATIN.match(after[0])))
    )


def answer_candidates(
    qt: QuestionType, sentence: str, question: str, *, tagged: bool = False
) -> list[Span]:
    """Candidates that fit the asked type, as spans of the normalised sentence, none already in
    the question: the grain of a time (几点 → a clock time, 哪天 → a day, 哪年 → a year), a count's
    measure word (几家 → 家), the measure's units (多高 → 米…, 多大年纪 → 岁: a year is no answer
    to how old someone is), the asked noun or a kind of it (哪所高校 → …学院), and for 王卫东是谁
    the titles before the name. A count whose measure word the sentence does not carry falls
    back to the numbers it has (几个 → 3项)."""
    sentence = normalize(sentence)
    subject = named_subject(question, qt)
    if subject is not None:
        return roles(sentence, [subject])
    found = typed_candidates(qt.qtype, sentence, tagged=tagged)
    if qt.qtype == "time" and (qt.bound or qt.grain == "clock"):
        found = time_ranges(sentence)
    elif qt.qtype == "time":
        # Hours of a day are given as a range (每天9时至21时开放): 什么时候开放 asks all of it,
        # while a span of dates answers one end (CMRC, DRCD).
        found = _outermost(found + [r for r in time_ranges(sentence) if _HOURS.fullmatch(r.text)])
    out = [c for c in found if c.text not in question]
    rate = _asks_rate(qt)
    if qt.measure:
        # A duration is written like a date (二十年): 多久 takes times too.
        fits = [c for c in out + times(sentence)
                if in_measure(c.text, qt.measure) and c.text not in question]
        # A rate is often written bare (首集收视率为7.07, 比例约为1：7).
        out = fits or ([c for c in out if _unit(c.text) is None] if rate else [])
    if qt.grain:
        out = [c for c in out if _GRAIN[qt.grain].search(c.text)]
    if qt.bound == "end":
        out = _at_end(out, sentence)
    if qt.qtype == "number":
        # 第几 is answered by an ordinal (第五套), 多少 by a quantity (第七污水处理厂 holds none).
        ordinal = bool(_ORDINAL_QUESTION.search(question))
        out = [c for c in out if c.text.startswith("第") == ordinal] or (out if ordinal else [])
    if qt.qtype == "number" and not rate:
        # A share the sentence gives of the asked amount (借阅量…占比超过四成) answers a share
        # question, not the amount.
        out = [c for c in out if not _is_share_of(c, sentence)] or out
    if qt.qtype == "number" and qt.has_gap and not _ASKS_SHARE.search(question):
        # A share answers a rate or a change (增长多少 → 12.6%), never a count or an amount
        # (有多少家规上企业 is no 12.6%). A follow-up (那2015年呢) asks what the one before did.
        out = [c for c in out if not _SHARE_END.search(c.text)]
    if qt.unit in _COUNTED:
        fits = [c for c in out if _unit(c.text) in _COUNTED[qt.unit]]
        out = fits or [c for c in out if _unit(c.text) is None]
    elif qt.unit == "大":
        out = [c for c in out if _SIZE_AT_END.search(c.text)] or out
    elif qt.unit and _SIZE_AT_END.search(qt.unit):
        # 多少公里 is answered in a length: 两个 is no answer to it; in the unit asked when the
        # sentence gives one (全程8.6公里 before 爬升约420米).
        out = [c for c in out if _SIZE_AT_END.search(c.text)]
        out = [c for c in out if c.text.endswith(qt.unit)] or out
    elif qt.unit:
        out = [c for c in out if c.text.endswith(qt.unit)] or out
    if qt.unit in _DISCRETE:
        out = [c for c in out if not _BARE_FRACTION.fullmatch(c.text)]
    if qt.noun and qt.qtype != "other":
        kinds = [c for c in out if _headed_by(c.text, qt.noun)]
        heads = [c for c in headed(sentence, qt.noun) if c.text not in question]
        if qt.qtype == "person":
            # 哪位领导 ↔ 副市长罗晓燕: a title the name follows stands for the name.
            heads = [next((c for c in out if c.start == h.end), h) for h in heads]
        out = _outermost(kinds + heads) or out
    return out


_SHARE_END = re.compile(r"(?:%|％|‰|[一二三四五六七八九十]成)$")
# What a question asks a share by: a rate or a part (比例, 占, 率, 几成), or a change (增长, 同比);
# 新增 and 成果 ask counts.
_ASKS_SHARE = re.compile(
    r"比例|占|比重|率|百分|几成|增长|增加|增幅|减少|下降|降低|降幅|上升|上涨|提高|提升|回落|"
    r"高出|多出|少了|多了|同比|环比|变化|幅度|倍"
)
_CLOCK = rf"{_NUM}[时点](?:{_NUM}分|半)?"
_HOURS = re.compile(rf"{_CLOCK}(?:{'|'.join(_CLOCK_RANGE)}){_CLOCK}")
_CLOCK_TIME = re.compile(rf"(?:[上下]午|凌晨|早上|晚上)?{_CLOCK}")
_ORDINAL_QUESTION = re.compile(r"第(?:几|多少)|名次|排名|排第")
# What marks a time as the end of a span (活动持续至9月8日).
_END_MARK = re.compile(r"(?:至|到|截至|直到|直至|止于)\s?$")
_SHARE_MARK = re.compile(r"(?:占比|比重|比例|占|约占)\s?$")


def _at_end(spans: list[Span], sentence: str) -> list[Span]:
    """For 哪天结束 the times written as an end (持续至9月8日) and ranges, when the sentence
    marks any. (至 before the asked event is no start's opposite: 至2010年9月25日正式开放.)"""
    def is_end(span: Span) -> bool:
        return bool(_END_MARK.search(sentence, max(0, span.start - 3), span.start))

    kept = [s for s in spans if is_end(s) or any(m in s.text for m in _RANGE if m != "-")]
    return kept or spans


def _is_share_of(span: Span, sentence: str) -> bool:
    return bool(re.search(r"[%％‰成]$", span.text)) and bool(
        _SHARE_MARK.search(sentence, max(0, span.start - 3), span.start))


# A clock time for 几点, a day for 哪天, a year for 哪年 (never a month alone).
_GRAIN = {
    "clock": re.compile(rf"{_NUM}[时点](?:{_NUM}分|半|整)?|\d{{1,2}}:\d{{2}}"),
    "day": re.compile(rf"{_NUM}[日号]"),
    "year": re.compile(rf"(?:\d{{2,4}}|[{_CN_DIGITS}]{{2,4}})\s?年"),
}
# Counts: the measure words that answer 多少人 / 几家 … (几个 takes any).
_PEOPLE = frozenset("人 名 位 人次 员 户".split())
_BOOKS = frozenset("本 册 部 卷 册次".split())  # 多少本书 ↔ 5000册, 借出多少书 ↔ 16.8万册次
_SITES = frozenset("处 座 个".split())
_COUNTED = {
    "人": _PEOPLE, "名": _PEOPLE, "位": _PEOPLE, "人次": _PEOPLE,
    "家": frozenset("家 所 个".split()), "所": frozenset("所 家 个".split()),
    **dict.fromkeys(_BOOKS, _BOOKS), **dict.fromkeys(("处", "座"), _SITES),
}
# Measure words of things counted one by one: 几个数据中心 is not answered by the bare 1.2 of
# 年平均PUE值可降至1.2以下 (a fraction with a word of its own, 1.2万个 or 0.5个百分点, may be).
_DISCRETE = frozenset(
    "个 家 人 名 位 次 处 项 件 条 场 届 部 本 首 种 所 座 台 辆 架 艘 支 队 章 集 页 期 篇 幅 "
    "门 口 户 床 把 双 册 株 只 头 匹 枚 票 份 类 级 人次 册次 架次 车次 户次 场次 家次".split()
)
_BARE_FRACTION = re.compile(r"\d+[.．]\d+")


def in_measure(number: str, units: str) -> bool:
    """Whether a (normalised) number is given in one of a measure's units (`QuestionType.measure`,
    米|公里…): a clock time (7时30分) is no duration."""
    return bool(re.search(rf"(?:{units})$", number)) and not _CLOCK_TIME.fullmatch(number)


def answers_measure(number: str, qt: QuestionType) -> bool:
    """Whether a short answer, in its sentence's characters, is given in the asked measure's
    units, or bare for a rate (首集收视率为7.07, 比例约为1：7)."""
    number = normalize(number)  # 20㎝ is 20cm
    return qt.measure is None or in_measure(number, qt.measure) or (
        _asks_rate(qt) and _unit(number) is None)


def _asks_rate(qt: QuestionType) -> bool:
    return bool(qt.measure) and "%" in qt.measure.split("|")  # 比例/…率 ask a percentage


_SIZE_AT_END = re.compile(rf"(?:{SIZE_UNITS})$")
_UNIT_AT_END = re.compile(rf"(?:{NUM_UNITS})$")


def _unit(number: str) -> str | None:
    """The measure word a number ends in (2000余名 → 名), None for a bare number."""
    m = _UNIT_AT_END.search(number)
    return m.group() if m else None


def _to_grain(qt: QuestionType, sentence: str, span: Span) -> Span:
    """A time cut to what was asked: one end of a range for 几点开始/几点结束, the year of a date
    for 哪年 (1998年5月 → 1998年), the day without its hour for 哪天."""
    if qt.qtype != "time":
        return span
    text = span.text
    pieces = list(_TIME_RE.finditer(text))
    if (qt.bound in ("start", "end") and len(pieces) == 2
            and text[pieces[0].end() : pieces[1].start()] in _RANGE):
        piece = pieces[0] if qt.bound == "start" else pieces[1]
        start, end = span.start + piece.start(), span.start + piece.end()
        span = Span(start, end, sentence[start:end])
        text = span.text
    if qt.grain in ("year", "day") and not any(mark in text for mark in _RANGE):
        m = _GRAIN[qt.grain].search(text)
        # Cut only where a finer piece follows (1998年5月 → 1998年; not 天正3年（1575年）).
        if m and _TIME_RE.match(text, m.end()):
            span = Span(span.start, span.start + m.end(), text[: m.end()])
    return span


def _headed_by(text: str, noun: str) -> bool:
    """Whether a span's last word is the noun or a kind of it (青海大学昆仑学院 ← 高校)."""
    words = list(jieba.cut(text))
    return bool(words) and (text.endswith(noun) or is_kind_of(words[-1], noun))


# What may stand before the head noun in its phrase: nouns, names, numbers, attributes — not
# idioms (充分发挥 is tagged `l`), verbs or particles.
_MODIFIERS = frozenset(("n", "ns", "nt", "nz", "nr", "nrt", "nrfg", "j", "vn", "an", "eng", "m",
                        "a", "b", "s", "nw"))
_HEADED_MAX = 24  # an award's or a meeting's full name runs long


def headed(sentence: str, noun: str) -> list[Span]:
    """Noun phrases whose head is the noun or a kind of it, with the nouns and names before
    it (哪个园区 → 南川工业园区, 什么会议 → 全省科技交流会, 什么花 → 丁香花); the bare noun
    itself (园区) names no particular one and is left out, and a name in quotes right after the
    phrase is what it names (哪个建筑 ↔ 地标性建筑“共字桥” → 共字桥)."""
    toks = tag_words(sentence)
    out = []
    for j, (_, end, word, flag) in enumerate(toks):
        if flag.startswith(_NOT_HEAD) or not is_kind_of(word, noun):
            continue
        named = _QUOTE_RE.match(sentence, end)
        if named:
            out.append(Span(named.start(1), named.end(1), named.group(1)))
            continue
        i = j
        while (
            i > 0
            and toks[i - 1][3] in _MODIFIERS
            and toks[i - 1][2].strip(_PUNCT)
            and end - toks[i - 1][0] <= _HEADED_MAX
        ):
            i -= 1
        # A number before the noun (一首歌曲, 2024招商银行) is no part of its name; a year
        # (2023年度…奖) is.
        while i < j and toks[i][3] in ("m", "q", "mq") and not toks[i + 1][2].startswith("年"):
            i += 1
        # Alone, a kind names a particular thing only when it is a word of its own (丁香花, not
        # 处 for 部门) and not a mere synonym (歌曲 for 歌).
        if i < j or (len(word) > 1 and word != noun and not is_synonym(word, noun)):
            out.append(_merge(toks, i, j, sentence))
    return out


# A head is a noun, however jieba tags it (超新星, 中生代), never a verb or a function word
# (获奖 ends in 奖 but answers no 什么奖).
_NOT_HEAD = ("v", "p", "c", "u", "d", "r", "y", "e", "x", "m", "q")


_WHO_TAIL = re.compile(r"^[吗呢啊呀？?！!。，,\s]*$")


def named_subject(question: str, qt: QuestionType) -> str | None:
    """The person a 王卫东是谁 question names (its answer is the titles written before the name),
    None for other questions (冠军是谁 asks for a name)."""
    if qt.qtype != "person" or question[qt.start : qt.end] != "谁":
        return None
    left = question[: qt.start]
    if not left.endswith("是") or not _WHO_TAIL.match(question[qt.end :]):
        return None
    name = re.sub(r"^(?:那|这|那位|这位|请问)", "", left[:-1]).strip(_PUNCT)
    pairs = list(posseg.cut(name))
    return name if pairs and all(p.flag.startswith("nr") for p in pairs) else None


def _clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    """Start and end of the clause around `pos`, not splitting inside quotes."""
    depth, starts = 0, [0]
    ends = []
    for i, ch in enumerate(sentence):
        if ch in "“「《『（(":
            depth += 1
        elif ch in "”」》』）)":
            depth = max(0, depth - 1)
        elif ch in _CLAUSE_PUNCT and depth == 0:
            ends.append(i)
            starts.append(i + 1)
    ends.append(len(sentence))
    for start, end in zip(starts, ends, strict=True):
        if start <= pos <= end:
            return start, end
    return 0, len(sentence)


def _trim(sentence: str, start: int, end: int, head: str, tail: str) -> tuple[int, int]:
    """Shrink a span past punctuation and the function characters that border a gap."""
    # Quotation marks stay: a filler that is a quotation is recognised by them in `extract`.
    while (
        start < end
        and sentence[start] not in _OPEN_QUOTES
        and (sentence[start] in _PUNCT + _TRIM_HEAD + head)
    ):
        start += 1
    while (
        end > start
        and sentence[end - 1] not in _CLOSE_QUOTES
        and (sentence[end - 1] in _PUNCT + _TRIM_TAIL + tail)
    ):
        end -= 1
    return start, end


@dataclass(frozen=True)
class Gap(Span):
    """The gap's filler; `sure` when question words hold it on both sides, or a short filler
    sits right beside the question word's neighbour (发挥|什么 → 发挥|行业龙头优势)."""

    sure: bool = False


def _forms(word: str) -> list[str]:
    """A word, then its two-character ends: 提升到 is found as 提升 in 提升至."""
    return [word, word[:2], word[-2:]] if len(word) >= 3 else [word]


def gap(question: str, qt: QuestionType, sentence: str) -> Gap | None:
    """The part of the sentence standing where the question has its question word."""
    if not qt.has_gap:
        return None
    left_words = question_words(question[: qt.start])
    right_text = question[qt.end :].rstrip(_PUNCT)
    right_words = question_words(right_text)
    left, right = _anchors(sentence, left_words, right_words)
    # 什么优势 / 哪些环节: a noun straight after the question word is the answer's own head.
    head_noun = bool(
        right
        and right_words
        and right_text.startswith(right_words[0])
        and sentence[right[0] : right[1]] == right_words[0]
        and right[2] == 0
        and qt.qtype == "other"
    )
    bounded = bool(left and right and right[0] >= left[1])
    if bounded:
        start, end = left[1], right[1] if head_noun else right[0]
        if any(ch in _CLAUSE_PUNCT for ch in sentence[start:end]):
            anchor = right if right[2] <= left[2] else left
            c_start, c_end = _clause_bounds(sentence, anchor[0] if anchor is right else anchor[1])
            start, end = max(start, c_start), min(end, c_end)
    elif right:
        start, end = _clause_bounds(sentence, right[0])[0], right[1] if head_noun else right[0]
    elif left:
        start, end = left[1], _clause_bounds(sentence, left[1])[1]
    else:
        return None
    start, end = _skip_echo(
        question[: qt.start], "" if head_noun else question[qt.end :], sentence, start, end
    )
    head = question[max(0, qt.start - 1) : qt.start]
    tail = question[qt.end : qt.end + 1]
    start, end = _trim(
        sentence, start, end, head if head in _STOP else "", tail if tail in _STOP else ""
    )
    paraphrased = False
    if left and not right:
        verb_end = _skip_paraphrased_verb(question[: qt.start], sentence, start, end)
        paraphrased, start = verb_end > start, verb_end
    if end <= start and right and not left:
        return None
    if end <= start and left:
        # 主题是什么 ↔ “…”的赛事主题: the filler sits before the anchor instead.
        c_start, end = _clause_bounds(sentence, left[0])[0], left[0]
        # Walk back over more of the question's own words and 的: 的赛事主题 → “…”.
        while True:
            before = sentence[c_start:end]
            word = next((w for w in left_words if before.endswith(w)), None)
            if word:
                end -= len(word)
            elif before.endswith("的"):
                end -= 1
            else:
                break
        start, end = _trim(sentence, c_start, end, "", "")
        if end <= start:
            return None
    anchor = left or right
    # The question's verb found in another wording counts as the neighbour (来自 ↔ 汲取自).
    near = anchor is not None and (anchor[2] == 0 or paraphrased)
    sure = bounded or (near and end - start <= _SURE_FILLER)
    return Gap(start, end, sentence[start:end], sure)


def _left_anchors(
    sentence: str, words: list[str]
) -> tuple[tuple[int, int, int] | None, list[tuple[int, int, int]]]:
    """Where the question's words before its question word stand in the sentence, as (start,
    end, distance in words from the question word): the last place their longest run is
    written together (计划改造), and every occurrence of the nearest word the sentence has."""
    run = None
    for n in (3, 2):
        joined = "".join(words[-n:])
        if len(words) >= n and joined in sentence:
            idx = sentence.rfind(joined)
            run = (idx, idx + len(joined), 0)
            break
    for distance, word in enumerate(reversed(words[-4:])):
        for form in _forms(word):
            found = [(m.start(), m.end(), distance) for m in re.finditer(re.escape(form), sentence)]
            if found:
                return run, found
    return run, []


def _right_anchor(sentence: str, words: list[str], after: int) -> tuple[int, int, int] | None:
    """The first of the question's words after its question word found from `after` on."""
    for distance, word in enumerate(words[:4]):
        for form in _forms(word):
            idx = sentence.find(form, after)
            if idx >= 0:
                return idx, idx + len(form), distance
    return None


def _anchors(
    sentence: str, left_words: list[str], right_words: list[str]
) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
    """The anchors the gap lies between: of the places the left words stand, the one closing
    the tightest gap with a right word (计划改造|老旧小区126个 rather than a later lone 改造;
    奖励大会|在西宁|召开 rather than 科学技术大会 at the sentence's start); with no right word
    after any, their run written together, else the occurrence of the nearest word with most
    of the question's other words before it, the last of those."""
    run, words = _left_anchors(sentence, left_words)
    lefts = ([run] if run else []) + words
    pairs = [(left, _right_anchor(sentence, right_words, left[1])) for left in lefts]
    bounded = [(left, right) for left, right in pairs if right is not None]
    if bounded:
        return min(bounded, key=lambda pair: pair[1][0] - pair[0][1])
    if lefts:
        return run or max(words, key=lambda w: (_context_words(sentence, w, left_words), w)), None
    return None, _right_anchor(sentence, right_words, 0)


_CONTEXT_SPAN = 10  # characters before an anchor where the question's other words may stand


def _context_words(sentence: str, anchor: tuple[int, int, int], words: list[str]) -> int:
    """How many of the question's words stand just before an anchor (男子半程马拉松|冠军 for
    男子冠军 against 女子半程马拉松|冠军): of several places of one word, the question's."""
    before = sentence[max(0, anchor[0] - _CONTEXT_SPAN) : anchor[0]]
    return sum(1 for w in words if w and w in before)


def _skip_echo(left: str, right: str, sentence: str, start: int, end: int) -> tuple[int, int]:
    """Cut what the span repeats of the question around the gap (要以|让群众…|为底线)."""
    for n in range(min(len(left), end - start), 0, -1):
        if sentence[start : start + n] == left[-n:]:
            start += n
            break
    for n in range(min(len(right), end - start), 0, -1):
        if sentence[end - n : end] == right[:n]:
            end -= n
            break
    return start, end


def _skip_paraphrased_verb(left: str, sentence: str, start: int, end: int) -> int:
    """Skip the sentence's verb where the question used another verb (来自 ↔ 汲取自)."""
    pairs = list(posseg.cut(left.rstrip(_PUNCT)))
    if not pairs or not pairs[-1].flag.startswith("v") or pairs[-1].word in sentence:
        return start
    pos = start
    for pair in posseg.cut(sentence[start:end]):
        if pos == start and pair.flag.startswith("v") and pos + len(pair.word) < end:
            pos += len(pair.word)
        elif pos > start and pair.word in ("自", "于", "到", "给", "为", "成", "在", "了"):
            pos += len(pair.word)
        else:
            break
    return pos


def _outermost(spans: list[Span]) -> list[Span]:
    """Drop candidates lying inside a longer one (马克 inside 马克·拉瓦卢马纳纳)."""
    return [
        s for s in spans if not any(o != s and o.start <= s.start and s.end <= o.end for o in spans)
    ]


def anchors_in(sentence: str, weights: dict[str, float]) -> list[tuple[int, int, float]]:
    """Where the question's words stand in the sentence, with their weights: (start, end, w)."""
    anchors = []
    for word, weight in weights.items():
        # A number in the question qualifies the one asked for (2024年的比例 ↔ 2024年的98%).
        telling = weight * _NUMBER_ANCHOR if word.isdigit() else weight
        for form in _rank_forms(word):
            for m in re.finditer(re.escape(form), sentence):
                anchors.append((m.start(), m.end(), telling))
    return anchors


def nearness(span: Span, anchors: list[tuple[int, int, float]], clauses: str = "") -> float:
    """Weighted closeness of a span to the question's words found in the sentence; with the
    sentence's `clauses`, each clause boundary between them counts as CLAUSE_GAP characters
    more (基普罗蒂奇…夺得男子半程马拉松冠军，埃塞俄比亚选手阿贝贝…: 男子冠军 is 基普罗蒂奇)."""
    score = 0.0
    for a_start, a_end, weight in anchors:
        d = max(a_start - span.end, span.start - a_end, 0)
        if clauses:
            lo, hi = sorted((a_start, span.start))
            d += _CLAUSE_GAP * len(_CLAUSE_BREAK.findall(clauses, lo, hi))
        score += weight / (1.0 + d / 4.0)
    return score


_CLAUSE_BREAK = re.compile(r"[，,；;。！!？?]")
# Picked from 4 / 8 / 16 on the tune split, the CMRC trial and DRCD's first 1,000: net +5 / +7 /
# +6 questions right against no clause gap.
_CLAUSE_GAP = 8


_NUMBER_ANCHOR = 4.0
_CHANGE = r"增加|增长|减少|下降|提高|降低|上升|增|减|多|少"
_CHANGE_QUESTION = re.compile(rf"[比较].{{0,10}}(?:{_CHANGE})|(?:{_CHANGE})了?(?:多少|几)")
_CHANGE_BEFORE = re.compile(rf"(?:{_CHANGE})了?(?:约|近|超过)?$")
# A number a verb of change leads (较上年增加2000余人, 成绩提高1分43秒) is a difference: it
# answers a question about the change only, not one about the total. 新增 names what is new
# (新增绿化面积42公顷), and 至少/最多 bound a number, neither a change.
_DIFFERENCE_BEFORE = re.compile(
    r"(?:增加|增长|减少|下降|提高|降低|上升|提升|缩短|延长|(?<!新)增|减)了?(?:约|近|超过)?$")
# A question that speaks of a change or a comparison at all (涨了百分之几, 比去年快多少).
_ANY_CHANGE = re.compile(r"[增减涨降升快慢比较]|提高|提升|回落|多了|少了")


# Between the items of a list: 李勉、马燧 / 杨志文和刘超.
_ITEM_SEPARATOR = re.compile(r"、|和|及|与|以及")


# A question word that is one item of a list the question gives (普选制度、学制改革以及哪一个;
# 包括百济以及哪一国; 包含什么以及…病毒): the answer is the item the question leaves out.
_LIST_BEFORE_GAP = re.compile(r"(?:、|和|及|与|以及|或|还有)$")
_LIST_AFTER_GAP = re.compile(r"^(?:等?(?:、|和|及|与|以及|或))")
_LIST_CLAUSE = re.compile(r"[^，。；：！？,;:!?]+")  # a clause
_PART_END = re.compile(r"[。；;]")  # the end of a sentence or of a part of one
_LIST_SPLIT = re.compile(r"以及|、|和|及|与|或")
_MEMBER_MIN = 2


def _missing_member(question: str, qt: QuestionType, sentence: str) -> Span | None:
    """The list item of the sentence that the question leaves out when its question word stands
    in a list of the sentence's items (托土拉岛、阿内加达岛以及哪一个 ↔ 托土拉岛、维京戈达岛、
    阿内加达岛…), None when the question gives no list or no clause of the sentence holds one
    of its items with others."""
    if not qt.has_gap:
        return None
    if not (_LIST_BEFORE_GAP.search(question[: qt.start])
            or _LIST_AFTER_GAP.match(question[qt.end :])):
        return None
    for clause in _LIST_CLAUSE.finditer(sentence):
        items, at = [], clause.start()
        for piece in _LIST_SPLIT.split(clause.group()):
            items.append(Span(at, at + len(piece), piece))
            at += len(piece)
            sep = _LIST_SPLIT.match(sentence, at)
            at = sep.end() if sep else at
        if len(items) < 2:
            continue
        # The open ends hold the clause's other words: the first item is cut to its last jieba
        # words, the last at 等 and its trailing verbs.
        width = max(len(i.text) for i in items[1:-1]) if len(items) > 2 else _PAIR_ITEM
        first = _cut_words(items[0].text, width, from_end=True)
        items[0] = Span(items[0].end - len(first), items[0].end, first)
        last = _cut_words(items[-1].text.split("等")[0], width, from_end=False)
        items[-1] = Span(items[-1].start, items[-1].start + len(last), last)
        known = [i for i in items if len(i.text) >= _MEMBER_MIN and i.text in question]
        unknown = [i for i in items if len(i.text) >= _MEMBER_MIN and i.text not in question
                   and not any(k.text in i.text for k in known)]
        if known and unknown:
            return unknown[0]
    return None


# 甲、乙分别宣读 A、B / 分获第二、三名 / 分列 / 依次: the i-th item of one list goes with the
# i-th of the other.
_RESPECTIVE = re.compile(r"分别|分获|分列|依次")
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?]")
_TITLES = re.compile(r"《[^》]{1,60}》|“[^”]{1,60}”")
_ITEM_START = re.compile(rf"第|《|“|\d|[{_CN_DIGITS}]")
# Ranks as results name them: 亚军 is the 第二名 of a list of places.
_RANKS = (("冠军", "第一名"), ("亚军", "第二名"), ("季军", "第三名"))


def _rank_forms(word: str) -> list[str]:
    """A word with its other forms as a rank: 第一 / 第一名 and 冠军 name the same place."""
    for title, place in _RANKS:
        if word == title:
            return [word, place, place[:2]]
        if word in (place, place[:2]):
            return [word, title]
    return [word]


def _split_items(sentence: str, start: int, end: int) -> list[Span]:
    """The items of a list written between start and end (A、B和C; 《A》《B》)."""
    titles = list(_TITLES.finditer(sentence, start, end))
    if len(titles) >= 2 and not _LIST_SPLIT.search(sentence, start, titles[0].start()):
        return [Span(m.start(), m.end(), m.group()) for m in titles]
    items, at = [], start
    for piece in _LIST_SPLIT.split(sentence[start:end]):
        items.append(Span(at, at + len(piece), piece))
        at += len(piece)
        sep = _LIST_SPLIT.match(sentence, at)
        at = sep.end() if sep else at
    return [i for i in items if i.text]


def _paired_lists(sentence: str) -> list[tuple[list[Span], list[Span], str]]:
    """The lists of as many items before and after 分别 / 分获 / 分列 / 依次, and the verb
    written before the second list's first item (宣读《A》《B》, 增长5%和8%), cut off it."""
    out = []
    for m in _RESPECTIVE.finditer(sentence):
        ends = [e.end() for e in _CLAUSE_END.finditer(sentence, 0, m.start())]
        left = _split_items(sentence, ends[-1] if ends else 0, m.start())
        stop = _CLAUSE_END.search(sentence, m.end())
        end = stop.start() if stop else len(sentence)
        right = _split_items(sentence, m.end(), end)
        if len(left) >= 2 and len(left) != len(right):
            # 甲、乙分别以A、B获得C和D: a list after the verb that closes another one.
            out += [(left, after, "") for after in _lists_after_verbs(sentence, m.end(), end)
                    if len(after) == len(left)]
        if len(left) < 2 or len(left) != len(right):
            continue
        first = right[0]
        start = _ITEM_START.search(first.text, 1) if not _ITEM_START.match(first.text) else None
        if start and _ITEM_START.match(right[1].text):
            right[0] = first = Span(first.start + start.start(), first.end,
                                    first.text[start.start() :])
        else:
            # A verb opening the first item and no other (代表甲和乙) is the pairing's verb.
            opening = tag_words(first.text, hmm=False)
            later = tag_words(right[1].text, hmm=False)
            if (len(opening) > 1 and opening[0][3].startswith("v")
                    and not (later and later[0][3].startswith("v"))):
                cut = opening[0][1]
                right[0] = first = Span(first.start + cut, first.end, first.text[cut:])
        if first.text.startswith("第"):
            right = [r if r.text.startswith("第") else Span(r.start, r.end, "第" + r.text)
                     for r in right]
        suffix = re.search(r"[名位等届]$", right[-1].text)
        if suffix and all(re.search(rf"[\d{_CN_DIGITS}]$", r.text) for r in right[:-1]):
            right = [*(Span(r.start, r.end, r.text + suffix.group()) for r in right[:-1]),
                     right[-1]]
        out.append((left, right, sentence[m.end() : right[0].start]))
    return out


def _rank_places(text: str) -> str:
    """Ranks written as places (亚军 → 第二名), so that a question and a list compare them."""
    for rank, place in _RANKS:
        text = text.replace(rank, place)
    return text


def _lists_after_verbs(sentence: str, start: int, end: int) -> list[list[Span]]:
    """The items written after each verb between start and end (以A、B获得|C和D → C, D)."""
    out = []
    for _, word_end, word, flag in tag_words(sentence[start:end], hmm=False):
        # Verbs of two characters or more: jieba tags the 分 of 40分05秒 a verb.
        if flag.startswith("v") and len(word) > 1 and word_end < end - start:
            out.append(_split_items(sentence, start + word_end, end))
    return out


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _respective(question: str, qt: QuestionType, sentence: str) -> Span | None:
    """In 甲、乙分别 A、B, the person or number paired with the item the question names: 哪位副
    省长宣读科技奖励的决定 ↔ 副省长杨志文、刘超分别宣读《…称号的决定》《…奖励的决定》 → 刘超;
    女子第二名是谁 ↔ 杨美琴、王晓丽分列第二、三名 → 杨美琴. The question must name one item
    alone (by at least two of its own character pairs) and the verb written after 分别, if any;
    of two such passages in a sentence, the one sharing most with the question answers."""
    if not qt.has_gap or qt.plural or qt.qtype not in ("person", "number"):
        return None
    asked = _rank_places(question)
    said = _bigrams(asked)
    found = []
    for left, right, verb in _paired_lists(sentence):
        if verb and verb not in asked:
            continue
        scored = []
        for side, other in ((left, right), (right, left)):
            texts = [_rank_places(item.text) for item in side]
            for i, text in enumerate(texts):
                others = set().union(*(_bigrams(o) for j, o in enumerate(texts) if j != i))
                own = (_bigrams(text) - others) & said
                scored.append((len(own), other[i], own))
        scored.sort(key=lambda pair: -pair[0])
        if scored[0][0] < _PAIR_MATCH or scored[0][0] == scored[1][0]:
            continue
        paired, own = scored[0][1], scored[0][2]
        if qt.qtype == "person":
            names = typed_candidates("person", sentence[paired.start : paired.end], tagged=True)
            if not names:
                continue
            paired = Span(paired.start + names[-1].start, paired.start + names[-1].end,
                          names[-1].text)
        elif not _NUMBER_RE.fullmatch(paired.text) or paired.text in question:
            continue
        # The question is about this pairing, not about another clause of the sentence (毛泽东
        # 作为…主席承担了…责任，邓小平、周恩来分别代表…: 谁作为主席承担责任 asks the first).
        here = len(_bigrams(sentence[left[0].start : right[-1].end]) & said)
        clauses = [c.group() for c in _LIST_CLAUSE.finditer(sentence)
                   if c.end() <= left[0].start or c.start() >= right[-1].end]
        elsewhere = [len(_bigrams(c) & said) for c in clauses]
        # Unless only this pairing writes the item asked (亚军 here, 冠军 elsewhere).
        alone = not any(_bigrams(_rank_places(c)) & own for c in clauses)
        if here >= max(elsewhere, default=0) or alone:
            # Of two pairings (男子…分获第二、三名；女子…分列第二、三名), the one whose part of
            # the sentence says more of the question (女子).
            part = [e.end() for e in _PART_END.finditer(sentence, 0, left[0].start)]
            context = len(_bigrams(sentence[part[-1] if part else 0 : right[-1].end]) & said)
            found.append((here, context, paired))
    return max(found, key=lambda found: found[:2])[2] if found else None


_PAIR_MATCH = 2


def _without_title(listed: Span, names: list[str]) -> Span:
    """A list of people without the title written before its first name (副省长|杨志文、刘超):
    the names answer 谁, the title is the question's own (哪两位副省长)."""
    first = _ITEM_SEPARATOR.split(listed.text, maxsplit=1)[0]
    for name in names:
        title = first[: len(first) - len(name)]
        if first.endswith(name) and title and _ROLE_END.search(title):
            cut = len(title)
            return Span(listed.start + cut, listed.end, listed.text[cut:])
    return listed


# A question about the state before a change (以前, 修复前, 最初 …).
_EARLIER_QUESTION = re.compile(r"前|原来|原先|过去|此前|最初|起初|当初|之前")
# 由/从 A … (增加|提升 …)到/至 B: A is where a change started.
_FROM = re.compile(r"[由从][^，。；,;]{0,10}$")
_TO_AFTER = re.compile(r"^[^，。；,;]{0,10}?[到至]")
# Outweighs nearness to the question's words (a few points) but not a place inside the gap
# or after a word of change the question asks about (10, 20).
_FROM_PENALTY = 6.0


def _from_value(sentence: str, span: Span, question: str) -> bool:
    """Whether a number is the start of a change written 由/从 A 到/至 B, and the question names
    nothing of A's side (a year of its own: 2015年的比例)."""
    m = _FROM.search(sentence, 0, span.start)
    if not m or not _TO_AFTER.match(sentence[span.end :]):
        return False
    side = sentence[m.start() : span.end]
    return not any(n in side for n in re.findall(r"\d{2,}", question))


def _closeness(
    c: Span, gap_span: Gap | None, anchors: list[tuple[int, int, float]], clauses: str = ""
) -> float:
    """How well a candidate sits in the gap and near the question's words."""
    inside = gap_span is not None and gap_span.start <= c.start and c.end <= gap_span.end
    overlap = gap_span is not None and c.start < gap_span.end and gap_span.start < c.end
    return 10.0 * inside + 3.0 * overlap + nearness(c, anchors, clauses)


def extract(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float]
) -> str | None:
    """The short answer to `question` in `sentence`, in the sentence's own characters (a
    traditional sentence answers in traditional characters), or None when no span of the asked
    type fits (the caller shows the sentence instead).

    The question is normalised (`retrieval.tokenize.normalize`); the sentence is matched and
    tagged in its normalised form and the span found there is mapped back to its characters.
    """
    norm, where = aligned(sentence)
    span = answer_span(question, qt, norm, weights)
    if span is None or span.end <= span.start:
        return None
    return sentence[where[span.start] : where[span.end - 1] + 1]


def answer_span(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float]
) -> Span | None:
    """The short answer's span in a normalised sentence, or None when nothing fits."""
    span = _answer_span(question, qt, sentence, weights)
    return _whole_term(sentence, span) if span is not None and qt.qtype == "other" else span


# A quoted term (“1+3+X”, “一表一单一图一机制”) is one unit of meaning; a quoted speech is not.
_TERM_MAX = 12


def _whole_term(sentence: str, span: Span) -> Span:
    """An answer is never a piece of a quoted term: a span inside one, or crossing its edge
    (看三年、谋十年”要求), becomes the term (干一年、看三年、谋十年)."""
    for m in _QUOTATION.finditer(sentence):
        start, end = m.start() + 1, m.end() - 1
        if end - start > _TERM_MAX or (span.start <= start and end <= span.end):
            continue
        if span.start < end and start < span.end:
            return Span(start, end, sentence[start:end])
    return span


def _answer_span(
    question: str, qt: QuestionType, sentence: str, weights: dict[str, float]
) -> Span | None:
    if qt.descriptive and qt.qtype == "other":
        return None
    anchors = anchors_in(sentence, weights)

    def near(c: Span) -> float:
        return _closeness(c, gap_span, anchors, sentence)

    if ROLE_QUESTION.search(question):
        titles = roles(sentence, list(weights))
        if titles:
            return titles[0]
    left_out = _missing_member(question, qt, sentence) or _respective(question, qt, sentence)
    if left_out is not None:
        return left_out
    gap_span = gap(question, qt, sentence)
    if qt.plural:
        lists = enumerations(sentence)
        if lists:
            head = question_words(question[qt.end :])[:1]
            total = sum(weights.values()) or 1.0

            def fit(c: Span) -> float:
                # 哪些制度 ↔ 《…》《…》等制度; a list of the question's own words restates it.
                after = sentence[c.end :].lstrip("等")
                named = bool(head) and after.startswith(head[0])
                echo = sum(w for word, w in weights.items() if word in c.text) / total
                return near(c) + 20.0 * named - 10.0 * echo

            return max(lists, key=fit)
    subject = named_subject(question, qt)
    candidates = answer_candidates(qt, sentence, question, tagged=True)
    if subject is not None:
        # 王卫东是谁 is answered by his titles, or not at all: any other name is someone else.
        return max(candidates, key=near, default=None)
    if qt.qtype == "other" and qt.noun:
        # 什么花 / 哪个园区: a phrase headed by the noun or a kind of it, in the gap if one is.
        heads = [_after_echo(c, list(weights)) for c in headed(sentence, qt.noun)]
        heads = [c for c in heads if c.text not in question]
        if heads:
            best = max(heads, key=near)
            # A sure filler ending in that phrase is the fuller answer (灵活多变的网前战术), unless
            # it opens with a verb or a function word: 哪个园区 is 南川工业园区, not
            # 深入南川工业园区; 哪种花 is 丁香花, not 上丁香花. Nor one holding a copula: what
            # the copula equates is the answer (最大的是…项目 → …项目).
            filler = _stripped(gap_span) if gap_span and gap_span.sure else None
            if (
                filler
                and filler.start <= best.start
                and filler.end == best.end
                and not _opens_with_function_word(filler.text)
                and "是" not in filler.text[: best.start - filler.start]
            ):
                return filler
            return best
    if candidates and qt.qtype in ("person", "place", "organization"):
        # A name inside a list answers with the list (李勉、马燧 together).
        lists = enumerations(sentence)
        if qt.qtype == "person":
            lists = [_without_title(e, [c.text for c in candidates]) for e in lists]
        candidates = [
            next((e for e in lists if c.text in _ITEM_SEPARATOR.split(e.text)), c)
            for c in candidates
        ]
    if candidates:
        change = qt.qtype == "number" and bool(_CHANGE_QUESTION.search(question))
        earlier = qt.qtype == "number" and bool(_EARLIER_QUESTION.search(question))
        compared = change or bool(_ANY_CHANGE.search(question))

        def fit(c: Span) -> float:
            # 比去年多了多少人 ↔ 较上年增加2000余人: the number after a word of change.
            before = sentence[max(0, c.start - 4) : c.start]
            changed = change and bool(_CHANGE_BEFORE.search(before))
            difference = not compared and bool(_DIFFERENCE_BEFORE.search(before))
            # 由修复前的96种增加到118种, 由20时30分至21时调整为20时至22时: unless the question
            # asks for the earlier state (修复前, 2015年), the number or time is the one things
            # came to, not the one they came from.
            left = not earlier and qt.qtype in ("number", "time") and _from_value(
                sentence, c, question)
            # 韩明轩是哪个单位的 ↔ 市消防救援支队的韩明轩: the body or place a name the question
            # asks about belongs to is written before it with 的.
            owner = any(sentence.startswith("的" + name, c.end) for name in people)
            # 多少学位 ↔ 可提供学位1620个, 多少运动员 ↔ 运动员23人: the count written against the
            # noun the question counts, after it or before it.
            counts = any(sentence.startswith(w, c.end) or sentence.endswith(w, 0, c.start)
                         for w in counted)
            return (near(c) + 20.0 * (changed - difference) - _FROM_PENALTY * left
                    + 20.0 * owner
                    + _COUNTED_NOUN * counts)

        # The words the question's count stands against (多少学位, 志愿者有多少).
        counted = [w for w in weights if len(w) > 1 and (
            question.startswith(w, qt.end) or question.endswith(w, 0, qt.start))
        ] if qt.qtype == "number" and qt.has_gap else []
        people = [w for _, _, w, flag in tag_words(question)
                  if flag.startswith("nr") and len(w) > 1] if qt.qtype in (
            "organization", "place") else []

        return _to_grain(qt, sentence, max(candidates, key=fit))
    if qt.grain or qt.unit in _COUNTED:
        return None
    if gap_span and qt.qtype == "other":
        inner = quoted(gap_span.text)
        text = gap_span.text.strip(_PUNCT)
        # A filler that ends in a quotation, before the asked noun if it holds it, or before a
        # noun or two that the quotation names with it, is named by it: 彰显了“…” / 落实“…” /
        # 第三届“青海学者”称号 (什么称号) / 打造“1+3+X”绿色|产业体系 (产业体系叫什么) /
        # “…”的赛事|主题 (主题是什么).
        head = question_words(question[qt.end :])[:1]
        end = len(gap_span.text) - (len(head[0]) if head and text.endswith(head[0]) else 0)
        if inner and (
            inner[-1].end >= end - 1
            or _nouns_only(gap_span.text[inner[-1].end + 1 : end].removeprefix("的"))
        ):
            last = inner[-1]
            return Span(gap_span.start + last.start, gap_span.start + last.end, last.text)
        # A filler holding one quoted term and no more is named by it (地标是什么 ↔
        # 地标|性建筑“共字桥”巧妙结合).
        terms = [q for q in inner if len(q.text) <= _TERM_MAX]
        if len(inner) == 1 and terms:
            return Span(gap_span.start + terms[0].start, gap_span.start + terms[0].end,
                        terms[0].text)
        # Held on one side only, a filler is a guess; the sentence scores better than a wrong
        # fragment (CMRC 2018: F1 0.49 against 0.46).
        return _stripped(gap_span) if gap_span.sure else None
    if gap_span and qt.qtype not in ("time", "number"):
        return _stripped(gap_span)
    return None


# What a count gains for standing against the noun the question counts, in _closeness's units:
# as much as lying inside the gap (学校设36个教学班，可提供学位1620个: 多少学位 → 1620个).
_COUNTED_NOUN = 10.0
_NAMED_NOUNS_MAX = 4


def _nouns_only(text: str) -> bool:
    """Whether a short text is nouns and attributes alone (绿色), as between a quoted name and
    the noun it names."""
    return 0 < len(text) <= _NAMED_NOUNS_MAX and all(
        pair.flag in _MODIFIERS for pair in posseg.cut(text)
    )


# Verbs, prepositions, localisers (上, 中), adverbs, conjunctions and particles: no phrase's start.
_FUNCTION_FLAGS = ("v", "p", "f", "d", "c", "u")


def _opens_with_function_word(text: str) -> bool:
    """Whether the text's first jieba word is a verb or a function word."""
    first = next(iter(posseg.cut(text)), None)
    return first is not None and first.flag.startswith(_FUNCTION_FLAGS)


def _after_echo(span: Span, words: list[str]) -> Span:
    """A phrase cut after the last of the question's own words among its modifiers
    (发挥|行业龙头优势): those words stand beside the question word, the answer after them."""
    text = span.text
    modifiers = len(text) - len(list(jieba.cut(text))[-1])
    cut = 0
    for w in words:
        at = text.rfind(w, 0, modifiers) if w else -1
        if at >= 0 and at + len(w) <= modifiers:
            cut = max(cut, at + len(w))
    if cut <= 0:
        return span
    return Span(span.start + cut, span.end, text[cut:])


def _stripped(span: Span) -> Span | None:
    """The span without the punctuation at its ends, None when nothing is left."""
    text = span.text.strip(_PUNCT)
    if not text:
        return None
    start = span.start + span.text.index(text)
    return Span(start, start + len(text), text)


def aligned(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character
    it comes from. NFKC and lower-casing may change a character's length (㎡ → m2) and
    phrase-level conversion may not keep it: then the per-character forms are aligned to the
    whole."""
    norm = normalize(text)
    if len(norm) == len(text):
        return norm, list(range(len(text)))
    pieces, owner = [], []
    for i, ch in enumerate(text):
        piece = normalize(ch)
        pieces.append(piece)
        owner += [i] * len(piece)
    joined = "".join(pieces)
    where = [0] * len(norm)
    last = 0
    matcher = difflib.SequenceMatcher(None, joined, norm, autojunk=False)
    for _tag, a1, a2, b1, b2 in matcher.get_opcodes():
        for k in range(b2 - b1):
            a = a1 + min(k, max(0, a2 - a1 - 1)) if a2 > a1 else max(0, a1 - 1)
            last = owner[a] if owner else last
            where[b1 + k] = last
    return norm, where
