"""Dates an article writes, resolved against its own date; a range's ends; a question's time."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.dates import (
    Asked,
    annotate,
    asked_time,
    display,
    mentions,
    range_end,
    years_asked,
    years_covered,
)
from retrieval.qtype import classify

FRIDAY = date(2024, 8, 23)


def resolve(text: str, anchor: date = FRIDAY) -> list[tuple[str, str]]:
    return [(m.phrase, m.value) for m in mentions(text, anchor)]


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("昨日上午，市里召开会议。", FRIDAY, [("昨日", "2024-08-22")]),
        ("前天傍晚发生火灾。", date(2023, 1, 1), [("前天", "2022-12-30")]),
        ("明日即为元旦。", date(2024, 12, 31), [("明日", "2025-01-01")]),
        ("今年以来共查处案件三百余起。", FRIDAY, [("今年", "2024")]),
        ("去年年底完成改造。", date(2025, 1, 6), [("去年年底", "2024")]),
        ("本月底前完成维修。", date(2024, 7, 10), [("本月底", "2024-07")]),
        ("上月29日挂牌。", date(2024, 3, 4), [("上月29日", "2024-02-29")]),
        ("12月28日投入使用。", date(2025, 1, 3), [("12月28日", "2024-12-28")]),
        ("上周五开展演练。", FRIDAY, [("上周五", "2024-08-16")]),
        ("下周一起实行。", date(2024, 12, 31), [("下周一", "2025-01-06")]),
        ("2019年3月12日大修。", FRIDAY, [("2019年3月12日", "2019-03-12")]),
        ("近日，市卫健委发布提示。", FRIDAY, [("近日", "vague")]),
    ],
)
def test_relative_dates_resolve_against_the_articles_day(text, anchor, expected):
    assert resolve(text, anchor) == expected


def test_a_bare_day_lies_nearest_the_article_in_the_direction_of_its_tense():
    # Ahead within the month, behind across the turn of a month, ahead when it says 将.
    assert resolve("25日7时30分开赛。", date(2024, 8, 22)) == [("25日", "2024-08-25")]
    assert resolve("29日，交警通报了案例。", date(2025, 1, 2)) == [("29日", "2024-12-29")]
    assert resolve("运动会将于28日开幕。", date(2023, 8, 21)) == [("28日", "2023-08-28")]
    assert resolve("28日已经开幕了。", date(2023, 8, 21)) == [("28日", "2023-07-28")]


@pytest.mark.parametrize("text", ["每日发车二十四班。", "日均客流二十万。", "日用品价格低。",
                                  "乘坐5号线到站。", "比赛当天有2000名志愿者。"])
def test_words_holding_day_characters_are_no_dates(text):
    assert resolve(text) == []


def test_annotate_shows_the_day_after_each_relative_date_once():
    text = "昨日，市里宣布本月28日起闭馆，今年共检修3次，近日完工。"
    shown = annotate(text, FRIDAY)
    assert shown == (
        "昨日（8月22日），市里宣布本月28日（8月28日）起闭馆，今年（2024年）共检修3次，近日完工。"
    )
    assert annotate(shown, FRIDAY) == shown
    assert annotate(text, None) == text


def test_display_leaves_out_the_anchors_year_only():
    assert display("2024-08-22", FRIDAY) == "8月22日"
    assert display("2023-08-27", FRIDAY) == "2023年8月27日"
    assert display("2024", FRIDAY) == "2024年"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("道路几点开始封闭？", "25日5时"),
        ("封闭到几点结束？", "12时"),
        ("封闭时间是什么？", None),
    ],
)
def test_a_ranges_start_or_end_is_the_one_asked(question, expected):
    evidence = "25日5时至12时，海湖路将封闭。"
    assert range_end(classify(question).bound, evidence, "12时") == expected


def test_the_end_of_a_range_across_midnight_keeps_its_day_word():
    evidence = "施工时间为每日21时至次日6时。"
    assert range_end(classify("施工几点结束").bound, evidence, "21时") == "次日6时"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("今天有什么新闻", Asked("today")),
        ("昨天的报纸", Asked("day", offset=-1)),
        ("8月22日有什么新闻", Asked("day", "--08-22")),
        ("2024-08-26的新闻", Asked("day", "2024-08-26")),
        ("2023年西宁半马几点开赛", Asked("year", "2023")),
        ("去年的半马冠军是谁", Asked("year", offset=-1)),
        ("本周有什么新闻", Asked("week")),
        ("上周五的报纸", Asked("weekday", "五", -7)),
        ("最新一期", Asked("latest")),
        ("西宁半马几点开赛", None),
        ("2023年度科技奖有几项", None),
    ],
)
def test_the_time_a_question_names(question, expected):
    assert asked_time(question) == expected


def test_years_asked_reads_full_and_two_digit_years_not_spans_or_counts():
    assert years_asked("24年西宁半马和2023年的比，20年来有2000余名") == {2024, 2023}


@pytest.mark.parametrize("question", ["民国29年，三门县是怎么成立的？", "明治29年补助哪儿的商船？"])
def test_a_year_of_an_era_is_no_two_digit_year(question):
    assert years_asked(question) == set()


def test_years_covered_adds_the_articles_own_year_and_its_relative_years():
    text = "去年（有2000余名志愿者）的2024招商银行西宁半程马拉松赛"
    assert years_covered(text, date(2025, 8, 1)) == {2025, 2024}
    assert years_covered(text, None) == {2024}


def test_a_range_asked_whole_keeps_both_its_ends():
    from retrieval.dates import range_end

    evidence = "施工时间为每日21时至次日6时。"
    for question, expected in [("修路时间是几点到几点？", None), ("几点开门几点关？", None),
                               ("修路到几点结束？", "次日6时"), ("修路持续到几点？", "次日6时")]:
        assert range_end(classify(question).bound, evidence, "21时至次日6时") == expected
