"""Who may ask and how often: the per-user question rate limit and the allowed-chats list."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from retrieval.errors import NewsbotError


class RateLimiter:
    """A sliding-window limit of `limit` questions per `period` seconds for each user."""

    def __init__(
        self, limit: int, period: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1:
            raise NewsbotError(f"--rate-limit must be at least 1, not {limit}")
        self.limit = limit
        self.period = period
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}

    def allow(self, user_id: int) -> bool:
        """Record a question by `user_id` and say whether it is within the limit."""
        now = self._clock()
        times = self._asked.setdefault(user_id, deque())
        while times and now - times[0] >= self.period:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self._asked) > 10_000:
            self._forget_idle(now)
        return True

    def retry_in(self, user_id: int) -> float:
        """Seconds until `user_id` may ask again (0 when they may ask now)."""
        times = self._asked.get(user_id)
        if not times or len(times) < self.limit:
            return 0.0
        return max(0.0, self.period - (self._clock() - times[0]))

    def _forget_idle(self, now: float) -> None:
        """Drop users whose window is empty, so a stream of one-off users cannot grow memory."""
        for user_id in [u for u, t in self._asked.items() if not t or now - t[-1] >= self.period]:
            del self._asked[user_id]


def parse_chat_ids(value: str | None) -> frozenset[int] | None:
    """`--allowed-chats` / NEWSBOT_ALLOWED_CHATS ("123, -100456") as ids; None or empty → all."""
    if value is None or not value.strip():
        return None
    ids = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise NewsbotError(
                f"--allowed-chats: {part!r} is not a chat id (expected integers like 123,-100456)"
            ) from None
    return frozenset(ids)
