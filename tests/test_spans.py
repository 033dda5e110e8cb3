"""The noun-phrase answer of an untyped question the rules leave to the whole sentence."""

from __future__ import annotations

import pytest

from retrieval import spans
from retrieval.qtype import classify


@pytest.fixture
def question():
    return "在史特拉斯堡战役中与罗马作战的民族为哪一个？"


def test_the_candidates_are_the_sentences_noun_phrases_less_the_questions_own(question):
    sentence = "357年，阿拉曼人在史特拉斯堡战役中与罗马作战，被皇帝尤利安击败。"
    found = {s.text for s in spans.candidates(question, sentence)}
    assert "阿拉曼人" in found
    # 罗马 and 史特拉斯堡战役 are what the question names, not what it asks.
    assert not {"罗马", "史特拉斯堡战役"} & found
    assert all(sentence[s.start : s.end] == s.text for s in spans.candidates(question, sentence))


def test_a_quoted_term_is_a_candidate_whole():
    sentence = "积极打造“1+3+X”绿色算力产业体系。"
    found = {s.text for s in spans.candidates("这个体系叫什么？", sentence)}
    assert "1+3+X" in found


def test_the_phrase_is_given_only_when_the_model_is_sure_enough(question):
    sentence = "357年，阿拉曼人在史特拉斯堡战役中与罗马作战。"
    qt = classify(question)
    weights = {"史特拉斯堡": 5.0, "战役": 3.0, "罗马": 5.0, "作战": 2.0, "民族": 2.0}
    near = {"near": 5.0, "names": 1.0}
    assert spans.pick(question, qt, sentence, weights, near, threshold=0.0) == "阿拉曼人"
    assert spans.pick(question, qt, sentence, weights, near, threshold=1.01) is None
    assert spans.pick(question, qt, sentence, weights, {}, threshold=0.0) is None


def test_a_reason_or_a_manner_asks_for_no_phrase():
    assert not spans.applies(classify("为什么推迟施工？"))
    assert not spans.applies(classify("谁主持了会议？"))
    assert spans.applies(classify("韩国江原道又被称为什么？"))


def test_a_traditional_sentence_answers_in_its_own_characters():
    question = "在史特拉斯堡戰役中與羅馬作戰的民族為哪一個？"
    sentence = "357年，阿勒曼尼聯軍在史特拉斯堡戰役中與羅馬作戰。"
    from retrieval.tokenize import normalize

    q = normalize(question)
    weights = {"史特拉斯堡": 5.0, "战役": 3.0, "罗马": 5.0, "作战": 2.0}
    got = spans.pick(q, classify(q), sentence, weights, {"near": 5.0}, threshold=0.0)
    assert got == "阿勒曼尼聯軍"
