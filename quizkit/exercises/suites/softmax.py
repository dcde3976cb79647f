"""Hidden tests of ``softmax``: the truth is torch.nn.functional.softmax/log_softmax."""

from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import condition_aware
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, HiddenTest, Rng, Suite, call_case
from quizkit.exercises.suites._common import DTYPES, random_shape, test

ORACLES = {"softmax": F.softmax, "log_softmax": F.log_softmax}


def _tests(function: str) -> list[HiddenTest]:
    truth = ORACLES[function]

    def ref(x: torch.Tensor, dim: int) -> torch.Tensor:
        return truth(x, dim)

    @test(f"{function}_matches_torch_along_every_dim", function, function, 2.0)
    def forward(rng: Rng) -> Iterator[Case]:
        for i in range(8):
            shape = random_shape(rng, 1, 4)
            dim = rng.randint(-len(shape), len(shape) - 1)
            x = rng.randn(*shape, dtype=DTYPES[i % 2], scale=4.0)
            yield call_case(rng, function, ref, ["x", "dim"], [x, dim])

    def ref64(x: torch.Tensor, dim: int) -> torch.Tensor:
        # the truth computed in float64 and rounded once: the float32 reference's own rounding
        # at |x| would otherwise eat the student's share of the tolerance
        return truth(x.double(), dim).to(x.dtype)

    def large_logits(rng: Rng, dtype: torch.dtype) -> Iterator[tuple[torch.Tensor, int]]:
        """Rows shifted by +1000 and -1000, and a row with one logit at 1e4 (the others'
        probabilities underflow to exactly 0); along dim 1 or transposed along dim 0."""
        for kind in range(3):
            x = rng.randn(2, 5, dtype=torch.float64, scale=1.0)
            if kind == 0:
                x += 1000.0
            elif kind == 1:
                x -= 1000.0
            else:
                x[:, rng.randint(0, 4)] = 1e4
            if kind != 1:
                yield x.to(dtype), 1
            if kind != 0:
                yield x.to(dtype).t().contiguous(), 0

    @test(f"{function}_does_not_overflow_for_large_logits", function, function, 1.0)
    def large(rng: Rng) -> Iterator[Case]:
        for dtype in DTYPES:
            for x, dim in large_logits(rng, dtype):
                # shift-invariant: a stable formula rounds at |x| (m + log Σ exp(x - m))
                tol = condition_aware(dtype, float(x.abs().max()))
                yield call_case(rng, function, ref64, ["x", "dim"], [x, dim], tol=tol)

    @test(f"{function}_gradient_is_finite_for_large_logits", function, function, 1.0)
    def large_gradient(rng: Rng) -> Iterator[Case]:
        for dtype in DTYPES:
            for x, dim in large_logits(rng, dtype):
                tol = condition_aware(dtype, float(x.abs().max()), loose=True)
                yield call_case(rng, function, ref64, ["x", "dim"], [x, dim], grad_wrt=[0], tol=tol)

    @test(f"{function}_of_a_size_one_dim", function, function, 1.0)
    def size_one(rng: Rng) -> Iterator[Case]:
        x = rng.randn(4, 1, 3)
        yield call_case(rng, function, ref, ["x", "dim"], [x, 1])
        yield call_case(rng, function, ref, ["x", "dim"], [rng.randn(6), 0])

    @test(f"{function}_gradient_matches_autograd", function, function, 2.0)
    def gradient(rng: Rng) -> Iterator[Case]:
        for _ in range(3):
            shape = random_shape(rng, 1, 3)
            dim = rng.randint(-len(shape), len(shape) - 1)
            x = rng.randn(*shape, scale=2.0)
            yield call_case(rng, function, ref, ["x", "dim"], [x, dim], grad_wrt=[0])

    return [forward, large, size_one, gradient, large_gradient]


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.softmax",
        "torch.nn.functional.log_softmax",
        "torch.nn.functional.softmin",
        "torch.softmax",
        "torch.log_softmax",
        "torch.special.softmax",
        "torch.special.log_softmax",
        "torch.Tensor.softmax",
        "torch.Tensor.log_softmax",
        "torch.nn.Softmax",
        "torch.nn.LogSoftmax",
        "torch.nn.Softmax2d",
        "torch._softmax",
        "torch._log_softmax",
        "torch.ops.aten",
    ),
    aten=("aten::_softmax", "aten::_log_softmax", "aten::softmax", "aten::log_softmax"),
)

SUITE = Suite(
    name="softmax",
    api=get_exercise("softmax").api,
    forbidden=FORBIDDEN,
    tests=tuple(_tests("softmax") + _tests("log_softmax")),
)
