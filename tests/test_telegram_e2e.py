"""`newsbot telegram` end to end: the real command in a subprocess, over real HTTP, against the
strict fake Bot API on 127.0.0.1, answering from the real core over the bundled page.

Expected cards are not written down here: the test asks the same core in-process the same
questions in the same order and checks the bot showed exactly that, rendered for Telegram."""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fake_bot_api import BotAPI, FakeBotAPIServer

from bot import render
from retrieval.store import Store

pytestmark = pytest.mark.slow

TOKEN = "987654:E2E-secret_token-value"
REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "data" / "eval" / "questions.jsonl"
START_TIMEOUT = 60.0
REPLY_TIMEOUT = 20.0


def gold_questions() -> list[dict]:
    """The bundled gold questions: real reader questions about the bundled page."""
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


class BotProcess:
    """`python -m bot telegram …` with its output in a log file; always stopped."""

    def __init__(
        self,
        tmp: Path,
        server: FakeBotAPIServer,
        *args: str,
        verbose: bool = False,
        env: dict | None = None,
    ) -> None:
        self.log = tmp / "bot.log"
        self.db = tmp / "news.db"
        command = [sys.executable, "-m", "bot", *(["-v"] if verbose else []), "telegram", *args]
        command += ["--base-url", server.base_url]
        environment = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_DB": str(self.db)}
        environment.update(env or {})
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                command, cwd=tmp, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        self.api = server.api

    def wait_ready(self) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited early:\n{self.log.read_text()}")
            return bool(self.api.commands) and bool(self.api.methods("getUpdates"))

        self.api.wait_for(ready, START_TIMEOUT, "the bot to start polling")

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, then kill after `timeout`; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def server():
    with FakeBotAPIServer(BotAPI(token=TOKEN)) as server:
        yield server


@pytest.fixture(scope="module")
def bot(server, tmp_path_factory):
    bot = BotProcess(tmp_path_factory.mktemp("bot"), server, "--rate-limit", "1000")
    try:
        bot.wait_ready()
        yield bot
    finally:
        bot.stop()


@pytest.fixture
def api(bot):
    """The fake server; each test must leave it without Bot API violations."""
    yield bot.api
    assert bot.api.violations == [], "the bot broke Bot API rules"


@pytest.fixture(scope="module")
def core(bot):
    """The answering core in this process, over the database the bot built."""
    from retrieval.answer import Conversation, answer
    from retrieval.search import Searcher

    searcher = Searcher.open(bot.db)
    return lambda question, conversation=None: answer(
        question, searcher, conversation=conversation
    ), Conversation


def ask(api: BotAPI, user: int, text: str, chat: dict | None = None, reply_to=None) -> dict:
    """A user asks; returns the bot's reply (the first bot message after the question)."""
    asked = api.send_text(user, text, chat, reply_to)
    return api.replies((chat or api.private(user))["id"], asked, 1, REPLY_TIMEOUT)[0]


def buttons(message: dict) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def test_private_questions_get_the_cores_answer_as_a_card(api, core):
    answer, conversation_type = core
    conversation = conversation_type()
    for item in [q for q in gold_questions() if "follows" not in q][:4]:
        reply = ask(api, 11, item["question"])
        assert reply["html"] == render.answer_html(answer(item["question"], conversation))
        assert set(buttons(reply)) >= {"👍", "👎"}


def test_a_group_conversation_follows_its_topic(api, core):
    answer, conversation_type = core
    chain = [q for q in gold_questions() if "follows" in q]
    first = next(q for q in gold_questions() if q["id"] == chain[0]["follows"])
    group = api.group(-100777)
    conversation = conversation_type()
    api.send_text(21, "大家好，今天聊什么？", group)
    reply = ask(api, 22, f"/ask@{api.username} {first['question']}", group)
    assert reply["html"] == render.answer_html(answer(first["question"], conversation))
    follow_up = ask(api, 23, chain[0]["question"], group, reply_to=reply)
    assert follow_up["html"] == render.answer_html(answer(chain[0]["question"], conversation))
    assert follow_up["reply_to_message"]["from"]["id"] == 23
    mention = ask(api, 21, f"@{api.username} {first['question']}", group)
    assert mention["html"] == render.answer_html(answer(first["question"], conversation))
    assert len(api.bot_messages(group["id"])) == 3


def test_buttons_page_cite_and_store_votes(api, bot):
    question = gold_questions()[0]["question"]
    reply = ask(api, 31, question)
    api.press(31, reply, buttons(reply)["更多结果"])
    more = api.replies(31, reply, 1, REPLY_TIMEOUT)[0]
    assert more["text"].startswith("更多结果：")
    api.press(31, reply, buttons(reply)["原文"])
    article_id = int(buttons(reply)["原文"].split(":")[1])
    with Store(bot.db) as store:
        article = store.article(article_id)
    parts = api.replies(31, more, len(render.article_messages(article)), REPLY_TIMEOUT)
    assert [p["html"] for p in parts] == render.article_messages(article)
    query_id = api.press(31, reply, buttons(reply)["👎"])
    api.wait_for(lambda: api.callback_answers.get(query_id), REPLY_TIMEOUT, "the vote's answer")
    with Store(bot.db) as store:
        votes = [(r["user_id"], r["question"], r["vote"]) for r in store.db["feedback"].rows]
    assert (31, question, -1) in votes


def test_latest_date_and_search_list_headlines_whose_buttons_open_the_articles(api, core, bot):
    from bot.telegram import LATEST_QUESTION

    answer, _ = core
    latest = ask(api, 35, "/latest")
    expected = answer(LATEST_QUESTION)
    assert expected.intent == "digest" and expected.articles
    assert latest["html"] == render.answer_html(expected)
    opens = [b for b in buttons(latest).items() if b[1].startswith("src:")]
    assert [data for _, data in opens] == [f"src:{a.id}" for a in expected.articles[:5]]
    label, data = opens[0]
    assert expected.articles[0].title.startswith(label.split(". ", 1)[1].rstrip("…"))
    api.press(35, latest, data)
    with Store(bot.db) as store:
        article = store.article(expected.articles[0].id)
    parts = api.replies(35, latest, len(render.article_messages(article)), REPLY_TIMEOUT)
    assert [p["html"] for p in parts] == render.article_messages(article)

    day = ask(api, 36, "/date 2024-08-22")
    assert day["html"] == render.answer_html(answer("2024-08-22的新闻"))
    assert "2024-08-22 的报纸共 5 篇报道" in day["text"]
    found = ask(api, 37, "/search 半马")
    listed = answer("关于半马的报道")
    assert found["html"] == render.answer_html(listed) and listed.intent == "articles"
    assert [a.date for a in listed.articles] == sorted((a.date for a in listed.articles),
                                                       reverse=True)


def test_a_long_list_pages_with_more_results(api, core):
    answer, _ = core
    question = "本周有什么新闻"
    expected = answer(question)
    assert len(expected.articles) > render.LIST_PAGE
    reply = ask(api, 38, question)
    api.press(38, reply, buttons(reply)["更多结果"])
    page = api.replies(38, reply, 1, REPLY_TIMEOUT)[0]
    assert page["html"] == render.list_html(expected, render.LIST_PAGE)
    assert page["text"].startswith(f"{render.LIST_PAGE + 1}. ")


def test_inline_query_offers_up_to_five_answers(api):
    query_id = api.inline(41, gold_questions()[0]["question"])
    answered = api.wait_for(lambda: api.inline_answers.get(query_id), REPLY_TIMEOUT, "inline")
    assert 1 <= len(answered["results"]) <= 5


def test_sticker_gets_a_hint_and_html_laden_text_round_trips(api):
    sticker = api.send_sticker(51)
    assert "文字" in api.replies(51, sticker, 1, REPLY_TIMEOUT)[0]["text"]
    nasty = "<b>半马</b> & *开赛* _时间_ `code` 😀 &amp; </i>"
    reply = ask(api, 51, nasty)
    api.press(51, reply, buttons(reply)["更多结果"])
    assert nasty in api.replies(51, reply, 1, REPLY_TIMEOUT)[0]["text"]


def test_flood_limit_retry_after_is_honoured(api):
    api.flood_once(61, retry_after=1)
    ask(api, 61, gold_questions()[0]["question"])
    attempts = [c for c in api.methods("sendMessage") if c.params["chat_id"] == 61]
    assert [c.ok for c in attempts] == [False, True]
    assert attempts[1].at - attempts[0].at >= 1.0


def test_polling_survives_bot_api_outages(api):
    api.fail_next("getUpdates", 2)
    api.fail_next("sendMessage", 1)
    question = gold_questions()[0]["question"]
    assert ask(api, 62, question)["text"].startswith("抱歉")  # the failed send, apologised for
    assert ask(api, 62, question)["html"].startswith("<b>")
    assert [c.ok for c in api.methods("getUpdates")].count(False) == 2


def test_fifty_questions_from_twenty_users_at_once_are_all_answered(api):
    questions = [q["question"] for q in gold_questions() if "follows" not in q]
    users = range(1000, 1020)
    asked = []
    for i in range(50):
        user = users[i % len(users)]
        asked.append(api.send_text(user, questions[i % len(questions)]))
    latencies, finished = [], []
    for user in users:
        mine = [m for m in asked if m["chat"]["id"] == user]
        replies = api.replies(user, mine[0], len(mine), REPLY_TIMEOUT * 2)
        assert all(r["html"].startswith(("<b>", "没有")) for r in replies)
        for question, reply in zip(mine, replies, strict=False):
            sent = api.arrived[(user, question["message_id"])]
            latencies.append(api.arrived[(user, reply["message_id"])] - sent)
            finished.append(api.arrived[(user, reply["message_id"])])
    assert len(latencies) == 50
    p50 = statistics.median(latencies) * 1000
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    wall = max(finished) - api.arrived[(asked[0]["chat"]["id"], asked[0]["message_id"])]
    print(
        f"\nload: 50 questions from 20 users, all answered in {wall:.1f} s; "
        f"reply latency p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )


# --- separate processes -----------------------------------------------------------------


def test_missing_token_is_one_line_and_a_failure(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["NEWSBOT_DB"] = str(tmp_path / "news.db")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "telegram"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode != 0
    assert done.stderr.decode().strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in done.stderr.decode()


def test_a_rejected_token_fails_with_one_line_and_is_never_printed(tmp_path):
    with FakeBotAPIServer(BotAPI(token="1:the-right-token")) as server:
        bot = BotProcess(tmp_path, server)
        assert bot.proc.wait(START_TIMEOUT) == 1
    output = bot.output()
    assert (
        output.splitlines()[-1]
        == "newsbot: the Bot API rejected the token (check TELEGRAM_BOT_TOKEN)"
    )
    assert TOKEN not in output


def test_rate_limit_allow_list_graceful_stop_and_no_token_in_logs(tmp_path):
    group = BotAPI.group(-100888)
    with FakeBotAPIServer(BotAPI(token=TOKEN)) as server:
        api = server.api
        allowed = f"71,{group['id']}"
        bot = BotProcess(
            tmp_path, server, "--rate-limit", "2", "--allowed-chats", allowed, verbose=True
        )
        try:
            bot.wait_ready()
            question = gold_questions()[0]["question"]
            first = api.send_text(71, question)
            api.send_text(71, question)
            api.send_text(71, question)
            texts = [m["text"] for m in api.replies(71, first, 3, REPLY_TIMEOUT)]
            # The refusal needs no answering, so it may overtake the two answers.
            assert sorted(t.startswith("问得太快啦") for t in texts) == [False, False, True]
            stranger = api.send_text(72, question)
            [refusal] = api.replies(72, stranger, 1, REPLY_TIMEOUT)
            assert "只在指定的聊天" in refusal["text"]
            # SIGTERM while answers are in flight: each question is answered before the bot
            # exits, or left unconfirmed for Telegram to resend; none is lost.
            in_flight = [
                api.send_text(user, f"/ask {question}", group) for user in (73, 74, 75, 76)
            ]

            def typing_started() -> int:
                calls = api.methods("sendChatAction")
                return sum(c.params["chat_id"] == group["id"] for c in calls)

            started = api.wait_for(typing_started, REPLY_TIMEOUT, "an answer to start")
            assert bot.stop() == 0
            replies = api.bot_messages(group["id"])
            answered = {m["reply_to_message"]["message_id"] for m in replies}
            assert len(answered) >= started
            assert answered | api.unconfirmed() >= {m["message_id"] for m in in_flight}
        finally:
            bot.stop()
        assert api.violations == []
    output = bot.output()
    assert TOKEN not in output
    assert "<token>" in output  # the library's debug line naming the API URL was redacted


def wait_listening(port: int, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_webhook_mode_takes_signed_updates_only(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/newsbot-hook"
    with FakeBotAPIServer(BotAPI(token=TOKEN)) as server:
        api = server.api
        bot = BotProcess(
            tmp_path,
            server,
            "--webhook",
            url,
            "--listen",
            f"127.0.0.1:{port}",
            env={"TELEGRAM_WEBHOOK_SECRET": "s3cret-value"},
        )
        try:
            api.wait_for(lambda: api.webhook.get("url") == url, START_TIMEOUT, "setWebhook")
            assert api.webhook["secret_token"] == "s3cret-value"
            # The library sets the webhook just before its server starts listening.
            wait_listening(port)
            # Registered with the fake (so replies can quote it); delivered by webhook below.
            message = api.send_text(81, gold_questions()[0]["question"])

            def post(secret: str) -> int:
                body = json.dumps({"update_id": 1, "message": message}).encode()
                request = urllib.request.Request(
                    url,
                    body,
                    {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        return response.status
                except urllib.error.HTTPError as exc:
                    return exc.code

            assert post("forged") == 403
            assert post("s3cret-value") == 200
            assert api.replies(81, message, 1, REPLY_TIMEOUT)[0]["html"].startswith("<b>")
        finally:
            bot.stop()
        assert api.violations == []
