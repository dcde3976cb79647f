"""Hidden tests of ``linear``: the truth is torch.nn.functional.linear."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import condition_aware
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, Rng, Suite, call_case
from quizkit.exercises.suites._common import DTYPES, test

NAMES = ["x", "weight", "bias"]


def _shapes(rng: Rng) -> tuple[tuple[int, ...], int, int]:
    lead = rng.sizes(rng.randint(0, 3), 2, 6)
    n_in, n_out = rng.sizes(2, 2, 9)
    return tuple(lead), n_in, n_out


@test("linear_with_bias_matches_torch", "linear", "forward", 2.0)
def with_bias(rng: Rng) -> Iterator[Case]:
    for i in range(6):
        lead, n_in, n_out = _shapes(rng)
        dt = DTYPES[i % 2]
        x, w, b = (
            rng.randn(*lead, n_in, dtype=dt),
            rng.randn(n_out, n_in, dtype=dt),
            rng.randn(n_out, dtype=dt),
        )
        yield call_case(rng, "linear", F.linear, NAMES, [x, w, b])


@test("linear_without_bias_matches_torch", "linear", "forward", 1.0)
def without_bias(rng: Rng) -> Iterator[Case]:
    for i in range(4):
        lead, n_in, n_out = _shapes(rng)
        x, w = rng.randn(*lead, n_in), rng.randn(n_out, n_in)
        if i == 0:
            yield call_case(rng, "linear", F.linear, NAMES, [x, w])
        else:
            yield call_case(rng, "linear", F.linear, NAMES, [x, w], {"bias": None})


@test("linear_handles_size_one_features_and_1d_input", "linear", "forward", 1.0)
def edges(rng: Rng) -> Iterator[Case]:
    yield call_case(
        rng, "linear", F.linear, NAMES, [rng.randn(5, 1), rng.randn(3, 1), rng.randn(3)]
    )
    yield call_case(rng, "linear", F.linear, NAMES, [rng.randn(4), rng.randn(1, 4), rng.randn(1)])
    yield call_case(rng, "linear", F.linear, NAMES, [rng.randn(1, 1, 7), rng.randn(2, 7)])


def _linear64(x: torch.Tensor, weight: torch.Tensor, bias: Any = None) -> torch.Tensor:
    """The truth in float64, rounded once to the input's dtype."""
    b = None if bias is None else bias.double()
    return F.linear(x.double(), weight.double(), b).to(x.dtype)


@test("linear_on_unnormalized_features_is_judged_by_its_rounding_bound", "linear", "forward", 1.0)
def unnormalized(rng: Rng) -> Iterator[Case]:
    """Float32 features near 255 (raw pixel values) against zero-mean weight rows: each output
    is a small difference of terms in the tens of thousands, so any summation order (``@``,
    ``(x * w).sum(-1)``, a loop) is off by far more than a fixed ``atol`` from any other.
    The tolerance is the dot product's error bound, ``c sqrt(n) eps Σ_i |x_i w_i| + |b|``
    (the probabilistic form of ``γ_n Σ |x_i w_i|``): a float32 sum in any order passes,
    accumulating in half precision does not."""
    for _ in range(2):
        lead, n_in, n_out = (rng.randint(2, 5),), rng.randint(128, 384), rng.randint(3, 9)
        x = (rng.randn(*lead, n_in, scale=2.0) + 255.0).float()
        w = rng.randn(n_out, n_in)
        w = (w - w.mean(dim=1, keepdim=True)).float()
        b = rng.randn(n_out, dtype=torch.float32)
        terms = x.double().abs() @ w.double().abs().t() + b.double().abs()
        tol = condition_aware(torch.float32, float(terms.max()), ulps=4.0 * math.sqrt(n_in))
        yield call_case(rng, "linear", _linear64, NAMES, [x, w, b], tol=tol)


@test("linear_gradients_match_autograd", "linear", "gradients", 2.0)
def gradients(rng: Rng) -> Iterator[Case]:
    for _ in range(3):
        lead, n_in, n_out = _shapes(rng)
        x, w, b = rng.randn(*lead, n_in), rng.randn(n_out, n_in), rng.randn(n_out)
        yield call_case(rng, "linear", F.linear, NAMES, [x, w, b], grad_wrt=[0, 1, 2])


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.linear",
        "torch.nn.functional.bilinear",
        "torch._C._nn.linear",
        "torch.nn.Linear",
        "torch.nn.LazyLinear",
        "torch.ops.aten",
    ),
    aten=("aten::linear",),
)

SUITE = Suite(
    name="linear",
    api=get_exercise("linear").api,
    forbidden=FORBIDDEN,
    tests=(with_bias, without_bias, edges, unnormalized, gradients),
)
