"""Template selection: COUNT templates, balanced across topics and levels, seeded."""

from __future__ import annotations

from collections import Counter

import pytest
from test_worksheet_common import fixture_bank

from quizkit.bank.levels import format_levels, parse_levels
from quizkit.errors import UnknownQuestionError, UsageError
from quizkit.worksheet.select import Selection, select_templates


@pytest.mark.parametrize(
    ("text", "levels"),
    [("1-3", (1, 2, 3)), ("2", (2,)), ("1,3", (1, 3)), (" 1 - 2 ", (1, 2)), ("3,1-2", (1, 2, 3))],
)
def test_levels_accept_single_range_and_list(text: str, levels: tuple[int, ...]) -> None:
    assert parse_levels(text) == levels


@pytest.mark.parametrize("text", ["0", "4", "1-4", "3-1", "easy", "", "1,,2"])
def test_bad_levels_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_levels(text)


def test_levels_print_back_as_range_or_list() -> None:
    assert [format_levels(x) for x in [(1, 2, 3), (1, 3), (2,)]] == ["1-3", "1,3", "2"]


def test_selection_is_balanced_across_topics() -> None:
    picked = select_templates(fixture_bank(), Selection(count=8), seed=5)
    per_topic = Counter(t.topic for t in picked)
    assert per_topic == {"alpha": 4, "beta": 4}


def test_selection_takes_every_level_of_a_topic_before_repeating_one() -> None:
    picked = select_templates(fixture_bank(), Selection(topics=("beta",), count=3), seed=5)
    assert sorted(t.difficulty for t in picked) == [1, 1, 3]
    assert len({t.id for t in picked}) == 3


def test_selection_repeats_templates_only_when_the_topic_is_used_up() -> None:
    picked = select_templates(fixture_bank(), Selection(topics=("alpha",), count=6), seed=1)
    counts = Counter(t.id for t in picked)
    assert len(counts) == 4
    assert sorted(counts.values()) == [1, 1, 2, 2]


def test_selection_is_ordered_easy_to_hard_and_deterministic() -> None:
    first = select_templates(fixture_bank(), Selection(count=9), seed=7)
    again = select_templates(fixture_bank(), Selection(count=9), seed=7)
    assert [t.id for t in first] == [t.id for t in again]
    assert [t.difficulty for t in first] == sorted(t.difficulty for t in first)


def test_different_seeds_pick_different_templates() -> None:
    picks = {
        tuple(t.id for t in select_templates(fixture_bank(), Selection(count=3), seed=seed))
        for seed in range(8)
    }
    assert len(picks) > 1


def test_levels_restrict_the_selection() -> None:
    picked = select_templates(fixture_bank(), Selection(count=4, levels=(3,)), seed=2)
    assert {t.difficulty for t in picked} == {3}


def test_unknown_topic_names_the_known_ones() -> None:
    with pytest.raises(UnknownQuestionError, match="alpha, beta"):
        select_templates(fixture_bank(), Selection(topics=("gamma",)), seed=1)


def test_no_matching_template_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no templates match"):
        select_templates(fixture_bank(), Selection(topics=("alpha",), levels=(3,)), seed=1)


def test_count_must_be_positive() -> None:
    with pytest.raises(UsageError):
        Selection(count=0)
