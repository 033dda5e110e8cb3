"""Dates as an article writes them, resolved against the article's own date.

A report of 2024-08-23 writes 昨日 for 8月22日, 今年 for 2024年, 25日 for a day of this month or
the one before, 上周五 for a day of the week before; 近日 and 日前 name no day at all. Each
mention resolves to an ISO value at the precision the text gives (`2024-08-22`, `2024-08`,
`2024`) or to `vague`. A day, month or year left without its month or year is put where it
lies nearest the article's date, in the direction the sentence's tense points (将于28日 is
ahead, 29日 written on January 2nd is behind).

Also here: the start or end of a written range when a question asks for one (几点开始 → 5时
of 5时至12时), and the time a question itself names (今天, 8月22日, 2023年, 本周).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from retrieval.qtype import NUM_UNITS

VAGUE = "vague"

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
       "八": 8, "九": 9}
_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_DAY_WORDS = {
    "大前天": -3, "前天": -2, "前日": -2, "前晚": -2, "昨天": -1, "昨日": -1, "昨晚": -1,
    "昨夜": -1, "昨晨": -1, "今天": 0, "今日": 0, "今晨": 0, "今晚": 0, "今早": 0, "今夜": 0,
    "明天": 1, "明日": 1, "明晚": 1, "明早": 1, "后天": 2, "后日": 2,
    "大后天": 3,
}
# 当天/当年 name the day or year of the event just written about, not the article's: left alone.
_YEAR_WORDS = {"前年": -2, "去年": -1, "今年": 0, "本年": 0, "明年": 1, "后年": 2}
_MONTH_WORDS = {"上月": -1, "上个月": -1, "本月": 0, "这个月": 0, "下月": 1, "下个月": 1}
_VAGUE_WORDS = ("近日", "日前", "近期", "前不久", "不久前", "最近", "近来", "前些天", "前几天",
                "连日来", "近年来", "近年")
_YEAR_PART = r"(?:年底|年初|年末|年中|上半年|下半年|年内)"
_MONTH_PART = r"(?:月底|月初|月末|月中|上旬|中旬|下旬)"
_WEEK = r"(?:周|星期|礼拜)"

_PATTERN = re.compile(
    "|".join(
        [
            rf"(?P<ymd>(?P<y1>\d{{4}})年(?P<m1>{_N})月(?P<d1>{_N})[日号])",
            rf"(?P<ym>(?P<y2>\d{{4}})年(?P<m2>{_N})月)",
            rf"(?P<relym>(?P<rm>{'|'.join(_MONTH_WORDS)})(?:(?P<d3>{_N})[日号]|{_MONTH_PART}|"
            r"[底初末]|中旬|上旬|下旬)?)",
            rf"(?P<md>(?<![\d年])(?P<m4>{_N})月(?P<d4>{_N})[日号])",
            rf"(?P<relweek>(?P<wk>上|本|这|下)?(?:个)?{_WEEK}(?P<wd>[一二三四五六日天]))",
            rf"(?P<reldayw>{'|'.join(sorted(_DAY_WORDS, key=len, reverse=True))})",
            rf"(?P<vague>{'|'.join(_VAGUE_WORDS)})",
            rf"(?P<relyear>(?P<ry>{'|'.join(_YEAR_WORDS)}){_YEAR_PART}?|(?<![\d年]){_YEAR_PART})",
            r"(?P<y>(?P<y5>\d{4})年(?!代|度|级))",
            rf"(?P<monthpart>(?<![\d年上下本这当个]){_MONTH_PART})",
            # A bare day: digits, or a Chinese numeral with 十 (二十五日), never 一日三餐 or 5号线.
            r"(?P<d>(?<![\d月年一二三四五六七八九十])(?P<d6>\d{1,2}|[一二三]?十[一二三四五六七八九]?)"
            r"[日号](?![常用夜均益渐线楼门车院位机场字库]))",
        ]
    )
)
# The sentence points ahead of its own day (a notice) or back (a report).
_FUTURE = re.compile(r"将|拟|预计|计划|即将|届时|有望|准备")
_PAST = re.compile(r"了|已|过")
_TENSE_PENALTY = 40


@dataclass(frozen=True)
class DateMention:
    """A date the text writes, where it stands and what it resolves to."""

    start: int
    end: int
    phrase: str
    value: str  # 2024-08-22, 2024-08, 2024 or "vague"
    relative: bool  # written relative to the article's day (昨日, 25日, 今年), not in full

    def display(self, anchor: date | None = None) -> str:
        """The value as a reader says it: 8月22日 (the article's year), 2023年8月22日, 2024年."""
        return display(self.value, anchor)


def display(value: str, anchor: date | None = None) -> str:
    """An ISO value (day, month or year) in Chinese; the year left out when it is `anchor`'s."""
    if value == VAGUE:
        return "近期"
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return f"{parts[0]}年"
    year = "" if anchor is not None and anchor.year == parts[0] and len(parts) == 3 else (
        f"{parts[0]}年"
    )
    if len(parts) == 2:
        return f"{year}{parts[1]}月"
    return f"{year}{parts[1]}月{parts[2]}日"


def number(text: str) -> int:
    """A small number written in digits or Chinese numerals (25, 二十五, 十八)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN.get(tens, 1) * 10 + _CN.get(ones, 0)
    return _CN[text]


def mentions(text: str, anchor: date) -> list[DateMention]:
    """Every date written in `text`, resolved against `anchor` (the article's date)."""
    out = []
    for m in _PATTERN.finditer(text):
        value = _value(m, anchor, text)
        if value is not None:
            relative = m.lastgroup not in ("ymd", "ym", "y")
            out.append(DateMention(m.start(), m.end(), m.group(), value, relative))
    return out


# A count is no year (2000余名, 2000名志愿者): a year is not followed by a measure word but 年.
_YEAR_DIGITS = re.compile(
    rf"(?<![\d.])(?:19|20)\d{{2}}(?![\d.]|余|多|(?:{'|'.join(set(NUM_UNITS.split('|')) - {'年'})}))"
)


def years_written(text: str) -> set[int]:
    """The four-digit years a text writes, with or without 年 (2024招商银行西宁半程马拉松赛)."""
    return {int(y) for y in _YEAR_DIGITS.findall(text)}


# 23年西宁半马: a reader's two-digit year (not 20年来, 30年前: a span of years).
# A year of a reign or an era (民国29年, 明治29年, 天正16年) is no year of this century.
_ERA = ("民国|民國|明治|大正|昭和|平成|令和|光绪|光緒|宣统|宣統|同治|咸丰|咸豐|道光|嘉庆|嘉慶|乾隆|"
        "雍正|康熙|顺治|順治|崇祯|崇禎|万历|萬曆|嘉靖|洪武|永乐|永樂|天正|庆长|慶長|宽永|寬永|"
        "贞观|貞觀|开元|開元|天宝|天寶|元和")
_SHORT_YEAR = re.compile(rf"(?<![\d.])(?<!{_ERA})(\d{{2}})年(?![来前后间代内])")


def years_asked(question: str) -> set[int]:
    """The years a question names: written in full, or in two digits (24年 → 2024)."""
    return years_written(question) | {2000 + int(y) for y in _SHORT_YEAR.findall(question)}


def years_covered(text: str, anchor: date | None) -> set[int]:
    """The years an article speaks of: those it writes, those its relative words resolve to
    (今年, 去年) against its date, and the year of its date itself."""
    years = years_written(text)
    if anchor is not None:
        years.add(anchor.year)
        years.update(int(m.value[:4]) for m in mentions(text, anchor) if m.value != VAGUE)
    return years


def _value(m: re.Match, anchor: date, text: str) -> str | None:
    kind, g = m.lastgroup, m.group
    tense = _tense(text, m.start())
    try:
        if kind == "ymd":
            return date(int(g("y1")), number(g("m1")), number(g("d1"))).isoformat()
        if kind == "ym":
            return f"{int(g('y2')):04d}-{number(g('m2')):02d}"
        if kind == "y":
            return g("y5")
        if kind == "relym":
            year, month = _shift_month(anchor.year, anchor.month, _MONTH_WORDS[g("rm")])
            if g("d3"):
                return date(year, month, number(g("d3"))).isoformat()
            return f"{year:04d}-{month:02d}"
        if kind == "md":
            return _nearest(
                [_safe(anchor.year + dy, number(g("m4")), number(g("d4"))) for dy in (-1, 0, 1)],
                anchor, tense,
            )
        if kind == "relweek":
            monday = anchor - timedelta(days=anchor.weekday())
            day = _WEEKDAY[g("wd")]
            shift = {"上": [-7], "下": [7], "本": [0], "这": [0], None: [-7, 0, 7]}[g("wk")]
            days = [monday + timedelta(days=s + day) for s in shift]
            return _nearest(days, anchor, tense)
        if kind == "reldayw":
            return (anchor + timedelta(days=_DAY_WORDS[g("reldayw")])).isoformat()
        if kind == "vague":
            return VAGUE
        if kind == "relyear":
            return str(anchor.year + _YEAR_WORDS.get(g("ry") or "今年", 0))
        if kind == "monthpart":
            return f"{anchor.year:04d}-{anchor.month:02d}"
        if kind == "d":
            day = number(g("d6"))
            if not 1 <= day <= 31:
                return None
            candidates = [
                _safe(*_shift_month(anchor.year, anchor.month, dm), day) for dm in (-1, 0, 1)
            ]
            return _nearest(candidates, anchor, tense)
    except (ValueError, KeyError):
        return None
    return None


def _tense(text: str, at: int) -> int:
    """+1 when the clause around `at` points ahead (将于…), -1 when back (…了), else 0."""
    start = max(text.rfind(p, 0, at) for p in "。！？；\n") + 1
    ends = [i for i in (text.find(p, at) for p in "。！？；\n") if i >= 0]
    clause = text[start : min(ends) if ends else len(text)]
    if _FUTURE.search(clause):
        return 1
    return -1 if _PAST.search(clause) else 0


def _safe(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def _nearest(candidates: list[date | None], anchor: date, tense: int) -> str | None:
    """The candidate nearest `anchor`, one on the wrong side of the sentence's tense put back."""
    def cost(day: date) -> int:
        delta = (day - anchor).days
        wrong = (tense > 0 and delta < 0) or (tense < 0 and delta > 0)
        return abs(delta) + (_TENSE_PENALTY if wrong else 0)

    found = [c for c in candidates if c is not None]
    return min(found, key=cost).isoformat() if found else None


def annotate(text: str, anchor: date | None) -> str:
    """`text` with each relative date followed by the day it means: 昨日（8月22日）上午…;
    vague words, years written out and months with their day are left as they are."""
    if anchor is None:
        return text
    out, last = [], 0
    for mention in mentions(text, anchor):
        if not mention.relative or mention.value == VAGUE or text.startswith("（", mention.end):
            continue
        shown = mention.display(anchor)
        if shown == mention.phrase or re.fullmatch(rf"{_N}月{_N}[日号]", mention.phrase):
            continue
        out.append(text[last : mention.end] + f"（{shown}）")
        last = mention.end
    out.append(text[last:])
    return "".join(out)


def weekday(char: str) -> int:
    """The weekday (0 = Monday) a character names after 周/星期 (五, 日, 天; 末 = Saturday)."""
    return _WEEKDAY[char]


def parse_iso(value: str | None) -> date | None:
    """An ISO date (the articles table's `date`), or None when missing or malformed."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- the start or end of a range ------------------------------------------------------------

# What joins a range's two ends: 至, 到, a dash, with the end's day word (至次日6时).
_JOINT = re.compile(r"(至|到|—|－|~|～|-)(?:次日|翌日|当日|当天)?")


def range_end(bound: str | None, evidence: str, short: str) -> str | None:
    """The start or end (`bound`, as `qtype.classify` reads the question: 几点开始, 几点结束) of
    the written range holding the short answer (5时至12时 → 5时 when the start is asked;
    21时至次日6时 → 次日6时 for the end); None when the question asks neither or the evidence
    writes no range there."""
    if bound not in ("start", "end"):
        return None
    start = bound == "start"
    from retrieval.extract import times

    spans = times(evidence)
    for left, right in zip(spans, spans[1:], strict=False):
        joint = _JOINT.fullmatch(evidence[left.end : right.start])
        if joint is None or short not in evidence[left.start : right.end]:
            continue
        return left.text if start else evidence[left.end + len(joint.group(1)) : right.end]
    return None


# --- the time a question names ------------------------------------------------------------

@dataclass(frozen=True)
class Asked:
    """The time a question names: `kind` is today, latest, recent (the last few issues), day,
    weekday, week, month or year; `value` the ISO day/month/year for day, month and year, a
    (month, day) left without its year as `--MM-DD`, the day's character for weekday (五, 日;
    末 for the weekend);
    `offset` days from today for relative days and weeks, years for relative years."""

    kind: str
    value: str = ""
    offset: int = 0


_Q_TODAY = re.compile(r"今天|今日|今儿|今早|今晨|当天|本日")
_Q_LATEST = re.compile(r"最新|最近一期|最近的|新一期|这一期|本期|最近一天|新出")
_Q_RECENT = re.compile(r"这几天|这两天|近几天|这些天|近日|最近几天")
_Q_WEEKDAY = re.compile(r"(?P<w>上|本|这)?(?:个)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天末])")
_Q_DAY = {"大前天": -3, "昨天": -1, "昨日": -1, "昨儿": -1, "前天": -2, "前日": -2}
_Q_WEEK = re.compile(r"(?P<w>本|这|上)(?:一)?(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天])")
_Q_YEAR = {"今年": 0, "去年": -1, "前年": -2}


def asked_time(question: str) -> Asked | None:
    """The time a question names, if any (今天, 昨天, 最新, 8月22日, 2023年8月, 本周, 去年)."""
    m = re.search(rf"(\d{{4}})\s*[年\-/.]\s*({_N})\s*[月\-/.]\s*({_N})[日号]?", question)
    if m:
        day = _safe(int(m.group(1)), number(m.group(2)), number(m.group(3)))
        if day:
            return Asked("day", day.isoformat())
    m = re.search(rf"(?<![\d年])({_N})月({_N})[日号]", question) or re.search(
        r"(?<![\d.])(\d{1,2})[./](\d{1,2})(?![\d.%万亿千百])", question
    )
    if m and _safe(2000, number(m.group(1)), number(m.group(2))):
        return Asked("day", f"--{number(m.group(1)):02d}-{number(m.group(2)):02d}")
    m = re.search(rf"(\d{{4}})年({_N})月", question)
    if m:
        return Asked("month", f"{int(m.group(1)):04d}-{number(m.group(2)):02d}")
    m = re.search(r"(\d{4})年(?!代|度)", question)
    if m:
        return Asked("year", m.group(1))
    for word, offset in _Q_DAY.items():
        if word in question:
            return Asked("day", offset=offset)
    if _Q_TODAY.search(question):
        return Asked("today")
    m = _Q_WEEKDAY.search(question)
    if m:
        # The last such day up to now (上周五: the week before's), the weekend its Saturday.
        return Asked("weekday", m.group("d"), -7 if m.group("w") == "上" else 0)
    if _Q_RECENT.search(question):
        return Asked("recent")
    m = _Q_WEEK.search(question)
    if m:
        return Asked("week", offset=-7 if m.group("w") == "上" else 0)
    for word, offset in _Q_YEAR.items():
        if word in question:
            return Asked("year", offset=offset)
    if _Q_LATEST.search(question):
        return Asked("latest")
    return None
