"""The topics conv, pooling, broadcasting, params, flops, tensors and models.

Every template's worked derivation (``let.result``) must agree with the live torch truth for many
seeds; a choice template's ``let.correct`` must name the option torch picks; every rendered text
must be free of unfilled placeholders; each topic must offer all three levels so practice can
start easy; every template names the note and section it practises.
"""

from __future__ import annotations

import re

import pytest

from quizkit.bank.bank import Bank
from quizkit.bank.model import AnswerKind, Template
from quizkit.bank.question import make_question
from quizkit.bank.truth import compute_truth
from quizkit.bank.validate import validate_template

TOPICS = ("conv", "pooling", "broadcasting", "params", "flops", "tensors", "models")
SEEDS = 30
# Building a whole zoo network costs up to 0.2 s even on the meta device, and those templates
# have few distinct instances anyway (a stage index, a class count), so fewer seeds cover them.
ZOO_SEEDS = 12
# `{name}`, `{name[0]}` or `{name:.4f}` left in rendered text means a placeholder was not filled.
UNFILLED = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?(:[^}]*)?\}")

BANK = Bank()
TEMPLATES: list[tuple[str, Template]] = [
    (topic, template) for topic in TOPICS for template in BANK.topic(topic).templates
]


def _ids(item: tuple[str, Template]) -> str:
    return item[1].id


def _truth_code(template: Template) -> str:
    spec = template.answer
    return " ".join(part or "" for part in (spec.module, spec.expr, spec.code))


@pytest.mark.slow
@pytest.mark.parametrize("item", TEMPLATES, ids=_ids)
def test_worked_solution_matches_torch_for_many_seeds(item: tuple[str, Template]) -> None:
    topic, template = item
    seeds = ZOO_SEEDS if "zoo.build" in _truth_code(template) else SEEDS
    report = validate_template(template, topic=topic, samples=seeds)
    problems = [f"{p.question_id}: {p.message}" for p in report.problems]
    assert not problems, "\n".join(problems)
    if template.answer.kind in (AnswerKind.LEGAL, AnswerKind.BOOL):
        # a yes/no question whose answer never changes teaches nothing
        assert report.distinct_answers == 2, f"{template.id}: always {report.distinct_answers}"
    elif template.answer.kind is not AnswerKind.CHOICE:
        assert report.distinct_answers >= 2, f"{template.id}: the answer never changes"


@pytest.mark.slow
@pytest.mark.parametrize(
    "item",
    [item for item in TEMPLATES if item[1].answer.kind is AnswerKind.CHOICE],
    ids=_ids,
)
def test_choice_derivation_names_the_option_torch_picks(item: tuple[str, Template]) -> None:
    _, template = item
    assert "correct" in template.let, f"{template.id}: a choice template derives `correct`"
    for seed in range(SEEDS):
        question = make_question(template, seed)
        truth = compute_truth(question)
        assert question.lets["correct"] == truth.value, (
            f"{question.id}: derivation says option {question.lets['correct']}, "
            f"torch says {truth.value}"
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
    assert template.source and re.match(r"note 00\d: \S", template.source), (
        f"{template.id}: source must name the note and section, got {template.source!r}"
    )


@pytest.mark.parametrize("item", TEMPLATES, ids=_ids)
def test_prompts_asking_for_significant_figures_declare_them(item: tuple[str, Template]) -> None:
    _, template = item
    if "significant figures" in template.prompt:
        assert template.answer.tolerance.sigfigs is not None, (
            f"{template.id}: the prompt asks for significant figures"
        )


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_offers_levels_one_two_and_three(topic: str) -> None:
    levels = {template.difficulty for template in BANK.topic(topic).templates}
    assert levels == {1, 2, 3}, f"{topic}: levels {sorted(levels)}"


@pytest.mark.parametrize("topic", TOPICS)
def test_template_ids_carry_their_topic_name(topic: str) -> None:
    for template in BANK.topic(topic).templates:
        assert template.id.startswith(f"{topic}-"), f"{template.id} is not in {topic}"


def test_these_topics_hold_at_least_80_templates() -> None:
    assert len(TEMPLATES) >= 80, f"only {len(TEMPLATES)} templates"
