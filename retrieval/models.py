"""Records that cross module lines: articles, pages, hits and answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Article:
    """One article as the layout parser or a JSONL export gives it."""

    title: str
    paragraphs: list[str]
    kicker: str | None = None
    subtitle: str | None = None
    reporters: list[str] = field(default_factory=list)
    byline: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    position: int = 0
    id: int | None = None


@dataclass
class Page:
    """A parsed newspaper page: its banner (stored once) and its articles in reading order."""

    banner: str | None
    articles: list[Article]


@dataclass
class Hit:
    """A retrieved paragraph with its BM25 score."""

    paragraph_id: int
    article_id: int
    title: str
    score: float
    text: str


@dataclass
class ArticleRef:
    """The article an answer comes from, as shown in the source line."""

    id: int
    title: str
    kicker: str | None
    subtitle: str | None
    reporters: list[str]
    date: str | None
    source: str | None


@dataclass
class ArticleItem:
    """One article in a list reply (digest, articles about X, a person's mentions)."""

    id: int
    title: str
    date: str | None
    source: str | None
    lede: str


@dataclass(frozen=True)
class Scope:
    """Which part of the archive a question is asked of: dates (ISO, inclusive) and paper."""

    since: str | None = None
    until: str | None = None
    source: str | None = None
    article_id: int | None = None  # one article alone (a newer report asked the question again)

    @property
    def empty(self) -> bool:
        return (self.since, self.until, self.source, self.article_id) == (None, None, None, None)


@dataclass
class Answer:
    """What `answer()` returns to every front end; `to_json()` is the `ask --json` contract."""

    question: str
    answer: str | None
    evidence: str | None
    qtype: str
    score: float
    article: ArticleRef | None
    paragraph_id: int | None
    hits: list[Hit]
    ms: float
    # Query words found in the evidence, for highlighting; not part of the JSON contract.
    matched: list[str] = field(default_factory=list)
    # What the reader asked for (retrieval.intent.INTENTS) and, for list replies, the articles.
    intent: str = "answer"
    articles: list[ArticleItem] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.answer is not None

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "evidence": self.evidence,
            "qtype": self.qtype,
            "score": self.score,
            "article": asdict(self.article) if self.article else None,
            "paragraph_id": self.paragraph_id,
            "hits": [asdict(h) for h in self.hits],
            "ms": self.ms,
            "intent": self.intent,
            "articles": [asdict(a) for a in self.articles],
        }
