"""What a reader wants of a newspaper's bot: the day's headlines, the reports on a topic, who
someone is, what a report says, or a fact (the answering core).

Rules read a question's frames; a fitted logistic model over those frames and the question's
masked n-grams (`retrieval.intent_model`, `python -m benchmarks.fit_intents`) chooses the kind.
Fitted on data/eval/intent_tune.jsonl, intent_tune_extra.jsonl (written apart from the code)
and intent_generated.jsonl (reader frames × topics × polite wrappers); reported on
intent_test.jsonl (questions written by people who read only the articles).
A question is read without its polite wrapping (你好，请问…，谢谢). A question asking for news
(有什么新闻, 的报道, 报道了什么) is a digest when nothing but time words and filler remain
around its frame, else a list of articles about what remains; 谁/什么职务 after a person's
name asks for a profile, while after a role (冠军是谁) it asks a fact; 讲了什么/总结一下 asks
for a summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from retrieval import intent_model
from retrieval.dates import Asked, asked_time
from retrieval.tokenize import dictionary_words

INTENTS = ("answer", "digest", "articles", "profile", "summary")

# A frame's trailing question word belongs to the frame: 主要内容是什么, 头条是啥, 要点有哪些.
_WHAT = r"(?:是什么|是啥|是哪些|有哪些|有什么|有啥|都有什么|都有啥|都有哪些)?"
# Words naming news in general: what a digest or a list of articles is made of.
_NEWS = (
    r"(?:新闻|报道|消息|要闻|头版头条|头版|头条|文章|稿子|稿件|资讯|动态|大事|要事|新鲜事|事情|事儿|"
    r"目录|标题|汇总|速览|概览|简报|播报|盘点|一览|导读|看点|回顾)"
)
# Words naming an issue of the paper (with a time word and nothing else, a digest).
_PAPER = re.compile(
    r"[\u4e00-\u9fff]{2,4}(?:晚报|日报|早报|晨报|时报|商报)|报纸|晚报|日报|那期|这期|那一期|这一期|"
    r"一期|头版|版面|报上"
)
# (写了哪些文章 asks which reports, not what one says.)
_SUMMARY = re.compile(
    r"(?:主要|都|具体)?(?:讲|说|写|报道|介绍|提)了?(?:些|哪些)?(?:什么|啥|哪些)(?:内容|事|事情)?"
    rf"(?!{_NEWS})|"
    r"(?:讲|说|写)的(?:是)?(?:什么|啥)|(?:是|有)?(?:什么|啥|哪些)(?:主要)?内容|"
    r"(?:主要)?(?:内容|意思)" + _WHAT + "|总结|概括|摘要|概要|大意|"
    + "要点" + _WHAT + r"|梗概|简述|概述|简介|归纳|梳理|主要(?:讲|说|报道)|"
    r"(?:简单|简要)?(?:介绍|说说|讲讲|聊聊|说一下|讲一下|说下|讲下)(?:一下|下)?|怎么回事|(?:用)?(?:几|一|两|三)句话|"
    r"(?:核心|重点|主旨|主要信息|概况|核心内容)" + _WHAT
)
_DIGEST_FRAME = re.compile(
    rf"(?:有|有些|登了|登|刊登了?|发了|出了|报了|报道了)(?:什么|哪些|啥|些什么|几篇|多少){_NEWS}|"
    r"(?:登了|刊登了?|发了|出了|(?<![通汇举播预公捷电情快])报了|报道了)(?:什么|哪些|啥|些什么)"
    r"(?:事情|大事|事儿|事)?|"
    rf"{_NEWS}{_WHAT}|(?:哪些|什么|啥){_NEWS}|看看报纸|发生了?(?:什么|啥|哪些)(?:事|事情|大事)?"
)
# 今天有什么, 那期都有啥: asks for news only when nothing but an issue is named around it.
_BARE_FRAME = re.compile(r"(?:都)?有(?:什么|啥|哪些|些啥)")
_ARTICLES_FRAME = re.compile(
    rf"(?:有关|关于|报道过|写过|登过|上过报|上报纸|见报|搜索|搜一下|检索|查一下|找一下|找找|查找|"
    rf"查查|找几篇|找|^搜)|(?:有没有|有无)(?:讲|写|提到|提及|关于|说)|"
    rf"(?:哪几篇|哪些|哪篇)(?:{_NEWS})?(?:讲了|讲到|提到了?|写了|写到|说了|报道了|涉及)|"
    rf"(?:的|相关)(?:{_NEWS}){_WHAT}|{_NEWS}(?:有哪些|有什么|吗)|(?:有)?哪?几篇"
)
_PERSON_ASK = (
    r"(?:同志)?(?:现在|目前)?(?:" + "|".join((
        r"现任什么(?:职务|职位)?", r"是谁", r"是什么人", r"是何人", r"是哪位(?:领导|干部)?",
        r"(?:是)?(?:干|做)(?:什么|啥|嘛)的",
        r"(?:担任|任)(?:了)?(?:什么|哪些|何|啥)(?:职务|职位|官|职)?",
        r"(?:是|任)?(?:什么|啥)(?:职务|职位|官|身份)",
        r"的(?:职务|职位|身份|头衔)(?:是什么|是啥|有哪些)?", r"有(?:什么|哪些)(?:职务|头衔)",
        r"是哪个(?:局|单位|部门)的?(?:领导|干部)?", r"在哪(?:个|里)?(?:单位|部门)?工作",
        r"在哪(?:个)?(?:单位|部门)", r"(?:是)?(?:在)?(?:做|干|从事)(?:什么|啥)(?:工作|职业)(?:的)?",
        r"是(?:个)?(?:什么|啥)(?:人物|人)", r"什么来头", r"何许人也?",
        r"是什么级别(?:的)?(?:干部|领导|官员)?", r"(?:担)?任何职", r"是哪里的(?:领导|干部)",
    )) + ")"
)
# What wraps a question or a request without changing what it asks: a greeting, 请问, 麻烦,
# 帮我, 我想知道 before it; 谢谢, a particle and punctuation after it (吗 stays: 有新闻吗).
# (请, 麻烦 and 能 wrap only a request: 请假, 麻烦事, 能源 are words of a topic.)
_REQUEST = r"(?=帮|给|介绍|说|讲|告诉|总结|概括|概述|梳理|归纳|找|搜|查|检索|列|看|念|简|把|来)"
_WRAPPER = re.compile(
    r"^(?:(?:你好|您好|嗨|哈喽|hi|hello|打扰一下|打扰了|不好意思)[,!.~\s]*|"
    r"(?:嗯+|呃|那个|喂|哎|诶)[,!.~\s]+)*"
    r"(?:请问一下|请问|请你|麻烦(?:你|您)|劳驾|我想知道|我想问(?:一?下|问)?|我想要|我想|"
    rf"想问(?:一?下|问)|问(?:一?下)|你知道|您知道|(?:能不能|能|可以)?告诉我|(?:请|麻烦){_REQUEST})?"
    rf"(?:帮我|帮忙)?(?:(?:能不能|能否|可不可以|可以|能){_REQUEST})?"
)
_TRAILER = re.compile(
    r"(?:[,\s]*(?:谢谢(?:你|您|啦)?|多谢|谢啦|thanks))?[\s?!。.,~]*(?:呢|啊|呀|吧|哈|啦)*[\s?!。.,~]*$"
)
# Politeness around a question: 请问…, 你知道…吗, …啊.
_POLITE = re.compile(r"^(?:请问|你知道|我想知道|想问一下|问一下|问下)|(?:吗|啊|呀|呢|啦|哈)$")
_PROFILE = re.compile(
    r"^(?:报纸上的|报上的|(?:新闻|文章|报道)(?:里|中|上)的)?"
    rf"(?P<name>[\u4e00-\u9fff·]{{2,8}}?)(?:这个人|这人|此人|这位|这个名字|,?[他她])?{_PERSON_ASK}$"
)
_PROFILE_ABOUT = re.compile(
    r"^(?:请|帮我|给我)?(?:介绍一下|介绍下|介绍|说说|讲讲|谁是|了解一下|了解下|了解)(?P<name>[\u4e00-\u9fff·]{2,6}?)"
    r"(?:这个人|这位|这个[\u4e00-\u9fff]{1,3}|是谁)?$"
)
# What is left of a news question once its frame is gone: time words, filler and punctuation.
_TIME_WORDS = re.compile(
    r"\d{4}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}[日号]?|\d{4}年(?:\d{1,2}月)?|"
    r"\d{1,2}月\d{1,2}[日号]|(?<![\d.])\d{1,2}[./]\d{1,2}(?![\d.])|\d{1,2}[日号]|"
    r"(?:\d{1,2}月份?|(?:上|本|这)个?月)(?:初|中旬|上旬|下旬|中|底|末)?|月(?:初|底|末)|"
    r"[上中下]旬|(?:今|昨|前)(?:早|晨|晚|夜)|上一?期|前一期|往期|近日|日前|前几天|这段时间|"
    r"最近几天|大前天|今天|今日|今儿|今早|今晨|昨天|昨日|昨儿|前天|前日|当天|本日|最新|最近|新出|"
    r"近期|近来|最近几天|这几天|这两天|近几天|这些天|(?:上|本|这)?(?:个)?(?:周|星期|礼拜)[一二三四五六日天末]?|"
    r"周末|今年|去年|前年|最近一期|新一期|这一期|本期"
)
_FILLER_WORDS = (
    "请问 请 帮我 给我 帮忙 麻烦 麻烦您 您 你 我想 想 看看 看一下 看下 看 知道 了解 一下 下 列出 "
    "列一下 列个 说说 讲讲 告诉我 来一份 来份 来点 都 还 也 呢 吗 吧 啊 呀 了 的 有 有些 什么 哪些 "
    "啥 些 篇 条 那篇 这篇 该篇 那个 这个 一篇 上面 上 里 中 我们 你们 一共 共 可以 能 能不能 是 "
    "没有 有没有 相关 登 刊登 发 出 报 写 写的 关于 有关 涉及 提到 报道过 写过 登过 搜索 搜一下 "
    "查一下 找一下 找找 找 查找 查查 搜 过 一些 最近的 内容 列表 摘要 全部 所有 哪 份 期 把 念 读 "
    "听 给我听 念给我听 出版 发行 过一遍 值得看 值得一看 播报 重要 重大 热门 热点 主要 值得关注 大"
).split()
_FILLER = re.compile(
    r"[？?！!。，,、：:；;\s“”\"'《》（）()]|"
    + "|".join(sorted(_FILLER_WORDS, key=len, reverse=True))
)
# Cut out in this order: a frame's words must still be whole when it is looked for.
_FRAMES = (_ARTICLES_FRAME, _SUMMARY, _DIGEST_FRAME, _BARE_FRAME, _TIME_WORDS, _PAPER)
# A question word left once the news frame is cut out asks a fact: 半马的报道里说了几点开赛.
_ASKING = re.compile(r"几|多少|哪|谁|什么|何时|为什么|为何|如何|怎么|怎样|是否|多久|多大|多长|多高")
# A role or a common noun before 是谁 asks a fact (冠军是谁, 市委书记是谁), not a profile.
_ROLE_NOUN = re.compile(
    r"(?:书记|常委|主任|委员|主席|市长|省长|县长|区长|局长|厅长|部长|校长|院长|社长|行长|队长|"
    r"冠军|亚军|季军|记者|作者|主持人|负责人|嘉宾|选手|代表|领导|人|者|员|长|手|师|家|方)$"
)
# A phrase, a report or a pointer is no name: 半马的冠军, 图书馆那篇, 这条新闻.
_NOT_NAME = re.compile(rf"的|那|这|篇|{_NEWS}")
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈"
    "饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝南"
)
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
)


@dataclass(frozen=True)
class Intent:
    """A question's intent, the topic it names (X of 关于X的报道, a person, a report) and the
    time it names."""

    kind: str
    topic: str = ""
    when: Asked | None = None


@dataclass(frozen=True)
class Frames:
    """What the rules see in a question: the frames it holds, what is left around them (its
    topic), the person it may name, and the rules' own verdict (`rule`)."""

    text: str
    when: Asked | None
    person: str | None  # the name of a 是谁/担任什么职务 question
    summary: bool
    digest: bool
    listing: bool
    paper: bool
    topic: str
    asking: bool  # a question word left once the news frames are cut out
    rule: str


def classify(question: str) -> Intent:
    """The intent of a normalised question; `answer` when it asks for a fact.

    The fitted model (`retrieval.intent_model`, over `features`) chooses the kind, except that a
    person's name before a 是谁/担任什么职务 frame is a profile; without a shipped model the
    rules choose. The topic is the rules' reading either way."""
    frames = read_frames(question)
    fitted = intent_model.model()
    if frames.person or fitted is None:
        kind = frames.rule
    else:
        kind = fitted.predict(features(frames))
    return _intent(frames, kind)


def _intent(frames: Frames, kind: str) -> Intent:
    """An intent of the kind with its topic: a profile names its person, a list or a summary its
    topic; a kind whose topic is missing falls back to the nearest one that needs none (a list
    of nothing in particular is the digest; a profile of no one, a fact)."""
    when = frames.when
    if kind == "profile":
        person = frames.person or _named_person(frames.text)
        return Intent("profile", person, when) if person else Intent("answer", "", when)
    if kind == "articles":
        if frames.topic:
            return Intent("articles", frames.topic, when)
        return Intent("digest", "", when)
    if kind == "summary":
        return Intent("summary", frames.topic, when)
    return Intent(kind, "", when)


def unwrapped(question: str) -> str:
    """The question without its polite wrapping: 你好，请问王卫东是谁，谢谢 → 王卫东是谁."""
    text = _TRAILER.sub("", question.strip())
    bare = _WRAPPER.sub("", text, count=1)
    return bare if len(bare) >= 2 else text


def _named_person(question: str) -> str | None:
    """The first topic piece, or word of one (jieba with its HMM, which keeps unknown names
    whole), that reads as a person's name."""
    for piece in _pieces(question):
        for word in (piece, *_cut(piece, hmm=True)):
            if _name_like(word):
                return word
    return None


def read_frames(question: str) -> Frames:
    """The rules' reading of a normalised question."""
    when = asked_time(question.strip())
    text = unwrapped(question)
    person = _profile_name(text)
    summary = bool(_SUMMARY.search(text))
    digest = bool(_DIGEST_FRAME.search(text))
    listing = bool(_ARTICLES_FRAME.search(text))
    paper = bool(_PAPER.search(text))
    topic = _topic(text)
    unframed = text
    for frame in _FRAMES:
        unframed = frame.sub(" ", unframed)
    asking = bool(_ASKING.search(unframed))
    rule = _rule(when is not None, person, summary, digest, listing, paper, topic, asking)
    return Frames(text, when, person, summary, digest, listing, paper, topic, asking, rule)


def _rule(
    when: bool, person: str | None, summary: bool, digest: bool, listing: bool, paper: bool,
    topic: str, asking: bool,
) -> str:
    """The rules' verdict on a question's frames."""
    if person:
        return "profile"
    if not (summary or digest or listing):
        # 2023年8月28日西宁晚报, 帮我看看今天的晚报: an issue named and nothing else.
        return "digest" if (when or paper) and not topic else "answer"
    if asking:
        return "answer"
    if summary and topic:
        return "summary"
    if not topic:
        # 总结一下这篇 asks about the report at hand; 今天的报纸讲了什么 about an issue.
        issue = when or paper if summary else True
        return "digest" if issue else "summary"
    return "articles"


# --- the fitted model's features -------------------------------------------------------------

_TOPIC_MARK = "X"  # a topic piece of the question, masked so the frame's own words remain
_NAME_MARK = "N"  # a piece that is a person's name
_NGRAMS = (1, 2, 3)


def features(frames: Frames) -> list[str]:
    """The features of a question for the intent model: the rules' frames and verdict, and the
    character n-grams of the question with its topic and any person's name masked (`X`, `N`),
    digits folded, so that the words around the topic, its frame, are what is counted."""
    masked = masked_frame(frames.text)
    flags = {
        "f:when": frames.when is not None, "f:person": bool(frames.person),
        "f:summary": frames.summary, "f:digest": frames.digest, "f:listing": frames.listing,
        "f:paper": frames.paper, "f:topic": bool(frames.topic), "f:asking": frames.asking,
        "f:name": _NAME_MARK in masked, "f:role": bool(_ROLE_ASK.search(frames.text)),
    }
    out = [name for name, on in flags.items() if on]
    out.append(f"rule:{frames.rule}")
    padded = f"^{masked}$"
    for n in _NGRAMS:
        out.extend(f"g:{padded[i:i + n]}" for i in range(len(padded) - n + 1))
    return out


# A role or a common noun asked about: 冠军是谁, 书记是哪位.
_ROLE_ASK = re.compile(_ROLE_NOUN.pattern.rstrip("$") + r"(?:是谁|是哪位|是什么人)")


def masked_frame(question: str) -> str:
    """The question with each topic piece (what the frames, time words and filler leave, two
    characters or more) replaced by `X`, or `N` when it is a person's name, question words
    kept and digits folded to 0: 王卫东是谁 → N是谁, 有关半马的报道 → 有关X的报道."""
    text = question
    for piece in sorted(set(_pieces(question)), key=len, reverse=True):
        mark = _NAME_MARK if _name_like(piece) else _TOPIC_MARK
        text = text.replace(piece, mark)
    return re.sub(r"\d+", "0", text)


def _name_like(word: str) -> bool:
    """A word that reads as a person's name, more strictly than `is_person_name`: at most five
    characters, and when the dictionary does not know it, made of no known word at all
    (才让卓玛, 阿贝贝); never a role or a phrase."""
    return is_person_name(word, strict=True)


_ASKS_PERSON = re.compile(_PERSON_ASK)


def _pieces(question: str) -> list[str]:
    """The topic pieces of a question: what is left once frames, time words, news words and
    filler are cut out, split at question words, two characters or more."""
    rest = _ASKS_PERSON.sub(" ", question)
    for frame in _FRAMES:
        rest = frame.sub(" ", rest)
    rest = _FILLER.sub(" ", re.sub(_NEWS, " ", rest))
    rest = _ASKING.sub(" ", rest)
    return [piece for piece in rest.split() if len(piece) >= 2]


def _topic(question: str) -> str:
    """What a news question is about: the question without its frames, time words, the paper's
    name and filler."""
    rest = question
    for frame in _FRAMES:
        rest = frame.sub(" ", rest)
    rest = re.sub(_NEWS, " ", rest)
    return "".join(_FILLER.sub(" ", rest).split())


def _profile_name(question: str) -> str | None:
    """The person a 是谁/担任什么职务 question names, when what it names is a person's name."""
    text = _POLITE.sub("", question.strip().rstrip("？?！!。 "))
    m = _PROFILE.match(text) or _PROFILE_ABOUT.match(text)
    if not m:
        return None
    name = m.group("name")
    return name if is_person_name(name) else None


def is_person_name(word: str, strict: bool = False) -> bool:
    """A person's name: a word jieba tags as one, or a word its dictionary does not know (a
    surname and a given name, a transliteration: 阿贝贝, 才让卓玛); never a role or a common
    noun (冠军, 市委书记) and never a phrase (半马的冠军). `strict`: at most five characters,
    and an unknown word only when jieba cuts it into single characters throughout."""
    longest = 5 if strict else 6
    if _ROLE_NOUN.search(word) or not 2 <= len(word) <= longest or _NOT_NAME.search(word):
        return False
    tag = _word_tags().get(word)
    if tag is not None:
        return tag.startswith("nr")
    compound = word[:2] in _COMPOUND_SURNAMES
    given = word[2:] if compound else word[1:]
    if (compound or word[0] in _SURNAMES) and 1 <= len(given) <= 2:
        return True
    # Unknown to the dictionary and not made of known words: a name (多杰才让, 基普罗蒂奇).
    single = [len(piece) == 1 for piece in _cut(word)]
    return all(single) if strict else any(single)


def _cut(word: str, hmm: bool = False) -> list[str]:
    """jieba's cut of a word, always with the words the answering core adds to its dictionary
    (半马 whole), so that a question reads the same before and after the core's first cut."""
    import jieba

    dictionary_words()  # adds them once
    return jieba.lcut(word, HMM=hmm)


@cache
def _word_tags() -> dict[str, str]:
    import jieba.posseg

    jieba.posseg.dt.initialize()
    return jieba.posseg.dt.word_tag_tab
