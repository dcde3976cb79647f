"""The topics losses, activations, normalization, regularization, init, optim and concepts.

Every template's worked derivation (``let.result``) must agree with the live torch truth for many
seeds; every rendered text must be free of unfilled placeholders; each topic must offer all three
levels so practice can start easy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import torch

from quizkit.bank.bank import Bank
from quizkit.bank.model import AnswerKind, Template
from quizkit.bank.question import make_question
from quizkit.bank.validate import validate_template

TOPICS = ("losses", "activations", "normalization", "regularization", "init", "optim", "concepts")
SEEDS = 30
# `{name}`, `{name[0]}` or `{name:.4f}` left in rendered text means a placeholder was not filled;
# literal braces such as a dict `{"params": ...}` in a code block do not match.
UNFILLED = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?(:[^}]*)?\}")

BANK = Bank()
TEMPLATES: list[tuple[str, Template]] = [
    (topic, template) for topic in TOPICS for template in BANK.topic(topic).templates
]


def _ids(item: tuple[str, Template]) -> str:
    return item[1].id


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    """The truths use tiny tensors; intra-op threads only add contention (7x slower when loaded)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.slow
@pytest.mark.parametrize("item", TEMPLATES, ids=_ids)
def test_worked_solution_matches_torch_for_many_seeds(item: tuple[str, Template]) -> None:
    topic, template = item
    report = validate_template(template, topic=topic, samples=SEEDS)
    problems = [f"{p.question_id}: {p.message}" for p in report.problems]
    assert not problems, "\n".join(problems)
    if template.answer.kind in (AnswerKind.VALUE, AnswerKind.INT):
        # a rich domain: students should not meet the same number again and again
        assert report.distinct_answers >= 5, (
            f"{template.id}: only {report.distinct_answers} distinct answers in {SEEDS} seeds"
        )


@pytest.mark.parametrize("item", TEMPLATES, ids=_ids)
def test_rendered_texts_have_no_unfilled_placeholders(item: tuple[str, Template]) -> None:
    _, template = item
    for seed in range(5):
        question = make_question(template, seed)
        for field, text in [
            ("prompt", question.prompt),
            ("hint", question.hint),
            ("solution", question.solution),
            *(("option", option) for option in question.options),
        ]:
            leftover = UNFILLED.search(text)
            assert leftover is None, (
                f"{question.id}.{field}: unfilled {leftover.group(0)!r} in {text!r}"
            )


@pytest.mark.parametrize("item", TEMPLATES, ids=_ids)
def test_every_template_has_hint_solution_and_source(item: tuple[str, Template]) -> None:
    _, template = item
    assert template.hint.strip(), f"{template.id}: empty hint"
    assert template.solution.strip(), f"{template.id}: empty solution"
    assert template.source and template.source.startswith("note "), (
        f"{template.id}: source must name the note and section, got {template.source!r}"
    )


@pytest.mark.parametrize("item", TEMPLATES, ids=_ids)
def test_prompts_asking_for_a_precision_declare_a_matching_tolerance(
    item: tuple[str, Template],
) -> None:
    _, template = item
    tolerance = template.answer.tolerance
    if "significant figures" in template.prompt:
        assert tolerance.sigfigs is not None, f"{template.id}: prompt asks for sig figs"
    if "decimal places" in template.prompt:
        assert tolerance.atol is not None, f"{template.id}: prompt asks for decimal places"


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_offers_levels_one_two_and_three(topic: str) -> None:
    levels = {template.difficulty for template in BANK.topic(topic).templates}
    assert levels == {1, 2, 3}, f"{topic}: levels {sorted(levels)}"


@pytest.mark.parametrize("topic", TOPICS)
def test_template_ids_carry_their_topic_name(topic: str) -> None:
    for template in BANK.topic(topic).templates:
        assert template.id.startswith(f"{topic}-"), f"{template.id} is not in {topic}"


def test_these_topics_hold_at_least_75_templates() -> None:
    assert len(TEMPLATES) >= 75
