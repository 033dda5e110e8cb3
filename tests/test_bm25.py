"""The pure BM25 functions agree with rank_bm25's BM25Okapi, its quirks included."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import bm25


def _corpus(seed: int, n_docs: int, n_terms: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    # Zipf-like draws: the first few terms land in most documents (negative idf).
    p = 1 / np.arange(1, n_terms + 1)
    p /= p.sum()
    return [
        list(rng.choice([f"t{i}" for i in range(n_terms)], size=rng.integers(1, 12), p=p))
        for _ in range(n_docs)
    ]


def _df(corpus: list[list[str]], terms: list[str]) -> np.ndarray:
    return np.array([sum(t in doc for doc in corpus) for t in terms])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("epsilon", [0.0, 0.25, 1.0])
def test_idf_equals_rank_bm25_including_the_floor_for_common_terms(seed, epsilon):
    corpus = _corpus(seed, n_docs=int(3 + seed * 7), n_terms=15)
    ref = BM25Okapi(corpus, epsilon=epsilon)
    terms = list(ref.idf)
    idf = bm25.idf_okapi(_df(corpus, terms), len(corpus), epsilon)
    np.testing.assert_allclose(idf, [ref.idf[t] for t in terms], rtol=0, atol=1e-12)


def test_floor_is_epsilon_times_the_mean_of_all_idfs_before_flooring():
    # Two documents: "a" is in both (idf ln(0.5/2.5) < 0), "b" in one (idf 0).
    idf = bm25.idf_okapi(np.array([2, 1]), 2, epsilon=0.5)
    raw_a = np.log(0.5) - np.log(2.5)
    assert idf[0] == pytest.approx(0.5 * (raw_a + 0.0) / 2)
    assert idf[1] == 0.0


def test_empty_vocabulary_gives_no_idf():
    assert bm25.idf_okapi(np.zeros(0), 0, 0.25).shape == (0,)


@pytest.mark.parametrize("k1,b", [(1.5, 0.75), (1.2, 0.4), (0.9, 0.0), (2.0, 1.0)])
def test_term_weights_summed_with_idf_equal_rank_bm25_scores(k1, b):
    corpus = _corpus(7, n_docs=30, n_terms=20)
    ref = BM25Okapi(corpus, k1=k1, b=b, epsilon=0.25)
    query = ["t0", "t3", "t3", "t19", "unknown"]
    doc_len = np.array([len(d) for d in corpus])
    scores = np.zeros(len(corpus))
    for q in query:
        tf = np.array([d.count(q) for d in corpus])
        scores += (ref.idf.get(q) or 0) * bm25.term_weight(tf, doc_len, doc_len.mean(), k1, b)
    np.testing.assert_allclose(scores, ref.get_scores(query), rtol=0, atol=1e-9)
