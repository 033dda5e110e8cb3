"""Normalisation, question words, stopwords, synonyms and the tokenizer modes."""

from __future__ import annotations

import pytest

from retrieval import tokenize
from retrieval.errors import NewsbotError
from retrieval.tokenize import (
    MODES,
    QUESTION_WORDS,
    Tokenizer,
    index_tokens,
    normalize,
    query_tokens,
)


def test_normalize_folds_full_width_and_traditional_and_case():
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("西寧半馬幾點開賽？") == "西宁半马几点开赛?"


@pytest.mark.parametrize("mode", MODES)
def test_traditional_question_gets_the_same_tokens_as_simplified(mode):
    t = Tokenizer(mode)
    assert t.query_tokens("西寧半馬幾點開賽？") == t.query_tokens("西宁半马几点开赛？")


def test_full_width_digits_match_half_width_in_text():
    assert index_tokens("参赛规模总计１２０００人") == index_tokens("参赛规模总计12000人")
    assert "12000" in index_tokens("参赛规模总计１２０００人")


@pytest.mark.parametrize(
    "question, word",
    [
        ("比赛什么时候开始？", "什么时候"),
        ("几点开赛", "几点"),
        ("谁主持会议", "谁"),
        ("在哪里举行", "哪里"),
        ("参赛规模多少人", "多少"),
        ("哪家银行冠名", "哪家"),
    ],
)
def test_question_words_are_stripped_from_the_query(question, word):
    assert word in QUESTION_WORDS
    tokens = query_tokens(question)
    assert tokens and not any(word in t or t in ("什么", "时候") for t in tokens)


def test_punctuation_and_stopwords_never_become_tokens():
    tokens = index_tokens("城西区的工作，是“音乐加油站”！")
    assert not {"的", "是", "，", "“", "！"} & set(tokens)
    assert "加油站" in tokens


def test_bigrams_do_not_bridge_a_dropped_word():
    assert Tokenizer("bigram").index_tokens("西宁的半马") == ["西宁", "半马"]


def test_bigram_mode_keeps_latin_and_digit_runs_whole():
    assert Tokenizer("bigram").index_tokens("2024西宁马拉松") == [
        "2024",
        "西宁",
        "宁马",
        "马拉",
        "拉松",
    ]


def test_search_mode_adds_dictionary_sub_words_of_compounds():
    assert "马拉松" in Tokenizer("search").index_tokens("马拉松赛")
    assert "马拉松" not in Tokenizer("words").index_tokens("马拉松赛")


def test_hybrid_has_compound_sub_words_and_pairs_across_words():
    tokens = Tokenizer("hybrid").index_tokens("西宁半程马拉松赛")
    assert {"马拉松", "马拉松赛", "宁半", "松赛"} <= set(tokens)


@pytest.mark.parametrize(
    "short, full", [("半马", "半程马拉松"), ("科技", "科学技术"), ("发改委", "发展和改革委员会")]
)
def test_a_full_form_also_yields_its_abbreviation(short, full):
    t = Tokenizer("words")
    assert short in t.index_tokens(f"今年的{full}很热闹")
    assert short in t.query_tokens(f"{full}在哪里")
    assert short in t.query_tokens(f"{short}在哪里")


def test_each_occurrence_of_a_full_form_counts():
    tokens = Tokenizer("words").index_tokens("半程马拉松和全程马拉松，半程马拉松")
    assert tokens.count("半马") == 2 and tokens.count("全马") == 1


def test_query_tokens_are_index_tokens_without_question_words():
    # The question word ends a run as punctuation does: no pair bridges it.
    assert query_tokens("西宁半马几点开赛？") == index_tokens("西宁半马，开赛")


def test_a_short_form_inside_another_word_adds_nothing():
    # 人大 is an abbreviation, but not inside 巨人大战.
    assert "人大" not in Tokenizer("words").query_tokens("巨人大战")


def test_synonym_groups_are_loaded_normalised():
    groups = tokenize.synonyms()
    assert ("半马", "半程马拉松") in groups
    assert all(f == normalize(f) for g in groups for f in g)


def test_unknown_mode_is_a_user_error():
    with pytest.raises(NewsbotError, match="unknown tokenizer mode 'chars'"):
        Tokenizer("chars")


def test_many_texts_are_tokenized_like_one_at_a_time(monkeypatch):
    monkeypatch.setattr(tokenize, "_PARALLEL_MIN", 3)
    monkeypatch.setattr(tokenize, "_CHUNK", 2)
    texts = ["西宁半马开赛", "城西区", "科学技术大会", "", "12000人"]
    assert tokenize.index_tokens_many(texts) == [index_tokens(t) for t in texts]


def test_tokens_never_contain_spaces():
    assert all(" " not in t for t in index_tokens("hello world 西宁 半马\tabc"))


def test_index_cuts_are_jiebas_own_cuts_without_its_hmm(seed_page_text):
    # The index cuts with jieba-rs for speed; the tokens must stay jieba's (same dictionary,
    # same DAG cut, HMM off), or "BM25 over jieba tokens" would no longer hold.
    import rjieba

    tokenize._segmenter()
    jieba_tokenizer = tokenize._jieba()
    text = normalize(seed_page_text + "西寧半馬幾點開賽？5G网络覆盖率达到98%，GDP增长5.2%。")
    for line in text.splitlines():
        assert list(rjieba.cut(line, False)) == list(jieba_tokenizer.cut(line, HMM=False))
