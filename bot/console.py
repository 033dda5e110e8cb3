"""`newsbot chat`: a question-and-answer loop for a person at a terminal, or for piped input.

The loop reads from and writes to the streams it is given, so tests drive it without a
terminal. On a terminal it offers readline editing and a history file; on piped input it
prints no prompts and one answer per line. Follow-ups keep their topic within the session.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot import render
from retrieval.answer import Conversation, answer
from retrieval.models import Answer

if TYPE_CHECKING:
    from retrieval.search import Searcher

log = logging.getLogger(__name__)

PROMPT = "问> "
HELP = """\
输入问题，回车得到答案。命令：
  :more    下一批检索结果（新闻列表的下一页）
  :source  显示答案所在的整篇文章
  :reset   忘掉上文（下一个问题不再当作追问）
  :help    本帮助
  :quit    退出（也可以按 Ctrl-D 或 Ctrl-C）"""


def history_path() -> Path:
    """`newsbot/history` under `$XDG_DATA_HOME` (`~/.local/share`), beside the default database."""
    data_home = os.environ.get("XDG_DATA_HOME", "")
    base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "newsbot" / "history"


class Console:
    """One chat session: a conversation, the last answer (for :more / :source) and the streams."""

    def __init__(
        self,
        searcher: Searcher,
        stdin: TextIO,
        stdout: TextIO,
        *,
        k: int = 5,
        interactive: bool = False,
        ansi: bool = False,
    ) -> None:
        self.searcher = searcher
        self.stdin, self.stdout = stdin, stdout
        self.k = k
        self.interactive, self.ansi = interactive, ansi
        self.conversation = Conversation()
        self.last: Answer | None = None
        self.shown = 1

    def handle(self, line: str) -> str | None:
        """The reply to one input line; None means the session ends."""
        line = line.strip()
        if not line:
            return ""
        if line.startswith(":"):
            return self._command(line[1:].strip().lower())
        self.last = answer(line, self.searcher, k=self.k, conversation=self.conversation)
        # What :more goes on from: the first page of a list reply's articles, else the first hit.
        self.shown = render.LIST_PAGE if self.last.articles else 1
        return render.answer_text(self.last, ansi=self.ansi)

    def _command(self, name: str) -> str | None:
        if name in ("quit", "q", "exit"):
            return None
        if name in ("help", "h", "?"):
            return HELP
        if name == "reset":
            self.conversation.reset()
            return "好的，重新开始。"
        if name == "more":
            if self.last is None:
                return "还没有问题。"
            if self.last.articles:
                reply = render.list_text(self.last, self.shown)
                self.shown += render.LIST_PAGE
                return reply
            reply = render.hits_text(self.last, self.shown)
            self.shown = len(self.last.hits)
            return reply
        if name == "source":
            article_id = self._source_article()
            if article_id is None:
                return "还没有可显示的文章。"
            return render.article_text(self.searcher.store.article(article_id))
        return f"未知命令 :{name}（:help 查看命令）"

    def _source_article(self) -> int | None:
        """The cited article, else the nearest one offered as a hint."""
        if self.last is None:
            return None
        if self.last.article is not None:
            return self.last.article.id
        return self.last.hits[0].article_id if self.last.hits else None

    def run(self) -> None:
        """Read lines until :quit, end of input or Ctrl-C."""
        if self.interactive:
            self._write(HELP.splitlines()[0])
        try:
            while True:
                line = self._read()
                if line is None:
                    break
                reply = self.handle(line)
                if reply is None:
                    break
                if reply:
                    self._write(reply)
        except KeyboardInterrupt:
            pass
        if self.interactive:
            self._write("")

    def _read(self) -> str | None:
        if self.interactive:
            try:
                return input(PROMPT)
            except EOFError:
                return None
        line = self.stdin.readline()
        return line if line else None

    def _write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


def enable_history(path: Path | None = None) -> None:
    """Readline editing and a persistent history, where the platform has readline."""
    try:
        import readline
    except ImportError:
        return
    import atexit

    path = path or history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            readline.read_history_file(path)
    except OSError as exc:
        log.warning("cannot use the history file %s: %s", path, exc)
        return
    readline.set_history_length(1000)
    atexit.register(_save_history, readline, path)


def _save_history(readline, path: Path) -> None:
    try:
        readline.write_history_file(path)
    except OSError as exc:
        log.warning("cannot write the history file %s: %s", path, exc)
