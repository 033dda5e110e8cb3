"""News replies over the bundled archive (six issues, 2023 and 2024): digest, articles,
profile, summary, and a factoid answer set in the archive's time."""

from __future__ import annotations

import re
from datetime import date

import pytest

from retrieval import news
from retrieval.answer import Conversation, answer
from retrieval.extract import split_sentences
from retrieval.models import Scope
from retrieval.search import Searcher

LATER = date(2030, 1, 1)  # a day whose paper the archive does not hold


@pytest.fixture(scope="module")
def searcher(archive_db):
    return Searcher.open(archive_db)


def ask(searcher, question, **kwargs):
    return answer(question, searcher, today=kwargs.pop("today", LATER), **kwargs)


def page_order(searcher, day):
    return [r[0] for r in searcher.store.db.execute(
        "SELECT id FROM articles WHERE date = ? ORDER BY document_id, position", [day])]


def test_today_without_todays_paper_is_the_latest_issue_and_says_which(searcher):
    latest = searcher.store.db.execute("SELECT max(date) FROM articles").fetchone()[0]
    reply = ask(searcher, "今天有什么新闻")
    assert reply.intent == "digest"
    assert "2030-01-01" in reply.answer and latest in reply.answer
    assert [a.id for a in reply.articles] == page_order(searcher, latest)
    assert all(a.lede and a.date == latest for a in reply.articles)


def test_today_with_todays_paper_is_that_issue(searcher):
    reply = ask(searcher, "今天有什么新闻", today=date(2024, 8, 23))
    assert [a.id for a in reply.articles] == page_order(searcher, "2024-08-23")
    assert "不在资料库" not in reply.answer


def test_a_named_day_and_a_week_are_their_issues(searcher):
    day = ask(searcher, "8月22日有什么新闻？")
    assert [a.id for a in day.articles] == page_order(searcher, "2024-08-22")
    # This week so far: the Monday and Tuesday issues, not the Friday one after today.
    week = ask(searcher, "本周有什么新闻", today=date(2024, 8, 27))
    assert {a.date for a in week.articles} == {"2024-08-26", "2024-08-27"}
    whole = ask(searcher, "本周有什么新闻", today=date(2024, 9, 1))
    assert {a.date for a in whole.articles} == {"2024-08-26", "2024-08-27", "2024-08-29",
                                             "2024-08-30"}
    assert [a.date for a in week.articles] == sorted((a.date for a in week.articles),
                                                     reverse=True)


def test_a_day_without_a_paper_is_not_found(searcher):
    reply = ask(searcher, "8月25日有什么新闻")
    assert (reply.intent, reply.answer, reply.articles) == ("digest", None, [])


def test_articles_about_a_topic_are_listed_newest_first(searcher):
    reply = ask(searcher, "有关半马的报道")
    assert reply.intent == "articles" and reply.answer
    days = [a.date for a in reply.articles]
    assert days == sorted(days, reverse=True)
    assert {"2024-08-26", "2023-08-28"} <= set(days)
    # Each is a report about the race, not a passing mention of it.
    for item in reply.articles:
        text = "".join(searcher.store.article(item.id).paragraphs)
        assert "半马" in text or "半程马拉松" in text


def test_profile_gives_the_titles_before_the_name_and_the_articles_mentioning_it(searcher):
    reply = ask(searcher, "王卫东是谁？")
    assert reply.intent == "profile"
    assert reply.answer == "省委常委、市委书记"
    assert "王卫东" in reply.evidence and reply.article is not None
    days = [a.date for a in reply.articles]
    assert days == sorted(days, reverse=True) and len(days) >= 3
    assert all("王卫东" in "".join(searcher.store.article(a.id).paragraphs)
               for a in reply.articles)


def test_titles_that_change_are_given_newest_first_with_their_dates():
    titles = [("市长", "2024-08-27"), ("副市长", "2023-08-28")]
    assert news.titles_text(titles) == "市长（2024-08-27）；此前：副市长（2023-08-28）"
    assert news.titles_text([("市委书记", "2024-08-27")]) == "市委书记"


def test_summary_is_the_lede_and_key_facts_from_the_reports_own_text(searcher):
    reply = ask(searcher, "半马那篇讲了什么")
    assert reply.intent == "summary" and reply.article is not None
    article = searcher.store.article(reply.article.id)
    own = [s for p in article.paragraphs for s in split_sentences(p)]
    said = split_sentences(re.sub(r"（\d+月\d+日）|（\d{4}年）", "", reply.answer))
    assert 1 <= len(said) <= 3 and said[0] == own[0]
    assert all(s in own for s in said)
    assert "（8月25日）" in reply.answer  # its 昨日 resolved


def test_summary_without_a_topic_is_of_the_conversations_report(searcher):
    conversation = Conversation()
    first = ask(searcher, "美食季哪天启幕？", conversation=conversation)
    reply = ask(searcher, "总结一下这篇", conversation=conversation)
    assert reply.intent == "summary" and reply.article.id == first.article.id


def test_the_newest_report_answers_unless_the_question_names_a_year(searcher):
    newest = ask(searcher, "西宁半马男子冠军是谁？")
    assert newest.article.date == "2024-08-26"
    named = ask(searcher, "2023年西宁半马男子冠军是谁？")
    assert named.article.date == "2023-08-28"
    last_year = ask(searcher, "去年西宁半马男子冠军是谁？")
    assert last_year.article.date == "2023-08-28"


@pytest.mark.parametrize(("question", "expected", "day"), [
    ("2023年西宁半马有多少人完赛", "6318人", "2023-08-28"),
    ("2024年西宁新增多少个公办学位", "8600个", "2024-08-24"),
])
def test_a_year_named_is_asked_again_among_its_reports_before_refusing(
    searcher, question, expected, day
):
    # Read first against a report of the other year, which names no such year: refused
    # there, answered from the year's own report.
    result = ask(searcher, question)
    assert (result.answer, result.article.date) == (expected, day)


def test_a_relative_day_is_answered_as_the_day_it_means(searcher):
    reply = ask(searcher, "美食季哪天启幕？")
    assert reply.answer == "8月24日"
    assert "明日（8月24日）" in reply.evidence


def test_the_day_an_event_ends_is_not_the_day_of_its_clause(searcher):
    # …将于明日（8月24日）在中心广场启幕，活动持续至9月8日
    assert ask(searcher, "夏都味道美食季活动持续到哪天结束？").answer == "9月8日"


@pytest.mark.parametrize(("question", "expected"),
                         [("海湖新区道路罩面施工几点开始？", "21时"),
                          ("海湖新区道路罩面施工几点结束？", "次日6时")])
def test_a_ranges_start_or_end_is_answered_as_asked(searcher, question, expected):
    assert ask(searcher, question).answer == expected


def test_scope_keeps_retrieval_to_its_dates_and_paper(searcher):
    old = ask(searcher, "西宁半马几点开赛？", scope=Scope(until="2023-12-31"))
    assert old.found and old.article.date <= "2023-12-31"
    assert all(searcher.store.article_ref(h.article_id).date <= "2023-12-31" for h in old.hits)
    other_paper = ask(searcher, "西宁半马几点开赛？", scope=Scope(source="别的报纸"))
    assert not other_paper.found and other_paper.hits == []
    listed = ask(searcher, "有关半马的报道", scope=Scope(since="2024-01-01"))
    assert listed.articles and all(a.date >= "2024-01-01" for a in listed.articles)


def test_json_carries_intent_and_articles(searcher):
    reply = ask(searcher, "有关半马的报道").to_json()
    assert reply["intent"] == "articles"
    assert all(set(a) == {"id", "title", "date", "source", "lede"} for a in reply["articles"])
    assert ask(searcher, "西宁半马几点开赛？").to_json()["articles"] == []


@pytest.mark.parametrize(
    ("short", "expected"),
    [
        ("昨日7时30分", "8月29日7时30分"),
        ("9月2日0时至10月31日24时", "9月2日0时至10月31日24时"),  # a range keeps both ends
        ("今日9时至明日17时", "8月30日9时至8月31日17时"),
    ],
)
def test_a_time_answer_has_its_relative_days_resolved_in_place(short, expected):
    assert news._resolved_time("什么时候", short, short, date(2024, 8, 30)) == expected
