"""Hidden tests of ``linear``: the truth is torch.nn.functional.linear."""

from __future__ import annotations

from collections.abc import Iterator

import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
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
    tests=(with_bias, without_bias, edges, gradients),
)
