"""The SQLite store: schema, documents in one transaction, reading back, feedback and meta."""

from __future__ import annotations

import sqlite3

import pytest

from retrieval.errors import NewsbotError
from retrieval.models import Article, ArticleRef
from retrieval.store import ParagraphRow, Store


def _articles() -> list[Article]:
    return [
        Article(
            title="城西区备战半程马拉松",
            kicker="体育",
            paragraphs=["赛事将于周日开赛。", "参赛规模一万二千人。"],
            reporters=["张国静"],
            date="2024-08-22",
            source="西宁晚报",
            url="https://example.org/1",
        ),
        Article(title="夏季供水保障", paragraphs=["水厂一期即将投运。"], subtitle="副题"),
    ]


def _add(store: Store, sha256: str = "a" * 64, **kwargs) -> int | None:
    fields = {"name": "page.txt", "kind": "page", "articles": _articles(), **kwargs}
    return store.add_document(sha256=sha256, **fields)


def _counts(store: Store) -> tuple[int, int, int]:
    return tuple(store.db[t].count for t in ("documents", "articles", "paragraphs"))


def test_schema_has_foreign_keys_and_indexes_on_join_columns(store):
    db = store.db
    assert {"documents", "articles", "paragraphs", "feedback", "meta"} <= set(db.table_names())
    fks = {(fk.table, fk.column, fk.other_table) for t in db.tables for fk in t.foreign_keys}
    assert ("articles", "document_id", "documents") in fks
    assert ("paragraphs", "article_id", "articles") in fks
    assert ("feedback", "paragraph_id", "paragraphs") in fks
    indexed = {(t.name, i.columns[0]) for t in db.tables for i in t.indexes}
    assert {("articles", "document_id"), ("paragraphs", "article_id")} <= indexed
    assert ("documents", "sha256") in indexed


def test_article_and_paragraph_positions_follow_input_order(store):
    document_id = _add(store)
    rows = store.articles()
    assert [(r["document_id"], r["position"], r["title"]) for r in rows] == [
        (document_id, 0, "城西区备战半程马拉松"),
        (document_id, 1, "夏季供水保障"),
    ]
    paragraphs = [store.paragraph(i) for i in (1, 2, 3)]
    assert [(p["article_id"], p["position"]) for p in paragraphs] == [(1, 0), (1, 1), (2, 0)]


def test_same_sha256_twice_adds_nothing(store):
    assert _add(store) == 1
    assert _add(store) is None
    assert _counts(store) == (1, 2, 3)
    assert store.has_document("a" * 64)
    assert not store.has_document("b" * 64)


def test_unknown_document_kind_is_refused(store):
    with pytest.raises(ValueError, match="kind"):
        _add(store, kind="html")
    assert _counts(store) == (0, 0, 0)


def test_failure_mid_document_leaves_store_unchanged(store, crash_mid_paragraphs):
    _add(store)
    seen = crash_mid_paragraphs()
    with pytest.raises(RuntimeError, match="simulated crash"):
        _add(store, sha256="b" * 64)
    assert seen == [4]
    assert _counts(store) == (1, 2, 3)
    assert not store.has_document("b" * 64)


def test_article_round_trips_with_id_and_paragraphs(store):
    _add(store)
    article = store.article(1)
    expected = _articles()[0]
    expected.id = 1
    assert article == expected


def test_article_ref_carries_the_source_line_fields(store):
    _add(store)
    assert store.article_ref(2) == ArticleRef(
        id=2,
        title="夏季供水保障",
        kicker=None,
        subtitle="副题",
        reporters=[],
        date=None,
        source=None,
    )


def test_missing_article_or_paragraph_is_a_newsbot_error(store):
    with pytest.raises(NewsbotError, match="no article with id 7"):
        store.article(7)
    with pytest.raises(NewsbotError, match="no paragraph with id 7"):
        store.paragraph(7)


def test_articles_listing_counts_paragraphs_and_decodes_reporters(store):
    _add(store)
    first, second = store.articles()
    assert first["paragraphs"] == 2 and first["reporters"] == ["张国静"]
    assert second["paragraphs"] == 1 and second["reporters"] == []


@pytest.mark.parametrize("batch", [1, 2, 10_000])
def test_iter_paragraphs_walks_by_id_with_headings(store, batch):
    _add(store)
    _add(store, sha256="b" * 64)
    rows = list(store.iter_paragraphs(batch=batch))
    assert [r.id for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[2] == ParagraphRow(3, 2, 0, "水厂一期即将投运。", "夏季供水保障", None, "副题")
    assert [r.id for r in store.iter_paragraphs(after_id=4, batch=batch)] == [5, 6]


def test_paragraph_count_and_max_id(store):
    assert (store.paragraph_count(), store.max_paragraph_id()) == (0, 0)
    _add(store)
    assert (store.paragraph_count(), store.max_paragraph_id()) == (3, 3)


def test_stats_summarise_dates_sources_and_banners(store):
    _add(store, banner="西宁晚报 2024年8月22日")
    _add(store, sha256="b" * 64, articles=[Article("旧闻", ["一段。"], date="2023-01-05")])
    assert store.stats() == {
        "documents": 2,
        "articles": 3,
        "paragraphs": 4,
        "first_date": "2023-01-05",
        "last_date": "2024-08-22",
        "sources": ["西宁晚报"],
        "banners": ["西宁晚报 2024年8月22日"],
    }


def test_feedback_is_stored_and_vote_must_be_plus_or_minus_one(store):
    _add(store)
    feedback_id = store.add_feedback(
        chat_id=5,
        user_id=6,
        question="几点开赛？",
        answer="7时30分",
        paragraph_id=1,
        article_id=1,
        vote=-1,
    )
    row = store.db["feedback"].get(feedback_id)
    assert (row["question"], row["vote"], row["paragraph_id"]) == ("几点开赛？", -1, 1)
    with pytest.raises(ValueError, match="vote"):
        store.add_feedback(
            chat_id=None,
            user_id=None,
            question="q",
            answer=None,
            paragraph_id=None,
            article_id=None,
            vote=2,
        )


def test_meta_values_are_replaced_not_duplicated(store):
    assert store.get_meta("tokenizer") is None
    store.set_meta("tokenizer", "1")
    store.set_meta("tokenizer", "2")
    assert store.get_meta("tokenizer") == "2"
    assert store.db.execute("SELECT COUNT(*) FROM meta WHERE key = 'tokenizer'").fetchone() == (1,)


def test_each_database_gets_its_own_lasting_store_id(tmp_path):
    # The index beside a database records this id to tell it from a database built anew.
    with Store(tmp_path / "a.db") as first:
        a = first.get_meta("store_id")
    with Store(tmp_path / "a.db") as again:
        assert again.get_meta("store_id") == a
    with Store(tmp_path / "b.db") as other:
        assert other.get_meta("store_id") not in (None, a)


def test_file_store_reopens_with_data_and_wal_journal(tmp_path):
    path = tmp_path / "news.db"
    with Store(path) as first:
        _add(first)
    with Store(path) as again:
        assert again.path == path
        assert again.db.journal_mode == "wal"
        assert _counts(again) == (1, 2, 3)


def test_store_works_beside_the_search_token_cache(tmp_path):
    path = tmp_path / "news.db"
    with Store(path) as store:
        _add(store)
        store.db["paragraph_tokens"].create(
            {"paragraph_id": int, "tokens": str},
            pk="paragraph_id",
            foreign_keys=[("paragraph_id", "paragraphs", "id")],
        )
        store.db["paragraph_tokens"].insert({"paragraph_id": 1, "tokens": "赛事 开赛"})
    with Store(path) as store:
        _add(store, sha256="b" * 64)
        assert _counts(store) == (2, 4, 6)
        assert store.db["paragraph_tokens"].count == 1


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(NewsbotError, match="notes.db: not a usable newsbot database"):
        Store(path)


def test_foreign_keys_are_enforced(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.db["paragraphs"].insert({"article_id": 99, "position": 0, "text": "孤儿段落"})


def test_masthead_names_the_paper_by_banner_and_source(store):
    _add(store, banner="西宁晚报 2024年8月22日 星期四")
    first, second = (r["id"] for r in store.articles())
    assert store.masthead(first) == "西宁晚报 2024年8月22日 星期四 西宁晚报"  # banner, source
    assert store.masthead(second) == "西宁晚报 2024年8月22日 星期四"  # no source of its own
    _add(store, sha256="b" * 64, articles=[Article(title="无名", paragraphs=["正文。"])])
    assert store.masthead(store.articles()[-1]["id"]) == ""
