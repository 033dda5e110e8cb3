"""Question classification: what kind of answer a Chinese question asks for, and where it asks.

The type steers extraction (a time for 几点, a person for 谁 …) and the position of the
question word marks the gap that gap-filling alignment fills from the evidence sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg as posseg

from retrieval.kinds import is_noun, names_people

QTYPES = ("time", "person", "place", "organization", "number", "other")

# Nouns that, after 哪个/什么/哪家…, say which entity type is wanted.
_ORG_NOUNS = (
    "公司|银行|单位|部门|机构|组织|学校|大学|学院|中学|小学|医院|企业|集团|协会|政党|党派|"
    "球队|俱乐部|队|媒体|杂志|报社|报纸|电视台|电台|厂商|出版社|委员会|政府|军队|乐队|品牌"
)
_PLACE_NOUNS = (
    "地方|国家|城市|省份|省|市|县|区|地区|城|国|州|岛|山|河|湖|海|村|镇|街道|路|建筑|地标|"
    "场馆|体育馆|广场|公园|车站|机场|港口|大陆|洲"
)
_PERSON_NOUNS = "人|人物|记者|领导|选手|作家|演员|歌手|球员|皇帝|国王|总统|作者|导演|科学家|教练"
# Measure words after a number. Longest first, so that a regex alternation takes the whole of
# 2.3万人次 or 16.8万册次 rather than stopping at 人 or 册; 成 is a tenth (超过四成).
NUM_UNITS = "|".join(sorted(set(
    "个|家|人|名|位|次|处|项|件|条|场|届|年|岁|天|月|周|小时|分钟|秒|倍|美元|欧元|英镑|日元|港元|"
    "元|万|亿|米|公里|千米|厘米|毫米|公分|公尺|英尺|英寸|英里|海里|光年|平方米|平方公里|平方千米|"
    "公顷|英亩|亩|吨|公斤|千克|克|斤|磅|度|层|部|本|首|种|所|座|台|辆|架|艘|支|队|章|集|页|期|"
    "版|分|票|株|只|头|匹|枚|块|篇|幅|门|口|户|床|把|双|发|册|成|人次|册次|架次|车次|户次|场次|"
    "家次|份|°c|℃|类|级|"
    # Latin units, lower-cased as matching reads them (5000P of computing power, 5G, 100MW).
    "km²|km2|km|cm|mm|kg|CM|KM|m|p|pb|tb|gb|eb|g|mw|gw|kw|kwh|mwh|gwh|kv|mbps|gbps".split("|")),
    key=lambda unit: (-len(unit), unit)))
_WHICH = r"哪(?:一|几)?(?:个|些|家|间|所|座|支|位|名|条|种|部|国|届)?"

# 为什么, but not in 名为什么 / 改为什么, which ask what it is named or became.
_WHY = r"(?<![名称作成叫改译])为什么"

# Ordered: the first pattern that matches decides; each has one group spanning the gap.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("time", re.compile(
        # 几点到几点 asks a range whole: one gap, from the first 几点 to the last.
        r"(几点(?:钟)?(?:到|至|-)几点(?:钟)?|"
        # 从哪天到哪天 / 从什么时候封到什么时候 / 起止时间: a range whole, like 几点到几点.
        r"(?:什么时候|哪(?:一)?天|几号)[^，,？?]{0,3}?(?:到|至)(?:什么时候|哪(?:一)?天|几号)|"
        r"起止(?:时间|日期)?|起讫(?:时间|日期)?|"
        r"几点(?:钟)?|什么时候|什么时间|何时|何日|何年|哪(?:一)?天|几号|几月(?:几[日号])?|"
        r"哪(?:一)?年|哪个月|哪个(?:时间|时候|年代|朝代|世纪|时期|季节)|什么(?:年代|朝代|时期|季节|日子)|"
        r"几几年|(?:西元|公元前?)几年|几时|多久以前)")),
    ("person", re.compile(
        rf"({_WHICH}(?:{_PERSON_NOUNS})|谁|何人|哪位|什么人)")),
    ("organization", re.compile(
        rf"((?:{_WHICH}|什么)(?:{_ORG_NOUNS})|哪家)")),
    ("place", re.compile(
        rf"((?:在|去|从|位于)?(?:哪里|哪儿|{_WHICH}(?:{_PLACE_NOUNS}))|(?:在|去|从|位于)哪|"
        r"何地|何处|哪(?:一)?国|什么(?:地方|国家|城市|地区|位置))")),
    ("number", re.compile(
        # Not 好几次 (several) or 众多大型 (many, large): those are no question words.
        rf"(多少(?:{NUM_UNITS}|%)?|(?<![哪好十])几(?:{NUM_UNITS})|"
        rf"(?<![众许诸很])多(?:大|高|长|重|远|久|深|宽|厚|少)|"
        rf"百分之几|第几(?:{NUM_UNITS})?|几成|几倍)")),
    ("other", re.compile(
        rf"({_WHY}|为何|怎么样|怎样|如何|怎么|什么|啥|哪些|"
        r"哪(?:一|几)?(?:个|种|样|项|部|本|首|所|家|间|座|条|款|类|只|届)?|何)")),
]

# Questions that ask for an explanation or a description: the answer is a clause or a sentence.
_DESCRIPTIVE = re.compile(
    rf"{_WHY}|为何|怎么样|怎样|如何|怎么|什么是|是什么意思|有什么(?:作用|意义|区别|特点|影响)|介绍"
)

_PLURAL = re.compile(r"哪些|哪几|分别")

# 多高/多重/多大年纪/多少钱 ask for a measure: the answer is a number with one of these units.
_LENGTH = "米|公尺|千米|公里|厘米|公分|毫米|英尺|英里|海里|km|cm|mm|CM|KM|m"
_DURATION = "年|个月|月|周|天|小时|分钟|分|秒|世纪"
_AREA = "平方公里|平方千米|平方米|公顷|亩|英亩|km²|km2"
_WEIGHT = "吨|公斤|千克|克|斤|磅"
_MEASURES = [
    # A share is a percentage or tenths (就业率82.5%, 占比超过四成), never a head count; a share
    # of a measure (产值增长百分之多少, 面积占多少比例) is still a share; a rate of events (频率)
    # is not.
    (re.compile(r"比例|占比|比重|比率|百分比|百分之|占(?:了|到)?多少|(?<![频頻速效])率"),
     "%|％|‰|成"),
    (re.compile(r"多大(?:年纪|岁数|了)|今年多大|年龄|年纪|岁数|几岁|多少岁"), "岁"),
    # …额 is an amount of money (总额, 金额, 成交额), but not 份额 (a share) or 名额 (places).
    (re.compile(r"多少钱|价格|票价|费用|售价|造价|花费|资金|奖金|经费|投资|产值|收入|营收|预算|成本|"
                r"工资|薪|补贴|补助|罚款|(?<![份名配])额"),
     "元|块|美元|欧元|英镑|日元|港元|港币|台币|卢布"),
    (re.compile(r"多高|海拔|高度|身高"), f"{_LENGTH}|层"),
    (re.compile(r"多重|重量|体重"), _WEIGHT),
    (re.compile(r"多远|距离"), _LENGTH),
    # 工期多长 / 时长多少 ask a time span, whatever adjective follows.
    (re.compile(r"多久|多长(?:的)?时间|多少时间|[用耗历]时多少|工期|时长|期限"), _DURATION),
    (re.compile(r"多深|深度|多宽|宽度|多厚|厚度|多长|长度|体长|全长"), _LENGTH),
    # km2: km² after NFKC.
    # 多大 alone asks a size of any kind (规模多大 → 12000人); an area only beside 面积/占地.
    (re.compile(r"面积|占地"), _AREA),
]
# 多大 alone asks a size: a measure (约1800平方米, 15至25毫米) before a count (3处), when both are.
SIZE_UNITS = f"{_AREA}|{_LENGTH}|{_WEIGHT}|立方米|升|毫升"


# The grain of a time question: a clock time for 几点, a day for 哪天/几号, a year for 哪年. An
# answer coarser than the grain (a month for 几点) does not answer it.
_GRAINS = [
    ("clock", re.compile(r"几点|几时几分|什么时刻")),
    ("day", re.compile(r"哪(?:一)?天|哪(?:一)?日|几号|几月几[日号]|几日|什么日子")),
    ("year", re.compile(
        r"哪(?:一)?年(?!代|级)|几几年|(?:西元|公元前?)几年|何年|哪个年份|什么年份")),
]
# 几点开始 / 几点结束 over a span 5时至12时 ask for one of its ends.
_START = re.compile(
    r"开始|开赛|开幕|开跑|起跑|鸣枪|开放|开门|出发|启动|开工|开通|开启|开业|开考|起始|^起(?![止讫])"
)
_END = re.compile(r"结束|截止|闭幕|关闭|闭馆|关门|完赛|收官|截至|为止|停止|恢复")
# Before the question word: 持续到什么时候 / 封到哪天 ask for the end, 从几点 for the start.
_END_BEFORE = re.compile(r"(?:到|至|截至|截止到)$")
_START_BEFORE = re.compile(r"从$")
# After 哪个/哪家/哪所/什么, the noun naming what is asked (什么花, 哪个园区) is read from the
# question's words; these say nothing about the answer's kind.
_VAGUE_NOUNS = frozenset(
    "名字 名称 东西 事情 事 内容 方式 方法 原因 意思 作用 意义 情况 问题 样子 地步 程度 关系 "
    "结果 特点 目的 身份 职务 职位 称号 用途 话 原理 样 种 类 里 儿 处 地方 地区 地点 位置 "
    "时候".split()
)
_NOUN_AFTER = re.compile(r"^(?:哪(?:一)?(?:个|家|间|所|座|支|部|种|类|项|条|届|款|只|本|首)|什么)$")


def measure(question: str) -> str | None:
    """The units a number question's answer must carry, when the question names a measure."""
    return next((units for pattern, units in _MEASURES if pattern.search(question)), None)


@dataclass(frozen=True)
class QuestionType:
    """A question's answer type and the span of its question word (the gap to fill)."""

    qtype: str
    start: int = -1
    end: int = -1
    unit: str | None = None
    noun: str | None = None
    descriptive: bool = False
    plural: bool = False  # 哪些/哪几: the answer may be a list
    measure: str | None = None  # units the answer must carry (多高 → 米|公尺|…), a regex
    grain: str | None = None  # time questions: "clock" (几点), "day" (哪天), "year" (哪年)
    # "start" (几点开始) or "end" (几点结束): one end of a range; "range" (几点到几点): all of it
    bound: str | None = None

    @property
    def has_gap(self) -> bool:
        return self.start >= 0


# 甚么 is 什么 as Taiwan and Hong Kong write it; OpenCC's t2s keeps it (甚麼 → 甚么).
_SHENME = re.compile("甚么")
# The time of something asked by the word for it (封闭时间是什么时候, as_question's reading of
# the keyword query 建国路桥封闭时间): a range when the text gives one.
_PERIOD_BEFORE = re.compile(r"(?:时间|时段|日期)(?:是|为)?$")
# The words that name one end when they lead 时间/日期 (截止时间, 开幕日期); 开放时间 and 营业时间
# are hours, a range.
_START_NAMED = re.compile(r"开始|起始|开幕|开赛|开跑|开工|开通|启动|开考")
_END_NAMED = re.compile(r"结束|截止|截至|闭幕|完工|收官|停止")
# A question ending in 为/是/是指/称为… leaves its question word out (…的名字为?): the answer is
# what the text writes after those words, so the gap is at the end.
_OPEN_END = re.compile(r"(?:为|是|是指|指|称为|叫做|叫|名为|即)()[?？]?\s*$")


def classify(question: str) -> QuestionType:
    """Classify a (normalised) question by its first matching question-word pattern."""
    question = _SHENME.sub("什么", question)
    descriptive = bool(_DESCRIPTIVE.search(question))
    plural = bool(_PLURAL.search(question))
    for qtype, pattern in _RULES:
        m = pattern.search(question)
        if not m:
            continue
        word = m.group(1)
        unit = noun = None
        if qtype == "number":
            tail = re.sub(r"^(?:多少|几|第几|多)", "", word)
            unit = tail or None
            # 多少游客 / 几名选手: a count of people, in their measure words (2.3万人次).
            counted = question[m.end(1) : m.end(1) + 8]
            if unit is None and word in ("多少", "几"):
                unit = "人" if _counts_people(counted) else None
            elif unit == "个" and counted.startswith("人"):
                unit = "人"  # 几个人 counts people as 多少人 does (100名教师)
            if unit is None and _BOOK.match(counted):
                unit = "本"  # 借出去多少书 ↔ 16.8万册次: books are counted in 本/册
        elif qtype in ("organization", "place", "person"):
            tail = re.sub(rf"^(?:在|去|从|位于)?(?:{_WHICH}|什么)", "", word)
            noun = tail if tail and tail != word and tail not in _VAGUE_NOUNS else None
        units = measure(question) if qtype == "number" else None
        # The measure word counted (多少名) says more than a word of money beside it; an
        # adjective after 多 (多长, 多久) only says which measure.
        if units and unit and word.startswith(("多少", "几")) and not re.fullmatch(units, unit):
            units = None
        grain = bound = None
        if qtype == "time":
            grain = next((g for g, pattern in _GRAINS if pattern.search(word)), None)
            after = question[m.end(1) :]
            before = question[: m.start(1)]
            # …开始时间 / …截止日期 name one end before the question word.
            period = _PERIOD_BEFORE.search(before)
            named = before[max(0, period.start() - 3) : period.start()] if period else ""
            bound = (
                "start" if _START.search(after) or _START_BEFORE.search(before)
                or _START_NAMED.search(named)
                else "end" if _END.search(after) or _END_BEFORE.search(before)
                or _END_NAMED.search(named) else None
            )
            # 几点开门几点关门 / 几点到几点 / 起止时间 ask for both ends: the whole range.
            if (pattern.search(after) or re.search("[到至-]|起止|起讫", word)
                    or (bound is None and _PERIOD_BEFORE.search(before))):
                bound = "range"
        if noun is None and _NOUN_AFTER.match(word):
            noun = asked_noun(question[m.end(1) :])
        if qtype == "other" and _asks_a_persons_name(question, m.start(1)):
            qtype = "person"
        return QuestionType(
            qtype, m.start(1), m.end(1), unit, noun, descriptive, plural, units, grain, bound
        )
    open_end = _OPEN_END.search(question)
    if open_end:
        at = open_end.start(1)
        return QuestionType("other", at, at, descriptive=descriptive, plural=plural)
    return QuestionType("other", descriptive=descriptive, plural=plural)


_BOOK = re.compile(r"(?:图书|书籍|书)(?![店馆院法记画])")


def _counts_people(text: str) -> bool:
    """Whether the noun phrase `text` opens with counts people (多少|游客参观, 多少|安保人员,
    几名|外国选手; not 员工宿舍): its second word when 词林 files that as a noun, else its first.
    jieba's tags do not tell (安保 nr, 选手 v, 参观 n)."""
    words = [pair.word for pair in posseg.cut(text)][:2]
    if not words:
        return False
    head = words[1] if len(words) > 1 and is_noun(words[1]) else words[0]
    return names_people(head)


# People named by what they won or do, asked after by keyword (科技奖得主) or by name
# (冠军叫什么名字).
_ROLE_HOLDERS = "冠军|亚军|季军|负责人|获得者|得主|主持人|发言人"
# A keyword query names what it asks for with a noun at its end instead of a question word
# (改造计划数量, 推进会日期, 科技奖得主, 半马的冠名商): it is read as the question it stands for,
# so that it gets the answer type and the gap of that question. Nouns naming a kind of answer.
_ASKED_BY_NOUN = [
    (re.compile(r"(?:日期|哪天)$"), "是哪天"),
    (re.compile(r"年份$"), "是哪年"),
    (re.compile(r"(?:时间|时候|时段)$"), "是什么时候"),
    (re.compile(r"(?:地点|地址|位置|场地|举办地|所在地|目的地|起点|终点)$"), "在哪里"),
    (re.compile(rf"(?:{_ROLE_HOLDERS}|获奖者|作者|设计者|创始人)$"), "是谁"),
    # A post or a place in a ranking names a person too (经开区管委会主任, 男子组第一名).
    (re.compile(r"(?:书记|[省市县区州]长|[局处科]长|主任|校长|院长|主席|董事长|总经理|第[一二三]名)$"),
     "是谁"),
    (re.compile(r"(?:冠名商|赞助商|主办方|承办方|主办单位|承办单位|协办单位|运营方|投资方|开发商)$"),
     "是哪家"),
    (re.compile(
        r"(?:数量|人数|个数|次数|数目|总数|规模|比例|比重|占比|增幅|增速|涨幅|降幅|面积|长度|高度|"
        r"距离|票价|价格|费用|成绩|奖金|投资|产值|收入|营收|经费|预算|成本|票房|人口|人次|"
        r"[量率额数])$"), "是多少"),
    (re.compile(r"(?:名称|名字|全称|简称|主题|口号|原因|理由|目的|灵感)$"), "是什么"),
    (re.compile(r"(?:工期|时长|[用耗历]时)$"), "是多久"),
]
_TRAILING = "？?。！!，, "


# Colloquial question words as the written ones the rules know (啥时候 → 什么时候, 咋 → 怎么).
_COLLOQUIAL = [
    (re.compile(r"啥时候|啥时|多会儿|多咱"), "什么时候"),
    (re.compile(r"啥"), "什么"),
    (re.compile(r"咋"), "怎么"),
]


def as_question(question: str) -> str:
    """A (normalised) question in the written words the rules know: colloquial question words
    as written ones (半马啥时候开跑 → 半马什么时候开跑), and a keyword query without a question
    word, ending in a noun that names what it asks for, as the question it stands for
    (推进会日期 → 推进会日期是哪天); any other question as it is."""
    for pattern, written in _COLLOQUIAL:
        question = pattern.sub(written, question)
    bare = question.rstrip(_TRAILING)
    if not bare or classify(bare).has_gap:
        return question
    for pattern, ask in _ASKED_BY_NOUN:
        if pattern.search(bare):
            return bare + ask
    return question


# 冠军叫什么名字 / 那位书记叫啥: the name of someone named by a role is a person's name.
_PERSON_ROLE = re.compile(
    rf"(?:{_PERSON_NOUNS}|{_ROLE_HOLDERS}|第[一二三]名|书记|市长|省长|局长|主任|校长|院长|主席)"
    r"的?(?:叫|是)?$"
)


def _asks_a_persons_name(question: str, at: int) -> bool:
    """Whether the question word at `at` (什么) asks what a person named by a role is called."""
    return question.startswith("什么", at) and bool(_PERSON_ROLE.search(question[:at]))


def asked_noun(rest: str) -> str | None:
    """The noun right after 什么/哪个 (什么花 → 花, 哪个园区 → 园区), if it is a noun that says
    what kind of thing the answer is. jieba tags a lone 花 a verb: a one-character word 词林
    files as a noun counts when the question ends after it (是什么花？), not before a verb
    (用什么来…)."""
    pairs = list(posseg.cut(rest[:8]))
    if not pairs or pairs[0].word in _VAGUE_NOUNS:
        return None
    word, flag = pairs[0].word, pairs[0].flag
    if flag.startswith("n") or flag == "j":
        return word
    ends = len(pairs) == 1 or pairs[1].word[0] in _NOUN_END
    return word if len(word) == 1 and is_noun(word) and ends else None


_NOUN_END = "的是呢吗啊？?！!。，,"


# A question about who wrote the report (记者是谁 / 哪位记者写的 / 那篇稿子是谁写的): the answer
# is the article's byline, which the layout keeps apart from the paragraphs.
_REPORT = re.compile(r"记者|稿子|稿件|报道|这篇|那篇|文章|消息|新闻")
_WROTE = re.compile(r"记者|写|作者|撰稿|执笔|署名")
REPORTER_WORDS = re.compile(
    r"(?:记者|稿子|稿件|报道|这篇|那篇|篇|文章|消息|新闻|写|作者|撰稿|执笔|署名)+"
)


def asks_for_reporter(question: str, qt: QuestionType) -> bool:
    """Whether a person question asks who wrote the news report itself."""
    return qt.qtype == "person" and bool(_REPORT.search(question) and _WROTE.search(question))
