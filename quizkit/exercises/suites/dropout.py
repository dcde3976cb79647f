"""Hidden tests of ``dropout``; the truth is torch.nn.functional.dropout in distribution.

Random layers are judged statistically with a bounded false-failure probability: by Hoeffding's
inequality, the fraction of zeros among n independent Bernoulli(p) draws deviates from p by more
than t with probability at most 2·exp(-2·n·t²); t is chosen so that bound is 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import torch
import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import compare
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.protocol import CallReply, Reply
from quizkit.exercises.spec import Case, Rng, Suite, call_case, custom_case, plain_request
from quizkit.exercises.suites._common import DTYPES, test

NAMES = ["input", "p", "training"]
FALSE_FAILURE = 1e-9


def hoeffding_margin(n: int, delta: float = FALSE_FAILURE) -> float:
    """t with 2·exp(-2·n·t²) = delta."""
    return math.sqrt(math.log(2 / delta) / (2 * n))


def _nonzero_input(rng: Rng, *shape: int, dtype: Any = torch.float64) -> torch.Tensor:
    x = rng.uniform(*shape, low=0.5, high=2.0, dtype=dtype)
    sign = torch.where(torch.rand(shape, generator=rng.gen) < 0.5, -1.0, 1.0).to(dtype)
    return x * sign


def _judge_mask(x: torch.Tensor, p: float, reply: Reply) -> str | None:
    """Survivors equal x / (1 - p); the zero fraction and the both-zero fraction of disjoint
    pairs are within the Hoeffding margin of p and p²."""
    if not isinstance(reply, CallReply):
        return f"expected a result, received {type(reply).__name__}"
    out = reply.value
    if not isinstance(out, torch.Tensor) or out.shape != x.shape or out.dtype != x.dtype:
        return compare(out, x, "output")  # reports the shape/dtype/type problem
    kept = out != 0
    scaled = x / (1 - p)
    problem = compare(torch.where(kept, out, scaled), scaled, "surviving elements")
    if problem:
        return problem + f" (survivors must equal input / (1 - p) = input / {1 - p:g})"
    flat = (~kept).reshape(-1).double()
    n = flat.numel()
    frac = float(flat.mean())
    t = hoeffding_margin(n)
    if abs(frac - p) > t:
        return f"{frac:.4f} of {n} elements were zeroed; expected p = {p} ± {t:.4f}"
    pairs = flat[: n // 2 * 2].reshape(-1, 2).prod(dim=1)
    both, t2 = float(pairs.mean()), hoeffding_margin(pairs.numel())
    if abs(both - p * p) > t2:
        return (
            f"{both:.4f} of adjacent pairs were both zeroed; independent draws give p² = "
            f"{p * p:.4f} ± {t2:.4f}"
        )
    return None


@test("dropout_zeroes_a_fraction_p_and_scales_survivors", "dropout", "training", 3.0)
def statistics(rng: Rng) -> Iterator[Case]:
    for i, p in enumerate((0.5, 0.2, 0.8)):
        x = _nonzero_input(rng, 200, 250, dtype=DTYPES[i % 2])
        request = plain_request(rng, "dropout", [x], {"p": p})

        def judge(reply: Reply, x: torch.Tensor = x, p: float = p) -> str | None:
            return _judge_mask(x, p, reply)

        yield custom_case(request, judge, f"input=tensor(200, 250), p={p}")


@test("dropout_default_p_is_one_half", "dropout", "training", 1.0)
def default_p(rng: Rng) -> Iterator[Case]:
    x = _nonzero_input(rng, 100, 300)
    yield custom_case(
        plain_request(rng, "dropout", [x], {}),
        lambda r: _judge_mask(x, 0.5, r),
        "input=tensor(100, 300), no p",
    )


@test("dropout_draws_a_new_mask_on_every_call", "dropout", "training", 1.0)
def fresh_mask(rng: Rng) -> Iterator[Case]:
    x = _nonzero_input(rng, 64, 64)
    first: list[torch.Tensor] = []

    def judge(reply: Reply) -> str | None:
        out = reply.value if isinstance(reply, CallReply) else None
        if not isinstance(out, torch.Tensor) or out.shape != x.shape:
            return compare(out, x, "output")
        mask = out != 0
        if first and torch.equal(mask, first[0]):
            return "two calls zeroed exactly the same elements; the mask must be random each call"
        first.append(mask)
        return None

    for _ in range(2):
        yield custom_case(
            plain_request(rng, "dropout", [x], {"p": 0.5}),
            judge,
            "input=tensor(64, 64), p=0.5, called twice",
        )


def _identity(x: torch.Tensor, p: float = 0.5, training: bool = True) -> torch.Tensor:
    return F.dropout(x, p, training)


@test("dropout_is_the_identity_when_not_training_or_p_is_0", "dropout", "edge cases", 2.0)
def identity(rng: Rng) -> Iterator[Case]:
    for i in range(3):
        x = rng.randn(*rng.sizes(3, 1, 6), dtype=DTYPES[i % 2])
        yield call_case(rng, "dropout", _identity, NAMES, [x], {"p": 0.3, "training": False})
    yield call_case(rng, "dropout", _identity, NAMES, [rng.randn(5, 7)], {"p": 0.0})


@test("dropout_with_p_1_returns_zeros", "dropout", "edge cases", 1.0)
def all_zero(rng: Rng) -> Iterator[Case]:
    for dtype in DTYPES:
        yield call_case(
            rng, "dropout", _identity, NAMES, [rng.randn(4, 6, dtype=dtype)], {"p": 1.0}
        )


@test("dropout_gradient_is_the_mask_over_1_minus_p", "dropout", "training", 2.0)
def gradient(rng: Rng) -> Iterator[Case]:
    for p in (0.3, 0.6):
        x = _nonzero_input(rng, 30, 40)
        upstream = rng.randn(30, 40)
        request = replace(
            plain_request(rng, "dropout", [x], {"p": p}), grad_wrt=(0,), upstream=[upstream]
        )

        def judge(reply: Reply, x: Any = x, p: float = p, g: Any = upstream) -> str | None:
            problem = _judge_mask(x, p, reply)
            if problem or not isinstance(reply, CallReply):
                return problem
            if reply.grad_error:
                return f"backward: {reply.grad_error}"
            grads = reply.grads
            out = reply.value
            expected = torch.where(out != 0, g / (1 - p), torch.zeros_like(g))
            got = grads[0] if isinstance(grads, list) and grads else None
            return compare(got, expected, "gradient of input")

        yield custom_case(request, judge, f"input=tensor(30, 40), p={p}, random upstream grad")


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.dropout",
        "torch.nn.functional.dropout1d",
        "torch.nn.functional.dropout2d",
        "torch.nn.functional.dropout3d",
        "torch.nn.functional.alpha_dropout",
        "torch.nn.functional.feature_alpha_dropout",
        "torch.dropout",
        "torch.dropout_",
        "torch.native_dropout",
        "torch.alpha_dropout",
        "torch.feature_dropout",
        "torch.nn.Dropout",
        "torch.nn.Dropout1d",
        "torch.nn.Dropout2d",
        "torch.nn.AlphaDropout",
        "torch.ops.aten",
    ),
    aten=(
        "aten::dropout",
        "aten::native_dropout",
        "aten::native_dropout_backward",
        "aten::feature_dropout",
        "aten::alpha_dropout",
    ),
)

SUITE = Suite(
    name="dropout",
    api=get_exercise("dropout").api,
    forbidden=FORBIDDEN,
    tests=(statistics, default_p, fresh_mask, identity, all_zero, gradient),
)
