"""BM25Okapi scoring as small pure functions over numpy arrays, exactly as rank_bm25 defines it.

rank_bm25 (`BM25Okapi`) is the reference: idf = ln(N - df + 0.5) - ln(df + 0.5); a term whose
idf is negative (found in more than half of the documents) gets `epsilon * mean idf` instead,
the mean taken over the whole vocabulary before flooring; a document's score is the sum over
the query's terms (a repeated term counts each time) of
idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl)).
The arithmetic below keeps rank_bm25's order of operations so the floats agree to the last bits.
"""

from __future__ import annotations

import numpy as np


def idf_okapi(df: np.ndarray, n_docs: int, epsilon: float) -> np.ndarray:
    """Idf of every term from its document frequency, with rank_bm25's floor for negative idf."""
    df = np.asarray(df, dtype=np.float64)
    if df.size == 0:
        return df
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    floor = epsilon * idf.mean()
    return np.where(idf < 0, floor, idf)


def length_norm(doc_len: np.ndarray, avgdl: float, k1: float, b: float) -> np.ndarray:
    """The per-document part of the denominator: k1 * (1 - b + b * doc_len / avgdl)."""
    return k1 * (1 - b + b * np.asarray(doc_len, dtype=np.float64) / avgdl)


def saturate(tf: np.ndarray, norm: np.ndarray, k1: float) -> np.ndarray:
    """tf * (k1 + 1) / (tf + norm): the term-frequency part of a term's weight."""
    tf = np.asarray(tf, dtype=np.float64)
    return tf * (k1 + 1) / (tf + norm)


def term_weight(tf, doc_len, avgdl: float, k1: float, b: float) -> np.ndarray:
    """A term's BM25 weight in documents before idf, from raw term frequencies and lengths."""
    return saturate(tf, length_norm(doc_len, avgdl, k1, b), k1)
