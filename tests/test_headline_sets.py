"""The written headline sets and the fitting's held-out measure (`fit_headlines --cross-sets`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import benchmarks.fit_headlines as fit_headlines
from benchmarks.fit_answerer import commit
from benchmarks.fit_headlines import _STRAY_COSTS, LAYOUT_SHARE, origin, training_pages
from benchmarks.headline_sets import (
    LAYOUT_ARTICLES,
    TEST,
    TUNING_SETS,
    load_pages,
    set_of_titles,
    written_pages,
)
from retrieval.headlines import default_model
from retrieval.typeset import articles_from_json


def test_the_frozen_test_split_is_no_tuning_set():
    assert TEST not in TUNING_SETS.values()
    assert all(not key.startswith("test") for key in written_pages())


def test_pages_fitted_without_a_set_hold_none_of_its_articles():
    """Left out means left out everywhere: its pages, and its articles on the mixed pages."""
    held = {a.title for page in load_pages(TUNING_SETS["extra2"]).values() for a in page}
    pages = training_pages(layouts=1, mixed=40, seed=1, without=("extra2",))
    assert not any(a.title in held for _, _, gold in pages for a in gold)
    assert any(key.startswith("mixed ") for key, _, _ in pages)
    assert all(set_of_titles()[t] == "extra2" for t in held)


def test_a_fitted_model_names_its_command_commit_and_sets():
    line = origin(layouts=8, mixed=300, seed=1)
    command, _, sets = line.partition(": ")
    assert command.startswith("python -m benchmarks.fit_headlines --layouts 8 --mixed 300")
    assert f" at {commit()}" in command
    assert all(path.name in sets for path in TUNING_SETS.values())
    assert TEST.name not in line


@pytest.mark.parametrize("without", [(), ("extra2",)], ids=["all sets", "extra2 left out"])
def test_the_layout_articles_keep_their_share_of_mixed_pages_however_many_sets(without):
    """The composed layout articles are drawn at fixed odds, not diluted by the written sets."""
    composed = {a.title for a in articles_from_json(LAYOUT_ARTICLES)}
    pages = training_pages(layouts=0, mixed=200, seed=1, without=without)
    mixed = [a for key, _, gold in pages if key.startswith("mixed ") for a in gold]
    share = sum(a.title in composed for a in mixed) / len(mixed)
    assert abs(share - LAYOUT_SHARE) < 0.04


def test_the_fit_never_makes_leaving_a_block_out_free():
    assert min(_STRAY_COSTS) >= 1


def test_the_costs_are_chosen_on_sets_the_models_read_them_with_were_not_fitted_on(monkeypatch):
    """Each set the costs are chosen on is read by models fitted without its articles, and the
    set held out of the whole fit is not one of them."""
    set_of = {
        a.paragraphs[0]: name
        for name, path in TUNING_SETS.items()
        for page in load_pages(path).values()
        for a in page
    }
    fitted: list[set[str]] = []

    def fake_models(pages, say=print):
        fitted.append({a.paragraphs[0] for _, _, gold in pages for a in gold})
        return replace(default_model(), provenance=str(len(fitted) - 1))

    read: list[str] = []

    def fake_choice(held, say=print):
        for model, pages in held:
            ledes = {a.paragraphs[0] for _, _, gold in pages for a in gold}
            assert ledes and not ledes & fitted[int(model.provenance)]
            read.extend({set_of[lede] for lede in ledes})
        return 16.0, 2.5

    monkeypatch.setattr(fit_headlines, "fit_models", fake_models)
    monkeypatch.setattr(fit_headlines, "choose_costs", fake_choice)
    model = fit_headlines.fit(layouts=1, mixed=2, seed=1, without=("extra2",))
    assert sorted(read) == sorted(n for n in TUNING_SETS if n != "extra2")
    assert (model.missing_cost, model.stray_cost) == (16.0, 2.5)
