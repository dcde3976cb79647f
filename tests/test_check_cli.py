"""``quizkit check ID@SEED ANSWER``, ``show --json`` and ``validate --json``: the scripting surface."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from quizkit.bank.bank import Bank
from quizkit.bank.question import make_question
from quizkit.bank.truth import compute_truth
from quizkit.cli.main import app

runner = CliRunner()
ADAMW = "regularization-adamw-step@3"


def _check(*args: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["check", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_check_exits_0_for_the_torch_answer_and_reports_it() -> None:
    question = make_question(Bank().template("regularization-adamw-step"), 3)
    truth = compute_truth(question).value
    code, data = _check(ADAMW, repr(truth))
    assert code == 0
    assert data["correct"] is True and data["readable"] is True
    assert data["id"] == ADAMW and data["misconception"] is None
    assert data["truth_value"] == truth
    assert {"answer_read", "accepted", "truth"} <= set(data)


def test_check_names_the_misconception_a_wrong_answer_matches() -> None:
    question = make_question(Bank().template("regularization-adamw-step"), 3)
    [no_decay, _] = compute_truth(question).misconceptions
    code, data = _check(ADAMW, repr(no_decay.value))
    assert code == 1
    assert data["correct"] is False
    assert isinstance(data["misconception"], dict)
    assert data["misconception"]["name"] == "no-weight-decay"
    assert "no weight decay" in data["misconception"]["feedback"]


def test_check_exits_2_and_names_the_stopper_for_unreadable_text() -> None:
    code, data = _check(ADAMW, "2.08§")
    assert code == 2
    assert data["readable"] is False and data["answer_read"] is None
    assert "'§'" in str(data["message"])


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [
        ("conv-out-size@7", "（{0}，{1}，{2}，{3}）"),
        ("conv-out-size@7", "{0}、{1}、{2}、{3}"),
        ("params-conv-groups@4", "{0}。"),
    ],
)
def test_check_accepts_chinese_ime_input_for_real_questions(question_id: str, answer: str) -> None:
    template_id, seed = question_id.split("@")
    question = make_question(Bank().template(template_id), int(seed))
    truth = compute_truth(question).value
    parts = truth if isinstance(truth, tuple) else (truth,)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in answer.format(*parts))
    code, data = _check(question_id, full_width)
    assert (code, data["correct"]) == (0, True), data


def test_check_refuses_a_bare_id_and_an_unknown_template_with_exit_2() -> None:
    assert runner.invoke(app, ["check", "conv-out-size", "1"]).exit_code == 2
    assert runner.invoke(app, ["check", "no-such-template@1", "1"]).exit_code == 2


def test_show_json_with_answer_carries_truth_and_misconceptions() -> None:
    result = runner.invoke(app, ["show", ADAMW, "--answer", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == ADAMW and data["kind"] == "value"
    assert data["prompt"].endswith("Answers within ±0.0005 are accepted.")
    assert [m["name"] for m in data["misconceptions"]] == ["no-weight-decay", "coupled-l2-decay"]


def test_validate_json_counts_templates_samples_and_misconceptions() -> None:
    result = runner.invoke(
        app, ["validate", "--json", "-n", "3", "--template", "regularization-adamw-step"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["templates"] == 1 and data["samples"] == 3
    assert data["misconceptions"] == 2 and data["templates_with_misconceptions"] == 1
    assert data["failures"] == []
