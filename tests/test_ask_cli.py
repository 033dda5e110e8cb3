"""`newsbot ask`: the answer card, the --json contract and questions from stdin."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import cli

ARTICLE_KEYS = {"id", "title", "kicker", "subtitle", "reporters", "date", "source"}
HIT_KEYS = {"paragraph_id", "article_id", "title", "score", "text"}


@pytest.fixture(scope="module")
def db(bundled_db: str) -> str:
    return bundled_db


def ask(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["ask", *args], input=stdin)


def test_answer_card_shows_answer_marked_evidence_and_source(db):
    result = ask("西宁半马几点开赛？", "--db", db)
    assert result.exit_code == 0, result.output
    first, evidence, source = result.output.splitlines()
    assert first in ("8月25日7时30分", "7时30分")
    assert "【开赛】" in evidence and "\x1b[" not in evidence
    assert source.startswith("来源：《25日7时30分，西宁半马激情开赛》") and "张国静" in source


def test_unanswerable_question_says_not_found_and_names_the_nearest_article(db):
    result = ask("美国总统是谁？", "--db", db)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "没有找到相关内容"
    assert len(lines) == 1 or lines[1].startswith("最接近的文章：")


def test_json_output_follows_the_contract(db):
    result = ask("谁主持了全省科学技术大会？", "--db", db, "--json", "-k", "3")
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert set(obj) == {"question", "answer", "evidence", "qtype", "score", "article",
                        "paragraph_id", "hits", "ms", "intent", "articles"}
    assert obj["answer"] == "吴晓军" and obj["qtype"] == "person"
    assert (obj["intent"], obj["articles"]) == ("answer", [])
    assert set(obj["article"]) == ARTICLE_KEYS
    assert len(obj["hits"]) == 3 and all(set(h) == HIT_KEYS for h in obj["hits"])
    assert obj["hits"][0]["paragraph_id"] == obj["paragraph_id"]
    assert "吴晓军" in obj["evidence"]


def test_json_abstention_has_null_answer_evidence_and_article(db):
    obj = json.loads(ask("西宁明天天气怎么样？", "--db", db, "--json").output)
    assert (obj["answer"], obj["evidence"], obj["article"], obj["paragraph_id"]) == (
        None, None, None, None)


def test_dash_answers_each_stdin_line_independently_as_json_lines(db):
    stdin = "西宁半马几点开赛？\n\n那在哪里开赛？\n美国总统是谁？\n"
    result = ask("-", "--db", db, "--json", stdin=stdin)
    assert result.exit_code == 0, result.output
    objs = [json.loads(line) for line in result.output.splitlines()]
    questions = ["西宁半马几点开赛？", "那在哪里开赛？", "美国总统是谁？"]
    assert [o["question"] for o in objs] == questions
    assert objs[0]["answer"] is not None and objs[2]["answer"] is None


def test_missing_database_is_one_line_error(tmp_path):
    result = ask("西宁半马几点开赛？", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.output.strip().startswith("newsbot:") and "none.db" in result.output


def test_a_fresh_process_prints_nothing_of_jiebas_dictionary_loading(tmp_path):
    # jieba logs "Building prefix dict ..." at DEBUG on stderr unless told otherwise; a person
    # running `newsbot ask` should see the answer and at most the line about the new database.
    import os
    import subprocess
    import sys

    env = {**os.environ, "NEWSBOT_DB": str(tmp_path / "news.db")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "西宁半马几点开赛？"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "7时30分" in result.stdout
    assert result.stderr == f"created {tmp_path / 'news.db'} from the bundled sample archive\n"
