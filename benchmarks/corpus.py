"""A deterministic archive of news-like Chinese paragraphs, resampled from real sentences.

Sentences come from the bundled pages (`data/pages/*.txt`) and the CMRC 2018 passages in
`../shared/data/`; queries are the real questions of CMRC and of our gold set. Each article
keeps to one source passage (with a few sentences borrowed from others), so terms co-occur
the way they do in real news rather than uniformly at random.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CMRC_TRIAL = REPO.parent / "shared" / "data" / "cmrc2018_trial.json"
GOLD_QUESTIONS = REPO / "data" / "eval" / "questions.jsonl"

# A sentence ends at a full stop, question or exclamation mark, or a semicolon, with any
# closing quote or bracket that follows it.
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]+[”’」』）)]*")
_DIGITS = re.compile(r"\d+")
_MIN_SENTENCE_CHARS = 8

# Paragraph lengths of city-paper news: log-normal around 170 characters, kept to 60-360.
_LENGTH_MEDIAN = 170
_LENGTH_SIGMA = 0.35
_LENGTH_RANGE = (60, 360)
_PARAGRAPHS_PER_ARTICLE = (2, 10)
_BORROWED_SENTENCE_SHARE = 0.2
_RENUMBER_SHARE = 0.5
_PARAGRAPHS_PER_DAY = 500
_FIRST_DAY = date(2015, 1, 1)


@dataclass
class GeneratedArticle:
    """One generated article: a headline, its publication date and its paragraphs."""

    title: str
    date: str
    paragraphs: list[str] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """Sentences of a block of text; unterminated tails and fragments shorter than 8 chars go."""
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= _MIN_SENTENCE_CHARS]


def _page_passages(page: Path) -> list[str]:
    """A page's blank-line-separated blocks with their hard-wrapped lines joined."""
    blocks = re.split(r"\n\s*\n", page.read_text(encoding="utf-8"))
    return ["".join(line.strip() for line in block.splitlines()) for block in blocks]


def source_passages(pages: list[Path], cmrc: Path | None) -> list[list[str]]:
    """Real sentences grouped by the passage they come from (page blocks, CMRC contexts)."""
    texts = [passage for page in pages for passage in _page_passages(page)]
    if cmrc is not None and cmrc.is_file():
        data = json.loads(cmrc.read_text(encoding="utf-8"))["data"]
        texts += [p["context"] for article in data for p in article["paragraphs"]]
    passages = [split_sentences(text) for text in texts]
    return [sentences for sentences in passages if sentences]


def real_questions(cmrc: Path | None, gold: Path | None) -> list[str]:
    """The questions of the CMRC file and of the gold set, those that exist, in file order."""
    questions: list[str] = []
    if cmrc is not None and cmrc.is_file():
        data = json.loads(cmrc.read_text(encoding="utf-8"))["data"]
        questions += [qa["question"] for a in data for p in a["paragraphs"] for qa in p["qas"]]
    if gold is not None and gold.is_file():
        with gold.open(encoding="utf-8") as lines:
            questions += [json.loads(line)["question"] for line in lines if line.strip()]
    return questions


def _renumber(sentence: str, rng: random.Random) -> str:
    """Give a sentence fresh numbers of the same width: news repeats forms, not figures."""
    if rng.random() >= _RENUMBER_SHARE:
        return sentence
    return _DIGITS.sub(
        lambda m: str(rng.randrange(10 ** (len(m.group()) - 1), 10 ** len(m.group()))),
        sentence,
    )


def _paragraph_length(rng: random.Random) -> int:
    length = int(rng.lognormvariate(math.log(_LENGTH_MEDIAN), _LENGTH_SIGMA))
    return min(max(length, _LENGTH_RANGE[0]), _LENGTH_RANGE[1])


def _headline(sentences: list[str], rng: random.Random) -> str:
    """A headline: the first clause of one of the passage's sentences, at most 24 chars."""
    sentence = rng.choice(sentences)
    clauses = [c.strip() for c in re.split(r"[，,：:。！？；!?;]", sentence) if c.strip()]
    return (clauses[0] if clauses else sentence)[:24]


def generate(n: int, passages: list[list[str]], seed: int = 0) -> list[GeneratedArticle]:
    """Exactly `n` paragraphs in articles, the same for the same passages and seed."""
    if not passages:
        raise ValueError("no source sentences to resample from")
    rng = random.Random(seed)
    articles: list[GeneratedArticle] = []
    made = 0
    while made < n:
        topic = rng.choice(passages)
        article = GeneratedArticle(
            title=_headline(topic, rng),
            date=(_FIRST_DAY + timedelta(days=made // _PARAGRAPHS_PER_DAY)).isoformat(),
        )
        cursor = rng.randrange(len(topic))
        for _ in range(min(rng.randint(*_PARAGRAPHS_PER_ARTICLE), n - made)):
            target = _paragraph_length(rng)
            text = ""
            while len(text) < target:
                if rng.random() < _BORROWED_SENTENCE_SHARE:
                    sentence = rng.choice(rng.choice(passages))
                else:
                    sentence = topic[cursor % len(topic)]
                    cursor += 1
                text += _renumber(sentence, rng)
            article.paragraphs.append(text)
        made += len(article.paragraphs)
        articles.append(article)
    return articles


def sample_questions(questions: list[str], count: int, seed: int = 0) -> list[str]:
    """`count` distinct questions in a seeded order (all of them if there are fewer)."""
    unique = list(dict.fromkeys(questions))
    random.Random(seed).shuffle(unique)
    return unique[:count]
