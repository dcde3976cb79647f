"""Loading the bank: every schema or YAML error names file, line and field in one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from quizkit.bank.bank import Bank
from quizkit.bank.loader import load_topic_file, summarize_topics
from quizkit.errors import BankError, UnknownQuestionError

GOOD = """\
topic: demo
title: Demo
templates:
  - id: demo-add
    title: Adding
    difficulty: 1
    params:
      a: {ints: [1, 9]}
      b: {ints: [1, 9]}
    let:
      result: "a + b"
    prompt: "What is {a} + {b}?"
    answer:
      kind: int
      expr: "torch.tensor(a) + torch.tensor(b)"
    hint: "Add them."
    solution: "{a} + {b} = {result}"
"""


def test_good_topic_file_loads_and_templates_inherit_the_topic(
    write_bank: Callable[..., Path],
) -> None:
    root = write_bank(demo=GOOD)
    topic = load_topic_file(root / "demo.yaml")
    assert [t.id for t in topic.templates] == ["demo-add"]
    assert topic.templates[0].topic == "demo"


def test_wrong_type_names_file_line_and_template_field(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=GOOD.replace("a: {ints: [1, 9]}", "a: {ints: [1, 9], step: three}"))
    with pytest.raises(BankError) as caught:
        load_topic_file(root / "demo.yaml")
    message = str(caught.value)
    assert message.startswith(f"{root / 'demo.yaml'}:8: demo-add.params.a.step:")
    assert "'three'" in message
    assert "\n" not in message


def test_missing_field_points_at_the_template(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=GOOD.replace('    hint: "Add them."\n', ""))
    with pytest.raises(BankError, match=r"demo.yaml:4: demo-add.hint: Field required"):
        load_topic_file(root / "demo.yaml")


def test_unknown_field_is_rejected_with_its_line(write_bank: Callable[..., Path]) -> None:
    root = write_bank(
        demo=GOOD.replace("    difficulty: 1\n", "    difficulty: 1\n    dificulty: 2\n")
    )
    with pytest.raises(BankError, match=r"demo.yaml:7: demo-add.dificulty: unknown field"):
        load_topic_file(root / "demo.yaml")


def test_yaml_syntax_error_names_the_line(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=GOOD.replace("title: Adding", "title: [Adding"))
    with pytest.raises(BankError, match=r"demo.yaml:\d+: YAML error"):
        load_topic_file(root / "demo.yaml")


def test_solution_must_show_the_result(write_bank: Callable[..., Path]) -> None:
    root = write_bank(
        demo=GOOD.replace('solution: "{a} + {b} = {result}"', 'solution: "{a} + {b}"')
    )
    with pytest.raises(BankError, match=r"demo-add: solution must show \{result\}"):
        load_topic_file(root / "demo.yaml")


def test_unknown_placeholder_is_rejected(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=GOOD.replace("What is {a} + {b}?", "What is {a} + {c}?"))
    with pytest.raises(BankError, match=r"prompt uses \{c\}, which is not a param or let"):
        load_topic_file(root / "demo.yaml")


@pytest.mark.parametrize(
    "prompt", ["What is len({1, 2}) + {a}?", "What is len({1, 2) + {a}?", "A set {a} } here"]
)
def test_a_literal_brace_in_a_prompt_names_the_double_brace_escape(
    write_bank: Callable[..., Path], prompt: str
) -> None:
    root = write_bank(demo=GOOD.replace("What is {a} + {b}?", prompt))
    with pytest.raises(
        BankError, match=r"demo\.yaml:\d+: .*write a literal brace as \{\{ and \}\}"
    ):
        load_topic_file(root / "demo.yaml")


def test_topic_must_match_file_name(write_bank: Callable[..., Path]) -> None:
    root = write_bank(other=GOOD)
    with pytest.raises(BankError, match=r"other.yaml:1: topic: 'demo' must equal the file name"):
        load_topic_file(root / "other.yaml")


def test_duplicate_ids_across_files_are_reported(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=GOOD, more=GOOD.replace("topic: demo", "topic: more"))
    with pytest.raises(BankError, match="duplicate template id 'demo-add'"):
        Bank(root).check_unique_ids()


def test_unknown_topic_lists_the_known_ones(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=GOOD)
    with pytest.raises(UnknownQuestionError, match="unknown topic 'conv'; topics: demo"):
        Bank(root).topic("conv")


def test_summaries_count_templates_and_levels(write_bank: Callable[..., Path]) -> None:
    root = write_bank(demo=GOOD)
    [summary] = summarize_topics(root)
    assert (summary.topic, summary.templates, summary.levels) == ("demo", 1, (1,))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("kind: shape\n      module: 'nn.ReLU()'", "`module` needs an `input` shape"),
        (
            "kind: int\n      expr: '1'\n      code: 'answer = 1'",
            "exactly one of module, expr, code",
        ),
        ("kind: bool\n      static: true\n      expr: 'True'", "either `static` or torch code"),
        ("kind: shape\n      static: true", "static answers are only for bool"),
    ],
)
def test_inconsistent_answer_specs_are_rejected(
    write_bank: Callable[..., Path], answer: str, message: str
) -> None:
    text = GOOD.replace('kind: int\n      expr: "torch.tensor(a) + torch.tensor(b)"', answer)
    root = write_bank(demo=text)
    with pytest.raises(BankError, match=message):
        load_topic_file(root / "demo.yaml")
