"""What a reader wants of a newspaper's bot: the day's headlines, the reports on a topic, who
someone is, what a report says, or a fact (the answering core).

Rules, measured on data/eval/intent_tune.jsonl and reported on intent_test.jsonl (questions
written by people who read only the articles). A question asking for news (有什么新闻, 的报道,
报道了什么) is a digest when nothing but time words and filler remain around its frame, else a
list of articles about what remains; 谁/什么职务 after a person's name asks for a profile,
while after a role (冠军是谁) it asks a fact; 讲了什么/总结一下 asks for a summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from retrieval.dates import Asked, asked_time

INTENTS = ("answer", "digest", "articles", "profile", "summary")

# Words naming news in general: what a digest or a list of articles is made of.
_NEWS = r"(?:新闻|报道|消息|要闻|头条|文章|稿子|稿件|内容|资讯|动态)"
_SUMMARY = re.compile(
    r"讲了?(?:些)?什么|说了?(?:些)?什么|写了?(?:些)?什么|讲的(?:是)?(?:什么|啥)|说的(?:是)?(?:什么|啥)|"
    r"主要内容|总结|概括|摘要|概要|大意|要点|梗概|简述|归纳|讲了啥|说了啥|报道了?(?:些)?什么内容|"
    r"主要(?:讲|说|报道)|(?:简单|简要)(?:介绍|说说|讲讲)|怎么回事"
)
_DIGEST_FRAME = re.compile(
    rf"(?:有|有些|登了|登|刊登了?|发了|报了|报道了)(?:什么|哪些|啥|些什么|几篇|多少){_NEWS}|"
    r"(?:登了|刊登了?|发了|(?<![通汇举播预公捷电情快])报了|报道了)(?:什么|哪些|啥|些什么)|"
    rf"{_NEWS}(?:有哪些|有什么|有啥|都有什么|列表|摘要)|头条|要闻|看看报纸|报纸上|的报纸|一期|"
    rf"(?:哪些|什么){_NEWS}"
)
_ARTICLES_FRAME = re.compile(
    rf"(?:有关|关于|报道过|写过|登过|搜索|搜一下|查一下|找一下|找找|查找|查查)|"
    rf"(?:的|相关)(?:{_NEWS})|{_NEWS}(?:有哪些|有什么|吗)"
)
_PROFILE = re.compile(
    r"^(?P<name>[\u4e00-\u9fff·]{2,8}?)(?:同志)?(?:是谁|是什么人|是何人|是哪位|是干什么的|是做什么的|"
    r"是干啥的|现在?(?:担任|任)什么(?:职务|职位)?|担任(?:了)?(?:什么|哪些|何)(?:职务|职位)?|"
    r"(?:是|任)什么(?:职务|职位|官|身份)|的(?:职务|职位|身份|头衔)(?:是什么|有哪些)?|"
    r"有(?:什么|哪些)(?:职务|头衔))"
)
_PROFILE_ABOUT = re.compile(r"^(?:介绍一下|介绍下|说说|谁是)(?P<name>[\u4e00-\u9fff·]{2,4})$")
# What is left of a news question once its frame is gone: time words, filler and punctuation.
_TIME_WORDS = re.compile(
    r"\d{4}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}[日号]?|\d{4}年(?:\d{1,2}月)?|"
    r"\d{1,2}月\d{1,2}[日号]|今天|今日|今儿|今早|今晨|昨天|昨日|前天|前日|当天|本日|最新|最近|"
    r"近期|近来|这几天|这两天|本周|这周|上周|这个星期|上个星期|本星期|今年|去年|前年|"
    r"最近一期|新一期|这一期|本期|一期"
)
_FILLER_WORDS = (
    "请问 请 帮我 给我 麻烦 我想 想 看看 看一下 看下 看 知道 了解 一下 下 列出 列一下 列个 "
    "说说 讲讲 告诉我 都 还 也 呢 吗 吧 啊 呀 了 的 有 有些 什么 哪些 啥 几篇 多少 些 篇 条 "
    "那篇 这篇 该篇 报纸 "
    "报上 报纸上 本报 版面 上面 上 里 中 我们 你们 一共 共 可以 能 能不能 是 没有 有没有 相关 登 "
    "刊登 发 报 晚报 日报 关于 有关 涉及 提到 报道过 写过 登过 搜索 搜一下 查一下 找一下 找找 查找 "
    "查查 搜 过 新闻 报道 消息 要闻 头条 文章 稿子 稿件 内容 资讯 动态 列表 摘要 一些 最近的"
).split()
_FILLER = re.compile(
    r"[？?！!。，,、：:；;\s“”\"'《》（）()]|"
    + "|".join(sorted(_FILLER_WORDS, key=len, reverse=True))
)
# A question word left once the news frame is cut out asks a fact: 半马的报道里说了几点开赛.
_ASKING = re.compile(r"几|多少|哪|谁|什么|何时|为什么|为何|如何|怎么|怎样|是否|多久|多大|多长|多高")
# A role or a common noun before 是谁 asks a fact (冠军是谁, 市委书记是谁), not a profile.
_ROLE_NOUN = re.compile(
    r"(?:书记|常委|主任|委员|主席|市长|省长|县长|区长|局长|厅长|部长|校长|院长|社长|行长|队长|"
    r"冠军|亚军|季军|记者|作者|主持人|负责人|嘉宾|选手|代表|领导|人|者|员|长|手|师|家|方)$"
)
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


def classify(question: str) -> Intent:
    """The intent of a normalised question; `answer` when it asks for a fact."""
    text = question.strip()
    when = asked_time(text)
    profile = _profile_name(text)
    if profile:
        return Intent("profile", profile, when)
    summary = _SUMMARY.search(text)
    digest = _DIGEST_FRAME.search(text)
    listing = _ARTICLES_FRAME.search(text)
    if not (summary or digest or listing):
        return Intent("answer", "", when)
    unframed = text
    for frame in (_SUMMARY, _DIGEST_FRAME, _ARTICLES_FRAME, _TIME_WORDS):
        unframed = frame.sub(" ", unframed)
    if _ASKING.search(unframed):
        return Intent("answer", "", when)
    topic = _topic(text)
    if summary and (topic or not (digest or when)):
        return Intent("summary", topic, when)
    if not topic:
        return Intent("digest" if (digest or when or summary) else "answer", "", when)
    if listing or digest:
        return Intent("articles", topic, when)
    return Intent("answer", "", when)


def _topic(question: str) -> str:
    """What a news question is about: the question without its frame, time words and filler."""
    rest = _SUMMARY.sub(" ", question)
    rest = _TIME_WORDS.sub(" ", rest)
    return "".join(_FILLER.sub(" ", rest).split())


def _profile_name(question: str) -> str | None:
    """The person a 是谁/担任什么职务 question names, when what it names is a person's name."""
    text = question.rstrip("？?！!。 ")
    m = _PROFILE.match(text) or _PROFILE_ABOUT.match(text)
    if not m:
        return None
    name = m.group("name")
    return name if is_person_name(name) else None


def is_person_name(word: str) -> bool:
    """A person's name: a surname and one or two characters that are no dictionary word, or a
    word jieba tags as a name; never a role or common noun (冠军, 市委书记)."""
    if _ROLE_NOUN.search(word) or not 2 <= len(word) <= 4:
        return False
    tag = _word_tags().get(word)
    if tag is not None:
        return tag.startswith("nr")
    compound = word[:2] in _COMPOUND_SURNAMES
    given = word[2:] if compound else word[1:]
    return (compound or word[0] in _SURNAMES) and 1 <= len(given) <= 2


@cache
def _word_tags() -> dict[str, str]:
    import jieba.posseg

    jieba.posseg.dt.initialize()
    return jieba.posseg.dt.word_tag_tab
