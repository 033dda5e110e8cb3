"""Normalisation and jieba tokens for the index and for questions.

Text is normalised first (NFKC folds full-width digits and Latin letters to half-width,
OpenCC turns traditional characters into simplified ones, Latin is lower-cased), then cut by
rjieba (jieba-rs: jieba's dictionary and cuts without its HMM, much faster). Punctuation,
stopwords and question words never become tokens, in paragraphs or in questions, so both
sides are tokenized by the same code.

Modes (`Tokenizer(mode)`), compared by `benchmarks/tokenizer_variants.py`:
- "words": jieba's precise words;
- "search": search-mode words (each long word plus its dictionary sub-words, as
  `jieba.cut_for_search` gives them), so `马拉松赛` also yields `马拉松`;
- "bigram": overlapping CJK character pairs (Latin and digit runs stay whole);
- "hybrid": search-mode words plus character bigrams: words keep precision, bigrams match
  compounds that jieba splits differently in a question and in the text (`半马` / `西宁半马`).
Bigrams never span a dropped word, so `西宁的半马` gives `西宁 半马`, not `宁的 的半`.

The abbreviation table `data/synonyms.tsv` (半马 / 半程马拉松, 科技 / 科学技术 …) maps every full
form to its abbreviation: a text naming a full form also gets the abbreviation as a token.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

import jieba
import opencc
import rjieba

from retrieval.errors import NewsbotError
from retrieval.resources import data_dir

log = logging.getLogger(__name__)
# jieba sets its own logger to DEBUG with a stderr handler when imported, and every module
# that cuts text imports this one: quiet it here, once, before any dictionary is loaded.
jieba.setLogLevel(logging.WARNING)

MODES = ("words", "search", "bigram", "hybrid")
DEFAULT_MODE = "hybrid"
# Bump the number whenever the tokens a paragraph gets can change (rules, word lists, jieba
# dictionary additions): it keys the token cache in the store and the persisted index.
TOKENIZER_VERSION = f"5-{DEFAULT_MODE}"

# They carry the question's type, not its content (the answerer reads them for the type).
QUESTION_WORDS: tuple[str, ...] = tuple(
    """
    什么时候 什么时间 什么地方 什么人 为什么 怎么样 怎么 怎样 如何
    几点钟 几点 几时 几月 几号 几日 几天 几年 几个 几位 几名 几次 几
    哪一天 哪一年 哪天 哪年 哪月 哪里 哪儿 在哪 哪些 哪个 哪家 哪位 哪所 哪座 哪种 哪项 哪
    多少 多久 多长 多大 多远 多高 谁 什么 啥 是否 有没有 是不是 吗 呢 请问
    """.split()
)
# Question words jieba's dictionary lacks: added so they are cut whole, not as 什么 + 时候.
_ADDED_WORDS = ("什么时候", "什么时间", "什么地方", "哪一天", "哪一年", "几点钟")

_PARALLEL_MIN = 20_000  # below this many texts a process pool costs more than it saves
_CHUNK = 2_000


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _added_words() -> tuple[str, ...]:
    """Words both segmenters learn: the question words jieba's dictionary lacks and the
    abbreviations of the synonym table (without its HMM jieba cuts 半马 into 半 + 马)."""
    return _ADDED_WORDS + tuple(group[0] for group in synonyms())


@cache
def _jieba() -> jieba.Tokenizer:
    """The default jieba tokenizer (for `words()` and the answerer's cuts), initialised once,
    quiet, words added: those of the index and the paraphrased predicates (开跑 whole, so that
    the thesaurus can match it to 鸣枪开赛)."""
    jieba.initialize()
    for word in (*_added_words(), *(w for group in paraphrases() for w in group)):
        jieba.add_word(word)
    return jieba.dt


def dictionary_words() -> dict[str, int]:
    """jieba's dictionary: word → frequency (prefixes of words map to 0)."""
    return _jieba().FREQ


@cache
def _segmenter() -> None:
    """rjieba (jieba-rs), which cuts index and query text: jieba's dictionary and cuts without
    its HMM, 15 times faster (identical on the CMRC passages), with the same words added."""
    for word in _added_words():
        rjieba.add_word(word, None, None)


@cache
def stopwords() -> frozenset[str]:
    """Function words kept out of the index and the query (`data/stopwords.txt`)."""
    return frozenset(_data_lines("stopwords.txt"))


@cache
def synonyms() -> tuple[tuple[str, ...], ...]:
    """Groups of equivalent forms from `data/synonyms.tsv`, abbreviation first, normalised."""
    return tuple(
        tuple(normalize(f) for f in line.split("\t") if f) for line in _data_lines("synonyms.tsv")
    )


@cache
def paraphrases() -> tuple[tuple[str, ...], ...]:
    """Groups of converse and paraphrased predicates from `data/paraphrases.tsv`, normalised;
    words of one character are left out (获, 在: too common to stand for a predicate)."""
    groups = (map(normalize, line.split("\t")) for line in _data_lines("paraphrases.tsv"))
    return tuple(tuple(w for w in group if len(w) >= 2) for group in groups)


def _data_lines(name: str) -> list[str]:
    path = data_dir() / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NewsbotError(f"{path}: cannot read the word list ({exc.strerror})") from exc
    return [line.strip(" \r") for line in lines if line.strip() and not line.startswith("#")]


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), traditional to simplified, Latin lower-cased."""
    return _converter().convert(unicodedata.normalize("NFKC", text)).lower()


def words(text: str) -> list[str]:
    """Plain jieba words of the normalised text, punctuation included (for overlap and spans);
    with jieba's HMM, so names missing from its dictionary come out whole."""
    return [w for w in _jieba().lcut(normalize(text)) if not w.isspace()]


_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")


def _is_content(word: str) -> bool:
    """A word with at least one letter, digit or CJK character (punctuation and symbols are not)."""
    return word.isalnum() or any(c.isalnum() for c in word)


@dataclass(frozen=True)
class Tokenizer:
    """Turns paragraphs and questions into index tokens under one of `MODES`."""

    mode: str = DEFAULT_MODE

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise NewsbotError(
                f"unknown tokenizer mode {self.mode!r}: choose one of {', '.join(MODES)}"
            )

    def index_tokens(self, text: str) -> list[str]:
        """Tokens of a paragraph for the index: no punctuation, stopwords or question words;
        each full form of the synonym table adds its abbreviation."""
        text = normalize(text)
        return list(self._tokens(_runs(text))) + _abbreviations(text)

    def query_tokens(self, question: str) -> list[str]:
        """Tokens of a question: made exactly as a paragraph's, question words left out."""
        return self.index_tokens(question)

    def _tokens(self, runs: list[list[str]]) -> Iterator[str]:
        for run in runs:
            if self.mode == "words":
                yield from run
            elif self.mode == "search":
                yield from _search_words(run)
            elif self.mode == "bigram":
                yield from _bigrams(run)
            else:
                # A two-character word is also its own bigram and so counts twice: that weights
                # whole words above pairs bridging two words, and measured better (R@1 0.856 vs
                # 0.844 on CMRC with the pairs de-duplicated).
                yield from _search_words(run)
                yield from _bigrams(run)


def _abbreviations(text: str) -> list[str]:
    """The abbreviation of every full form in the (normalised) text, once per occurrence.

    Paragraphs and questions both get them, so 半马 in a question matches 半程马拉松 in the
    text and the other way round, while the concept still counts once: expanding questions to
    every form instead favoured paragraphs that name both (gold set paragraph@1 0.82 vs 0.91)."""
    return [group[0] for group in synonyms() for full in group[1:] for _ in range(text.count(full))]


def _runs(text: str) -> list[list[str]]:
    """Jieba words grouped into runs of kept words; a dropped word (punctuation, stopword,
    question word) ends a run so that bigrams never bridge it."""
    drop = _dropped()
    runs: list[list[str]] = [[]]
    _segmenter()
    # Without jieba's HMM guessing of unknown words: as good on CMRC (hybrid R@1 0.854 vs
    # 0.856, R@5 0.992 vs 0.991), and bigrams still match the names it would have found.
    for word in rjieba.cut(text, False):
        word = word.strip()
        if word and word not in drop and _is_content(word):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


@cache
def _dropped() -> frozenset[str]:
    return stopwords() | frozenset(QUESTION_WORDS)


def _search_words(run: Iterable[str]) -> Iterator[str]:
    """Each word preceded by its dictionary 2- and 3-character sub-words (jieba's search mode)."""
    for word in run:
        for n in (2, 3):
            if len(word) > n:
                for i in range(len(word) - n + 1):
                    if rjieba.has_word(word[i : i + n]):
                        yield word[i : i + n]
        yield word


def _bigrams(run: list[str]) -> Iterator[str]:
    """Overlapping CJK character pairs across the run's words; a lone CJK character stays a
    unigram; Latin letters and digits stay whole and interrupt the pairs."""
    chars: list[str] = []
    for word in run:
        if _CJK.fullmatch(word):
            chars.extend(word)
            continue
        yield from _pairs(chars)
        chars = []
        yield word
    yield from _pairs(chars)


def _pairs(chars: list[str]) -> Iterator[str]:
    if len(chars) == 1:
        yield chars[0]
    for i in range(len(chars) - 1):
        yield chars[i] + chars[i + 1]


DEFAULT = Tokenizer()


def index_tokens(text: str) -> list[str]:
    """Index tokens of a paragraph under the default mode."""
    return DEFAULT.index_tokens(text)


def query_tokens(question: str) -> list[str]:
    """Query tokens of a question under the default mode (question words out, synonyms in)."""
    return DEFAULT.query_tokens(question)


class TokenizerPool:
    """Index tokens of batches of texts, on every core for large ones, submitted ahead of use:
    while the caller indexes one batch, the workers tokenize the next (jieba is the bottleneck).

    `submit(texts)` returns a function that waits for the batch and returns each text's tokens
    joined by spaces, as the token cache keeps them: one string a text crosses between
    processes several times faster than a list of short ones."""

    def __init__(self, tokenizer: Tokenizer = DEFAULT) -> None:
        self.tokenizer = tokenizer
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, texts: list[str]) -> Callable[[], list[str]]:
        if len(texts) < _PARALLEL_MIN:  # a pool costs more than it saves
            return lambda: _tokenize_chunk(self.tokenizer, texts)
        if self._pool is None:
            _segmenter()  # add the words before forking, so each worker inherits them
            self._pool = ProcessPoolExecutor()
        chunks = [texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
        futures = [self._pool.submit(_tokenize_chunk, self.tokenizer, c) for c in chunks]
        return lambda: [joined for f in futures for joined in f.result()]

    def __enter__(self) -> TokenizerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def index_tokens_many(texts: list[str], tokenizer: Tokenizer = DEFAULT) -> list[list[str]]:
    """Index tokens of many texts, on every core for large batches."""
    with TokenizerPool(tokenizer) as pool:
        return [joined.split() for joined in pool.submit(texts)()]


def _tokenize_chunk(tokenizer: Tokenizer, texts: list[str]) -> list[str]:
    return [" ".join(tokenizer.index_tokens(t)) for t in texts]
