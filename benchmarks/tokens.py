"""Paragraph tokens prepared once and cached on disk as token ids.

A million paragraphs make ~2 x 10^8 tokens: as Python strings they would not fit in memory,
so the cache keeps one flat int32 array of token ids, the offset where each paragraph
starts, and the vocabulary. Every method of the benchmark is fed from the same cache.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


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
    def from_joined(cls, docs: Iterable[str]) -> TokenCache:
        """A cache from space-joined token strings (the form newsbot's store caches them in)."""
        vocab: dict[str, int] = {}
        ids: list[np.ndarray] = []
        offsets = [0]
        for joined in docs:
            tokens = joined.split(" ") if joined else []
            ids.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), np.int32))
            offsets.append(offsets[-1] + len(tokens))
        return cls(
            vocab=list(vocab),
            ids=np.concatenate(ids) if ids else np.zeros(0, np.int32),
            offsets=np.asarray(offsets, np.int64),
        )

    @classmethod
    def load(cls, where: Path) -> TokenCache:
        return cls(
            vocab=json.loads((where / "vocab.json").read_text("utf-8")),
            ids=np.load(where / "ids.npy", mmap_mode="r"),
            offsets=np.load(where / "offsets.npy"),
        )
