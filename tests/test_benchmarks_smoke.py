"""The archive-scale benchmark at a tiny size: it runs, and newsbot's scores equal rank-bm25's."""

from __future__ import annotations

import importlib.util

import pytest

from benchmarks import archive_scale, corpus
from benchmarks.tokens import TokenCache
from retrieval.resources import bundled_pages

SIZE = 500


def _installed(method: str) -> bool:
    module = {"bm25s": "bm25s", "tantivy": "tantivy"}.get(method)
    return module is None or importlib.util.find_spec(module) is not None


@pytest.fixture(scope="module")
def passages() -> list[list[str]]:
    return corpus.source_passages(bundled_pages(), corpus.CMRC_TRIAL)


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory) -> dict:
    """One tiny run of every installed method, in this process (no subprocesses)."""
    methods = [m for m in archive_scale.METHODS if _installed(m)]
    return archive_scale.run_size(
        SIZE,
        queries=40,
        methods=methods,
        out=tmp_path_factory.mktemp("bench"),
        run=archive_scale.worker,
    )


def _row(run: dict, method: str) -> dict:
    return next(r for r in run["rows"] if r["method"] == method)


def test_generator_gives_exactly_n_paragraphs_the_same_each_time(passages):
    first = corpus.generate(SIZE, passages, seed=3)
    again = corpus.generate(SIZE, passages, seed=3)
    assert sum(len(a.paragraphs) for a in first) == SIZE
    assert first == again
    assert first != corpus.generate(SIZE, passages, seed=4)


def test_generated_paragraphs_are_news_length_and_grouped_in_articles(passages):
    articles = corpus.generate(SIZE, passages, seed=0)
    lengths = sorted(len(p) for a in articles for p in a.paragraphs)
    assert 100 <= lengths[len(lengths) // 2] <= 300
    assert lengths[0] >= 60
    assert 2 < SIZE / len(articles) < 10
    assert all(a.title and a.date for a in articles)


def test_split_sentences_keeps_terminators_and_drops_fragments():
    text = "西宁半马25日开赛，选手12000人。短句。天气晴朗适合跑步吗？未完的尾巴"
    assert corpus.split_sentences(text) == [
        "西宁半马25日开赛，选手12000人。",
        "天气晴朗适合跑步吗？",
    ]


def test_token_cache_round_trips_through_disk(tmp_path):
    texts = ["西宁 半马 开赛", "半马 选手", ""]
    cache = TokenCache.from_joined(texts)
    cache.save(tmp_path)
    loaded = TokenCache.load(tmp_path)
    assert list(loaded.lists(loaded.vocab)) == [t.split() for t in texts]
    assert list(loaded.joined()) == texts


@pytest.mark.parametrize("method", ["newsbot-index", "newsbot"])
def test_newsbot_scores_equal_rank_bm25_through_the_harness(smoke_run, method):
    row = _row(smoke_run, method)
    assert row["compared_queries"] == 40
    assert row["max_score_error"] < archive_scale.SCORE_TOLERANCE
    assert row["agreement"] == 1.0
    assert row["identical_share"] == 1.0


@pytest.mark.parametrize("method", ["bm25s", "sqlite-fts5", "tantivy"])
def test_every_peer_finds_mostly_what_rank_bm25_finds(smoke_run, method):
    if not _installed(method):
        pytest.skip(f"{method} is not installed (pip install '.[bench]')")
    row = _row(smoke_run, method)
    # Other idf variants and k1 reorder the tail; a wrong paragraph numbering would give ~0.
    assert row["agreement"] > 0.8
    assert row["p50_ms"] > 0 and row["disk_mb"] > 0


def test_table_has_a_row_per_method(smoke_run):
    text = archive_scale.table(SIZE, smoke_run["rows"])
    assert [line.split("|")[1].strip() for line in text.splitlines()[4:]] == [
        r["method"] for r in smoke_run["rows"]
    ]


def test_newsbot_serving_path_reports_answers_and_a_daily_update(smoke_run):
    row = _row(smoke_run, "newsbot")
    assert row["ask_p50_ms"] >= row["p50_ms"] > 0
    update = smoke_run["newsbot_update"]
    assert update["refreshed_paragraphs"] == update["day_paragraphs"]
    assert update["new_paragraph_found"]
    assert "ingest:" in archive_scale.newsbot_summary(smoke_run)


def test_chart_plots_every_method_from_the_results(smoke_run, tmp_path):
    pytest.importorskip("matplotlib")
    from benchmarks import chart

    results = {"machine": archive_scale.machine(), "runs": [smoke_run]}
    assert set(chart.series(results, "p50_ms")) == {r["method"] for r in smoke_run["rows"]}
    chart.plot(results, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
