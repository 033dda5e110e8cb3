"""`newsbot chat`: the console loop over piped input, its commands and the rendering."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.console import Console
from bot.render import answer_text, highlight_console
from retrieval.models import Answer, ArticleRef, Hit


@pytest.fixture(scope="module")
def db(bundled_db: str) -> str:
    return bundled_db


@pytest.fixture(scope="module")
def searcher(db):
    from retrieval.search import Searcher

    return Searcher.open(db)


def run(searcher, text: str) -> str:
    out = io.StringIO()
    Console(searcher, io.StringIO(text), out).run()
    return out.getvalue()


def test_piped_questions_get_one_answer_each_without_prompts(searcher):
    output = run(searcher, "西宁半马几点开赛？\n美国总统是谁？\n")
    assert "问>" not in output
    assert output.splitlines()[0] in ("8月25日7时30分", "7时30分")
    assert "没有找到相关内容" in output


def test_follow_up_keeps_the_topic_within_the_session(searcher):
    output = run(searcher, "全省科学技术大会在哪里召开？\n谁主持的？\n")
    assert "吴晓军" in output.splitlines()[3]


def test_more_lists_the_next_hits_numbered_from_two(searcher):
    output = run(searcher, "西宁半马几点开赛？\n:more\n:more\n")
    assert "\n2. 《" in output
    assert output.rstrip().endswith("没有更多结果了。")


def test_source_prints_the_whole_cited_article(searcher):
    output = run(searcher, "谁主持了全省科学技术大会？\n:source\n")
    assert "《全省科学技术大会暨2023年度青海省科学技术奖励大会召开》" in output
    assert "省委副书记刘奇凡出席" in output and "科研机构要加快产出" in output


def test_quit_ends_the_session_before_later_lines(searcher):
    output = run(searcher, ":help\n:quit\n西宁半马几点开赛？\n")
    assert ":source" in output and "7时30分" not in output


def test_commands_before_any_question_and_unknown_commands_reply_plainly(searcher):
    output = run(searcher, ":more\n:source\n:bogus\n")
    assert output.splitlines() == ["还没有问题。", "还没有可显示的文章。",
                                   "未知命令 :bogus（:help 查看命令）"]


def test_chat_command_reads_piped_stdin(db):
    result = CliRunner().invoke(cli, ["chat", "--db", db], input="西宁半马几点开赛？\n:quit\n")
    assert result.exit_code == 0, result.output
    assert "开赛" in result.output and "问>" not in result.output


def test_highlight_is_bold_on_a_terminal_and_bracketed_otherwise():
    assert highlight_console("西宁半马开赛", ["半马"], ansi=True) == "西宁\x1b[1m半马\x1b[0m开赛"
    assert highlight_console("西宁半马开赛", ["半马", "西宁半马"], ansi=False) == "【西宁半马】开赛"


def test_abstaining_card_hints_the_nearest_article():
    hit = Hit(7, 3, "我市绿色建筑加速发展", 1.5, "……")
    card = answer_text(Answer("问", None, None, "other", 0.0, None, None, [hit], 1.0))
    assert card == "没有找到相关内容\n最接近的文章：我市绿色建筑加速发展"


def test_answer_card_source_line_is_not_html_escaped():
    ref = ArticleRef(1, "A&B<新闻>", None, None, ["张三"], "2024-08-22", "西宁晚报")
    card = answer_text(Answer("问", "答", "证据句。", "other", 1.0, ref, 1, [], 1.0))
    assert card.splitlines()[-1] == "来源：《A&B<新闻>》 · 记者 张三 · 西宁晚报 · 2024-08-22"
