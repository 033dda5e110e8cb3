"""The inverted index scores exactly as rank_bm25 does: after building, adding, saving, loading."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import index as index_module
from retrieval.errors import NewsbotError
from retrieval.index import BM25Index

PARAMS = [
    {"k1": 1.5, "b": 0.75, "epsilon": 0.25},  # rank_bm25's defaults
    {"k1": 1.2, "b": 0.75, "epsilon": 0.0},
    {"k1": 0.8, "b": 0.3, "epsilon": 1.0},
]
ALPHABET = list("abcxyz") + list("西宁半马拉松赛开") + ["𠀀", "é"]


def random_corpus(rng: np.random.Generator, n_docs: int) -> list[list[str]]:
    """Documents over a random vocabulary with Zipf-like term use; some are empty."""
    n_terms = int(rng.integers(1, 40))
    vocab = sorted({"".join(rng.choice(ALPHABET, size=rng.integers(1, 4))) for _ in range(n_terms)})
    p = 1 / np.arange(1, len(vocab) + 1) ** rng.uniform(0.5, 1.5)
    p /= p.sum()
    docs = []
    for _ in range(n_docs):
        length = 0 if rng.random() < 0.1 else int(rng.integers(1, 25))
        docs.append([str(t) for t in rng.choice(vocab, size=length, p=p)])
    if not any(docs):
        docs[0] = [vocab[0]]  # rank_bm25 divides by zero on a corpus with no tokens at all
    return docs


def random_queries(rng: np.random.Generator, corpus: list[list[str]]) -> list[list[str]]:
    """Queries mixing known terms (repeated ones too) with unknown ones."""
    known = sorted({t for d in corpus for t in d})
    queries = [[], ["never-seen"], [known[0], known[0]]]
    for _ in range(8):
        q = [str(t) for t in rng.choice(known, size=rng.integers(1, 6))]
        queries.append(q + (["unknown"] if rng.random() < 0.3 else []))
    return queries


def assert_same_as_rank_bm25(index: BM25Index, corpus: list[list[str]], params: dict, rng) -> None:
    ref = BM25Okapi(corpus, **params)
    assert index.n_docs == len(corpus)
    for q in random_queries(rng, corpus):
        expected = ref.get_scores(q)
        np.testing.assert_allclose(index.get_scores(q), expected, rtol=0, atol=1e-9)
        for k in (1, 3, len(corpus)):
            assert_top_k(index.top_k(q, k), expected, k)


def assert_top_k(found: tuple[np.ndarray, np.ndarray], expected: np.ndarray, k: int) -> None:
    """The k best distinct rows with their scores, best first (negative scores included);
    rows whose scores differ by float rounding only may come in either order."""
    rows, scores = found
    assert len(set(rows.tolist())) == len(rows) == min(k, len(expected))
    np.testing.assert_allclose(scores, expected[rows], rtol=0, atol=1e-9)
    np.testing.assert_allclose(scores, np.sort(expected)[::-1][:k], rtol=0, atol=1e-9)


def cases(n: int):
    return [(seed, params) for seed in range(n) for params in PARAMS]


@pytest.mark.parametrize("seed,params", cases(8))
def test_scores_equal_rank_bm25_on_random_corpora(seed, params):
    rng = np.random.default_rng(seed)
    corpus = random_corpus(rng, n_docs=int(rng.integers(1, 60)))
    assert_same_as_rank_bm25(BM25Index.build(corpus, **params), corpus, params, rng)


@pytest.mark.parametrize(
    "corpus", [[["a"]], [["a", "a"], []], [["a"], ["a"]], [["a", "b"], ["b"], ["c"]]]
)
def test_tiny_corpora_and_terms_in_every_document(corpus):
    params = PARAMS[0]
    assert_same_as_rank_bm25(
        BM25Index.build(corpus, **params), corpus, params, np.random.default_rng(0)
    )


@pytest.mark.parametrize("seed,params", cases(6))
def test_scores_stay_equal_after_adding_documents(seed, params):
    rng = np.random.default_rng(100 + seed)
    corpus = random_corpus(rng, n_docs=50)
    cut = int(rng.integers(1, 40))
    index = BM25Index.build(corpus[:cut], **params)
    index.add(corpus[cut:40])
    index.add(corpus[40:])  # a second add extends the same delta segment
    assert_same_as_rank_bm25(index, corpus, params, rng)


def test_adding_nothing_changes_nothing():
    index = BM25Index.build([["a", "b"], ["b"]], **PARAMS[0])
    index.add([])
    assert index.n_docs == 2


@pytest.mark.parametrize("mmap", [True, False])
@pytest.mark.parametrize("seed,params", cases(3))
def test_save_and_load_round_trip(tmp_path, seed, params, mmap):
    rng = np.random.default_rng(200 + seed)
    corpus = random_corpus(rng, n_docs=40)
    BM25Index.build(corpus, **params).save(tmp_path)
    loaded = BM25Index.load(tmp_path, mmap=mmap)
    assert (loaded.k1, loaded.b, loaded.epsilon) == (params["k1"], params["b"], params["epsilon"])
    assert_same_as_rank_bm25(loaded, corpus, params, rng)


@pytest.mark.parametrize("delta_docs", [3, 30])  # a small delta is kept apart, a large one merged
def test_loaded_index_grows_and_saves_again(tmp_path, delta_docs):
    rng = np.random.default_rng(7)
    params = PARAMS[1]
    corpus = random_corpus(rng, n_docs=60 + delta_docs)
    BM25Index.build(corpus[:60], **params).save(tmp_path / "one")
    grown = BM25Index.load(tmp_path / "one")
    grown.add(corpus[60:] + [["brand-new", "term"]])
    corpus = corpus + [["brand-new", "term"]]
    assert_same_as_rank_bm25(grown, corpus, params, rng)
    grown.save(tmp_path / "two")
    again = BM25Index.load(tmp_path / "two")
    assert_same_as_rank_bm25(again, corpus, params, rng)
    assert again.get_scores(["brand-new"])[-1] > 0
    again.add([["brand-new"]])
    assert_same_as_rank_bm25(again, corpus + [["brand-new"]], params, rng)


def test_saving_into_the_directory_it_was_loaded_from(tmp_path):
    params = PARAMS[0]
    corpus = [["a", "b"], ["b", "c"], ["c", "d", "d"]]
    BM25Index.build(corpus, **params).save(tmp_path)
    index = BM25Index.load(tmp_path)
    index.add([["e"]])
    index.save(tmp_path)
    assert_same_as_rank_bm25(
        BM25Index.load(tmp_path), corpus + [["e"]], params, np.random.default_rng(0)
    )


def test_vocabulary_is_re_sorted_when_many_terms_are_new(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "_RESORT_MIN", 2)
    params = PARAMS[0]
    corpus = [["m", "k"], ["k", "a"]]
    BM25Index.build(corpus, **params).save(tmp_path / "a")
    index = BM25Index.load(tmp_path / "a")
    index.add([["z", "b", "c"], ["k"]])
    index.save(tmp_path / "b")
    corpus += [["z", "b", "c"], ["k"]]
    loaded = BM25Index.load(tmp_path / "b")
    assert not loaded._state.vocab.extra  # every term is found by bisection again
    assert_same_as_rank_bm25(loaded, corpus, params, np.random.default_rng(1))


@pytest.mark.parametrize("seed", range(5))
def test_top_k_is_best_first_with_ties_by_lower_row(seed):
    rng = np.random.default_rng(300 + seed)
    corpus = random_corpus(rng, n_docs=40)
    corpus += corpus[:10]  # duplicated documents tie exactly
    index = BM25Index.build(corpus, **PARAMS[1])
    ref = BM25Okapi(corpus, **PARAMS[1])
    for q in random_queries(rng, corpus):
        expected = ref.get_scores(q)
        order = np.lexsort((np.arange(len(corpus)), -expected))
        for k in (1, 5, 100):
            rows, scores = index.top_k(q, k)
            np.testing.assert_array_equal(rows, order[:k])
            np.testing.assert_allclose(scores, expected[order[:k]], rtol=0, atol=1e-9)


def test_top_k_on_an_empty_index():
    rows, scores = BM25Index.build([], **PARAMS[0]).top_k(["a"], 3)
    assert len(rows) == len(scores) == 0


def test_a_reader_holding_the_old_state_is_not_disturbed_by_add():
    index = BM25Index.build([["a"], ["b"]], **PARAMS[0])
    before = index._state
    index.add([["a", "new"]])
    assert index._state is not before
    assert len(before.doc_len) == 2 and before.vocab.get("new") >= before.n_terms


@pytest.fixture(params=[16, 4], ids=["65536-row chunks", "16-row chunks"])
def chunk_bits(request, monkeypatch) -> int:
    """Postings' rows split into high and low bits at this width; small widths make every
    term's postings span many chunks, as a term's do past 65,536 rows of a real archive."""
    monkeypatch.setattr(index_module, "_LOW_BITS", request.param)
    monkeypatch.setattr(index_module, "_LOW_MASK", (1 << request.param) - 1)
    return request.param


@pytest.mark.parametrize("seed", range(4))
def test_postings_across_many_row_chunks_score_as_rank_bm25(tmp_path, chunk_bits, seed):
    rng = np.random.default_rng(300 + seed)
    params = PARAMS[seed % len(PARAMS)]
    corpus = random_corpus(rng, n_docs=120)
    index = BM25Index.build(corpus[:70], **params)
    index.add(corpus[70:])
    assert_same_as_rank_bm25(index, corpus, params, rng)
    index.save(tmp_path)
    assert_same_as_rank_bm25(BM25Index.load(tmp_path), corpus, params, rng)
    segment = BM25Index.load(tmp_path)._state.segments[0]
    assert len(segment.chunk_high) > segment.n_terms or chunk_bits == 16


def test_a_format_1_index_is_read_and_saved_in_the_current_format(tmp_path):
    rng = np.random.default_rng(5)
    params = PARAMS[1]
    corpus = random_corpus(rng, n_docs=50)
    BM25Index.build(corpus, **params).save(tmp_path / "new")
    old = tmp_path / "old"
    old.mkdir()
    manifest = json.loads((tmp_path / "new" / "manifest.json").read_text())
    for path in (tmp_path / "new").iterdir():
        if not path.name.startswith("p0_"):
            shutil.copy(path, old / path.name)
    segment = BM25Index.load(tmp_path / "new")._state.segments[0]
    np.save(old / "p0_offsets.npy", segment.offsets)
    np.save(old / "p0_docs.npy", segment.docs.astype(np.int32))
    np.save(old / "p0_tf.npy", segment.tf)
    manifest["format"] = 1
    (old / "manifest.json").write_text(json.dumps(manifest))
    loaded = BM25Index.load(old)
    assert loaded.saved_format == 1
    assert_same_as_rank_bm25(loaded, corpus, params, rng)
    loaded.save(tmp_path / "again")
    again = BM25Index.load(tmp_path / "again")
    assert again.saved_format == index_module.FORMAT_VERSION
    assert_same_as_rank_bm25(again, corpus, params, rng)


def test_pruned_top_k_equals_the_full_ranking(monkeypatch, chunk_bits):
    """A corpus large enough that MaxScore skips the common terms' postings for most rows."""
    rng = np.random.default_rng(11)
    vocab = [f"w{i}" for i in range(3000)]
    p = 1 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    lengths = rng.integers(5, 40, size=2000)
    words = rng.choice(vocab, size=int(lengths.sum()), p=p).tolist()
    ends = np.cumsum(lengths)
    corpus = [words[end - n : end] for n, end in zip(lengths, ends, strict=True)]
    corpus += corpus[:50]  # exact ties
    params = {"k1": 0.5, "b": 0.3, "epsilon": 0.0}
    index = BM25Index.build(corpus[:1500], **params)
    index.add(corpus[1500:])  # postings in two segments
    ref = BM25Okapi(corpus, **params)
    restricted = []
    real = BM25Index._postings

    def spy(self, state, t, rows=None):
        restricted.append(rows is not None)
        return real(self, state, t, rows)

    monkeypatch.setattr(BM25Index, "_postings", spy)
    for _ in range(20):
        q = list(rng.choice(vocab[:5], size=3)) + list(rng.choice(vocab[100:], size=3))
        expected = ref.get_scores(q)
        order = np.lexsort((np.arange(len(corpus)), -expected))
        for k in (1, 10):
            rows, scores = index.top_k(q, k)
            np.testing.assert_array_equal(rows, order[:k])
            np.testing.assert_allclose(scores, expected[order[:k]], rtol=0, atol=1e-9)
    assert any(restricted)


def test_long_terms_sharing_their_first_bytes_are_told_apart(tmp_path):
    stem = "半程马拉松赛事" * 2  # far longer than the sorted prefixes
    corpus = [[stem + "甲", "x"], [stem + "乙"], [stem], ["y"]]
    BM25Index.build(corpus, **PARAMS[0]).save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    assert_same_as_rank_bm25(loaded, corpus, PARAMS[0], np.random.default_rng(2))
    assert loaded.top_k([stem + "乙"], 1)[0].tolist() == [1]
    assert loaded.get_scores([stem + "丙"]).sum() == 0


def test_saving_after_the_loaded_directory_was_removed(tmp_path):
    params = PARAMS[0]
    corpus = [["a", "b"], ["b", "c"], ["c", "d", "d"]]
    BM25Index.build(corpus, **params).save(tmp_path / "old")
    index = BM25Index.load(tmp_path / "old", mmap=False)
    for path in (tmp_path / "old").iterdir():
        path.unlink()
    index.save(tmp_path / "new")  # nothing to hard-link: the arrays are written out
    assert_same_as_rank_bm25(
        BM25Index.load(tmp_path / "new"), corpus, params, np.random.default_rng(3)
    )


def test_unchanged_postings_are_hard_linked_into_the_next_save(tmp_path):
    corpus = [["a", "b"]] * 30
    BM25Index.build(corpus, **PARAMS[0]).save(tmp_path / "one")
    index = BM25Index.load(tmp_path / "one")
    index.add([["c"]])  # a small delta: the main segment is kept as it is
    index.save(tmp_path / "two")
    assert (tmp_path / "two" / "p0_low.npy").stat().st_ino == (
        tmp_path / "one" / "p0_low.npy"
    ).stat().st_ino
    assert (tmp_path / "two" / "p1_low.npy").exists()


def test_meta_is_kept_in_the_manifest(tmp_path):
    BM25Index.build([["a"]], **PARAMS[0]).save(tmp_path, meta={"tokenizer_version": "t1"})
    assert BM25Index.load(tmp_path).meta == {"tokenizer_version": "t1"}


def test_unreadable_index_is_a_user_error(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(NewsbotError, match="cannot read the index"):
        BM25Index.load(tmp_path)


def test_a_corpus_of_empty_documents_scores_nothing():
    # rank_bm25 divides by zero here; the index gives every row 0.
    index = BM25Index.build([[], []], **PARAMS[0])
    assert index.get_scores(["a"]).tolist() == [0.0, 0.0]
    assert index.top_k(["a"], 5)[0].tolist() == [0, 1]
