"""The Telegram handlers, offline: python-telegram-bot's requests go in-process to the strict
fake Bot API, updates are fed through `Application.process_update`, and the answering core is
a small fake over a real store (the e2e test runs the real one)."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from fake_bot_api import BotAPI
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot import telegram_backend
from bot.telegram import MAX_QUESTION, Settings, build_application, example_questions
from bot.telegram_backend import Backend
from bot.telegram_limits import RateLimiter, parse_chat_ids
from bot.telegram_logging import RedactFilter
from retrieval.errors import NewsbotError
from retrieval.models import Answer, Article, ArticleItem, Hit
from retrieval.store import Store

TOKEN = "123456:TEST-token_value"
ALICE, BOB, CAROL = 1001, 1002, 1003
GROUP = BotAPI.group(-100555)
LONG_PARAGRAPH = "这是很长的一段报道，用来检验原文按段落拆分。" * 15


class InProcessRequest(BaseRequest):
    """Hands python-telegram-bot's Bot API calls straight to the fake server's logic."""

    def __init__(self, api: BotAPI) -> None:
        self.api = api

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        status, body = self.api.call(url.rsplit("/", 1)[1], params)
        return status, json.dumps(body).encode()


class FakeConversation:
    """Records the questions asked in one chat, like the real Conversation keeps a topic."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def reset(self) -> None:
        self.questions.clear()


class FakeSearcher:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.refreshes = 0

    def refresh(self) -> int:
        self.refreshes += 1
        return 0


def fake_answer(question: str, searcher: FakeSearcher, *, k: int = 5, conversation=None) -> Answer:
    """Answers from the first stored article; "没有" in a question: not found; "崩溃": raises;
    "新闻" or "报道": a list of seven articles (the stored ones over again)."""
    if "崩溃" in question:
        raise RuntimeError("the answering core failed")
    if conversation is not None:
        conversation.questions.append(question)
    firsts = {}
    for row in searcher.store.iter_paragraphs():
        firsts.setdefault(row.article_id, row)
    hits = [Hit(r.id, r.article_id, r.title, 1.0, r.text) for r in firsts.values()]
    if "没有" in question:
        return Answer(question, None, None, "other", 0.1, None, None, hits, 1.0)
    if "新闻" in question or "报道" in question:
        rows = searcher.store.articles()
        listed = [ArticleItem(r["id"], r["title"], r["date"], r["source"], f"导语{n}")
                  for n, r in zip(range(7), rows * 3, strict=False)]
        return Answer(question, f"共 {len(listed)} 篇", None, "other", 1.0, None, None, [], 1.0,
                      intent="digest", articles=listed)
    best = hits[0]
    ref = searcher.store.article_ref(best.article_id)
    return Answer(
        question, "三座", best.text, "number", 9.0, ref, best.paragraph_id, hits, 1.0, ["图书馆"]
    )


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "news.db"
    with Store(path) as store:
        store.add_document(
            name="page.txt",
            sha256="a" * 64,
            kind="page",
            source="城东晚报",
            date="2025-03-01",
            articles=[
                Article(
                    title="城东区新建三座图书馆",
                    paragraphs=["城东区今年新建三座图书馆，藏书共十万册。", "图书馆周一闭馆。"],
                    reporters=["李明", "王芳"],
                    date="2025-03-01",
                    source="城东晚报",
                    position=0,
                ),
                Article(
                    title="<b>标题</b> & “引号” *星号* _下划线_",
                    paragraphs=["a < b && c > d 😀", "第二段"],
                    date="2025-03-02",
                    position=1,
                ),
                Article(
                    title="一篇很长的通讯",
                    paragraphs=[f"{i}：{LONG_PARAGRAPH}" for i in range(30)],
                    date="2025-03-03",
                    position=2,
                ),
            ],
        )
    return path


@pytest.fixture
def api():
    api = BotAPI(token=TOKEN)
    yield api
    assert api.violations == [], "the bot broke Bot API rules"


@pytest.fixture
def settings():
    return Settings(rate_limit=100)


@pytest.fixture
async def app(api, db, settings):
    backend = Backend(lambda: FakeSearcher(Store(db)), fake_answer, FakeConversation, workers=2)
    application = build_application(TOKEN, backend, settings, request=InProcessRequest(api))
    await application.initialize()
    yield application
    await application.shutdown()
    backend.close()


async def feed(app, api: BotAPI) -> None:
    """Process every update the fake server holds, as polling would."""
    for update in api.api_getupdates({"offset": api.delivered_up_to + 1, "timeout": 0}):
        await app.process_update(Update.de_json(update, app.bot))


async def say(app, api, user: int, text: str, chat=None, reply_to=None) -> dict:
    message = api.send_text(user, text, chat, reply_to)
    await feed(app, api)
    return message


async def press(app, api, user: int, message: dict, data: str) -> dict:
    query_id = api.press(user, message, data)
    await feed(app, api)
    return api.callback_answers[query_id]


def buttons(message: dict) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def last(api: BotAPI, chat_id: int) -> dict:
    return api.bot_messages(chat_id)[-1]


# --- questions ------------------------------------------------------------------------


async def test_private_question_gets_bold_answer_quoted_evidence_and_source(app, api):
    await say(app, api, ALICE, "城东区新建了几座图书馆？")
    [reply] = api.bot_messages(ALICE)
    assert reply["html"].startswith("<b>三座</b>")
    assert (
        "<blockquote>城东区今年新建三座<u>图书馆</u>，藏书共十万册。</blockquote>" in reply["html"]
    )
    assert (
        "来源：《城东区新建三座图书馆》 · 记者 李明、王芳 · 城东晚报 · 2025-03-01" in reply["text"]
    )
    assert set(buttons(reply)) == {"更多结果", "原文", "👍", "👎"}
    assert all(len(data.encode()) <= 64 for data in buttons(reply).values())


async def test_typing_indicator_is_shown_before_the_answer(app, api):
    await say(app, api, ALICE, "图书馆几座？")
    [typing] = api.methods("sendChatAction")
    [answer] = api.methods("sendMessage")
    assert typing.params == {"chat_id": ALICE, "action": "typing"}
    assert typing.at <= answer.at


async def test_not_found_is_said_plainly_with_the_nearest_article(app, api):
    await say(app, api, ALICE, "有没有关于火星的报道？")
    reply = last(api, ALICE)
    assert reply["text"].startswith("没有找到相关内容")
    assert "最接近的文章：《城东区新建三座图书馆》" in reply["text"]
    assert "原文" in buttons(reply)


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script> & 没有 *粗体* _斜体_ `代码` [链接](x)", "没有 😀🎉 &amp; &lt;"],
)
async def test_html_and_markdown_in_questions_round_trip_escaped(app, api, text):
    await say(app, api, ALICE, text)
    reply = last(api, ALICE)
    await press(app, api, ALICE, reply, buttons(reply)["更多结果"])
    assert text in last(api, ALICE)["text"]


async def test_corpus_text_with_html_characters_is_escaped(app, api):
    await say(app, api, ALICE, "没有这个")
    reply = last(api, ALICE)
    await press(app, api, ALICE, reply, buttons(reply)["更多结果"])
    more = last(api, ALICE)
    assert "<b>标题</b> & “引号” *星号* _下划线_" in more["text"]
    await press(app, api, ALICE, more, buttons(more)["原文 2"])
    assert last(api, ALICE)["text"].endswith("a < b && c > d 😀\n\n第二段")


@pytest.mark.parametrize("text", ["   ", "/ask", "/ask   "])
async def test_empty_question_gets_usage_not_a_crash(app, api, text):
    await say(app, api, ALICE, text)
    assert "/ask 问题" in last(api, ALICE)["text"]


async def test_four_thousand_character_question_is_refused_politely(app, api):
    await say(app, api, ALICE, "图" * 4000)
    assert f"请缩短到 {MAX_QUESTION} 字以内" in last(api, ALICE)["text"]
    assert api.methods("sendChatAction") == []


@pytest.mark.parametrize("send", ["sticker", "command"])
async def test_non_text_and_unknown_commands_get_a_one_line_hint(app, api, send):
    if send == "sticker":
        api.send_sticker(ALICE)
        await feed(app, api)
    else:
        await say(app, api, ALICE, "/weather")
    [reply] = api.bot_messages(ALICE)
    assert "\n" not in reply["text"]


# --- follow-ups -----------------------------------------------------------------------


async def test_follow_ups_share_the_chat_conversation_and_reset_forgets(app, api):
    await say(app, api, ALICE, "城东区新建了几座图书馆？")
    await say(app, api, ALICE, "藏书多少？")
    await say(app, api, BOB, "别的问题")
    conversation = app.chat_data[ALICE]["conversation"]
    assert conversation.questions == ["城东区新建了几座图书馆？", "藏书多少？"]
    assert app.chat_data[BOB]["conversation"].questions == ["别的问题"]
    await say(app, api, ALICE, "/reset")
    assert conversation.questions == []


# --- buttons --------------------------------------------------------------------------


async def test_more_results_sends_the_other_hits_with_their_articles(app, api):
    await say(app, api, ALICE, "图书馆")
    reply = last(api, ALICE)
    await press(app, api, ALICE, reply, buttons(reply)["更多结果"])
    more = last(api, ALICE)
    assert "1. 《<b>标题</b>" in more["text"] and "2. 《一篇很长的通讯》" in more["text"]
    assert "城东区新建三座图书馆" not in more["text"]
    assert set(buttons(more)) == {"原文 1", "原文 2"}


async def test_a_list_reply_has_a_button_per_article_and_pages_with_more(app, api, db):
    await say(app, api, ALICE, "今天有什么新闻")
    reply = last(api, ALICE)
    assert reply["html"].startswith("<b>共 7 篇</b>")
    opens = [d for d in buttons(reply).values() if d.startswith("src:")]
    assert len(opens) == 5 and "1. 城东区新建三座图书馆" in buttons(reply)
    await press(app, api, ALICE, reply, buttons(reply)["1. 城东区新建三座图书馆"])
    assert last(api, ALICE)["text"].startswith("城东区新建三座图书馆")
    await press(app, api, ALICE, reply, buttons(reply)["更多结果"])
    page = last(api, ALICE)
    assert page["text"].startswith("6. ") and "7. " in page["text"] and "5. " not in page["text"]
    assert "更多结果" not in buttons(page) and len(buttons(page)) == 2
    await press(app, api, ALICE, reply, buttons(reply)["更多结果"])
    assert last(api, ALICE)["text"] == "没有更多结果了。"


@pytest.mark.parametrize(
    ("command", "asked"),
    [("/latest", "最新一期有什么新闻"), ("/date 2024-08-22", "2024-08-22的新闻"),
     ("/search 半马", "关于半马的报道")],
)
async def test_news_commands_ask_the_core_as_a_reader_would(app, api, command, asked):
    await say(app, api, ALICE, command)
    assert app.chat_data[ALICE]["conversation"].questions == [asked]
    assert last(api, ALICE)["html"].startswith("<b>共 7 篇</b>")


@pytest.mark.parametrize("command", ["/date", "/date 8月22日", "/search"])
async def test_news_commands_without_their_argument_say_how(app, api, command):
    await say(app, api, ALICE, command)
    assert last(api, ALICE)["text"].startswith("请")
    assert "conversation" not in app.chat_data.get(ALICE, {})


async def test_full_article_is_split_at_paragraph_boundaries_within_4096(app, api):
    await say(app, api, ALICE, "没有")
    more_source = last(api, ALICE)
    await press(app, api, ALICE, more_source, buttons(more_source)["更多结果"])
    more = last(api, ALICE)
    await press(app, api, ALICE, more, buttons(more)["原文 3"])
    parts = [m for m in api.bot_messages(ALICE) if m["message_id"] > more["message_id"]]
    assert len(parts) > 1
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert parts[0]["text"].startswith("一篇很长的通讯")
    paragraphs = [p for part in parts for p in part["text"].split("\n\n")][1:]
    assert paragraphs == [f"{i}：{LONG_PARAGRAPH}" for i in range(30)][: len(paragraphs)]
    assert len(paragraphs) == 30


async def test_votes_are_stored_with_question_and_answer_once_per_reader(app, api, db):
    await say(app, api, ALICE, "城东区新建了几座图书馆？")
    reply = last(api, ALICE)
    first = await press(app, api, ALICE, reply, buttons(reply)["👍"])
    again = await press(app, api, ALICE, reply, buttons(reply)["👎"])
    assert first["text"] == "谢谢反馈！" and again["text"] != first["text"]
    rows = list(Store(db).db["feedback"].rows)
    assert [(r["chat_id"], r["user_id"], r["question"], r["answer"], r["vote"]) for r in rows] == [
        (ALICE, ALICE, "城东区新建了几座图书馆？", "三座", 1)
    ]
    assert rows[0]["article_id"] is not None and rows[0]["paragraph_id"] is not None


async def test_buttons_of_a_forgotten_answer_say_it_expired(app, api):
    await say(app, api, ALICE, "图书馆")
    reply = last(api, ALICE)
    app.bot_data["newsbot"].answers._items.clear()
    answered = await press(app, api, ALICE, reply, buttons(reply)["更多结果"])
    assert "过期" in answered["text"]
    assert len(api.bot_messages(ALICE)) == 1


async def test_start_shows_corpus_figures_and_examples_from_stored_titles(app, api):
    await say(app, api, ALICE, "/start")
    reply = last(api, ALICE)
    assert "城东晚报" in reply["text"] and "3 篇文章" in reply["text"]
    assert "2025-03-01 至 2025-03-03" in reply["text"]
    assert "城东区新建三座图书馆是怎么回事？" in reply["text"]
    assert len([d for d in buttons(reply).values() if d.startswith("ex:")]) == 3


async def test_tapping_an_example_question_answers_it(app, api):
    await say(app, api, ALICE, "/help")
    start = last(api, ALICE)
    await press(app, api, ALICE, start, buttons(start)["城东区新建三座图书馆是怎么回事？"])
    assert last(api, ALICE)["html"].startswith("<b>三座</b>")
    assert app.chat_data[ALICE]["conversation"].questions == ["城东区新建三座图书馆是怎么回事？"]


async def test_about_gives_the_corpus_figures(app, api):
    await say(app, api, ALICE, "/about")
    assert "3 篇文章" in last(api, ALICE)["text"]


def test_example_questions_spread_over_the_archive_and_skip_long_titles():
    articles = [{"id": i, "title": f"标题{i}"} for i in range(9)]
    articles.append({"id": 99, "title": "长" * 50})
    assert example_questions(articles) == [
        (0, "标题0是怎么回事？"),
        (3, "标题3是怎么回事？"),
        (6, "标题6是怎么回事？"),
    ]


# --- groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["/ask 图书馆几座？", "/ask@newsbot_test_bot 图书馆几座？", "@newsbot_test_bot 图书馆几座？"],
)
async def test_group_answers_ask_and_mentions_quoting_the_asker(app, api, text):
    asked = await say(app, api, BOB, text, GROUP)
    reply = last(api, GROUP["id"])
    assert reply["reply_to_message"]["message_id"] == asked["message_id"]
    assert app.chat_data[GROUP["id"]]["conversation"].questions == ["图书馆几座？"]


async def test_group_answers_replies_to_the_bot_and_ignores_chatter(app, api):
    await say(app, api, BOB, "今天天气不错", GROUP)
    await say(app, api, CAROL, "/ask@other_bot 图书馆？", GROUP)
    await say(app, api, CAROL, "@someone_else 你好", GROUP)
    api.send_sticker(BOB, GROUP)
    await feed(app, api)
    assert api.bot_messages(GROUP["id"]) == []
    await say(app, api, BOB, "/ask 图书馆几座？", GROUP)
    answer = last(api, GROUP["id"])
    await say(app, api, CAROL, "藏书多少？", GROUP, reply_to=answer)
    assert len(api.bot_messages(GROUP["id"])) == 2
    assert app.chat_data[GROUP["id"]]["conversation"].questions == ["图书馆几座？", "藏书多少？"]


# --- inline mode ----------------------------------------------------------------------


async def test_inline_query_offers_the_answer_then_other_hits(app, api):
    query_id = api.inline(ALICE, "城东区新建了几座图书馆？")
    await feed(app, api)
    results = api.inline_answers[query_id]["results"]
    assert 1 < len(results) <= 5
    assert results[0]["title"] == "三座"
    assert "城东区新建三座图书馆" in results[0]["description"]
    assert results[0]["input_message_content"]["message_text"].startswith("<b>三座</b>")
    assert [r["title"] for r in results[1:]] == [
        "<b>标题</b> & “引号” *星号* _下划线_",
        "一篇很长的通讯",
    ]


async def test_empty_inline_query_gets_no_results(app, api):
    query_id = api.inline(ALICE, "  ")
    await feed(app, api)
    assert api.inline_answers[query_id]["results"] == []


# --- limits and errors ----------------------------------------------------------------


@pytest.mark.parametrize("settings", [Settings(rate_limit=2)])
async def test_rate_limit_refuses_politely_per_user(app, api, settings):
    for _ in range(3):
        await say(app, api, ALICE, "图书馆几座？")
    await say(app, api, BOB, "图书馆几座？")
    texts = [m["text"] for m in api.bot_messages(ALICE)]
    assert texts[2].startswith("问得太快啦")
    assert not texts[1].startswith("问得太快啦")
    assert last(api, BOB)["text"].startswith("三座")


@pytest.mark.parametrize("settings", [Settings(allowed_chats=frozenset({ALICE}), rate_limit=100)])
async def test_other_chats_get_a_refusal_and_nothing_else(app, api, settings):
    await say(app, api, BOB, "图书馆几座？")
    await say(app, api, BOB, "/start")
    await say(app, api, CAROL, "今天天气不错", GROUP)
    await say(app, api, CAROL, "/ask 图书馆几座？", GROUP)
    query_id = api.inline(BOB, "图书馆")
    await feed(app, api)
    assert [m["text"] for m in api.bot_messages(BOB)] == [
        "抱歉，这个机器人只在指定的聊天里回答问题。"
    ] * 2
    assert [m["text"] for m in api.bot_messages(GROUP["id"])] == [
        "抱歉，这个机器人只在指定的聊天里回答问题。"
    ]
    assert api.inline_answers[query_id]["results"] == []
    assert api.methods("sendChatAction") == []
    await say(app, api, ALICE, "图书馆几座？")
    assert last(api, ALICE)["text"].startswith("三座")


async def test_a_failing_handler_is_logged_with_its_update_and_the_user_gets_an_apology(
    app, api, caplog
):
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        await say(app, api, ALICE, "让它崩溃")
    assert "抱歉" in last(api, ALICE)["text"]
    [record] = [r for r in caplog.records if r.name == "bot.telegram"]
    assert "failed to handle update 1" in record.getMessage()
    assert record.exc_info[0] is RuntimeError
    await say(app, api, ALICE, "图书馆几座？")
    assert last(api, ALICE)["text"].startswith("三座")


# --- the pieces -----------------------------------------------------------------------


async def test_each_worker_thread_opens_one_searcher_and_refreshes_it(db, monkeypatch):
    monkeypatch.setattr(telegram_backend, "REFRESH_EVERY", 0.0)
    opened = []

    def open_searcher() -> FakeSearcher:
        opened.append(FakeSearcher(Store(db)))
        return opened[-1]

    backend = Backend(open_searcher, fake_answer, FakeConversation, workers=1)
    try:
        for _ in range(3):
            assert (await backend.answer("图书馆几座？")).answer == "三座"
    finally:
        backend.close()
    assert len(opened) == 1 and opened[0].refreshes == 2


def test_rate_limiter_window_slides_per_user():
    now = [0.0]
    limiter = RateLimiter(2, period=60, clock=lambda: now[0])
    assert limiter.allow(1) and limiter.allow(1) and not limiter.allow(1)
    assert limiter.allow(2)
    assert limiter.retry_in(1) == 60
    now[0] = 59.9
    assert not limiter.allow(1)
    now[0] = 60.0
    assert limiter.allow(1)


@pytest.mark.parametrize(
    ("value", "ids"),
    [(None, None), ("", None), ("42", {42}), (" 42, -100123 ,", {42, -100123})],
)
def test_allowed_chats_are_parsed_from_a_comma_list(value, ids):
    assert parse_chat_ids(value) == (frozenset(ids) if ids is not None else None)


def test_a_bad_allowed_chat_id_names_the_option():
    with pytest.raises(NewsbotError, match="--allowed-chats: 'abc'"):
        parse_chat_ids("42,abc")


def test_token_is_redacted_from_message_arguments_and_tracebacks():
    redact = RedactFilter(TOKEN)
    try:
        raise ValueError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except ValueError:
        record = logging.LogRecord(
            "httpx", logging.ERROR, __file__, 1, "GET %s", (f"/bot{TOKEN}/x",), True
        )

        record.exc_info = sys.exc_info()
    redact.filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text
    assert "/bot<token>/x" in text and "/bot<token>/getMe" in text
