"""Careless implementations, the kind a TA sees, fail the hidden test written for them."""

from __future__ import annotations

from pathlib import Path

import pytest

import quizkit
from quizkit.exercises.models import TestStatus
from quizkit.exercises.runner import check_exercise

SOLUTIONS = Path(quizkit.__file__).parent.parent / "solutions"

# (exercise, replace this in the solution, by this, a test that must fail)
MUTATIONS = [
    (
        "softmax",
        "shifted = x - x.amax(dim=dim, keepdim=True).detach()\n    e",
        "shifted = x\n    e",
        "softmax_does_not_overflow_for_large_logits",
    ),
    (
        "layer_norm",
        "** 2).mean(dim=dims, keepdim=True)",
        "** 2).sum(dim=dims, keepdim=True) / (input[..., :1].numel() * 0 + max(1, 1))",
        "layer_norm_over_the_last_dim_matches_torch",
    ),
    (
        "batch_norm",
        "* n / (n - 1)",
        "",
        "batch_norm_training_updates_running_stats_in_place_with_unbiased_var",
    ),
    (
        "conv2d",
        "out = out + bias.reshape(1, c_out, 1, 1)",
        "out = out + bias.reshape(1, c_out, 1, 1) * 0",
        "conv2d_with_defaults_matches_torch",
    ),
    (
        "losses",
        "log_p = torch.clamp(torch.log(input), min=-100)",
        "log_p = torch.log(input)",
        "binary_cross_entropy_clamps_log_at_minus_100_for_exact_0_and_1",
    ),
    (
        "optimizers",
        "m_hat = m / (1 - beta1**step)",
        "m_hat = m",
        "adam_step_with_defaults_matches_torch_over_several_steps",
    ),
    (
        "init",
        "math.sqrt(6.0 / (fan_in + fan_out))",
        "math.sqrt(6.0 / fan_in)",
        "xavier_uniform__of_a_linear_weight_has_the_right_distribution",
    ),
    ("dropout", "/ (1 - p)", "", "dropout_zeroes_a_fraction_p_and_scales_survivors"),
    (
        "pooling",
        ".mean(dim=-1)",
        ".sum(dim=-1) / (kernel_size if isinstance(kernel_size, int) else 1) ** 2",
        "avg_pool2d_with_stride_and_padding_matches_torch",
    ),
    (
        "conv_arithmetic",
        "if ceil_mode and (size - 1) * s >= n + p:",
        "if False:",
        "pool2d_output_size_matches_torch_with_and_without_ceil_mode",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "failing"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
def test_a_careless_implementation_fails_its_hidden_test(
    name: str, old: str, new: str, failing: str, tmp_path: Path
) -> None:
    source = (SOLUTIONS / f"{name}.py").read_text()
    assert old in source
    path = tmp_path / f"{name}.py"
    path.write_text(source.replace(old, new, 1))
    result = check_exercise(name, path, seed=5, only=[failing])
    (test,) = result.tests
    assert test.status is TestStatus.FAILED, test.message
    assert test.message
