"""Misconceptions: classic wrong answers computed by torch, proven rejected, named when given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from quizkit.answers.misconception import matching_misconception
from quizkit.bank.bank import Bank
from quizkit.bank.question import make_question
from quizkit.bank.truth import compute_truth
from quizkit.bank.validate import validate_bank
from quizkit.errors import QuizkitError

CONV = """\
topic: demo
title: Demo
templates:
  - id: demo-conv
    title: conv
    difficulty: 1
    params:
      h: {{ints: [6, 12]}}
      p: {{ints: [{low_padding}, 2]}}
    let:
      result: "(1, 1, h + 2 * p - 2, h + 2 * p - 2)"
    prompt: "Input (1, 1, {{h}}, {{h}}) through nn.Conv2d(1, 1, 3, padding={{p}})?"
    answer:
      kind: shape
      module: "nn.Conv2d(1, 1, 3, padding=p)"
      input: "(1, 1, h, h)"
    misconceptions:
      - name: padding-one-side
        expr: "(1, 1, formulas.conv_output_size(h + p, 3), formulas.conv_output_size(h + p, 3))"
        feedback: "You padded one side only: padding={{p}} adds {{p}} on each side."
      - name: forgot-padding
        expr: "(1, 1, h - 2, h - 2)"
        feedback: "You ignored the padding."
    hint: "h + 2p - k + 1"
    solution: "{{result}}"
"""

PARAMS = """\
topic: demo
title: Demo
templates:
  - id: demo-params
    title: params
    difficulty: 1
    params:
      c: {ints: [2, 8]}
    let:
      result: "c * c * 9 + c"
    prompt: "Parameters of nn.Conv2d({c}, {c}, 3)?"
    answer:
      kind: params
      module: "nn.Conv2d(c, c, 3)"
    misconceptions:
      - name: forgot-bias
        code: |
          answer = sum(p.numel() for p in nn.Conv2d(c, c, 3, bias=False).parameters())
        feedback: "You left out the {c} biases."
    hint: "weights and biases"
    solution: "{result}"
"""


def test_truth_carries_each_misconception_computed_by_torch(
    write_bank: Callable[..., Path],
) -> None:
    bank = Bank(write_bank(demo=PARAMS))
    question = make_question(bank.template("demo-params"), 3)
    truth = compute_truth(question)
    c = question.params["c"]
    assert [(w.name, w.value) for w in truth.misconceptions] == [("forgot-bias", c * c * 9)]
    assert question.feedback == {"forgot-bias": f"You left out the {c} biases."}


def test_an_answer_matching_a_misconception_is_named(write_bank: Callable[..., Path]) -> None:
    bank = Bank(write_bank(demo=CONV.format(low_padding=1)))
    question = make_question(bank.template("demo-conv"), 0)
    truth = compute_truth(question)
    h, p = question.params["h"], question.params["p"]
    tolerance = question.template.answer.tolerance
    named = matching_misconception(
        truth.kind, (1, 1, h - 2, h - 2), truth.misconceptions, tolerance
    )
    assert named == "forgot-padding"
    right = matching_misconception(truth.kind, truth.value, truth.misconceptions, tolerance)
    assert right is None
    assert truth.value == (1, 1, h + 2 * p - 2, h + 2 * p - 2)


def test_validate_passes_when_every_misconception_is_rejected(
    write_bank: Callable[..., Path],
) -> None:
    report = validate_bank(Bank(write_bank(demo=CONV.format(low_padding=1))), samples=30)
    assert report.ok, [p.message for t in report.templates for p in t.problems]


def test_validate_fails_when_the_tolerance_accepts_a_misconception(
    write_bank: Callable[..., Path],
) -> None:
    # padding=0 makes "forgot the padding" the right answer: the question cannot tell them apart
    report = validate_bank(Bank(write_bank(demo=CONV.format(low_padding=0))), samples=30)
    [template] = report.templates
    problems = [p.message for p in template.problems]
    assert problems
    assert any("misconception forgot-padding gives (1, 1" in m and "accepts" in m for m in problems)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{name: Bad Name, expr: '1', feedback: x}", "lower-case words"),
        ("{name: both, expr: '1', code: 'answer = 1', feedback: x}", "exactly one of expr, code"),
        ("{name: neither, feedback: x}", "exactly one of expr, code"),
        ("{name: unknown, expr: '1', feedback: 'uses {nothing}'}", "not a param or let"),
    ],
)
def test_a_malformed_misconception_is_a_load_error_naming_the_field(
    write_bank: Callable[..., Path], entry: str, message: str
) -> None:
    text = PARAMS.replace(
        "    misconceptions:\n      - name: forgot-bias\n        code: |\n"
        "          answer = sum(p.numel() for p in nn.Conv2d(c, c, 3, bias=False).parameters())\n"
        '        feedback: "You left out the {c} biases."\n',
        f"    misconceptions:\n      - {entry}\n",
    )
    with pytest.raises(QuizkitError, match=message):
        Bank(write_bank(demo=text)).template("demo-params")


def test_misconceptions_are_refused_on_yes_no_questions(write_bank: Callable[..., Path]) -> None:
    text = """\
topic: demo
title: Demo
templates:
  - id: demo-bool
    title: b
    difficulty: 1
    prompt: "True?"
    answer: {kind: bool, static: true}
    misconceptions: [{name: flipped, expr: "False", feedback: "no"}]
    hint: h
    solution: s
"""
    with pytest.raises(QuizkitError, match="misconceptions are for number, shape and value"):
        Bank(write_bank(demo=text)).template("demo-bool")
