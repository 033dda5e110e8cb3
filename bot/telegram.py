"""`newsbot telegram`: the python-telegram-bot Application; every handler is registered in
`build_application()`, and handlers parse, call the answering backend and render."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlparse

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import render
from bot.telegram_backend import Backend, RecentAnswers, Shown
from bot.telegram_limits import RateLimiter
from bot.telegram_logging import protect_token
from retrieval.errors import NewsbotError
from retrieval.models import Answer
from retrieval.store import Store

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_QUESTION = 500
# Telegram shows "typing…" for 5 s after each chat action; refresh a little sooner.
TYPING_EVERY = 4.0
INLINE_RESULTS = 5
CORPUS_TTL = 300.0
COMMANDS = [
    BotCommand("start", "这个机器人知道什么，示例问题"),
    BotCommand("help", "怎么提问"),
    BotCommand("ask", "提问：/ask 问题（群里用）"),
    BotCommand("latest", "最新一期的标题"),
    BotCommand("date", "某天的报纸：/date 2024-08-22"),
    BotCommand("search", "找报道：/search 关键词"),
    BotCommand("reset", "换个话题：忘掉之前的问题"),
    BotCommand("about", "资料库里有什么"),
]
UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]

APOLOGY = "抱歉，处理这条消息时出了问题，请稍后再试。"
REFUSAL = "抱歉，这个机器人只在指定的聊天里回答问题。"
EXPIRED = "这条回答已过期，请重新提问。"
NOT_TEXT = "我只能回答文字问题，请用文字提问。"
# The news commands ask the core as a reader would (one answer() serves every front end).
LATEST_QUESTION = "最新一期有什么新闻"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Settings:
    """What the operator configures: who may use the bot and how often."""

    allowed_chats: frozenset[int] | None = None
    rate_limit: int = 10


@dataclass
class BotState:
    """Everything handlers share, kept in `bot_data["newsbot"]`."""

    backend: Backend
    settings: Settings
    limiter: RateLimiter
    # Inline mode fires a query per pause in typing, so it gets a looser limit of its own.
    inline_limiter: RateLimiter
    answers: RecentAnswers = field(default_factory=RecentAnswers)
    # (when read, (stats, example questions)) for /start and /about.
    corpus: tuple[float, tuple[dict, list[tuple[int, str]]]] | None = None


def build_application(
    token: str,
    backend: Backend,
    settings: Settings | None = None,
    *,
    base_url: str | None = None,
    request: BaseRequest | None = None,
) -> Application:
    """The Application with every handler registered; `request` replaces the HTTP transport
    (tests record calls with it), `base_url` points at a self-hosted Bot API server."""
    settings = settings or Settings()
    builder = (
        ApplicationBuilder()
        .token(token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(64)
        # Telegram's flood limits: throttle sends and retry after a RetryAfter.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if base_url:
        builder = builder.base_url(base_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    app.bot_data["newsbot"] = BotState(
        backend=backend,
        settings=settings,
        limiter=RateLimiter(settings.rate_limit),
        inline_limiter=RateLimiter(settings.rate_limit * 3),
    )

    new = filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, guard_allowed_chats), group=-1)
    app.add_handler(CommandHandler(["start", "help"], start, filters=new))
    app.add_handler(CommandHandler(["about", "stats"], about, filters=new))
    app.add_handler(CommandHandler("reset", reset, filters=new))
    app.add_handler(CommandHandler("ask", ask_command, filters=new))
    app.add_handler(CommandHandler("latest", latest, filters=new))
    app.add_handler(CommandHandler("date", issue_of_date, filters=new))
    app.add_handler(CommandHandler("search", search_command, filters=new))
    private = new & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, private_question))
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, not_text))
    groups = new & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(groups, group_message))
    app.add_handler(CallbackQueryHandler(more_results, pattern=r"^more:"))
    app.add_handler(CallbackQueryHandler(full_article, pattern=r"^src:"))
    app.add_handler(CallbackQueryHandler(feedback, pattern=r"^fb:"))
    app.add_handler(CallbackQueryHandler(example_question, pattern=r"^ex:"))
    app.add_handler(InlineQueryHandler(inline_query))
    app.add_error_handler(on_error)
    return app


def run(
    token: str,
    backend: Backend,
    settings: Settings,
    *,
    base_url: str | None = None,
    webhook: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    secret: str | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM: long polling, or a webhook at `webhook` when given.

    Stopping waits for the answers in flight and confirms the updates already handled."""
    protect_token(token)
    app = build_application(token, backend, settings, base_url=base_url)
    if webhook:
        app.run_webhook(
            listen=listen,
            port=port,
            url_path=urlparse(webhook).path.lstrip("/"),
            webhook_url=webhook,
            secret_token=secret,
            allowed_updates=UPDATES,
        )
    else:
        app.run_polling(allowed_updates=UPDATES)


async def _post_init(app: Application) -> None:
    """Publish the command menu once the bot is known."""
    await app.bot.set_my_commands(COMMANDS)
    logger.info("@%s is answering questions", app.bot.username)


async def _post_shutdown(app: Application) -> None:
    _state(app.bot_data).backend.close()
    logger.info("stopped")


def _state(bot_data: dict) -> BotState:
    return bot_data["newsbot"]


# --- guards -------------------------------------------------------------------


async def guard_allowed_chats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """With an allow list, refuse every other chat once and handle nothing else from it."""
    allowed = _state(context.bot_data).settings.allowed_chats
    if allowed is None:
        return
    chat, user = update.effective_chat, update.effective_user
    # Inline queries carry no chat; a user's private chat id is their user id.
    if chat is not None and chat.id in allowed:
        return
    if chat is None and user is not None and user.id in allowed:
        return
    logger.info("refused update %s from chat %s", update.update_id, chat.id if chat else None)
    if update.callback_query:
        await update.callback_query.answer(REFUSAL)
    elif update.inline_query:
        await update.inline_query.answer([], cache_time=0)
    elif update.message and (
        update.message.chat.type == ChatType.PRIVATE or _is_addressed(update.message, context)
    ):
        await update.message.reply_text(REFUSAL)
    raise ApplicationHandlerStop


def _mentions_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> list[MessageEntity]:
    """The entities of `message` that name this bot (@username or a text mention)."""
    username = f"@{context.bot.username}".lower()
    return [
        entity
        for entity, text in message.parse_entities(
            [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
        ).items()
        if text.lower() == username or (entity.user and entity.user.id == context.bot.id)
    ]


def _is_reply_to_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == context.bot.id)


def _is_addressed(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether a group message is meant for this bot: a command to it, a mention, a reply."""
    text = message.text or ""
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        return "@" not in command or command.lower().endswith(f"@{context.bot.username}".lower())
    return bool(_mentions_bot(message, context)) or _is_reply_to_bot(message, context)


# --- commands -----------------------------------------------------------------


def _read_corpus(searcher) -> tuple[dict, list[tuple[int, str]]]:
    """The store's figures and example questions (runs in a worker thread)."""
    return searcher.store.stats(), example_questions(searcher.store.articles())


async def _corpus(state: BotState) -> tuple[dict, list[tuple[int, str]]]:
    """The corpus figures and examples, read at most every CORPUS_TTL seconds: listing every
    title of a large archive on each /start would be wasteful."""
    now = time.monotonic()
    if state.corpus is None or now - state.corpus[0] >= CORPUS_TTL:
        state.corpus = (now, await state.backend.call(_read_corpus))
    return state.corpus[1]


def example_questions(articles: list[dict], n: int = 3) -> list[tuple[int, str]]:
    """`n` questions a reader could ask, made from stored titles spread over the archive:
    (article id, question)."""
    usable = [a for a in articles if a.get("title") and len(a["title"]) <= 30] or articles
    if not usable:
        return []
    step = max(1, len(usable) // n)
    picked = usable[::step][:n]
    return [(a["id"], question_from_title(a["title"])) for a in picked]


def question_from_title(title: str) -> str:
    """A question whose answer is the article under `title`."""
    return f"{title.strip().rstrip('。！？!?')}是怎么回事？"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot knows, how to ask, and example questions to tap."""
    stats, examples = await _corpus(_state(context.bot_data))
    lines = [
        "你好！我回答关于报纸文章的问题，给出简短答案、原文句子和出处。",
        render.corpus_html(stats),
        "",
        "直接发问题即可；在群里请用 /ask 问题，或 @我，或回复我的消息。"
        f"在任何聊天里输入 @{context.bot.username} 问题 可以选一条答案发出去。",
        "也可以问：今天有什么新闻、关于某事的报道、某人是谁、某篇报道讲了什么。",
        "/latest 最新一期的标题，/date 2024-08-22 某天的报纸，/search 关键词 找报道。",
        "/reset 换个话题，/about 资料库统计。",
    ]
    if examples:
        lines += ["", "试试这些问题："]
        lines += [f"• {html.escape(q)}" for _, q in examples]
    keyboard = [
        [InlineKeyboardButton(render.snippet(q, 40), callback_data=f"ex:{article_id}")]
        for article_id, q in examples
    ]
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None
    )


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/about and /stats: the corpus figures."""
    stats, _ = await _corpus(_state(context.bot_data))
    await update.effective_message.reply_text(
        f"{render.corpus_html(stats)}\n来自 {stats['documents']} 份报纸版面或文件。"
    )


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reset: forget this chat's topic so the next question stands on its own."""
    conversation = context.chat_data.get("conversation")
    if conversation is not None:
        conversation.reset()
    await update.effective_message.reply_text("好的，换个话题吧。")


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask 问题 (also /ask@botname 问题 in groups)."""
    await answer_question(update, context, " ".join(context.args or []))


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/latest: the latest issue's headlines, each a button that opens the article."""
    await answer_question(update, context, LATEST_QUESTION)


async def issue_of_date(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/date YYYY-MM-DD: that day's headlines."""
    day = " ".join(context.args or []).strip()
    if not _ISO_DAY.fullmatch(day):
        await update.effective_message.reply_text("请这样写日期：/date 2024-08-22")
        return
    await answer_question(update, context, f"{day}的新闻")


async def search_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/search 关键词: the reports about it, newest first."""
    words = " ".join(context.args or []).strip()
    if not words:
        await update.effective_message.reply_text("请把关键词写在命令后面：/search 半马")
        return
    await answer_question(update, context, f"关于{words}的报道")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown /command in a private chat: point at /help."""
    await update.effective_message.reply_text("没有这个命令。直接发问题即可，/help 查看用法。")


# --- questions ----------------------------------------------------------------


async def private_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question."""
    await answer_question(update, context, update.effective_message.text)


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups answer mentions of the bot and replies to it; ignore the rest of the chatter."""
    message = update.effective_message
    mentions = _mentions_bot(message, context)
    if not mentions and not _is_reply_to_bot(message, context):
        return
    text = message.text
    # Cut the mentions out, last first so earlier offsets stay valid (offsets are UTF-16).
    units = text.encode("utf-16-le")
    for entity in sorted(mentions, key=lambda e: e.offset, reverse=True):
        units = units[: entity.offset * 2] + units[(entity.offset + entity.length) * 2 :]
    await answer_question(update, context, units.decode("utf-16-le"))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice…: a one-line hint."""
    await update.effective_message.reply_text(NOT_TEXT)


@contextlib.asynccontextmanager
async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" in `chat_id` until the block is done."""

    async def keep_typing() -> None:
        while True:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        # The indicator is a courtesy: its failure must not cost the answer.
        with contextlib.suppress(asyncio.CancelledError, TelegramError):
            await task


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
) -> None:
    """Check the question and the asker's rate, answer it off the event loop in this chat's
    conversation, and reply with the card and its buttons."""
    state = _state(context.bot_data)
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    in_group = chat.type != ChatType.PRIVATE
    question = re.sub(r"\s+", " ", question or "").strip()
    if not question:
        await message.reply_text("请把问题写在命令后面：/ask 问题", do_quote=in_group)
        return
    if len(question) > MAX_QUESTION:
        await message.reply_text(
            f"问题太长了（{len(question)} 字），请缩短到 {MAX_QUESTION} 字以内再问。",
            do_quote=in_group,
        )
        return
    if not state.limiter.allow(user.id):
        wait = round(state.limiter.retry_in(user.id)) or 1
        await message.reply_text(f"问得太快啦，请 {wait} 秒后再问。", do_quote=in_group)
        return
    conversation = context.chat_data.setdefault("conversation", state.backend.new_conversation())
    # One question at a time per chat: follow-ups must see the previous question's topic.
    lock = context.chat_data.setdefault("lock", asyncio.Lock())
    async with _typing(context, chat.id), lock:
        answer = await state.backend.answer(question, conversation)
    key = state.answers.add(Shown(answer, chat.id, user.id))
    await message.reply_text(
        render.answer_html(answer), reply_markup=_answer_keyboard(key, answer), do_quote=in_group
    )


def _answer_keyboard(key: str, answer: Answer) -> InlineKeyboardMarkup:
    """更多结果 / 原文 / 👍 / 👎, with ids in the callback data (Telegram allows 64 bytes); a
    list reply has a button per listed article that opens it, and 更多结果 pages the list."""
    votes = [
        InlineKeyboardButton("👍", callback_data=f"fb:+:{key}"),
        InlineKeyboardButton("👎", callback_data=f"fb:-:{key}"),
    ]
    if answer.articles and answer.intent in render.LIST_INTENTS:
        return InlineKeyboardMarkup([*_list_rows(key, answer, 0), votes])
    first = []
    if len(answer.hits) > (1 if answer.found else 0):
        first.append(InlineKeyboardButton("更多结果", callback_data=f"more:{key}"))
    article_id = (
        answer.article.id
        if answer.article
        else (answer.hits[0].article_id if answer.hits else None)
    )
    if article_id is not None:
        first.append(InlineKeyboardButton("原文", callback_data=f"src:{article_id}"))
    return InlineKeyboardMarkup([first, votes] if first else [votes])


def _list_rows(key: str, answer: Answer, start: int) -> list[list[InlineKeyboardButton]]:
    """A button per article on the page from `start` (number and title; it opens the article),
    then 更多结果 when more articles follow."""
    page = answer.articles[start : start + render.LIST_PAGE]
    rows = [
        [InlineKeyboardButton(f"{n}. {render.snippet(item.title, 30)}",
                              callback_data=f"src:{item.id}")]
        for n, item in enumerate(page, start + 1)
    ]
    if start + render.LIST_PAGE < len(answer.articles):
        rows.append([InlineKeyboardButton("更多结果", callback_data=f"more:{key}")])
    return rows


# --- buttons ------------------------------------------------------------------


async def more_results(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """更多结果: the other hits as a new message, each with a button to its article."""
    query = update.callback_query
    shown = _state(context.bot_data).answers.get(query.data.split(":", 1)[1])
    if shown is None:
        await query.answer(EXPIRED)
        return
    await query.answer()
    if shown.answer.articles and shown.answer.intent in render.LIST_INTENTS:
        # The list's next page, with its own buttons (and 更多结果 while more follow).
        shown.listed += render.LIST_PAGE
        rows = _list_rows(query.data.split(":", 1)[1], shown.answer, shown.listed)
        await context.bot.send_message(
            update.effective_chat.id,
            render.list_html(shown.answer, shown.listed),
            reply_markup=InlineKeyboardMarkup(rows) if rows else None,
        )
        return
    start = 1 if shown.answer.found else 0
    buttons, seen = [], set()
    for n, hit in enumerate(shown.answer.hits[start:], 1):
        if hit.article_id not in seen:
            seen.add(hit.article_id)
            buttons.append(InlineKeyboardButton(f"原文 {n}", callback_data=f"src:{hit.article_id}"))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    await context.bot.send_message(
        update.effective_chat.id,
        render.hits_html(shown.answer, start),
        reply_markup=InlineKeyboardMarkup(rows) if rows else None,
    )


async def _article_of_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, read: Callable[[Store, int], T]
) -> T | None:
    """What `read(store, article_id)` gives for the article a button names (`kind:<id>`), or
    None once the reader has been told the article is gone."""
    query = update.callback_query
    try:
        article_id = int(query.data.split(":", 1)[1])
        return await _state(context.bot_data).backend.call(
            lambda searcher: read(searcher.store, article_id)
        )
    except (ValueError, NewsbotError):
        await query.answer("找不到这篇文章了。")
        return None


async def full_article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """原文: the whole article, split at paragraph boundaries into messages Telegram accepts."""
    article = await _article_of_button(update, context, Store.article)
    if article is None:
        return
    query = update.callback_query
    await query.answer()
    for text in render.article_messages(article):
        await context.bot.send_message(update.effective_chat.id, text)


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎: store the vote with the question and answer, once per reader and answer."""
    query = update.callback_query
    _, sign, key = query.data.split(":", 2)
    shown = _state(context.bot_data).answers.get(key)
    if shown is None:
        await query.answer(EXPIRED)
        return
    user_id = query.from_user.id
    if user_id in shown.voters:
        await query.answer("已经记下你的评价了。")
        return
    shown.voters.add(user_id)
    answer = shown.answer
    await _state(context.bot_data).backend.call(
        lambda searcher: searcher.store.add_feedback(
            chat_id=shown.chat_id,
            user_id=user_id,
            question=answer.question,
            answer=answer.answer,
            paragraph_id=answer.paragraph_id,
            article_id=answer.article.id if answer.article else None,
            vote=1 if sign == "+" else -1,
        )
    )
    await query.answer("谢谢反馈！")


async def example_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tapped example question from /start: ask it as if the reader had typed it."""
    ref = await _article_of_button(update, context, Store.article_ref)
    if ref is None:
        return
    await update.callback_query.answer()
    await answer_question(update, context, question_from_title(ref.title))


# --- inline mode --------------------------------------------------------------


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@botname 问题 in any chat: up to five answers (title, short answer, evidence) to pick."""
    state = _state(context.bot_data)
    query = update.inline_query
    question = re.sub(r"\s+", " ", query.query).strip()
    if (
        not question
        or len(question) > MAX_QUESTION
        or not state.inline_limiter.allow(query.from_user.id)
    ):
        await query.answer([], cache_time=0)
        return
    answer = await state.backend.answer(question)
    await query.answer(inline_results(answer), cache_time=60)


def inline_results(answer: Answer) -> list[InlineQueryResultArticle]:
    """The answer card first (when found), then the other hits as cards of their own."""
    results = []
    hits = answer.hits
    if answer.found:
        title = answer.article.title if answer.article else answer.hits[0].title
        results.append(
            InlineQueryResultArticle(
                id="answer",
                title=render.snippet(answer.answer, 60),
                description=render.snippet(f"《{title}》{answer.evidence or ''}", 120),
                input_message_content=InputTextMessageContent(render.answer_html(answer)),
            )
        )
        hits = [h for h in hits if h.paragraph_id != answer.paragraph_id]
    for hit in hits[: INLINE_RESULTS - len(results)]:
        results.append(
            InlineQueryResultArticle(
                id=f"p{hit.paragraph_id}",
                title=hit.title,
                description=render.snippet(hit.text, 120),
                input_message_content=InputTextMessageContent(render.hit_html(hit)),
            )
        )
    return results


# --- errors -------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any handler failure with its update id and apologise to the user; polling goes on."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("failed to handle update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    # The apology may fail too (e.g. the network is down); that is already logged above.
    with contextlib.suppress(TelegramError):
        if update.callback_query:
            await update.callback_query.answer(APOLOGY)
        elif update.effective_message and update.effective_chat:
            await update.effective_message.reply_text(APOLOGY)
