"""Rendering answers: the Telegram HTML card, escaping, and splitting into 4096-unit messages."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fake_bot_api import BadRequest, parse_html

from bot.render import (
    answer_html,
    article_messages,
    corpus_html,
    hits_html,
    list_html,
    pack_messages,
    split_paragraph,
    telegram_length,
)
from retrieval.models import Answer, Article, ArticleItem, ArticleRef, Hit

NASTY = "<b>a & b</b> *x* _y_ `z` [l](u) &amp; 😀 > <"


def make_answer(found: bool = True, text: str = "三座", title: str = "城东区新建三座图书馆"):
    ref = ArticleRef(7, title, None, None, ["李明"], "2025-03-01", "城东晚报")
    hits = [
        Hit(70, 7, title, 3.0, "城东区今年新建三座图书馆。"),
        Hit(80, 8, "别的文章", 1.0, "别的"),
    ]
    if not found:
        return Answer("问题", None, None, "other", 0.1, None, None, hits, 1.0)
    return Answer("问题", text, "城东区今年新建三座图书馆。", "number", 3.0, ref, 70, hits, 1.0,
                  ["图书馆"])  # fmt: skip


def test_answer_card_bolds_the_answer_quotes_the_evidence_and_cites():
    card = answer_html(make_answer())
    assert card == (
        "<b>三座</b>\n"
        "<blockquote>城东区今年新建三座<u>图书馆</u>。</blockquote>\n"
        "来源：《城东区新建三座图书馆》 · 记者 李明 · 城东晚报 · 2025-03-01"
    )


def test_not_found_card_names_the_nearest_article():
    card = answer_html(make_answer(found=False))
    assert card == "没有找到相关内容\n最接近的文章：《城东区新建三座图书馆》"


@pytest.mark.parametrize("found", [True, False])
def test_corpus_text_is_escaped_into_valid_telegram_html(found):
    answer = make_answer(found, text=NASTY, title=NASTY)
    answer.question = NASTY
    for rendered in (answer_html(answer), hits_html(answer, 0)):
        shown = parse_html(rendered)
        assert NASTY in shown


def test_highlighting_prefers_the_longest_word_and_escapes_around_it():
    answer = make_answer()
    answer.evidence = "a<b 图书馆藏书 & 图书"
    answer.matched = ["图书", "图书馆"]
    assert "a&lt;b <u>图书馆</u>藏书 &amp; <u>图书</u>" in answer_html(answer)


def test_hits_list_numbers_the_remaining_hits_with_snippets():
    text = hits_html(make_answer(), 1)
    assert text == "<b>更多结果：问题</b>\n\n1. <b>《别的文章》</b>\n别的"
    assert hits_html(make_answer(), 2) == "没有更多结果了。"


def test_length_is_counted_after_entities_in_utf16_units():
    assert telegram_length("<b>a&amp;b</b>") == 3
    assert telegram_length("😀") == 2


def test_long_paragraph_is_cut_at_sentence_ends():
    text = "一二三。四五六七。八九。"
    assert split_paragraph(text, 8) == ["一二三。", "四五六七。八九。"]
    assert split_paragraph(text, 100) == [text]


def test_a_sentence_longer_than_the_limit_is_cut_hard_without_splitting_an_emoji():
    pieces = split_paragraph("😀" * 5 + "。", 4)
    assert pieces == ["😀😀", "😀😀", "😀。"]


def test_blocks_are_packed_into_as_few_messages_as_fit():
    assert pack_messages(["aa", "bb", "cc"], limit=6) == ["aa\n\nbb", "cc"]
    assert pack_messages(["&amp;" * 3, "b"], limit=6) == ["&amp;&amp;&amp;\n\nb"]


def test_article_is_split_at_paragraph_boundaries_into_valid_messages():
    paragraphs = [f"第{i}段<>&" + "字" * 1500 for i in range(8)]
    article = Article(title="A & B", paragraphs=paragraphs, reporters=["李明"], date="2025-03-01")
    messages = article_messages(article)
    assert len(messages) > 1
    assert all(telegram_length(m) <= 4096 for m in messages)
    shown = [parse_html(m) for m in messages]
    assert shown[0].startswith("A & B\n李明 · 2025-03-01\n\n")
    assert [p for m in shown for p in m.split("\n\n")][1:] == paragraphs


def test_a_paragraph_longer_than_a_message_is_split_and_kept_in_order():
    paragraph = "很长的句子。" * 1000
    messages = article_messages(Article(title="T", paragraphs=[paragraph]))
    assert all(telegram_length(m) <= 4096 for m in messages)
    assert "".join(parse_html(m) for m in messages).replace("\n\n", "") == "T" + paragraph


def test_corpus_summary_names_papers_counts_and_dates():
    stats = {"articles": 5, "paragraphs": 40, "sources": ["西宁晚报"], "first_date": "2024-08-22",
             "last_date": "2024-08-22", "documents": 1}  # fmt: skip
    assert corpus_html(stats) == "报纸：西宁晚报\n共 5 篇文章，40 个段落\n日期：2024-08-22"
    stats.update(sources=[], last_date="2024-08-30")
    assert corpus_html(stats) == "共 5 篇文章，40 个段落\n日期：2024-08-22 至 2024-08-30"


def test_the_fake_api_rejects_what_telegram_rejects():
    for bad in ["a & b", "<script>x</script>", "<b>x</i>", "<b>x", "a > b"]:
        with pytest.raises(BadRequest):
            parse_html(bad)


def make_list(title: str = NASTY) -> Answer:
    items = [ArticleItem(i, f"{title}{i}", "2024-08-27", "西宁晚报", f"导语{i}。")
             for i in range(1, 8)]
    return Answer("今天有什么新闻", "2024-08-27 的报纸共 7 篇报道", None, "other", 1.0, None,
                  None, [], 1.0, intent="digest", articles=items)


def test_a_list_reply_is_its_line_and_a_page_of_escaped_numbered_articles():
    card = answer_html(make_list())
    shown = parse_html(card)
    assert shown.startswith("2024-08-27 的报纸共 7 篇报道\n\n1. ")
    assert f"{NASTY}5" in shown and f"{NASTY}6" not in shown
    assert "2024-08-27 · 西宁晚报" in shown and "导语1。" in shown


def test_a_console_list_reply_says_how_many_articles_its_first_page_leaves_out():
    from bot.render import answer_text

    shown = answer_text(make_list("标题"))
    assert shown.splitlines()[0] == "2024-08-27 的报纸共 7 篇报道"
    assert "标题5" in shown and "标题6" not in shown
    assert shown.endswith("还有 2 篇（:more 查看）")
    assert "还有" not in answer_text(replace(make_list("标题"), articles=make_list().articles[:5]))


def test_list_pages_go_on_from_where_the_last_stopped():
    answer = make_list("标题")
    assert list_html(answer, 5).startswith("6. <b>标题6</b>")
    assert list_html(answer, 10) == "没有更多结果了。"
