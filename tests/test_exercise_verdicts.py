"""Verdict accuracy of the hidden tests: a correct implementation that merely orders its
operations differently passes, and the classic numerical bug fails with a message naming it.

Each variant is a function definition appended to the reference solution, so it replaces the
reference's version of that one function (a later ``def`` wins).

(a) masked branches: ``torch.where(x > 0, x, exp(x) - 1)`` is right forward but back-propagates
``0 * inf = nan`` once ``exp`` overflows. (b) condition: where even the float32 truth is only
good to ``eps * magnitude`` the truth is computed in float64 and the tolerance grows with that
magnitude (``compare.condition_aware``). Audit of every suite:

=============== ============================================================================
activations     (a) elu/sigmoid/tanh exp branches: gradients at ±50, ±100, ±1000 (all five).
                (b) elementwise, rtol 1e-4 is ~800 ulp: expm1 vs exp - 1 etc. already pass.
softmax         (a) log(p) / division guarded by where: gradients at logits ±1000, 1e4.
                (b) large-logit test: float64 truth, atol grows with max|x|.
losses          cross_entropy: (a) and (b) as softmax (``lse - x[t]`` was rejected at 1e4).
                mse/l1/huber/smooth_l1: polynomial branches, nothing overflows; beta = 0 is
                not sampled (the reference divides by beta). BCE takes probabilities; torch
                clamps its gradient at p in {0, 1}, the reference's log-clamp does not, so
                gradients are checked inside (0.05, 0.95) only.
layer_norm,     (b) a mean of 1e3 (float32) / 1e7 (float64) over a unit spread: two-pass
batch_norm      variance in any order passes, ``E[x²] - E[x]²`` fails; atol ~ max|x| / std.
linear          (b) features near 255 against zero-mean weights: atol ~ 4 sqrt(n) eps Σ|x w|.
rnn_cells       (a) saturated gates (inputs ~2000): a hand-written 1 / (1 + exp(-z)) is nan.
conv2d, pooling sums of at most 64 unit-scale terms, no exp/log; fixed tolerances suffice.
optimizers      float64 state, division by sqrt(v) + eps with eps > 0: neither applies.
dropout, init   judged statistically (Hoeffding / DKW); p = 1's gradient is not checked
                because a correct ``zeros_like`` output is not connected to autograd.
modules         composed of the above in float64; broadcasting, conv_arithmetic are exact.
=============== ============================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
import torch

import quizkit
from quizkit.exercises.compare import compare, condition_aware, tolerance_for
from quizkit.exercises.models import TestStatus
from quizkit.exercises.runner import check_exercise

SOLUTIONS = Path(quizkit.__file__).parent.parent / "solutions"
SEEDS = (0, 1, 2)


class Variant(NamedTuple):
    exercise: str
    name: str
    source: str  # appended to the reference solution
    tests: tuple[str, ...]  # hidden tests that judge it


CORRECT = [
    Variant(
        "activations",
        "elu_exp_minus_one",
        """
def elu(x, alpha=1.0):
    return torch.where(x > 0, x, alpha * (torch.exp(torch.clamp(x, max=0)) - 1))
""",
        (
            "elu_gradient_is_finite_at_extreme_inputs",
            "elu_is_exact_and_finite_at_extreme_magnitudes",
        ),
    ),
    Variant(
        "activations",
        "sigmoid_via_softplus_exp",
        """
def sigmoid(x):
    return torch.exp(-torch.logaddexp(torch.zeros_like(x), -x))
""",
        (
            "sigmoid_gradient_is_finite_at_extreme_inputs",
            "sigmoid_is_exact_and_finite_at_extreme_magnitudes",
        ),
    ),
    Variant(
        "activations",
        "tanh_via_stable_sigmoid",
        """
def tanh(x):
    e = torch.exp(-2 * x.abs())
    s = 1 / (1 + e)
    return torch.sign(x) * (2 * s - 1)
""",
        (
            "tanh_gradient_is_finite_at_extreme_inputs",
            "tanh_is_exact_and_finite_at_extreme_magnitudes",
        ),
    ),
    Variant(
        "softmax",
        "log_softmax_minus_logsumexp",
        """
def log_softmax(x, dim):
    m = x.amax(dim=dim, keepdim=True).detach()
    return x - (m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True)))
""",
        (
            "log_softmax_does_not_overflow_for_large_logits",
            "log_softmax_gradient_is_finite_for_large_logits",
        ),
    ),
    Variant(
        "softmax",
        "softmax_exp_of_log_softmax",
        """
def softmax(x, dim):
    m = x.amax(dim=dim, keepdim=True).detach()
    lse = m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))
    return torch.exp(x - lse)
""",
        (
            "softmax_does_not_overflow_for_large_logits",
            "softmax_gradient_is_finite_for_large_logits",
        ),
    ),
    Variant(
        "losses",
        "cross_entropy_logsumexp_minus_target",
        """
def cross_entropy(input, target, reduction="mean"):
    m = input.amax(dim=1, keepdim=True).detach()
    lse = (m + torch.log(torch.exp(input - m).sum(dim=1, keepdim=True))).reshape(-1)
    picked = input.gather(1, target.reshape(-1, 1)).reshape(-1)
    return _reduce(lse - picked, reduction)
""",
        (
            "cross_entropy_is_stable_for_huge_logits",
            "cross_entropy_gradient_is_finite_for_huge_logits",
        ),
    ),
    Variant(
        "layer_norm",
        "layer_norm_rsqrt_sum_over_n",
        """
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    n = 1
    for s in normalized_shape:
        n *= s
    c = input - input.sum(dim=dims, keepdim=True) / n
    out = c * torch.rsqrt((c * c).sum(dim=dims, keepdim=True) / n + eps)
    if weight is not None:
        out = weight * out
    if bias is not None:
        out = out + bias
    return out
""",
        ("layer_norm_is_stable_when_the_mean_dwarfs_the_spread",),
    ),
    Variant(
        "rnn_cells",
        "lstm_stable_sigmoid",
        """
def _sig2(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))

def lstm_cell(input, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None):
    gates = input @ w_ih.t() + hx @ w_hh.t()
    if b_ih is not None:
        gates = gates + (b_ih + b_hh)
    i, f, g, o = gates.chunk(4, dim=1)
    c = _sig2(f) * cx + _sig2(i) * torch.tanh(g)
    h = _sig2(o) * torch.tanh(c)
    return h, c
""",
        (
            "lstm_cell_gradients_are_finite_with_saturated_gates",
            "lstm_cell_matches_torch_with_biases",
        ),
    ),
    Variant(
        "layer_norm",
        "layer_norm_centered_twice",
        """
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    c = input - input.mean(dim=dims, keepdim=True)
    c = c - c.mean(dim=dims, keepdim=True)
    var = c.pow(2).mean(dim=dims, keepdim=True)
    out = c / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out
""",
        ("layer_norm_is_stable_when_the_mean_dwarfs_the_spread",),
    ),
    Variant(
        "linear",
        "linear_broadcast_sum",
        """
def linear(x, weight, bias=None):
    out = (x.unsqueeze(-2) * weight).sum(-1)
    if bias is not None:
        out = bias + out
    return out
""",
        ("linear_on_unnormalized_features_is_judged_by_its_rounding_bound",),
    ),
    Variant(
        "linear",
        "linear_rowwise_loop",
        """
def linear(x, weight, bias=None):
    cols = [(x * weight[j]).sum(dim=-1) for j in range(weight.shape[0])]
    out = torch.stack(cols, dim=-1)
    if bias is not None:
        out = out + bias
    return out
""",
        ("linear_on_unnormalized_features_is_judged_by_its_rounding_bound",),
    ),
    Variant(
        "batch_norm",
        "batch_norm_rsqrt",
        """
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    dims = [0] + list(range(2, input.dim()))
    shape = [1, input.shape[1]] + [1] * (input.dim() - 2)
    n = input.numel() // input.shape[1]
    if training:
        mean = input.sum(dim=dims) / n
        c = input - mean.reshape(shape)
        var = (c * c).sum(dim=dims) / n
        with torch.no_grad():
            running_mean.copy_(running_mean + momentum * (mean.detach() - running_mean))
            running_var.copy_(running_var + momentum * (var.detach() * n / (n - 1) - running_var))
    else:
        mean, var = running_mean, running_var
    scale = torch.rsqrt(var + eps)
    out = (input - mean.reshape(shape)) * scale.reshape(shape)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out
""",
        (
            "batch_norm_is_stable_when_the_mean_dwarfs_the_spread",
            "batch_norm_training_updates_running_stats_in_place_with_unbiased_var",
        ),
    ),
]

MUTANTS = [
    Variant(
        "activations",
        "elu_where_over_exp",
        """
def elu(x, alpha=1.0):
    return torch.where(x > 0, x, alpha * (torch.exp(x) - 1))
""",
        ("elu_gradient_is_finite_at_extreme_inputs",),
    ),
    Variant(
        "activations",
        "sigmoid_naive",
        """
def sigmoid(x):
    return 1 / (1 + torch.exp(-x))
""",
        ("sigmoid_gradient_is_finite_at_extreme_inputs",),
    ),
    Variant(
        "activations",
        "sigmoid_where_unclamped",
        """
def sigmoid(x):
    return torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))
""",
        ("sigmoid_gradient_is_finite_at_extreme_inputs",),
    ),
    Variant(
        "activations",
        "tanh_where_unclamped",
        """
def tanh(x):
    big = x.abs() > 20
    e2 = torch.exp(2 * x)
    return torch.where(big, torch.sign(x), (e2 - 1) / (e2 + 1))
""",
        ("tanh_gradient_is_finite_at_extreme_inputs",),
    ),
    Variant(
        "softmax",
        "log_softmax_where_guarded_log",
        """
def log_softmax(x, dim):
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    e = torch.exp(shifted)
    s = e.sum(dim=dim, keepdim=True)
    p = e / s
    return torch.where(p > 0, torch.log(p), shifted - torch.log(s))
""",
        ("log_softmax_gradient_is_finite_for_large_logits",),
    ),
    Variant(
        "softmax",
        "softmax_where_guarded_division",
        """
def softmax(x, dim):
    e = torch.exp(x)
    s = e.sum(dim=dim, keepdim=True)
    shifted = torch.exp(x - x.amax(dim=dim, keepdim=True).detach())
    safe = shifted / shifted.sum(dim=dim, keepdim=True)
    return torch.where(torch.isfinite(s), e / s, safe)
""",
        ("softmax_gradient_is_finite_for_large_logits",),
    ),
    Variant(
        "losses",
        "cross_entropy_where_guarded_log",
        """
def cross_entropy(input, target, reduction="mean"):
    m = input.amax(dim=1, keepdim=True).detach()
    e = torch.exp(input - m)
    s = e.sum(dim=1, keepdim=True)
    p = e / s
    log_probs = torch.where(p > 0, torch.log(p), input - m - torch.log(s))
    loss = -log_probs.gather(1, target.reshape(-1, 1)).reshape(-1)
    return _reduce(loss, reduction)
""",
        ("cross_entropy_gradient_is_finite_for_huge_logits",),
    ),
    Variant(
        "layer_norm",
        "layer_norm_one_pass_variance",
        """
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    dims = tuple(range(-len(normalized_shape), 0))
    mean = input.mean(dim=dims, keepdim=True)
    var = (input**2).mean(dim=dims, keepdim=True) - mean**2
    out = (input - mean) / torch.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out
""",
        ("layer_norm_is_stable_when_the_mean_dwarfs_the_spread",),
    ),
    Variant(
        "rnn_cells",
        "lstm_naive_sigmoid",
        """
def _sig(z):
    return 1 / (1 + torch.exp(-z))

def lstm_cell(input, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None):
    gates = _affine(input, w_ih, b_ih) + _affine(hx, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, dim=1)
    c = _sig(f) * cx + _sig(i) * torch.tanh(g)
    h = _sig(o) * torch.tanh(c)
    return h, c
""",
        ("lstm_cell_gradients_are_finite_with_saturated_gates",),
    ),
    Variant(
        "rnn_cells",
        "gru_naive_sigmoid",
        """
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    gi = _affine(input, w_ih, b_ih)
    gh = _affine(hx, w_hh, b_hh)
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = 1 / (1 + torch.exp(-(i_r + h_r)))
    z = 1 / (1 + torch.exp(-(i_z + h_z)))
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * hx
""",
        ("gru_cell_gradients_are_finite_with_saturated_gates",),
    ),
    Variant(
        "linear",
        "linear_half_precision",
        """
def linear(x, weight, bias=None):
    out = (x.half() @ weight.half().t()).to(x.dtype)
    if bias is not None:
        out = out + bias
    return out
""",
        ("linear_on_unnormalized_features_is_judged_by_its_rounding_bound",),
    ),
    Variant(
        "batch_norm",
        "batch_norm_one_pass_variance",
        """
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    dims = [0] + list(range(2, input.dim()))
    shape = [1, input.shape[1]] + [1] * (input.dim() - 2)
    if training:
        mean = input.mean(dim=dims)
        var = (input * input).mean(dim=dims) - mean * mean
        n = input.numel() // input.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean.detach())
            running_var.mul_(1 - momentum).add_(momentum * var.detach() * n / (n - 1))
    else:
        mean, var = running_mean, running_var
    out = (input - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out
""",
        ("batch_norm_is_stable_when_the_mean_dwarfs_the_spread",),
    ),
]


def _check(variant: Variant, tmp_path: Path, seed: int) -> dict[str, tuple[TestStatus, str]]:
    path = tmp_path / f"{variant.exercise}.py"
    path.write_text((SOLUTIONS / f"{variant.exercise}.py").read_text() + "\n" + variant.source)
    result = check_exercise(variant.exercise, path, seed=seed, only=list(variant.tests))
    assert sorted(t.name for t in result.tests) == sorted(variant.tests)
    return {t.name: (t.status, t.message) for t in result.tests}


@pytest.mark.slow
@pytest.mark.parametrize("variant", CORRECT, ids=[v.name for v in CORRECT])
def test_a_correct_implementation_that_orders_operations_differently_passes(
    variant: Variant, tmp_path: Path
) -> None:
    for seed in SEEDS:
        for name, (status, message) in _check(variant, tmp_path, seed).items():
            assert status is TestStatus.PASSED, f"seed {seed}: {name}: {message}"


@pytest.mark.slow
@pytest.mark.parametrize("variant", MUTANTS, ids=[v.name for v in MUTANTS])
def test_a_numerically_careless_implementation_fails(variant: Variant, tmp_path: Path) -> None:
    for seed in SEEDS:
        for name, (status, message) in _check(variant, tmp_path, seed).items():
            assert status is TestStatus.FAILED, f"seed {seed}: {name} {status.value}"
            assert message


def test_a_nan_gradient_is_named_with_its_classic_cause(tmp_path: Path) -> None:
    (variant,) = [v for v in MUTANTS if v.name == "elu_where_over_exp"]
    (status, message) = _check(variant, tmp_path, 0)["elu_gradient_is_finite_at_extreme_inputs"]
    assert status is TestStatus.FAILED
    assert "is nan where the true gradient is finite" in message
    assert "torch.where" in message and "0 * inf = nan" in message
    assert "input: x=tensor([-1000, -100, -50, 50, 100, 1000]" in message


def test_condition_aware_tolerance_grows_with_the_magnitude_of_the_inputs() -> None:
    eps32 = torch.finfo(torch.float32).eps
    plain = tolerance_for(torch.float32)
    assert condition_aware(torch.float32, 0.0) == plain
    wide = condition_aware(torch.float32, 1e4)
    assert wide.rtol == plain.rtol
    assert wide.atol == pytest.approx(plain.atol + 16 * eps32 * 1e4)
    assert condition_aware(torch.float32, -1e4) == wide
    loose64 = condition_aware(torch.float64, 1e4, loose=True)
    assert loose64.atol == pytest.approx(
        tolerance_for(torch.float64, True).atol + 16 * 2.0**-52 * 1e4
    )


def test_rounding_at_the_magnitude_of_the_logits_is_accepted_but_an_error_of_one_is_not() -> None:
    expected = torch.tensor([-0.5, -2.0, -1e4], dtype=torch.float32)
    rounded = expected + torch.tensor([1e-3, -1e-3, 0.0])  # ulp(1e4) = 1e-3 in float32
    tol = condition_aware(torch.float32, 1e4)
    assert compare(rounded, expected, "output") is not None  # the fixed tolerance rejects it
    assert compare(rounded, expected, "output", tol) is None
    assert compare(expected + torch.tensor([0.1, 0.0, 0.0]), expected, "output", tol) is not None


def test_a_forward_nan_names_an_overflowing_intermediate() -> None:
    expected = torch.tensor([0.25, 0.75])
    message = compare(torch.tensor([0.25, float("nan")]), expected, "output")
    assert message is not None
    assert "output[1] is nan where the true value is finite" in message
    assert "torch.where" not in message
