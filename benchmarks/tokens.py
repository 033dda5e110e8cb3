"""Paragraph tokens prepared once, in parallel, and cached on disk as token ids.

A million paragraphs make ~10^8 tokens: as Python strings they would not fit in memory,
so the cache keeps one flat int32 array of token ids, the offset where each paragraph
starts, and the vocabulary. Every method of the benchmark is fed from the same cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np

Tokenizer = Callable[[str], list[str]]

_CHUNK = 2_000


@dataclass
class TokenCache:
    """The tokens of every paragraph: `ids[offsets[i]:offsets[i + 1]]` index into `vocab`."""

    vocab: list[str]
    ids: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def doc_ids(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i] : self.offsets[i + 1]]

    def lists(self, pool: Sequence) -> Iterator[list]:
        """Each paragraph as a list of `pool[token_id]`, sharing the pool's objects.

        Sharing matters at scale: a list of 10^8 references costs 0.8 GB where 10^8
        separate str or int objects would cost several times that.
        """
        for i in range(len(self)):
            yield [pool[t] for t in self.doc_ids(i).tolist()]

    def joined(self) -> Iterator[str]:
        """Each paragraph's tokens joined by single spaces, for engines that split on them."""
        for tokens in self.lists(self.vocab):
            yield " ".join(tokens)

    def save(self, where: Path) -> None:
        where.mkdir(parents=True, exist_ok=True)
        (where / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), "utf-8")
        np.save(where / "ids.npy", self.ids)
        np.save(where / "offsets.npy", self.offsets)

    @classmethod
    def load(cls, where: Path) -> TokenCache:
        return cls(
            vocab=json.loads((where / "vocab.json").read_text("utf-8")),
            ids=np.load(where / "ids.npy", mmap_mode="r"),
            offsets=np.load(where / "offsets.npy"),
        )


def _tokenize_chunk(args: tuple[Tokenizer, list[str]]) -> list[list[str]]:
    tokenize, texts = args
    return [tokenize(text) for text in texts]


def tokenize_all(texts: Sequence[str], tokenize: Tokenizer, workers: int) -> TokenCache:
    """Tokenize `texts` in `workers` processes (jieba holds the GIL) into a `TokenCache`.

    With one worker it tokenizes in this process: a pool would only add start-up time.
    """
    chunks = [(tokenize, list(texts[i : i + _CHUNK])) for i in range(0, len(texts), _CHUNK)]
    vocab: dict[str, int] = {}
    ids: list[np.ndarray] = []
    offsets = [0]
    with ExitStack() as stack:
        if workers > 1:
            tokenized = stack.enter_context(Pool(workers)).imap(_tokenize_chunk, chunks)
        else:
            tokenized = map(_tokenize_chunk, chunks)
        for tokens_of_chunk in tokenized:
            for tokens in tokens_of_chunk:
                doc = np.fromiter(
                    (vocab.setdefault(t, len(vocab)) for t in tokens), np.int32, len(tokens)
                )
                ids.append(doc)
                offsets.append(offsets[-1] + len(doc))
    return TokenCache(
        vocab=list(vocab),
        ids=np.concatenate(ids) if ids else np.zeros(0, np.int32),
        offsets=np.asarray(offsets, np.int64),
    )
