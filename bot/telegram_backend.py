"""The bot's answering side: a bounded thread pool where each thread has its own Searcher, and
the recent answers that inline buttons refer to by a short key."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from retrieval.models import Answer
from retrieval.store import Store

T = TypeVar("T")

# How often a worker thread checks the store for paragraphs ingested while the bot runs.
REFRESH_EVERY = 30.0


class Backend:
    """Runs `answer()` and store calls off the event loop, so a slow question never stalls the
    others. SQLite connections belong to the thread that opened them, so every worker thread
    opens its own Searcher (lazily, with `open_searcher`)."""

    def __init__(
        self,
        open_searcher: Callable[[], Any],
        answer_fn: Callable[..., Answer],
        new_conversation: Callable[[], Any],
        workers: int = 4,
    ) -> None:
        self._open_searcher = open_searcher
        self._answer_fn = answer_fn
        self.new_conversation = new_conversation
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsbot-answer")

    @classmethod
    def open(cls, store: Store, workers: int = 4) -> Backend:
        """The real backend over the database file of `store` (closed here: each worker thread
        opens its own connection)."""
        from retrieval.answer import Conversation, answer
        from retrieval.search import Searcher

        # Bring the index up to date once, before worker threads open it concurrently.
        Searcher.open(store)
        path = store.path
        store.close()
        return cls(lambda: Searcher.open(path), answer, Conversation, workers)

    def _searcher(self) -> Any:
        """This thread's Searcher, brought up to date with the store every REFRESH_EVERY s."""
        searcher = getattr(self._local, "searcher", None)
        now = time.monotonic()
        if searcher is None:
            searcher = self._local.searcher = self._open_searcher()
            self._local.refreshed = now
        elif now - self._local.refreshed >= REFRESH_EVERY:
            searcher.refresh()
            self._local.refreshed = now
        return searcher

    async def call(self, fn: Callable[[Any], T]) -> T:
        """`fn(searcher)` in a worker thread, with that thread's Searcher."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(self._searcher()))

    async def answer(self, question: str, conversation: Any = None) -> Answer:
        """Answer `question` in a worker thread, following up on `conversation` if given."""
        return await self.call(
            lambda searcher: self._answer_fn(question, searcher, conversation=conversation)
        )

    def close(self) -> None:
        """Wait for answers in flight, then stop the worker threads."""
        self._pool.shutdown(wait=True)


@dataclass
class Shown:
    """An answer the bot showed, kept so its buttons can page, cite and take a vote."""

    answer: Answer
    chat_id: int | None
    user_id: int | None
    voters: set[int] = field(default_factory=set)
    listed: int = 0  # where the page of a list reply last shown starts


class RecentAnswers:
    """The last `size` answers by a short random key (random, so buttons left over from before
    a restart point at nothing rather than at a different answer)."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._items: OrderedDict[str, Shown] = OrderedDict()

    def add(self, shown: Shown) -> str:
        key = secrets.token_urlsafe(6)
        self._items[key] = shown
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Shown | None:
        shown = self._items.get(key)
        if shown is not None:
            self._items.move_to_end(key)
        return shown
