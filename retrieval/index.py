"""The inverted BM25 index: term → postings in numpy, exact rank_bm25 scores from postings alone.

Layout. Terms get ids in the order they are first seen; ids never change, so merging postings
needs no renumbering. Postings live in segments, each a CSR matrix over term ids (`offsets`
int64; per posting the low 16 bits of its row and its count, the high bits once per chunk
of rows: 3 bytes a posting where an int32 row and a count took 5, see `_Postings`) covering
a contiguous range of rows: the main segment, and a small delta segment that `add()` extends
and `save()` merges into the main one once it grows past a tenth of it. Document frequencies
and lengths are global arrays, so after an `add()` idf and the length norms are recomputed over
the whole corpus (a few vector operations) and scores still equal rank_bm25's over all rows.

Concurrency. Everything a query reads hangs off one immutable `_State`; `add()` builds a new
one and swaps the reference, so a reader sees the index before or after, never half of it.

Files. `save()` writes `.npy` arrays and `manifest.json` into a directory; `load(mmap=True)`
memory-maps the postings so a cold start reads almost nothing. The vocabulary is a UTF-8 blob
with offsets plus the ids sorted by term and their sorted prefixes (searched by numpy), so
loading it builds no dict.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

import numpy as np

from retrieval import bm25
from retrieval.errors import NewsbotError

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: rows as 16 low bits + chunks (1: int32 rows), tf beside them
READABLE_FORMATS = (1, 2)  # a format-1 index is re-encoded in memory when loaded
_BUILD_CHUNK = 25_000  # documents turned into one CSR at a time (bounds the memory of a build)
_MERGE_FRACTION = 0.1  # save() folds the delta into the main segment past this share of rows
_RESORT_MIN = 50_000  # save() re-sorts the vocabulary once this many terms sit outside its order
_KEY_BYTES = 16  # sorted fixed-width prefixes of the terms' UTF-8, searched by numpy


@dataclass
class _Vocab:
    """Term ↔ id. Ids below `len(offsets) - 1` are in `blob`; later ones in `tail`. `order`
    lists ids sorted by term and `keys` their first bytes, for a binary search in C; terms
    outside the order (added since it was made) are found through the dict `extra`."""

    blob: bytes = b""
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=f"S{_KEY_BYTES}"))
    extra: dict[str, int] = field(default_factory=dict)
    tail: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.offsets) - 1 + len(self.tail)

    def term_bytes(self, i: int) -> bytes:
        return self.blob[self.offsets[i] : self.offsets[i + 1]]

    def term(self, i: int) -> str:
        n_blob = len(self.offsets) - 1
        return self.term_bytes(i).decode() if i < n_blob else self.tail[i - n_blob]

    def get(self, term: str) -> int | None:
        found = self.extra.get(term)
        if found is not None:
            return found
        key = term.encode()
        prefix = np.bytes_(key[:_KEY_BYTES])
        lo = int(np.searchsorted(self.keys, prefix, side="left"))
        hi = int(np.searchsorted(self.keys, prefix, side="right"))
        for i in range(lo, hi):  # terms sharing the prefix: compare them whole
            if self.term_bytes(int(self.order[i])) == key:
                return int(self.order[i])
        return None

    def ids(self, tokens: list[str], seen: dict[str, int]) -> np.ndarray:
        """Ids of the tokens, giving unseen ones the next ids in first-seen order; `seen`
        caches look-ups, so only distinct tokens are looked up, the rest mapped in C.

        Readers of an older state ignore the new ids: they are past its `n_terms`."""
        for token in dict.fromkeys(tokens):
            if token not in seen:
                i = self.get(token)
                if i is None:
                    i = self.extra[token] = len(self)
                    self.tail.append(token)
                seen[token] = i
        return np.fromiter(map(seen.__getitem__, tokens), dtype=np.int64, count=len(tokens))


_LOW_BITS = 16  # a posting keeps the low 16 bits of its row; its chunk holds the rest
_LOW_MASK = (1 << _LOW_BITS) - 1
_CHUNK_FILES = ("offsets", "low", "tf", "chunk_offsets", "chunk_high", "chunk_start")


@dataclass(frozen=True)
class _Postings:
    """A CSR segment. The postings of term t are positions `offsets[t]:offsets[t + 1]`, sorted
    by row: `low` (uint16) holds each row's low 16 bits and `tf` its count. They fall into
    chunks of rows sharing their high bits: term t's chunks are `chunk_offsets[t]:[t + 1]`,
    chunk c starting at position `chunk_start[c]` with rows `chunk_high[c] << 16 | low`. A
    term has at most one chunk per 65,536 rows, so chunks are few beside the postings: 3 bytes
    a posting, where a row and a count took 5."""

    offsets: np.ndarray
    low: np.ndarray
    tf: np.ndarray
    chunk_offsets: np.ndarray
    chunk_high: np.ndarray
    chunk_start: np.ndarray
    rows: tuple[int, int]  # the half-open range of document rows this segment covers
    source: Path | None = None  # the directory it was loaded from, when unchanged since

    @property
    def n_terms(self) -> int:
        return len(self.offsets) - 1

    @property
    def docs(self) -> np.ndarray:
        """Every posting's row (decoded whole: for merging and checks, not for queries)."""
        sizes = np.diff(np.append(self.chunk_start, len(self.low)))
        kind = np.int32 if self.rows[1] < 2**31 else np.int64
        high = np.repeat(self.chunk_high.astype(kind) << _LOW_BITS, sizes)
        high += self.low
        return high

    def counts(self, n_terms: int) -> np.ndarray:
        """Postings per term, padded with zeros to `n_terms`."""
        out = np.zeros(n_terms, dtype=np.int64)
        out[: self.n_terms] = np.diff(self.offsets)
        return out

    def term(self, t: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, tf) of term t's postings; only those among `rows` (sorted) when given."""
        lo, hi = int(self.offsets[t]), int(self.offsets[t + 1])
        c0, c1 = int(self.chunk_offsets[t]), int(self.chunk_offsets[t + 1])
        if rows is None:
            # int32 rows (up to 2**31 paragraphs): half the memory traffic of int64.
            low = self.low[lo:hi].astype(np.int32)
            if c1 - c0 == 1:
                low += int(self.chunk_high[c0]) << _LOW_BITS
                return low, self.tf[lo:hi]
            sizes = np.diff(np.append(self.chunk_start[c0:c1], hi))
            low += np.repeat(self.chunk_high[c0:c1] << _LOW_BITS, sizes)
            return low, self.tf[lo:hi]
        # Binary search within each chunk that query rows fall in (a handful per term).
        highs = rows >> _LOW_BITS
        found_rows, found_tf = [], []
        for c in range(c0, c1):
            h = int(self.chunk_high[c])
            a, b = np.searchsorted(highs, [h, h + 1])
            if a == b:
                continue
            start = int(self.chunk_start[c])
            end = int(self.chunk_start[c + 1]) if c + 1 < c1 else hi
            low, want = self.low[start:end], (rows[a:b] & _LOW_MASK).astype(np.uint16)
            at = np.minimum(np.searchsorted(low, want), end - start - 1)
            hit = low[at] == want
            found_rows.append(rows[a:b][hit])
            found_tf.append(self.tf[start:end][at[hit]])
        if not found_rows:
            return np.zeros(0, dtype=np.int64), self.tf[:0]
        return np.concatenate(found_rows), np.concatenate(found_tf)

    @classmethod
    def packing(
        cls, offsets: np.ndarray, docs: np.ndarray, tf: np.ndarray, rows: tuple[int, int]
    ) -> _Postings:
        """A segment of the given postings (term ranges, rows sorted within each, counts)."""
        n_terms = len(offsets) - 1
        term = np.repeat(np.arange(n_terms, dtype=np.int32), np.diff(offsets))
        high = (np.asarray(docs) >> _LOW_BITS).astype(np.int32)
        new = np.ones(len(term), dtype=bool)
        new[1:] = (term[1:] != term[:-1]) | (high[1:] != high[:-1])
        starts = np.flatnonzero(new)
        chunk_offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(term[starts], minlength=n_terms), out=chunk_offsets[1:])
        return cls(
            offsets,
            (np.asarray(docs) & _LOW_MASK).astype(np.uint16),
            tf.astype(np.min_scalar_type(int(tf.max(initial=1)))),
            chunk_offsets,
            high[starts],
            starts.astype(np.int64),
            rows,
        )

    @classmethod
    def from_ids(
        cls, ids: np.ndarray, lengths: np.ndarray, first_row: int, n_terms: int
    ) -> _Postings:
        """Postings of documents given as their term ids one after another and their lengths,
        numbered from `first_row`."""
        n = max(len(lengths), 1)
        local = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        keys = np.sort(ids * n + local)  # by term, then row
        starts = np.flatnonzero(np.diff(keys, prepend=-1))
        tf = np.diff(np.append(starts, len(keys)))
        terms, docs = np.divmod(keys[starts], n)
        offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=offsets[1:])
        return cls.packing(offsets, docs + first_row, tf, (first_row, first_row + len(lengths)))

    @classmethod
    def merge(cls, parts: list[_Postings], n_terms: int) -> _Postings:
        """One segment from segments over consecutive row ranges, postings kept in row order."""
        counts = [p.counts(n_terms) for p in parts]
        offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.sum(counts, axis=0), out=offsets[1:])
        total = int(offsets[-1])
        last_row = parts[-1].rows[1]
        docs = np.empty(total, dtype=np.int32 if last_row < 2**31 else np.int64)
        tf = np.empty(total, dtype=np.result_type(*(p.tf.dtype for p in parts)))
        before = np.zeros(n_terms, dtype=np.int64)  # postings of earlier parts, per term
        for part, count in zip(parts, counts, strict=True):
            start = np.zeros(n_terms, dtype=np.int64)
            start[: part.n_terms] = part.offsets[:-1]
            start[part.n_terms :] = part.offsets[-1]
            dest = np.repeat(offsets[:-1] + before - start, count) + np.arange(len(part.low))
            docs[dest] = part.docs
            tf[dest] = part.tf
            before += count
        return cls.packing(offsets, docs, tf, (parts[0].rows[0], last_row))

    def save(self, directory: Path, name: str) -> None:
        for attr in _CHUNK_FILES:
            target = directory / f"{name}_{attr}.npy"
            if self.source is not None and self.source.resolve() == directory.resolve():
                continue  # saving over the files it was loaded from: they are unchanged
            if self.source is None or not _link(self.source / f"{name}_{attr}.npy", target):
                _write_npy(target, getattr(self, attr))

    @classmethod
    def load(cls, directory: Path, spec: dict, mmap: bool, saved_format: int) -> _Postings:
        """A saved segment; one of format 1 (rows and tf as int32 and uint8) is re-encoded."""
        name, rows = spec["name"], tuple(spec["rows"])
        mode = "r" if mmap else None
        if saved_format == 1:
            offsets, docs, tf = (
                np.load(directory / f"{name}_{a}.npy") for a in ("offsets", "docs", "tf")
            )
            return cls.packing(offsets, docs, tf, rows)
        arrays = [np.load(directory / f"{name}_{a}.npy", mmap_mode=mode) for a in _CHUNK_FILES]
        return cls(*arrays, rows=rows, source=directory)


def _link(src: Path, dst: Path) -> bool:
    """Reuse an unchanged file in another index directory by a hard link; False if it can't."""
    tmp = dst.with_name(dst.name + ".tmp")
    try:
        tmp.unlink(missing_ok=True)
        os.link(src, tmp)
    except OSError:
        return False
    os.replace(tmp, dst)
    return True


def _write_npy(path: Path, array: np.ndarray) -> None:
    """Write beside, then rename: a reader that memory-maps the old file keeps its copy."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.save(f, array)
    os.replace(tmp, path)


@dataclass(frozen=True)
class _State:
    """Everything one query reads; replaced whole, never changed in place."""

    vocab: _Vocab
    n_terms: int
    df: np.ndarray
    doc_len: np.ndarray
    segments: tuple[_Postings, ...]
    idf: np.ndarray
    norm: np.ndarray


class BM25Index:
    """BM25Okapi over token lists, served from postings; scores equal rank_bm25's."""

    def __init__(
        self, state: _State, *, k1: float, b: float, epsilon: float, meta: dict | None = None
    ) -> None:
        self.k1, self.b, self.epsilon = k1, b, epsilon
        self.meta = meta or {}  # what the caller saved beside the index (e.g. a tokenizer version)
        self.saved_format = FORMAT_VERSION  # the format of the files it was loaded from
        self._state = state

    @classmethod
    def build(cls, docs: Iterable[list[str]], *, k1: float, b: float, epsilon: float) -> BM25Index:
        """An index over the documents (lists of tokens), rows numbered from 0."""
        no_docs = np.zeros(0, np.int32)
        empty = _State(_Vocab(), 0, np.zeros(0, np.int64), no_docs, (), np.zeros(0), np.zeros(0))
        index = cls(empty, k1=k1, b=b, epsilon=epsilon)
        index.add(docs)
        return index

    @property
    def n_docs(self) -> int:
        return len(self._state.doc_len)

    @property
    def n_terms(self) -> int:
        return self._state.n_terms

    def problems(self) -> list[str]:
        """What is inconsistent inside the index (empty when sound): document frequencies
        against the postings, rows outside the segments' ranges, lengths against rows."""
        state = self._state
        found = []
        counts = np.zeros(state.n_terms, dtype=np.int64)
        covered = 0
        for seg in state.segments:
            counts += seg.counts(state.n_terms)
            covered += seg.rows[1] - seg.rows[0]
            if len(seg.low) != (seg.offsets[-1] if len(seg.offsets) else 0):
                found.append(
                    f"segment {seg.rows} holds {len(seg.low)} postings, not {seg.offsets[-1]}"
                )
            elif len(seg.low) and np.any(np.diff(seg.offsets) < 0):
                found.append(f"segment {seg.rows} has offsets out of order")
            elif len(seg.low) and not _chunks_sound(seg):
                found.append(f"segment {seg.rows} has chunks outside its rows or postings")
        if covered != self.n_docs:
            found.append(f"segments cover {covered} rows, not {self.n_docs}")
        if not np.array_equal(counts, state.df[: state.n_terms]):
            bad = int(np.sum(counts != state.df[: state.n_terms]))
            found.append(f"{bad} terms' document frequencies disagree with their postings")
        return found

    def add(self, docs: Iterable[list[str]]) -> None:
        """Append documents as new rows; readers see the old index until the new one is whole."""
        old = self._state
        vocab = old.vocab
        df, doc_len = old.df, old.doc_len
        parts = [s for s in old.segments if s.rows[0] == 0][:1]
        delta = [s for s in old.segments if s.rows[0] != 0]
        first = len(doc_len)
        lengths = [doc_len]
        seen: dict[str, int] = {}
        for chunk in _chunks(docs, _BUILD_CHUNK):
            sizes = np.fromiter((len(d) for d in chunk), dtype=np.int64, count=len(chunk))
            ids = vocab.ids(list(chain.from_iterable(chunk)), seen)
            part = _Postings.from_ids(ids, sizes, first, len(vocab))
            delta.append(part)
            df = _padded(df, len(vocab)) + part.counts(len(vocab))
            lengths.append(sizes.astype(np.int32))
            first += len(chunk)
        if first == len(old.doc_len):
            return
        n_terms = len(vocab)
        if not parts:  # a fresh index: what was built becomes the main segment
            parts, delta = delta, []
        if len(parts) > 1:
            parts = [_Postings.merge(parts, n_terms)]
        if len(delta) > 1:
            delta = [_Postings.merge(delta, n_terms)]
        doc_len = np.concatenate(lengths)
        self._state = self._derive(
            vocab, n_terms, df, doc_len, tuple(parts + delta), self.k1, self.b, self.epsilon
        )

    @staticmethod
    def _derive(vocab, n_terms, df, doc_len, segments, k1, b, epsilon) -> _State:
        """A state with idf and length norms computed from the global counts."""
        n_docs = len(doc_len)
        avgdl = float(doc_len.sum()) / n_docs if n_docs else 0.0
        idf = bm25.idf_okapi(df, n_docs, epsilon)
        with np.errstate(divide="ignore", invalid="ignore"):
            norm = bm25.length_norm(doc_len, avgdl, k1, b)
        return _State(vocab, n_terms, df, doc_len, segments, idf, norm)

    def get_scores(self, query: list[str]) -> np.ndarray:
        """The score of every row, as `rank_bm25.BM25Okapi(...).get_scores(query)` gives it."""
        state = self._state
        scores = np.zeros(len(state.doc_len))
        for term in query:
            t = self._term_id(state, term)
            if t is not None:
                for docs, weights in self._postings(state, t):
                    scores[docs] += weights
        return scores

    @staticmethod
    def _term_id(state: _State, term: str) -> int | None:
        """The id of a term this state knows and weighs (idf 0 adds nothing), else None."""
        t = state.vocab.get(term)
        return t if t is not None and t < state.n_terms and state.idf[t] else None

    def _postings(self, state: _State, t: int, rows: np.ndarray | None = None):
        """(rows, weights) of term `t`, one pair per segment holding it; at least those of
        `rows` (sorted) when given, found by binary search in the term's sorted postings."""
        for seg in state.segments:
            if t >= seg.n_terms or seg.offsets[t] == seg.offsets[t + 1]:
                continue
            # Binary search pays when the rows are few next to the postings; otherwise scoring
            # all postings is cheaper (rows outside `rows` gain scores nobody reads).
            few = rows is not None and len(rows) * 16 < seg.offsets[t + 1] - seg.offsets[t]
            docs, tf = seg.term(t, rows if few else None)
            yield docs, state.idf[t] * bm25.saturate(tf, state.norm[docs], self.k1)

    def top_k(self, query: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k best rows and their scores, best first, ties broken by the lower row.

        Exact, with MaxScore pruning: terms are scored rarest first (highest bound first);
        once the k-th best score so far exceeds what all remaining terms together could add
        (each at most idf * (k1 + 1)), no row they alone hold can reach the top k, so the
        remaining, long postings are only searched for the rows still in the running."""
        state = self._state
        n = len(state.doc_len)
        k = min(k, n)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        counts: dict[int, int] = {}
        for term in query:
            t = self._term_id(state, term)
            if t is not None:
                counts[t] = counts.get(t, 0) + 1
        # The bounds carry a hair of slack so that float rounding in `rest` never prunes a row
        # that could tie the k-th (weights reach idf * (k1 + 1) only when k1 is 0).
        bound = {t: c * state.idf[t] * (self.k1 + 1) * (1 + 1e-9) for t, c in counts.items()}
        if any(b < 0 for b in bound.values()):  # a negative idf floor breaks the bounds
            return self._top_of(self.get_scores(query), None, k, negative=True)
        terms = sorted(counts, key=bound.__getitem__, reverse=True)
        rest = sum(bound.values())
        scores = np.zeros(n)
        seen: list[np.ndarray] = []
        kth = 0.0  # a lower bound of the final k-th best score
        for i, t in enumerate(terms[:-1]):
            touched = []
            for docs, weights in self._postings(state, t):
                scores[docs] += counts[t] * weights
                touched.append(docs)
            seen.extend(touched)
            rest = max(rest - bound[t], 0.0)
            # This term's rows are distinct, so their k-th best partial score (which can only
            # grow) bounds the final k-th best from below: cheaper than ranking all rows seen.
            rows = np.concatenate(touched) if touched else np.zeros(0, dtype=np.int32)
            if rest < float(scores[rows].max(initial=0.0)) and len(rows) >= k:
                kth = max(kth, float(np.partition(scores[rows], len(rows) - k)[len(rows) - k]))
            if rest < kth:
                # Rows still in the running: seen, and within `rest` of the k-th best. Each
                # further term lowers `rest` and may raise `kth`, so the pool keeps shrinking.
                seen_rows = np.concatenate(seen)
                pool = _distinct(seen_rows[scores[seen_rows] + rest >= kth])
                for u in terms[i + 1 :]:
                    for docs, weights in self._postings(state, u, pool):
                        scores[docs] += counts[u] * weights
                    rest = max(rest - bound[u], 0.0)  # never below 0 by rounding
                    kth = max(kth, float(np.partition(scores[pool], len(pool) - k)[len(pool) - k]))
                    pool = pool[scores[pool] + rest >= kth]
                return self._top_of(scores, pool, k)
        for t in terms[-1:]:
            for docs, weights in self._postings(state, t):
                scores[docs] += counts[t] * weights
        return self._top_of(scores, None, k)

    @staticmethod
    def _top_of(
        scores: np.ndarray, rows: np.ndarray | None, k: int, negative: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k best of `rows` (the rows that can still reach the top k; None for all rows,
        whose scores are >= 0 unless `negative`)."""
        positive = np.flatnonzero(scores > 0) if rows is None else rows[scores[rows] > 0]
        if rows is not None or len(positive) >= k:
            pool = positive
        elif negative:
            pool = np.arange(len(scores))
        else:
            # Fewer than k rows share a term with the query: the rest of the top k are the
            # first rows scoring 0, found among the first k + len(positive) rows.
            head = np.arange(min(len(scores), k + len(positive)))
            pool = np.concatenate([positive, head[scores[head] == 0]])
        if len(pool) > k:
            cut = np.partition(scores[pool], len(pool) - k)[len(pool) - k]
            pool = pool[scores[pool] >= cut]
        order = np.lexsort((pool, -scores[pool]))[:k]
        picked = pool[order]
        return picked, scores[picked]

    def save(self, directory: Path, meta: dict | None = None) -> None:
        """Write the index into `directory` (created; files in it are replaced), with `meta`
        (JSON-able, default `self.meta`) in its manifest."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = self._state
        segments = list(state.segments)
        if (
            len(segments) == 2
            and segments[1].rows[1] - segments[1].rows[0] > _MERGE_FRACTION * segments[0].rows[1]
        ):
            segments = [_Postings.merge(segments, state.n_terms)]
        vocab = _save_vocab(state.vocab, directory)
        _write_npy(directory / "df.npy", state.df)
        _write_npy(directory / "doc_len.npy", state.doc_len)
        names = []
        for i, seg in enumerate(segments):
            seg.save(directory, f"p{i}")
            names.append({"name": f"p{i}", "rows": list(seg.rows)})
        manifest = {
            "format": FORMAT_VERSION,
            "k1": self.k1,
            "b": self.b,
            "epsilon": self.epsilon,
            "n_docs": self.n_docs,
            "n_terms": state.n_terms,
            "n_sorted": len(vocab.order),
            "segments": names,
            "meta": self.meta if meta is None else meta,
        }
        tmp = directory / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp, directory / "manifest.json")

    @classmethod
    def load(cls, directory: Path, mmap: bool = True) -> BM25Index:
        """An index saved by `save()`; postings memory-mapped unless `mmap` is False."""
        directory = Path(directory)
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") not in READABLE_FORMATS:
                raise NewsbotError(
                    f"{directory}: index format {manifest.get('format')}, expected {FORMAT_VERSION}"
                )
            vocab = _load_vocab(directory, manifest["n_sorted"])
            df = np.load(directory / "df.npy")
            doc_len = np.load(directory / "doc_len.npy")
            segments = tuple(
                _Postings.load(directory, s, mmap, manifest["format"]) for s in manifest["segments"]
            )
        except (OSError, ValueError, KeyError) as exc:
            raise NewsbotError(f"{directory}: cannot read the index ({exc})") from exc
        k1, b, epsilon = manifest["k1"], manifest["b"], manifest["epsilon"]
        state = cls._derive(vocab, manifest["n_terms"], df, doc_len, segments, k1, b, epsilon)
        index = cls(state, k1=k1, b=b, epsilon=epsilon, meta=manifest.get("meta"))
        index.saved_format = manifest["format"]
        return index


def _save_vocab(vocab: _Vocab, directory: Path) -> _Vocab:
    """Write the vocabulary (re-sorting it when many terms sit outside the sorted order)."""
    tail = "".join(vocab.tail).encode()
    lengths = np.fromiter(
        (len(t.encode()) for t in vocab.tail), dtype=np.int64, count=len(vocab.tail)
    )
    offsets = np.concatenate([vocab.offsets, vocab.offsets[-1] + np.cumsum(lengths)])
    saved = _Vocab(vocab.blob + tail, offsets, vocab.order, vocab.keys)
    if len(vocab) - len(vocab.order) >= _RESORT_MIN or not len(vocab.order):
        terms = [saved.term_bytes(i) for i in range(len(saved))]
        order = sorted(range(len(terms)), key=terms.__getitem__)
        saved.order = np.array(order, dtype=np.int32)
        saved.keys = np.array([terms[i][:_KEY_BYTES] for i in order], dtype=f"S{_KEY_BYTES}")
    tmp = directory / "terms.bin.tmp"
    tmp.write_bytes(saved.blob)
    os.replace(tmp, directory / "terms.bin")
    _write_npy(directory / "term_offsets.npy", saved.offsets)
    _write_npy(directory / "term_order.npy", saved.order)
    _write_npy(directory / "term_keys.npy", saved.keys)
    return saved


def _load_vocab(directory: Path, n_sorted: int) -> _Vocab:
    vocab = _Vocab(
        (directory / "terms.bin").read_bytes(),
        np.load(directory / "term_offsets.npy"),
        np.load(directory / "term_order.npy"),
        np.load(directory / "term_keys.npy", mmap_mode="r"),
    )
    # The sorted order covers the ids that existed when it was made; later ones are looked up
    # in a dict (few: save() re-sorts once there are _RESORT_MIN of them).
    vocab.extra = {vocab.term(i): i for i in range(n_sorted, len(vocab))}
    return vocab


def _chunks_sound(seg: _Postings) -> bool:
    """The chunk table in order, within the postings and the segment's rows: checked per
    chunk, not per posting (a million paragraphs have over a hundred million postings)."""
    first, last = seg.rows[0] >> _LOW_BITS, (seg.rows[1] - 1) >> _LOW_BITS
    return bool(
        seg.chunk_offsets[-1] == len(seg.chunk_high) == len(seg.chunk_start)
        and np.all(np.diff(seg.chunk_offsets) >= 0)
        and np.all(np.diff(seg.chunk_start) > 0)
        and seg.chunk_start[0] == 0
        and seg.chunk_start[-1] < len(seg.low)
        and first <= int(seg.chunk_high.min()) <= int(seg.chunk_high.max()) <= last
    )


def _distinct(rows: np.ndarray) -> np.ndarray:
    """The distinct rows, sorted (several times faster than numpy 2's hashing `np.unique`)."""
    rows = np.sort(rows)
    return rows[np.concatenate(([True], rows[1:] != rows[:-1]))] if len(rows) else rows


def _padded(a: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    out[: len(a)] = a
    return out


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
