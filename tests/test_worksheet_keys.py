"""Keys: every answer in a key is the torch truth, and reads back as correct."""

from __future__ import annotations

import pytest
from test_worksheet_common import small_worksheet

from quizkit.answers import Parsed, check_answer, parse_answer
from quizkit.bank.question import make_question
from quizkit.bank.truth import compute_truth
from quizkit.worksheet.build import Item, question_seed

ITEMS = [item for version in small_worksheet().versions for item in version.items]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.question.id)
def test_key_answer_equals_the_torch_truth_of_a_freshly_made_question(item: Item) -> None:
    question = item.question
    fresh = make_question(question.template, question.seed)
    assert fresh.prompt == question.prompt
    assert compute_truth(fresh) == item.truth


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.question.id)
def test_key_answer_text_parses_back_to_a_correct_answer(item: Item) -> None:
    parsed = parse_answer(item.kind, item.answer, options=item.question.options)
    assert isinstance(parsed, Parsed), f"key text {item.answer!r} does not parse: {parsed}"
    verdict = check_answer(
        item.kind, item.truth.value, parsed.value, item.question.template.answer.tolerance
    )
    assert verdict.correct, f"key text {item.answer!r} graded wrong: {verdict}"


def test_versions_ask_the_same_templates_with_other_parameters() -> None:
    worksheet = small_worksheet()
    templates = {tuple(i.question.template.id for i in v.items) for v in worksheet.versions}
    assert len(templates) == 1
    seeds = [tuple(i.question.seed for i in v.items) for v in worksheet.versions]
    assert len(set(seeds)) == len(seeds)


def test_question_seeds_depend_on_seed_version_slot_and_template() -> None:
    base = question_seed(1, 1, 1, "alpha-batches")
    others = {
        question_seed(2, 1, 1, "alpha-batches"),
        question_seed(1, 2, 1, "alpha-batches"),
        question_seed(1, 1, 2, "alpha-batches"),
        question_seed(1, 1, 1, "alpha-view-legal"),
    }
    assert base not in others
    assert base == question_seed(1, 1, 1, "alpha-batches")
