"""A fake Telegram Bot API for tests: strict where Telegram is strict, on 127.0.0.1 only.

`BotAPI` is the server's state and method logic, callable in-process (handler tests route
python-telegram-bot's requests to it); `FakeBotAPIServer` serves it over HTTP at
`http://127.0.0.1:PORT/bot<token>/<method>` for end-to-end tests. Tests play users with
`send_text`, `send_sticker`, `press` and `inline`, and wait for the bot's replies with
`wait_for`. Every request that breaks a Bot API rule gets Telegram's 400 answer AND is recorded
in `violations`, so a test can fail on it even when the bot swallowed the error.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl

T = TypeVar("T")

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
# Tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "code", "pre", "blockquote",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}  # fmt: skip
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
# Form fields whose values are JSON (objects, arrays, numbers, booleans) rather than strings.
_JSON_FIELDS = {
    "chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "reply_markup",
    "reply_parameters", "results", "commands", "entities", "link_preview_options",
    "allowed_updates", "scope", "button", "is_personal", "show_alert", "drop_pending_updates",
    "disable_notification", "protect_content", "max_connections",
}  # fmt: skip


class BadRequest(Exception):
    """A request Telegram would refuse with 400 and this description."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The visible text of an HTML-mode message, or BadRequest as Telegram words it."""
    visible, stack, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if not m:
                raise BadRequest(f"Can't parse entities: unexpected '<' at byte offset {i}")
            closing, name = m.group(1), m.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise BadRequest(f'Can\'t parse entities: unsupported start tag "{name}"')
            if closing:
                if not stack or stack[-1] != name:
                    raise BadRequest(f'Can\'t parse entities: unmatched end tag "{name}"')
                stack.pop()
            else:
                if name == "a" and "href=" not in m.group(3):
                    raise BadRequest("Can't parse entities: <a> without href")
                if stack and stack[-1] in ("code", "pre") and not (name == "code"):
                    raise BadRequest(f"Can't parse entities: <{name}> inside <{stack[-1]}>")
                if name == "blockquote" and "blockquote" in stack:
                    raise BadRequest("Can't parse entities: nested blockquote")
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise BadRequest(f"Can't parse entities: unescaped '&' at byte offset {i}")
            visible.append(html.unescape(m.group()))
            i = m.end()
        elif ch == ">":
            raise BadRequest(f"Can't parse entities: unescaped '>' at byte offset {i}")
        else:
            visible.append(ch)
            i += 1
    if stack:
        raise BadRequest(f"Can't parse entities: can't find end tag corresponding to <{stack[-1]}>")
    return "".join(visible)


def message_text(text: Any, parse_mode: str | None) -> str:
    """Check a message text as sendMessage does; returns the text the chat shows."""
    if not isinstance(text, str):
        raise BadRequest("message text is empty")
    if parse_mode is not None and parse_mode.upper() != "HTML":
        raise BadRequest(f"unsupported parse_mode {parse_mode!r} (this fake speaks HTML only)")
    shown = parse_html(text) if parse_mode else text
    if not shown.strip():
        raise BadRequest("message text is empty")
    if utf16_length(shown) > MAX_TEXT:
        raise BadRequest("message is too long")
    return shown


def check_markup(markup: Any) -> None:
    """Inline keyboards: non-empty labels, callback data of 1-64 bytes."""
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        raise BadRequest("reply markup is not an inline keyboard")
    for row in rows:
        if not row:
            raise BadRequest("inline keyboard row is empty")
        for button in row:
            if not button.get("text"):
                raise BadRequest("inline keyboard button text is empty")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise BadRequest("BUTTON_DATA_INVALID")


def _entities(text: str) -> list[dict]:
    """The entities Telegram's server attaches to a user's text: a leading /command, @mentions."""
    found = []
    for m in re.finditer(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?|@[A-Za-z0-9_]{5,32}", text):
        kind = "bot_command" if m.group().startswith("/") else "mention"
        offset = utf16_length(text[: m.start()])
        found.append({"type": kind, "offset": offset, "length": utf16_length(m.group())})
    return found


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict
    at: float
    ok: bool = True


@dataclass
class BotAPI:
    """The fake server's state: chats, messages, pending updates, and what the bot did."""

    token: str
    username: str = "newsbot_test_bot"
    bot_id: int = 777_000
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    commands: list[dict] = field(default_factory=list)
    webhook: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._updates: list[dict] = []
        self.delivered_up_to = 0
        self.chats: dict[int, dict] = {}
        self.messages: dict[tuple[int, int], dict] = {}
        self.callback_queries: dict[str, dict] = {}
        self.callback_answers: dict[str, dict] = {}
        self.inline_queries: dict[str, dict] = {}
        self.inline_answers: dict[str, dict] = {}
        self._flood: dict[int, int] = {}
        self._outages: dict[str, int] = {}
        # When each message reached the server (time.monotonic()), for latency figures.
        self.arrived: dict[tuple[int, int], float] = {}

    @property
    def me(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Newsbot",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    # --- users' side ------------------------------------------------------------------

    @staticmethod
    def user(user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}

    def private(self, user_id: int) -> dict:
        return {"id": user_id, "type": "private", "first_name": f"User{user_id}"}

    @staticmethod
    def group(chat_id: int, title: str = "Readers") -> dict:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def _post(self, user_id: int, chat: dict | None, extra: dict) -> dict:
        chat = chat or self.private(user_id)
        with self.cond:
            self.chats[chat["id"]] = chat
            message = {
                "message_id": next(self._ids),
                "from": self.user(user_id),
                "chat": chat,
                "date": int(time.time()),
                **extra,
            }
            self.messages[(chat["id"], message["message_id"])] = message
            self.arrived[(chat["id"], message["message_id"])] = time.monotonic()
            self._push({"message": message})
        return message

    def send_text(
        self, user_id: int, text: str, chat: dict | None = None, reply_to: dict | None = None
    ) -> dict:
        """A user writes `text` (in their private chat unless `chat` is given)."""
        extra: dict[str, Any] = {"text": text}
        if entities := _entities(text):
            extra["entities"] = entities
        if reply_to is not None:
            extra["reply_to_message"] = reply_to
        return self._post(user_id, chat, extra)

    def send_sticker(self, user_id: int, chat: dict | None = None) -> dict:
        sticker = {
            "file_id": "CAACAgIAAxkBAAEB",
            "file_unique_id": "AgADAQAD",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "😀",
        }
        return self._post(user_id, chat, {"sticker": sticker})

    def press(self, user_id: int, message: dict, data: str) -> str:
        """A user presses the inline button with `data` under the bot's `message`."""
        buttons = [
            b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        assert any(b.get("callback_data") == data for b in buttons), f"no button {data!r}"
        with self.cond:
            query_id = str(next(self._ids))
            query = {
                "id": query_id,
                "from": self.user(user_id),
                "message": message,
                "chat_instance": str(message["chat"]["id"]),
                "data": data,
            }
            self.callback_queries[query_id] = query
            self._push({"callback_query": query})
        return query_id

    def inline(self, user_id: int, text: str) -> str:
        """A user types `@bot text` in some chat."""
        with self.cond:
            query_id = str(next(self._ids))
            query = {"id": query_id, "from": self.user(user_id), "query": text, "offset": ""}
            self.inline_queries[query_id] = query
            self._push({"inline_query": query})
        return query_id

    def flood_once(self, chat_id: int, retry_after: int = 1) -> None:
        """The bot's next sendMessage to `chat_id` gets 429 Too Many Requests."""
        with self.cond:
            self._flood[chat_id] = retry_after

    def fail_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` get 502 Bad Gateway, as during an outage."""
        with self.cond:
            self._outages[method] = times

    def _push(self, update: dict) -> None:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        self.cond.notify_all()

    # --- waiting ----------------------------------------------------------------------

    def wait_for(self, check: Callable[[], T], timeout: float = 10.0, what: str = "") -> T:
        """Wait until `check()` (called under the lock) returns something truthy."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                value = check()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
                self.cond.wait(remaining)

    def bot_messages(self, chat_id: int) -> list[dict]:
        """The messages the bot sent to `chat_id`, oldest first."""
        return [
            m
            for (c, _), m in sorted(self.messages.items())
            if c == chat_id and m["from"]["id"] == self.bot_id
        ]

    def replies(self, chat_id: int, after: dict, n: int = 1, timeout: float = 10.0) -> list[dict]:
        """Wait for `n` bot messages in `chat_id` sent after the message `after`."""

        def check() -> list[dict] | None:
            found = [m for m in self.bot_messages(chat_id) if m["message_id"] > after["message_id"]]
            return found if len(found) >= n else None

        return self.wait_for(check, timeout, f"{n} replies in chat {chat_id}")

    def unconfirmed(self) -> set[int]:
        """Ids of user messages whose updates the bot has not confirmed (Telegram resends
        those when the bot starts again)."""
        with self.cond:
            return {u["message"]["message_id"] for u in self._updates if "message" in u}

    def methods(self, name: str) -> list[Call]:
        with self.cond:
            return [c for c in self.calls if c.method == name]

    # --- the Bot API --------------------------------------------------------------------

    def call(self, method: str, params: dict) -> tuple[int, dict]:
        """Handle one Bot API request; returns the HTTP status and Telegram's JSON reply."""
        handler = getattr(self, f"api_{method.lower()}", None)
        with self.cond:
            record = Call(method, params, time.monotonic())
            self.calls.append(record)
            self.cond.notify_all()
            if self._outages.get(method):
                self._outages[method] -= 1
                record.ok = False
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            if handler is None:
                self.violations.append(f"{method}: no such Bot API method")
                record.ok = False
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            if method != "getUpdates":
                try:
                    result = handler(params)
                except BadRequest as exc:
                    self.violations.append(f"{method}: {exc} (chat {params.get('chat_id')})")
                    record.ok = False
                    return 400, {
                        "ok": False,
                        "error_code": 400,
                        "description": f"Bad Request: {exc}",
                    }
                except _Flood as flood:
                    record.ok = False
                    return 429, {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {flood.seconds}",
                        "parameters": {"retry_after": flood.seconds},
                    }
                self.cond.notify_all()
                return 200, {"ok": True, "result": result}
        # getUpdates long-polls, so it waits outside the bookkeeping above.
        return 200, {"ok": True, "result": self.api_getupdates(params)}

    def _chat(self, params: dict) -> dict:
        chat = self.chats.get(params.get("chat_id"))
        if chat is None:
            raise BadRequest("chat not found")
        return chat

    def api_getme(self, params: dict) -> dict:
        return self.me

    def api_getupdates(self, params: dict) -> list[dict]:
        offset = params.get("offset") or 0
        limit = params.get("limit") or 100
        timeout = min(float(params.get("timeout") or 0), 30.0)
        allowed = params.get("allowed_updates") or None
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                # Updates below the offset are confirmed: Telegram forgets them.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = [u for u in self._updates if _wanted(u, allowed)][:limit]
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0:
                    if ready:
                        self.delivered_up_to = max(self.delivered_up_to, ready[-1]["update_id"])
                        self.cond.notify_all()
                    return ready
                self.cond.wait(remaining)

    def api_sendmessage(self, params: dict) -> dict:
        chat = self._chat(params)
        shown = message_text(params.get("text"), params.get("parse_mode"))
        check_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters")
        replied = None
        if reply is not None:
            replied = self.messages.get((chat["id"], reply.get("message_id")))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise BadRequest("message to be replied not found")
        if chat["id"] in self._flood:
            raise _Flood(self._flood.pop(chat["id"]))
        message = {
            "message_id": next(self._ids),
            "from": self.me,
            "chat": chat,
            "date": int(time.time()),
            "text": shown,
            "html": params.get("text"),
        }
        if replied is not None:
            message["reply_to_message"] = replied
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat["id"], message["message_id"])] = message
        self.arrived[(chat["id"], message["message_id"])] = time.monotonic()
        return message

    def api_editmessagetext(self, params: dict) -> dict:
        chat = self._chat(params)
        message = self.messages.get((chat["id"], params.get("message_id")))
        if message is None:
            raise BadRequest("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise BadRequest("message can't be edited")
        shown = message_text(params.get("text"), params.get("parse_mode"))
        check_markup(params.get("reply_markup"))
        markup = params.get("reply_markup")
        if shown == message["text"] and markup == message.get("reply_markup"):
            raise BadRequest("message is not modified")
        message.update(text=shown, html=params.get("text"), edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    def api_answercallbackquery(self, params: dict) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self.callback_queries:
            raise BadRequest("query is too old and response timeout expired or query ID is invalid")
        if query_id in self.callback_answers:
            raise BadRequest("query is already answered")
        if len(params.get("text") or "") > 200:
            raise BadRequest("text of the callback answer is too long")
        self.callback_answers[query_id] = params
        return True

    def api_answerinlinequery(self, params: dict) -> bool:
        query_id = params.get("inline_query_id")
        if query_id not in self.inline_queries:
            raise BadRequest("query is too old and response timeout expired or query ID is invalid")
        if query_id in self.inline_answers:
            raise BadRequest("query is already answered")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise BadRequest("RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids):
            raise BadRequest("RESULT_ID_DUPLICATE")
        for result in results:
            if not 1 <= len(result.get("id", "").encode()) <= 64:
                raise BadRequest("RESULT_ID_INVALID")
            if result.get("type") != "article" or not result.get("title"):
                raise BadRequest("RESULT_TYPE_INVALID or empty title")
            content = result.get("input_message_content") or {}
            message_text(content.get("message_text"), content.get("parse_mode"))
            check_markup(result.get("reply_markup"))
        self.inline_answers[query_id] = params
        return True

    def api_sendchataction(self, params: dict) -> bool:
        self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise BadRequest("wrong parameter action in request")
        return True

    def api_setmycommands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BadRequest("commands must be a list of at most 100")
        for command in commands:
            if not _COMMAND.match(command.get("command", "")):
                raise BadRequest("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = commands
        return True

    def api_getmycommands(self, params: dict) -> list[dict]:
        return self.commands

    def api_deletewebhook(self, params: dict) -> bool:
        self.webhook = {}
        return True

    def api_setwebhook(self, params: dict) -> bool:
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise BadRequest("secret token contains unallowed characters")
        self.webhook = params
        return True

    def api_getwebhookinfo(self, params: dict) -> dict:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": 0}  # fmt: skip


def _wanted(update: dict, allowed: list[str] | None) -> bool:
    """Whether `update` is of a kind the bot asked for (all kinds when it named none)."""
    return allowed is None or bool((set(update) - {"update_id"}) & set(allowed))


class _Flood(Exception):
    def __init__(self, seconds: int) -> None:
        self.seconds = seconds


def decode_form(body: bytes, content_type: str) -> dict:
    """Request parameters as python values, from a form or a JSON body."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        params[key] = json.loads(value) if key in _JSON_FIELDS else value
    return params


class FakeBotAPIServer:
    """`BotAPI` over HTTP on 127.0.0.1 (an ephemeral port), in a background thread."""

    def __init__(self, api: BotAPI) -> None:
        self.api = api
        handler = type("Handler", (_Handler,), {"api": api})
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """What `--base-url` takes: the bot's token is appended to it."""
        return f"http://127.0.0.1:{self.httpd.server_port}/bot"

    def __enter__(self) -> FakeBotAPIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        with self.api.cond:
            self.api.cond.notify_all()
        self._thread.join(timeout=5)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-request (a long poll cancelled at shutdown) is normal."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    api: BotAPI
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
        self._serve()

    def do_GET(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        path = self.path.split("?", 1)[0]
        m = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            # The client gave up mid-request (a cancelled call): Telegram never sees it either.
            self.close_connection = True
            return
        if m is None:
            status, reply = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        elif m.group(1) != self.api.token:
            status, reply = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        else:
            params = decode_form(body, self.headers.get("Content-Type", ""))
            status, reply = self.api.call(m.group(2), params)
        data = json.dumps(reply, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the request line carries the token."""
