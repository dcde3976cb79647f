"""The real bank, template by template: what `quizkit validate` checks, plus authoring rules.

Every template's worked derivation (``let.result``, or ``let.correct`` for a choice) agrees
with the live torch truth for many seeds; answers vary with the seed; rendered texts have no
unfilled placeholders; every template has a hint, a solution and its source in the notes; every
topic offers levels 1-3 so practice can start easy; prompts that ask for a precision declare it.
"""

from __future__ import annotations

import re

import pytest

from quizkit.answers.precision import precision_sentence
from quizkit.bank.bank import Bank
from quizkit.bank.model import AnswerKind, Template
from quizkit.bank.question import make_question
from quizkit.bank.validate import validate_template

SEEDS = 50
# Building a whole zoo network costs up to 0.2 s even on the meta device, and those templates
# have few distinct instances anyway (a stage index, a class count), so fewer seeds cover them.
ZOO_SEEDS = 12
# `{name}`, `{name[0]}` or `{name:.4f}` left in rendered text means a placeholder was not filled;
# literal braces such as a dict `{"params": ...}` in a code block do not match.
UNFILLED = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?(:[^}]*)?\}")

BANK = Bank()
TOPICS = BANK.topic_names()
TEMPLATES = BANK.templates()


def _truth_code(template: Template) -> str:
    spec = template.answer
    return " ".join(part or "" for part in (spec.module, spec.expr, spec.code))


def test_the_bank_has_at_least_150_templates_in_14_topics() -> None:
    assert len(TEMPLATES) >= 150
    assert len(TOPICS) >= 14
    BANK.check_unique_ids()


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_worked_solution_matches_torch_for_many_seeds(template: Template) -> None:
    seeds = ZOO_SEEDS if "zoo.build" in _truth_code(template) else SEEDS
    report = validate_template(template, topic=template.topic, samples=seeds)
    problems = [f"{p.question_id}: {p.message}" for p in report.problems]
    assert not problems, "\n".join(problems)
    kind = template.answer.kind
    if kind in (AnswerKind.LEGAL, AnswerKind.BOOL) and template.answer.static is None:
        # a yes/no question whose answer never changes teaches nothing
        assert report.distinct_answers == 2, f"{template.id}: always the same answer"
    elif kind in (AnswerKind.VALUE, AnswerKind.INT):
        assert report.distinct_answers >= 5, f"{template.id}: {report.distinct_answers} answers"
    elif kind is not AnswerKind.CHOICE:
        assert report.distinct_answers >= 2, f"{template.id}: the answer never changes"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_rendered_texts_have_no_unfilled_placeholders(template: Template) -> None:
    for seed in range(5):
        question = make_question(template, seed)
        texts = [
            ("prompt", question.prompt),
            ("hint", question.hint),
            ("solution", question.solution),
        ]
        for field, text in [*texts, *(("option", option) for option in question.options)]:
            leftover = UNFILLED.search(text)
            assert leftover is None, f"{question.id}.{field}: unfilled {leftover.group(0)!r}"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_every_template_has_hint_solution_and_source(template: Template) -> None:
    assert template.hint.strip(), f"{template.id}: empty hint"
    assert template.solution.strip(), f"{template.id}: empty solution"
    assert template.source and re.match(r"note 00\d: \S", template.source), (
        f"{template.id}: source must name the note and section, got {template.source!r}"
    )


# A hand-written precision sentence in a prompt would say it twice (and could disagree).
HAND_PRECISION = re.compile(
    r"significant figure|decimal place|\bdecimals\b|\bd\.p\.|round(ed)? to|有效数字|位小数", re.I
)
# `3//2` between numbers: an expression the prompt should have evaluated.
FLOOR_DIVISION = re.compile(r"\d\s*//\s*\d")
# `w - -0.5`, `+ -1`: a sign the template should have folded.
DOUBLE_SIGN = re.compile(r"(?<![<>=!\-])[-+]\s*[-+]\s*\d")
# Float noise: 0.15000000000000002, 0.07499999999999996, 2.77556e-17.
FLOAT_NOISE = re.compile(r"\d\.\d*(?:0{6,}[1-9]|9{6,}[0-8])|\de-(?:1[5-9]|[2-9]\d)\b")
RENDER_SEEDS = 20


def _texts(template: Template, seed: int) -> list[tuple[str, str]]:
    question = make_question(template, seed)
    texts = [("prompt", question.prompt), ("hint", question.hint), ("solution", question.solution)]
    return texts + [("option", option) for option in question.options]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_prompts_leave_the_precision_to_the_tolerance(template: Template) -> None:
    assert not HAND_PRECISION.search(template.prompt), (
        f"{template.id}: the prompt states a precision; say it with `tolerance:` instead"
    )


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_every_value_and_count_prompt_ends_with_its_precision(template: Template) -> None:
    spec = template.answer
    if spec.kind not in (AnswerKind.VALUE, AnswerKind.PARAMS, AnswerKind.FLOPS, AnswerKind.INT):
        return
    question = make_question(template, 0)
    listed = isinstance(question.lets.get("result"), list | tuple)
    sentence = precision_sentence(spec.kind, spec.tolerance, listed=listed)
    assert sentence and question.prompt.endswith(sentence), question.prompt[-200:]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_rendered_texts_have_no_floor_division_double_signs_or_float_noise(
    template: Template,
) -> None:
    for seed in range(RENDER_SEEDS):
        for field, text in _texts(template, seed):
            where = f"{template.id}@{seed}.{field}"
            if field == "prompt":
                found = FLOOR_DIVISION.search(text)
                assert found is None, f"{where}: evaluate {found.group(0)!r} for the student"
            for pattern, what in ((DOUBLE_SIGN, "fold the signs"), (FLOAT_NOISE, "round it")):
                found = pattern.search(text)
                assert found is None, f"{where}: {found.group(0)!r}: {what}"


def test_the_bank_names_at_least_300_misconceptions_over_150_templates() -> None:
    counts = [len(t.misconceptions) for t in TEMPLATES]
    assert sum(counts) >= 300 and sum(1 for c in counts if c) >= 150, (sum(counts), len(counts))


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_offers_levels_one_two_and_three(topic: str) -> None:
    levels = {template.difficulty for template in BANK.topic(topic).templates}
    assert levels == {1, 2, 3}, f"{topic}: levels {sorted(levels)}"


@pytest.mark.parametrize("topic", TOPICS)
def test_template_ids_carry_their_topic_name(topic: str) -> None:
    for template in BANK.topic(topic).templates:
        assert template.id.startswith(f"{topic}-"), f"{template.id} is not in {topic}"
