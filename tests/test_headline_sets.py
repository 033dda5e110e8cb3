"""The written headline sets and the fitting's held-out measure (`fit_headlines --cross-sets`)."""

from __future__ import annotations

from benchmarks.fit_answerer import commit
from benchmarks.fit_headlines import origin, training_pages
from benchmarks.headline_sets import TEST, TUNING_SETS, load_pages, set_of_titles, written_pages


def test_the_frozen_test_split_is_no_tuning_set():
    assert TEST not in TUNING_SETS.values()
    assert all(not key.startswith("test") for key in written_pages())


def test_pages_fitted_without_a_set_hold_none_of_its_articles():
    """Left out means left out everywhere: its pages, and its articles on the mixed pages."""
    held = {a.title for page in load_pages(TUNING_SETS["extra2"]).values() for a in page}
    pages = training_pages(layouts=1, mixed=40, seed=1, without="extra2")
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
