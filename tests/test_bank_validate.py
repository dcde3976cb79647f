"""``quizkit validate`` catches bad templates (the real bank is validated in test_bank_quality)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizkit.bank.bank import Bank
from quizkit.bank.validate import validate_bank
from quizkit.cli.main import app

TEMPLATE = """\
topic: demo
title: Demo
templates:
  - id: demo-conv
    title: conv
    difficulty: 1
    params:
      h: {{ints: [{low}, 12]}}
    let:
      result: "(1, 1, {formula}, {formula})"
    prompt: "Input (1, 1, {{h}}, {{h}}) through nn.Conv2d(1, 1, 5)?"
    answer:
      kind: shape
      module: "nn.Conv2d(1, 1, 5)"
      input: "(1, 1, h, h)"
    hint: "h - k + 1"
    solution: "{{result}}"
"""


def test_validate_passes_a_correct_template(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=TEMPLATE.format(low=5, formula="h - 4"))
    report = validate_bank(Bank(root), samples=20)
    assert report.ok
    assert report.templates[0].distinct_answers == 8


def test_validate_catches_a_derivation_that_disagrees_with_torch(
    write_bank: Callable[..., Path],
) -> None:
    root = write_bank(demo=TEMPLATE.format(low=5, formula="h - 5"))
    [template] = validate_bank(Bank(root), samples=20).templates
    assert not template.ok
    match = re.search(
        r"worked solution gives \(1, 1, (\d+), \1\), torch gives \(1, 1, (\d+), \2\)",
        template.problems[0].message,
    )
    assert match is not None, template.problems[0].message
    assert int(match.group(2)) == int(match.group(1)) + 1


def test_validate_catches_torch_errors_and_degenerate_answers(
    write_bank: Callable[..., Path],
) -> None:
    root = write_bank(demo=TEMPLATE.format(low=1, formula="h - 4"))
    [template] = validate_bank(Bank(root), samples=20).templates
    messages = " ".join(p.message for p in template.problems)
    assert "torch raised RuntimeError" in messages


def test_validate_command_exits_1_on_failure_and_0_on_success(
    write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.setenv(
        "QUIZKIT_BANK", str(write_bank(demo=TEMPLATE.format(low=5, formula="h - 5")))
    )
    failed = runner.invoke(app, ["validate", "-n", "5"], env={"COLUMNS": "200"})
    assert failed.exit_code == 1
    assert "1 template(s) failed validation" in failed.output
    monkeypatch.setenv(
        "QUIZKIT_BANK", str(write_bank(demo=TEMPLATE.format(low=5, formula="h - 4")))
    )
    passed = runner.invoke(app, ["validate", "-n", "5"], env={"COLUMNS": "200"})
    assert passed.exit_code == 0, passed.output
    assert "All 1 templates valid" in passed.output


GELU = """\
topic: demo
title: Demo
templates:
  - id: demo-gelu
    title: gelu
    difficulty: 1
    params:
      x: {{floats: [0.5, 2]}}
    let:
      result: "{formula}"
    prompt: "F.gelu({{x}})?"
    answer:
      kind: value
      expr: "F.gelu(torch.tensor(x))"
    hint: "x * Phi(x)"
    solution: "{{result}}"
"""


@pytest.mark.parametrize(
    ("formula", "ok"),
    [
        ("x * 0.5 * (1 + math.erf(x / sqrt(2)))", True),
        # tanh approximation: within the student's 1% everywhere, but not the exact GELU
        ("0.5 * x * (1 + tanh(sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))", False),
    ],
)
def test_validate_holds_worked_solutions_to_1e9_not_to_the_student_tolerance(
    write_bank: Callable[..., Path], formula: str, ok: bool
) -> None:
    report = validate_bank(Bank(write_bank(demo=GELU.format(formula=formula))), samples=10)
    assert report.ok is ok, [p.message for t in report.templates for p in t.problems]
