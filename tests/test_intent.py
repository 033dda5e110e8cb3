"""Recognising what a reader wants: digest, articles, profile, summary or a fact."""

from __future__ import annotations

import json

import pytest

from retrieval.intent import classify, is_person_name
from retrieval.resources import data_dir
from retrieval.tokenize import normalize


@pytest.mark.parametrize(
    ("question", "kind", "topic"),
    [
        ("今天有什么新闻", "digest", ""),
        ("8月22日的报纸上有哪些报道？", "digest", ""),
        ("最新一期晚报的标题", "digest", ""),
        ("昨天报纸说了啥", "digest", ""),
        ("2023年8月28日西宁晚报", "digest", ""),
        ("有关半马的报道", "articles", "半马"),
        ("有没有关于马拉松的新闻", "articles", "马拉松"),
        ("西宁半马的新闻有哪些", "articles", "西宁半马"),
        ("搜索 塔尔寺", "articles", "塔尔寺"),
        ("王卫东是谁？", "profile", "王卫东"),
        ("沈立群担任什么职务", "profile", "沈立群"),
        ("基普罗蒂奇是谁", "profile", "基普罗蒂奇"),
        ("介绍一下韩文彬", "profile", "韩文彬"),
        ("半马那篇讲了什么", "summary", "半马"),
        ("帮我总结一下绿色算力那篇报道", "summary", "绿色算力"),
        ("总结一下这篇", "summary", ""),
        ("西宁半马几点开赛？", "answer", ""),
        ("冠军是谁", "answer", ""),
        ("市委书记是谁", "answer", ""),
        ("这篇报道的记者是谁", "answer", ""),
        ("半马的报道里说了几点开赛", "answer", ""),
        ("算力推进会通报了什么情况？", "answer", ""),
        ("半马有哪些项目？", "answer", ""),
    ],
)
def test_intent_and_topic(question, kind, topic):
    intent = classify(question)
    assert (intent.kind, intent.topic) == (kind, topic)


def test_a_digest_question_carries_the_time_it_names():
    assert classify("8月22日有什么新闻").when.value == "--08-22"
    assert classify("今天有什么新闻").when.kind == "today"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("王卫东", True), ("才让卓玛", True), ("阿贝贝", True), ("冠军", False),
     ("市委书记", False), ("半马的冠军", False), ("图书馆那篇", False)],
)
def test_person_names_are_told_from_roles_and_phrases(word, expected):
    assert is_person_name(word) is expected


def test_intent_accuracy_on_the_tune_set_meets_the_target():
    rows = [json.loads(line) for line in
            (data_dir() / "eval" / "intent_tune.jsonl").read_text(encoding="utf-8").splitlines()]
    right = sum(classify(normalize(r["question"])).kind == r["intent"] for r in rows)
    assert right / len(rows) >= 0.97
