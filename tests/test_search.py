"""Searcher: hits from a store, the persisted index, refresh without rebuild, stale indexes."""

from __future__ import annotations

import hashlib
import os
import subprocess

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import search as search_module
from retrieval.errors import NewsbotError
from retrieval.models import Article
from retrieval.search import EPSILON, K1, B, Searcher, build_index, document_text
from retrieval.store import Store
from retrieval.tokenize import Tokenizer, index_tokens

RACE = Article(
    title="西宁半程马拉松赛周日开跑",
    kicker="体育",
    paragraphs=[
        "8月25日7时30分，2024西宁半程马拉松赛将在海湖体育中心鸣枪开赛。",
        "参赛规模总计12000人，较上年增加2000余人。",
        "选手们将穿过新宁广场和秀水路城市公园。",
    ],
)
WATER = Article(
    title="南川水厂一期项目加快建设",
    paragraphs=[
        "市委书记调研南川水厂一期项目，要求加快施工进度。",
        "项目投运后将提升全市供水品质。",
    ],
)
SCHOOL = Article(
    title="新学期中小学开学",
    paragraphs=[
        "全市中小学9月1日开学，教育部门提前检查校舍安全。",
        "新建学校三所，新增学位四千个。",
    ],
)
LIBRARY = Article(title="城市图书馆夜间开放", paragraphs=["城市图书馆自下月起每晚开放至22时。"])


def add(store: Store, *articles: Article) -> None:
    name = "+".join(a.title for a in articles)
    sha = hashlib.sha256(name.encode()).hexdigest()
    store.add_document(name=name, sha256=sha, kind="jsonl", articles=list(articles))


@pytest.fixture
def news() -> Store:
    store = Store()
    add(store, RACE, WATER, SCHOOL)
    return store


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """How many texts the searcher has tokenized for the index, call by call."""
    calls: list[int] = []
    real = search_module.TokenizerPool.submit

    def counting(self, texts):
        if texts:
            calls.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(search_module.TokenizerPool, "submit", counting)
    return calls


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "news.db"
    store = Store(path)
    add(store, RACE, WATER, SCHOOL)
    store.close()
    return str(path)


def test_best_paragraph_answers_the_question(news):
    hits = Searcher.open(news).search("西宁半马几点开赛？", k=3)
    assert hits[0].text == RACE.paragraphs[0]
    assert hits[0].title == RACE.title
    assert news.article(hits[0].article_id).title == RACE.title
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_traditional_question_gets_the_same_hits_as_simplified(news):
    searcher = Searcher.open(news)
    assert searcher.search("西寧半馬幾點開賽？") == searcher.search("西宁半马几点开赛？")


def test_headline_words_count_for_every_paragraph_of_the_article(news):
    hits = Searcher.open(news).search("体育", k=10)
    assert {h.text for h in hits} == set(RACE.paragraphs)


def test_paragraphs_sharing_nothing_with_the_question_are_not_hits(news):
    searcher = Searcher.open(news)
    assert searcher.search("火星探测器") == []
    assert searcher.search("？？") == []


def test_given_tokens_are_used_instead_of_the_question(news):
    hits = Searcher.open(news).search("ignored", tokens=index_tokens("供水品质"))
    assert hits[0].text == WATER.paragraphs[1]


def test_scores_equal_rank_bm25_over_the_paragraph_tokens(news):
    searcher = Searcher.open(news)
    rows = list(news.iter_paragraphs())
    ref = BM25Okapi([index_tokens(document_text(r)) for r in rows], k1=K1, b=B, epsilon=EPSILON)
    question = "南川水厂项目什么时候投运？"
    hits = searcher.search(question, k=len(rows))
    expected = ref.get_scores(searcher.tokenizer.query_tokens(question))
    by_id = {r.id: s for r, s in zip(rows, expected, strict=True)}
    assert hits
    for hit in hits:
        assert hit.score == pytest.approx(by_id[hit.paragraph_id], abs=1e-9)
    assert len(hits) == int(np.sum(expected > 0))


def test_refresh_indexes_only_new_paragraphs(news, counted):
    searcher = Searcher.open(news)
    assert counted == [7] and searcher.n_paragraphs == 7
    assert searcher.search("图书馆开放到几点") == []
    add(news, LIBRARY)
    assert searcher.refresh() == 1
    assert counted == [7, 1]
    assert searcher.search("图书馆开放到几点")[0].text == LIBRARY.paragraphs[0]
    assert searcher.refresh() == 0 and counted == [7, 1]


def test_a_search_during_refresh_uses_a_whole_index(news):
    searcher = Searcher.open(news)
    before = searcher._view
    add(news, LIBRARY)
    searcher.refresh()
    assert before.index.n_docs == len(before.paragraph_ids) == 7
    assert searcher._view.index.n_docs == len(searcher._view.paragraph_ids) == 8


def test_persisted_index_is_reused_without_tokenizing(db, counted):
    first = Searcher.open(db).search("参赛规模多少人")
    assert counted == [7]
    again = Searcher.open(db)
    assert counted == [7]
    assert again.search("参赛规模多少人") == first


def test_lost_index_is_rebuilt_from_the_paragraph_texts(db, counted, tmp_path):
    Searcher.open(db)
    for path in sorted((tmp_path / "news.db.idx").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert Searcher.open(db).search("参赛规模多少人")[0].text == RACE.paragraphs[1]
    assert counted == [7, 7]
    Searcher.open(db)
    assert counted == [7, 7]


def test_a_new_tokenizer_version_serves_the_old_index_until_ingest_rebuilds_it(
    db, counted, monkeypatch, caplog
):
    Searcher.open(db)
    monkeypatch.setattr(search_module, "TOKENIZER_VERSION", "test-next")
    stale = Searcher.open(db)
    assert counted == [7] and stale.n_paragraphs == 7
    assert "tokenizer 5-" in caplog.text and "newsbot doctor --repair" in caplog.text
    assert stale.search("参赛规模多少人")[0].text == RACE.paragraphs[1]
    assert build_index(db) is True
    assert counted == [7, 7]
    Searcher.open(db)
    assert build_index(db) is False and counted == [7, 7]


def test_build_index_adds_new_paragraphs_to_the_saved_index(db, counted, tmp_path):
    build_index(db)
    store = Store(db)
    add(store, LIBRARY)
    progress: list[tuple[int, int]] = []
    build_index(db, progress=lambda done, total: progress.append((done, total)))
    assert progress == [(1, 1)]
    assert counted == [7, 1]
    searcher = Searcher.open(db)
    assert counted == [7, 1] and searcher.n_paragraphs == 8
    generations = [p for p in (tmp_path / "news.db.idx").iterdir() if p.is_dir()]
    assert [g.name for g in generations] == [(tmp_path / "news.db.idx" / "CURRENT").read_text()]


def test_a_running_searcher_takes_over_the_index_another_process_saved(db, counted):
    bot = Searcher.open(db)
    writer = Store(db)
    add(writer, LIBRARY)
    build_index(db)
    assert counted == [7, 1]
    assert bot.refresh() == 1
    assert counted == [7, 1]  # the ingest's tokens, not tokenized again
    assert bot.search("图书馆")[0].text == LIBRARY.paragraphs[0]


def test_index_of_a_rebuilt_database_is_not_trusted(db, tmp_path):
    Searcher.open(db)
    (tmp_path / "news.db").unlink()
    fresh = Store(tmp_path / "news.db")
    add(fresh, LIBRARY, WATER, SCHOOL)
    searcher = Searcher.open(tmp_path / "news.db")
    assert searcher.n_paragraphs == 5
    assert searcher.search("图书馆")[0].text == LIBRARY.paragraphs[0]


def test_other_tokenizer_modes_are_built_in_memory_and_never_saved(db, counted, tmp_path):
    Searcher.open(db)
    words = Searcher.open(db, tokenizer=Tokenizer("words"))
    assert counted == [7, 7]
    assert words.search("参赛规模多少人")[0].text == RACE.paragraphs[1]
    assert len([p for p in (tmp_path / "news.db.idx").iterdir() if p.is_dir()]) == 1


def test_missing_database_is_a_user_error(tmp_path):
    with pytest.raises(NewsbotError, match="run `newsbot ingest` first"):
        Searcher.open(tmp_path / "nope.db")


def test_a_save_leaves_newer_and_in_progress_generations_alone(db, tmp_path):
    searcher = Searcher.open(db)
    root = tmp_path / "news.db.idx"
    newer = root / "g99999999999999999999"
    writing = root / f"g99999999999999999998.{os.getpid()}.tmp"
    dead = _finished_pid()
    abandoned = root / f"g99999999999999999997.{dead}.tmp"
    for path in (newer, writing, abandoned):
        path.mkdir()
    searcher.save()
    current = (root / "CURRENT").read_text()
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(
        [current, newer.name, writing.name]
    )


def _finished_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_batches_tokenized_ahead_on_a_process_pool_give_the_same_index(news, monkeypatch):
    from retrieval import tokenize

    monkeypatch.setattr(search_module, "_BATCH", 3)
    monkeypatch.setattr(tokenize, "_PARALLEL_MIN", 2)
    monkeypatch.setattr(tokenize, "_CHUNK", 2)
    pooled = Searcher.open(news)
    monkeypatch.undo()
    single = Searcher.open(news)
    question = "参赛规模多少人"
    assert pooled.search(question, k=7) == single.search(question, k=7)
    assert pooled.search(question)[0].text == RACE.paragraphs[1]


def test_an_empty_store_has_no_hits():
    searcher = Searcher.open(Store())
    assert searcher.n_paragraphs == 0 and searcher.search("西宁半马") == []
