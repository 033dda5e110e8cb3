"""The news intents at the command line: `ask` with --since/--until/--source, `articles
--date`, `eval` over part of the archive, and the console's :more over a list reply."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from bot import render
from bot.cli import cli
from bot.console import Console
from retrieval.models import Answer, ArticleItem
from retrieval.store import Store


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_ask_keeps_to_the_dates_and_paper_given(archive_db):
    old = json.loads(run("ask", "西宁半马几点开赛？", "--db", archive_db, "--json",
                         "--until", "2023-12-31").output)
    assert old["article"]["date"] <= "2023-12-31"
    none = json.loads(run("ask", "西宁半马几点开赛？", "--db", archive_db, "--json",
                          "--source", "别的报纸").output)
    assert none["answer"] is None and none["hits"] == []


def test_ask_lists_a_digest_as_a_line_and_its_articles(archive_db):
    result = run("ask", "8月22日有什么新闻？", "--db", archive_db)
    lines = result.output.splitlines()
    assert lines[0] == "2024-08-22 的报纸共 5 篇报道"
    assert lines[1].startswith("1. 《")
    obj = json.loads(run("ask", "8月22日有什么新闻？", "--db", archive_db, "--json").output)
    assert obj["intent"] == "digest" and len(obj["articles"]) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--since", "2024-09-01", "--until", "2024-01-01"], "--since 2024-09-01 is after"),
     (["--since", "2024-13-01"], "is not a date")],
)
def test_bad_dates_are_one_clear_line(archive_db, args, message):
    result = run("ask", "半马", "--db", archive_db, *args)
    assert result.exit_code != 0 and message in result.output


def test_articles_of_a_date_are_that_issue_in_page_order(archive_db):
    listed = run("articles", "--db", archive_db, "--date", "2024-08-23", "--json")
    rows = [json.loads(line) for line in listed.output.splitlines()]
    with Store(archive_db) as store:
        expected = [r[0] for r in store.db.execute(
            "SELECT id FROM articles WHERE date = '2024-08-23' ORDER BY document_id, position")]
    assert [r["id"] for r in rows] == expected and expected


def test_eval_takes_the_same_scope(archive_db, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "question": "西宁半马男子冠军是谁？",
                                "answers": ["多杰才让"]}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    within = json.loads(run("eval", str(gold), "--db", archive_db, "--json",
                            "--until", "2023-12-31").output)
    assert within["questions"][0]["article"] == "万名跑者竞逐夏都赛道"


def make_list(n: int) -> Answer:
    items = [ArticleItem(i, f"标题{i}", "2024-08-27", "西宁晚报", f"第{i}篇的导语。")
             for i in range(1, n + 1)]
    return Answer("今天有什么新闻", "2024-08-27 的报纸共 7 篇报道", None, "other", 1.0, None,
                  None, [], 1.0, intent="digest", articles=items)


def test_console_more_pages_through_a_list_reply(monkeypatch):
    monkeypatch.setattr("bot.console.answer", lambda *a, **k: make_list(7))
    out = io.StringIO()
    Console(None, io.StringIO("今天有什么新闻\n:more\n:more\n"), out).run()
    text = out.getvalue()
    assert text.count("1. 《标题1》") == 1 and "5. 《标题5》" in text
    assert text.index("5. 《标题5》") < text.index("6. 《标题6》") < text.index("7. 《标题7》")
    assert text.rstrip().endswith(render.NO_MORE)
