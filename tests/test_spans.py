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


def test_names_listed_one_after_another_are_one_candidate():
    question = "哪两位副省长在会上宣读文件？"
    sentence = "会上，副省长杨志文、刘超分别宣读了表彰决定。"
    found = spans.candidates(question, sentence)
    assert {"杨志文、刘超", "副省长杨志文、刘超"} <= {s.text for s in found}
    rows = spans.features_of(question, classify(question), sentence, {}, found)
    by_text = {s.text: row for s, row in zip(found, rows, strict=True)}
    assert by_text["杨志文、刘超"]["listed"] == 1.0 and by_text["杨志文"]["listed"] == 0.0
    # 副省长 is the question's own word: a phrase opening with it says so.
    assert by_text["副省长杨志文、刘超"]["starts_asked"] == 1.0


def test_a_list_breaks_at_a_word_that_joins_no_list():
    sentence = "杨志文宣读决定，刘超主持会议。"
    assert not any("、" in s.text or "刘超" in s.text and "杨志文" in s.text
                   for s in spans.candidates("谁宣读了决定？", sentence))


def test_a_set_phrase_jieba_keeps_whole_is_a_candidate():
    sentence = "麻省理工的自然科学研究也很出色。"
    found = {s.text for s in spans.candidates("其中这是哪一方面的研究？", sentence)}
    assert "自然科学" in found


DECIDE_PHRASE = {"bias": 1.0}
DECIDE_SENTENCE = {"bias": -1.0}


def test_the_phrase_is_given_only_when_the_decision_prefers_it(question):
    sentence = "357年，阿拉曼人在史特拉斯堡战役中与罗马作战。"
    qt = classify(question)
    weights = {"史特拉斯堡": 5.0, "战役": 3.0, "罗马": 5.0, "作战": 2.0, "民族": 2.0}
    near = {"near": 5.0, "names": 1.0}
    assert spans.pick(question, qt, sentence, weights, near, DECIDE_PHRASE) == "阿拉曼人"
    assert spans.pick(question, qt, sentence, weights, near, DECIDE_SENTENCE) is None
    assert spans.pick(question, qt, sentence, weights, {}, DECIDE_PHRASE) is None
    # The decision reads how sure the scorer is: sure enough, the phrase; else the sentence.
    sure = {"bias": -0.5, "probability": 1.0}  # the phrase at a probability over 0.5
    longer = "357年，阿拉曼人在史特拉斯堡战役中与罗马作战，被皇帝尤利安击败。"
    assert spans.pick(question, qt, longer, weights, near, sure) == "阿拉曼人"
    assert spans.pick(question, qt, longer, weights, {"near": 0.01}, sure) is None


def test_the_questions_form_is_read_for_the_decision():
    what_for = "放线菌酮常被用来做什么？"
    asked = spans.asked(what_for, classify(what_for), "放线菌酮常被用来抑制蛋白质合成。")
    assert asked["verb_asked"] == 1.0 and asked["asked_last"] == 1.0 and asked["noun_asked"] == 0
    assert asked["restated"] > 0.5
    which = "关岛上住着什么族群？"
    asked = spans.asked(which, classify(which), "查莫洛人为关岛原住民。")
    assert asked["noun_asked"] == 1.0 and asked["verb_asked"] == 0.0
    assert asked["asked_last"] == 0.0


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
    got = spans.pick(q, classify(q), sentence, weights, {"near": 5.0}, DECIDE_PHRASE)
    assert got == "阿勒曼尼聯軍"
