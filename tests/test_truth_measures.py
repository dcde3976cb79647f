"""Every answer kind's measure agrees with a direct torch call on the same subject."""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from quizkit.bank.model import AnswerKind, Template
from quizkit.bank.question import make_question
from quizkit.bank.truth import compute_truth
from quizkit.errors import TemplateError


def _truth(
    answer: dict[str, Any], *, params: dict[str, Any] | None = None, options: Any = None
) -> Any:
    kind = answer["kind"]
    fields: dict[str, Any] = {
        "id": "demo-measure",
        "title": "t",
        "topic": "demo",
        "difficulty": 1,
        "prompt": "p",
        "hint": "h",
        "solution": "s",
        "params": params or {},
        "answer": answer if options is None else {**answer, "options": options},
    }
    if kind not in ("bool", "choice"):
        fields["let"] = {"result": "0"}
        fields["solution"] = "{result}"
    return compute_truth(make_question(Template.model_validate(fields), 0))


def test_shape_of_module_on_meta_equals_direct_call() -> None:
    truth = _truth(
        {
            "kind": "shape",
            "module": "nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))",
            "input": "(20, 16, 50, 100)",
        }
    )
    direct = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))(
        torch.randn(20, 16, 50, 100)
    )
    assert truth.value == tuple(direct.shape) == (20, 33, 26, 100)


def test_shape_of_expression_accepts_sizes_and_tensors() -> None:
    assert _truth({"kind": "shape", "expr": "torch.broadcast_shapes((2, 1, 1), (3,))"}).value == (
        2,
        1,
        3,
    )
    assert _truth({"kind": "shape", "expr": "torch.rand(2, 1, 1) + torch.rand(3)"}).value == (
        2,
        1,
        3,
    )


def test_legal_is_false_with_torchs_message_when_the_op_raises() -> None:
    truth = _truth({"kind": "legal", "expr": "torch.rand(2, 3) + torch.rand(4)"})
    assert truth.value is False
    with pytest.raises(RuntimeError) as caught:
        torch.rand(2, 3, device="meta") + torch.rand(4, device="meta")
    assert truth.detail == str(caught.value).splitlines()[0]
    assert _truth({"kind": "legal", "expr": "torch.rand(2, 1) + torch.rand(4)"}).value is True


def test_params_counts_shared_parameters_once_and_can_count_trainable_only() -> None:
    code = (
        "shared = nn.Linear(8, 8)\n"
        "module = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.Linear(8, 1))\n"
        "module[0].requires_grad_(False)\n"
    )
    total = _truth({"kind": "params", "code": code}).value
    trainable = _truth({"kind": "params", "code": code, "trainable_only": True}).value
    shared = nn.Linear(8, 8)
    direct = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.Linear(8, 1))
    assert total == sum(p.numel() for p in direct.parameters()) == 40 + 72 + 9
    assert trainable == total - 40


def test_params_on_meta_do_not_allocate_vgg_sized_weights() -> None:
    truth = _truth({"kind": "params", "module": "nn.Linear(25088, 4096)"})
    assert truth.value == 25088 * 4096 + 4096


def test_flops_follow_the_notes_formula_with_one_mac_as_two_flops() -> None:
    truth = _truth(
        {"kind": "flops", "module": "nn.Conv2d(64, 64, 3, padding=1)", "input": "(1, 64, 480, 640)"}
    )
    with FlopCounterMode(display=False) as counter:
        nn.Conv2d(64, 64, 3, padding=1, device="meta")(torch.empty(1, 64, 480, 640, device="meta"))
    assert truth.value == counter.get_total_flops() == 2 * 3 * 3 * 64 * 64 * 480 * 640


def test_value_of_a_loss_equals_the_functional_call_in_float64_by_default() -> None:
    truth = _truth(
        {"kind": "value", "expr": "F.cross_entropy(torch.tensor([z]), torch.tensor([y]))"},
        params={"z": {"value": [1.0, 2.0, 0.5]}, "y": {"value": 1}},
    )
    logits = torch.tensor([[1.0, 2.0, 0.5]], dtype=torch.float64)
    direct = F.cross_entropy(logits, torch.tensor([1])).item()
    assert truth.value == pytest.approx(direct, rel=1e-15)
    assert torch.get_default_dtype() is torch.float32  # restored after the truth


def test_value_of_a_tensor_is_a_flat_list() -> None:
    truth = _truth({"kind": "value", "expr": "torch.softmax(torch.tensor([1.0, 2.0]), 0)"})
    assert truth.value == pytest.approx(torch.softmax(torch.tensor([1.0, 2.0]), 0).tolist())


def test_int_from_code_and_non_integral_int_is_a_template_error() -> None:
    code = "loader = torch.utils.data.DataLoader(list(range(10)), batch_size=3, drop_last=True)\nanswer = len(loader)"
    assert _truth({"kind": "int", "code": code}).value == 3
    with pytest.raises(TemplateError, match="must be integral"):
        _truth({"kind": "int", "expr": "2.5"})


def test_bool_checks_a_statement_live() -> None:
    expr = "bool(torch.equal(F.dropout(torch.ones(5), 0.5, training=False), torch.ones(5)))"
    assert _truth({"kind": "bool", "expr": expr}).value is True
    assert _truth({"kind": "bool", "static": False}).value is False


def test_choice_picks_the_only_option_whose_check_is_true() -> None:
    options = [
        {
            "text": "nn.Conv2d(3, 8, 3)",
            "when": "sum(p.numel() for p in nn.Conv2d(3, 8, 3).parameters()) == 0",
        },
        {
            "text": "nn.MaxPool2d(2)",
            "when": "sum(p.numel() for p in nn.MaxPool2d(2).parameters()) == 0",
        },
        {
            "text": "nn.BatchNorm2d(8)",
            "when": "sum(p.numel() for p in nn.BatchNorm2d(8).parameters()) == 0",
        },
    ]
    truth = _truth({"kind": "choice"}, options=options)
    assert (truth.kind, truth.value) == (AnswerKind.CHOICE, 1)


def test_choice_with_two_true_options_is_a_template_error() -> None:
    options = [{"text": "a", "when": "True"}, {"text": "b", "when": "True"}]
    with pytest.raises(TemplateError, match="exactly one option"):
        _truth({"kind": "choice"}, options=options)


def test_broken_truth_code_is_a_template_error_naming_the_field() -> None:
    with pytest.raises(TemplateError, match=r"demo-measure@0.answer.expr: NameError"):
        _truth({"kind": "int", "expr": "undefined_name"})
    with pytest.raises(TemplateError, match="torch raised RuntimeError"):
        _truth({"kind": "shape", "expr": "torch.rand(2) + torch.rand(3)"})
